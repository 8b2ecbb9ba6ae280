#pragma once

#include "protocol/actor_interfaces.hpp"

#include <caf/actor_system.hpp>

#include <string>

namespace socialcrm {

/// Spawns the store: a detached actor (it blocks on SQLite) that owns the
/// one write connection to the database at `path` and answers each request
/// with one transaction. Throws when the database cannot be opened, so a
/// bad data directory stops the start-up with a clear message.
store_actor spawn_store(caf::actor_system& sys, const std::string& path);

} // namespace socialcrm
