#pragma once

#include "app/options.hpp"
#include "protocol/actor_interfaces.hpp"

#include <caf/actor_system.hpp>

namespace socialcrm::app {

/// Starts the source supervisor, which spawns one source actor per active
/// linked account and user column from the database. Throws when the token
/// key file in the data directory cannot be read or created.
caf::actor start_ingestion(caf::actor_system& sys, const serve_options& opts,
                           const std::string& db_path,
                           classifier_actor classifier, store_actor store,
                           registry_actor registry);

} // namespace socialcrm::app
