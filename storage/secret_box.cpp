#include "storage/secret_box.hpp"

#include <sodium.h>

#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <stdexcept>
#include <sys/stat.h>
#include <unistd.h>

namespace socialcrm::storage {

namespace {

std::string read_key(const std::string& path) {
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0)
    return {};
  std::string key(crypto_secretbox_KEYBYTES + 1, '\0');
  auto n = ::read(fd, key.data(), key.size());
  ::close(fd);
  if (n != static_cast<ssize_t>(crypto_secretbox_KEYBYTES))
    throw std::runtime_error("key file " + path + " is not a "
                             + std::to_string(crypto_secretbox_KEYBYTES)
                             + "-byte secretbox key");
  key.resize(crypto_secretbox_KEYBYTES);
  return key;
}

std::string create_key(const std::string& path) {
  std::string key(crypto_secretbox_KEYBYTES, '\0');
  crypto_secretbox_keygen(reinterpret_cast<unsigned char*>(key.data()));
  // O_EXCL: two processes starting at once must not both write a key.
  int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
  if (fd < 0) {
    if (errno == EEXIST)
      return read_key(path);
    throw std::runtime_error("cannot create key file " + path + ": "
                             + std::strerror(errno));
  }
  auto n = ::write(fd, key.data(), key.size());
  ::fsync(fd);
  ::close(fd);
  if (n != static_cast<ssize_t>(key.size()))
    throw std::runtime_error("cannot write key file " + path);
  return key;
}

} // namespace

secret_box::secret_box(const std::string& key_file) {
  if (sodium_init() < 0)
    throw std::runtime_error("libsodium failed to initialise");
  key_ = read_key(key_file);
  if (key_.empty())
    key_ = create_key(key_file);
}

std::string secret_box::seal(const std::string& plain) const {
  std::string out(crypto_secretbox_NONCEBYTES + crypto_secretbox_MACBYTES
                    + plain.size(),
                  '\0');
  auto* nonce = reinterpret_cast<unsigned char*>(out.data());
  randombytes_buf(nonce, crypto_secretbox_NONCEBYTES);
  crypto_secretbox_easy(nonce + crypto_secretbox_NONCEBYTES,
                        reinterpret_cast<const unsigned char*>(plain.data()),
                        plain.size(), nonce,
                        reinterpret_cast<const unsigned char*>(key_.data()));
  return out;
}

expected<std::string> secret_box::open(const std::string& sealed) const {
  constexpr auto overhead = crypto_secretbox_NONCEBYTES
                            + crypto_secretbox_MACBYTES;
  if (sealed.size() < overhead)
    return make_error("token_undecryptable", "stored token is truncated");
  std::string plain(sealed.size() - overhead, '\0');
  auto* nonce = reinterpret_cast<const unsigned char*>(sealed.data());
  if (crypto_secretbox_open_easy(
        reinterpret_cast<unsigned char*>(plain.data()),
        nonce + crypto_secretbox_NONCEBYTES,
        sealed.size() - crypto_secretbox_NONCEBYTES, nonce,
        reinterpret_cast<const unsigned char*>(key_.data()))
      != 0)
    return make_error("token_undecryptable",
                      "stored token was sealed with another key");
  return plain;
}

} // namespace socialcrm::storage
