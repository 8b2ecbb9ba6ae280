#pragma once

// Replays of mutating requests that carried an Idempotency-Key (compose,
// S-5.1): a retry of the same request gets the first answer back and sends
// nothing again. A key is reserved in a write transaction *before* anything
// is sent, so two concurrent retries cannot both post.
//
// The row's `response` column holds a small JSON document: the request's
// fingerprint (a digest of its canonical body), whether the first request
// is still running, and once it finished its status and body.

#include "protocol/types.hpp"

#include <SQLiteCpp/Database.h>

#include <cstdint>
#include <string>

namespace socialcrm::storage {

/// How long a key is remembered: a client retries within minutes, a day
/// covers a laptop that slept through an outage (the convention of
/// payment APIs that introduced the header).
inline constexpr unix_ms idempotency_ttl_ms = 24LL * 60 * 60 * 1000;

/// Longest key accepted: UUIDs and ULIDs fit with room; anything longer is
/// not a key but a payload.
inline constexpr std::size_t max_idempotency_key_length = 255;

/// What reserve() found under (user, key).
struct idempotency_claim {
  enum class state {
    reserved,    // the key was free: it is now ours, go ahead
    in_progress, // the first request with this key has not finished
    replay,      // finished: `status` and `body` are its answer
    mismatch,    // the key was used for a different request
  };
  state what = state::reserved;
  unsigned status = 0;
  std::string body;
};

class idempotency_repository {
public:
  explicit idempotency_repository(SQLite::Database& db);

  /// In one IMMEDIATE transaction: forgets the user's keys older than
  /// idempotency_ttl_ms, then reserves `key` for the request whose
  /// canonical text is `request`, or says what holds it already.
  idempotency_claim reserve(std::int64_t user_id, const std::string& key,
                            const std::string& request, unix_ms now);

  /// Stores the final answer under a key reserve() gave us.
  void complete(std::int64_t user_id, const std::string& key,
                const std::string& request, unsigned status,
                const std::string& body);

  /// Frees a reserved key whose request sent nothing (refused before any
  /// network call), so the same key may be used once the cause is fixed.
  void release(std::int64_t user_id, const std::string& key);

private:
  SQLite::Database& db_;
};

} // namespace socialcrm::storage
