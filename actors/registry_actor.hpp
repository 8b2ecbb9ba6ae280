#pragma once

#include "protocol/actor_interfaces.hpp"

#include <caf/actor_system.hpp>

namespace socialcrm {

/// Spawns the registry: every long-lived actor registers with it under a
/// stable id and reports its state and counters; the admin console lists
/// them and sends pause / resume / restart, which the registry forwards to
/// the actor. An actor that dies is shown as stopped (clean exit) or failed.
registry_actor spawn_registry(caf::actor_system& sys);

} // namespace socialcrm
