#pragma once

// A PKCE pair computed the way RFC 7636 appendix B shows, independently of
// the emulator's own check.

#include <sodium.h>

#include <string>

namespace socialcrm::test {

inline std::string s256_challenge(const std::string& verifier) {
  unsigned char digest[crypto_hash_sha256_BYTES];
  crypto_hash_sha256(digest,
                     reinterpret_cast<const unsigned char*>(verifier.data()),
                     verifier.size());
  char out[sodium_base64_ENCODED_LEN(crypto_hash_sha256_BYTES,
                                     sodium_base64_VARIANT_URLSAFE_NO_PADDING)];
  sodium_bin2base64(out, sizeof out, digest, sizeof digest,
                    sodium_base64_VARIANT_URLSAFE_NO_PADDING);
  return out;
}

} // namespace socialcrm::test
