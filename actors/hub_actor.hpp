#pragma once

#include "protocol/actor_interfaces.hpp"

#include <caf/actor_system.hpp>

namespace socialcrm {

/// Spawns a hub: the one receiver of events on a gateway node, which hands
/// each event to every actor that joined: the node's live router
/// (web/live_router.hpp), which filters per session what its user may see.
/// Actors that die are dropped.
hub_actor spawn_hub(caf::actor_system& sys, registry_actor registry = {});

} // namespace socialcrm
