#pragma once

#include "protocol/crm_interface.hpp"

#include <caf/actor_system.hpp>

#include <chrono>
#include <string>

namespace socialcrm {

/// Limits of sign-in and sessions, enforced by the CRM actor.
struct crm_limits {
  /// Failed sign-ins per account within `throttle_window` before further
  /// attempts are refused: enough for typos, far too few to guess a
  /// password (S-8).
  int max_failures_per_account = 5;
  /// Failed sign-ins per client address within the window: an office
  /// behind one NAT may mistype a few accounts; a password sprayer may not.
  int max_failures_per_address = 20;
  /// How far back failures count; also how long a throttled account waits.
  std::chrono::minutes throttle_window{15};
  /// A browser session lasts two weeks, then the user signs in again.
  std::chrono::hours session_lifetime{24 * 14};
  /// Writing last_used_at of an API token on every request would turn each
  /// read into a write; once a minute is precise enough for "last used".
  std::chrono::seconds token_touch_interval{60};
};

/// Spawns the CRM actor on the database at `path` with its own write
/// connection (SQLite serialises it with the store's; transactions are
/// short and IMMEDIATE). A detached actor: it blocks on SQLite and on
/// password hashing. Throws when the database cannot be opened.
crm_actor spawn_crm(caf::actor_system& sys, const std::string& path,
                    crm_limits limits = {});

} // namespace socialcrm
