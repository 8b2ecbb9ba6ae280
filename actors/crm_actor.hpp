#pragma once

#include "protocol/crm_interface.hpp"

#include <caf/actor_system.hpp>
#include <caf/error.hpp>

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>

namespace socialcrm {

/// Limits of sign-in and sessions, enforced by the CRM actor.
///
/// Sign-in throttling (S-8) counts failures per (account, address) pair,
/// per address and per account. Only the first can refuse the right
/// password from an address that has not failed itself, and it never
/// does: failures from one address slow that address alone, so nobody can
/// lock the owner of an account out by guessing from elsewhere.
struct crm_limits {
  /// Failed sign-ins of one (account, address) pair that cost nothing:
  /// enough for typos and a stuck Caps Lock.
  int free_failures_per_pair = 3;
  /// The wait after the first failure beyond those; it doubles with every
  /// further failure of the pair (1 s, 2 s, 4 s ...) up to
  /// `throttle_window`, so after 13 guesses one address gets one guess per
  /// window, while a person who mistyped waits a few seconds at most.
  std::chrono::milliseconds first_delay{1000};
  /// How long a pair's failures count towards its delay. Far longer than
  /// the time the delays take to reach `throttle_window` (about 17
  /// minutes), or a guesser at the capped pace would find its count, and
  /// its delay, shrinking again; a success forgets them at once.
  std::chrono::hours pair_memory{24};
  /// Failed sign-ins per client address within the window, over all
  /// accounts, before that address is refused for the window: an office
  /// behind one NAT may mistype a few accounts; a password sprayer may not.
  int max_failures_per_address = 20;
  /// Failed sign-ins per account within the window, over all addresses.
  /// One address fails at most `max_failures_per_address` times per
  /// window, so reaching 500 takes at least 25 addresses guessing together.
  /// Then every address that has already failed on this account waits a
  /// whole window between guesses; an address without failures of its own
  /// (the owner's) is never refused, so the ceiling cannot lock anyone out.
  int max_failures_per_account = 500;
  /// The window of the address and account ceilings, the longest delay of
  /// a pair, and how long a throttled address waits at most.
  std::chrono::minutes throttle_window{15};
  /// A browser session lasts two weeks, then the user signs in again.
  std::chrono::hours session_lifetime{24 * 14};
  /// Writing last_used_at of an API token on every request would turn each
  /// read into a write; once a minute is precise enough for "last used".
  std::chrono::seconds token_touch_interval{60};
};

/// How long an (account, address) pair with `failures` recent failures
/// must wait after its last one: nothing for the free failures, then
/// `first_delay` doubling with each failure, capped at `throttle_window`.
std::chrono::milliseconds sign_in_delay(const crm_limits& limits,
                                        std::int64_t failures);

/// The seconds a refused sign-in (`too_many_attempts`) must wait before
/// its next attempt: the CRM actor sends them after code and message in
/// the error's context. nullopt for any other error.
std::optional<std::chrono::seconds> sign_in_retry_after(const caf::error& e);

/// Spawns the CRM actor on the database at `path` with its own write
/// connection (SQLite serialises it with the store's; transactions are
/// short and IMMEDIATE). A detached actor: it blocks on SQLite and on
/// password hashing. Throws when the database cannot be opened.
crm_actor spawn_crm(caf::actor_system& sys, const std::string& path,
                    crm_limits limits = {});

} // namespace socialcrm
