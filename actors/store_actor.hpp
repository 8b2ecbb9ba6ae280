#pragma once

#include "protocol/actor_interfaces.hpp"
#include "storage/database.hpp"

#include <caf/actor_system.hpp>

#include <chrono>
#include <string>

namespace socialcrm {

/// How long an actor waits for the store's answer. A write that waited the
/// whole busy timeout for a lock (a checkpoint, a reader's snapshot) still
/// answers well within twice that; a store silent for longer is stuck, and
/// the asker backs off and asks again. Shorter than the web's actor timeout
/// (web/limits.hpp, 15 s), so an API request hears the store's error.
inline constexpr std::chrono::milliseconds store_request_timeout{
  2 * storage::busy_timeout_ms};

/// Spawns the store: a detached actor (it blocks on SQLite) that owns the
/// one write connection to the database at `path` and answers each request
/// with one transaction. Throws when the database cannot be opened, so a
/// bad data directory stops the start-up with a clear message.
store_actor spawn_store(caf::actor_system& sys, const std::string& path);

} // namespace socialcrm
