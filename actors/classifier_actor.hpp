#pragma once

#include "protocol/actor_interfaces.hpp"

#include <caf/actor_system.hpp>

namespace socialcrm {

/// Spawns the classifier in front of `store`. It loads the people index
/// (social profile -> person, standing) from the store, then for every
/// batch: stores it (the store drops what is already there), annotates each
/// new post with its author's person and standing, acknowledges the batch
/// to its source, and publishes the events to every hub in seq order.
/// `registry` (may be null) receives its status.
classifier_actor spawn_classifier(caf::actor_system& sys, store_actor store,
                                  registry_actor registry = {});

} // namespace socialcrm
