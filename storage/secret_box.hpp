#pragma once

#include "protocol/error.hpp"

#include <string>

namespace socialcrm::storage {

/// Encrypts OAuth tokens at rest (libsodium secretbox: XSalsa20-Poly1305).
/// The key lives in a file of its own in the data directory, created 0600
/// on first use, so a copied database alone does not leak tokens.
class secret_box {
public:
  /// Loads the key at `key_file`, creating it (mode 0600) when absent.
  /// Throws std::runtime_error when the file cannot be read or written or
  /// has the wrong size.
  explicit secret_box(const std::string& key_file);

  /// nonce || ciphertext, as stored in the database.
  std::string seal(const std::string& plain) const;

  /// The plain text, or `token_undecryptable` when the data was not sealed
  /// with this key (a key file from another installation).
  expected<std::string> open(const std::string& sealed) const;

  /// The key file's name inside a data directory.
  static constexpr const char* file_name = "secret.key";

private:
  std::string key_;
};

} // namespace socialcrm::storage
