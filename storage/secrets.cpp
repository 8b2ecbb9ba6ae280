#include "storage/secrets.hpp"

#include <sodium.h>

#include <stdexcept>
#include <vector>

namespace socialcrm::storage {

void init_secrets() {
  // sodium_init is thread-safe and idempotent; < 0 means no entropy source.
  if (sodium_init() < 0)
    throw std::runtime_error("libsodium cannot be initialised");
}

std::string hash_password(std::string_view password) {
  init_secrets();
  char out[crypto_pwhash_STRBYTES];
  if (crypto_pwhash_str(out, password.data(), password.size(),
                        crypto_pwhash_OPSLIMIT_INTERACTIVE,
                        crypto_pwhash_MEMLIMIT_INTERACTIVE) != 0)
    throw std::runtime_error("out of memory while hashing a password");
  return out;
}

bool verify_password(const std::string& hash, std::string_view password) {
  init_secrets();
  return crypto_pwhash_str_verify(hash.c_str(), password.data(),
                                  password.size()) == 0;
}

std::string random_token(std::size_t bytes) {
  init_secrets();
  std::vector<unsigned char> raw(bytes);
  randombytes_buf(raw.data(), raw.size());
  auto variant = sodium_base64_VARIANT_URLSAFE_NO_PADDING;
  std::string out(sodium_base64_ENCODED_LEN(bytes, variant), '\0');
  sodium_bin2base64(out.data(), out.size(), raw.data(), raw.size(), variant);
  out.resize(out.find('\0'));
  return out;
}

std::string token_digest(std::string_view token) {
  init_secrets();
  std::string out(crypto_generichash_BYTES, '\0');
  crypto_generichash(reinterpret_cast<unsigned char*>(out.data()), out.size(),
                     reinterpret_cast<const unsigned char*>(token.data()),
                     token.size(), nullptr, 0);
  return out;
}

bool secrets_equal(std::string_view a, std::string_view b) {
  if (a.size() != b.size() || a.empty())
    return false;
  return sodium_memcmp(a.data(), b.data(), a.size()) == 0;
}

} // namespace socialcrm::storage
