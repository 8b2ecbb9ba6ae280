#pragma once

// Pending OAuth authorisations (SPEC S-1.3): the random `state` sent to the
// network with its PKCE verifier and the user who started it. The callback
// takes it back exactly once; an unknown, expired, used or foreign state
// links nothing.

#include "protocol/error.hpp"
#include "protocol/types.hpp"

#include <SQLiteCpp/Database.h>

#include <optional>
#include <string>

namespace socialcrm::storage {

struct oauth_state {
  std::string state;
  network net = network::x;
  std::string code_verifier; // "" when the network uses no PKCE
  std::int64_t user_id = 0;
  std::string return_to; // where the browser goes after the callback
  unix_ms created_at = 0;
};

class oauth_state_repository {
public:
  explicit oauth_state_repository(SQLite::Database& db);

  void add(const oauth_state& s);

  /// Takes `state` back for `user_id`, deleting it in the same transaction
  /// so it can never be used twice. States created before `not_before`
  /// count as expired (and are swept). Code: oauth_state_mismatch when the
  /// state is unknown, expired, already used or started by another user (a
  /// foreign state is left alone for its owner).
  expected<oauth_state> take(const std::string& state, std::int64_t user_id,
                             unix_ms not_before);

  /// Deletes states created before `cutoff`; returns how many.
  int remove_before(unix_ms cutoff);

private:
  SQLite::Database& db_;
};

} // namespace socialcrm::storage
