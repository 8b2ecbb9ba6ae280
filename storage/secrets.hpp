#pragma once

// Password hashes and bearer secrets (libsodium). Passwords are stored as
// argon2id strings; session and API tokens are random and stored only as a
// BLAKE2b digest, so a copy of the database does not sign anybody in.

#include <cstddef>
#include <string>
#include <string_view>

namespace socialcrm::storage {

/// Initialises libsodium once; safe to call from any thread, many times.
void init_secrets();

/// An argon2id hash string (libsodium's crypto_pwhash_str, interactive
/// limits: about 0.1 s and 64 MiB on a small server). Throws
/// std::runtime_error when the machine is out of memory.
std::string hash_password(std::string_view password);

/// Whether `password` matches `hash` (constant time).
bool verify_password(const std::string& hash, std::string_view password);

/// `bytes` random bytes as URL-safe base64 without padding.
std::string random_token(std::size_t bytes);

/// The stored form of a token: its 32-byte BLAKE2b digest.
std::string token_digest(std::string_view token);

/// Compares two secrets in constant time (for equal lengths).
bool secrets_equal(std::string_view a, std::string_view b);

/// Random bytes in a token: 256 bits, beyond any guessing.
inline constexpr std::size_t token_bytes = 32;

} // namespace socialcrm::storage
