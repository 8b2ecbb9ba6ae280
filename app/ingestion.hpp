#pragma once

#include "actors/source_actor.hpp"
#include "app/options.hpp"
#include "protocol/actor_interfaces.hpp"

#include <caf/actor_system.hpp>

#include <memory>

namespace socialcrm::app {

/// What the source actors (and the social routes, which post and act with
/// the same tokens and rate budgets) share. Throws when the token key file
/// in the data directory cannot be read or created.
std::shared_ptr<source_context>
make_source_context(const serve_options& opts, const std::string& db_path,
                    classifier_actor classifier, store_actor store,
                    registry_actor registry);

/// Starts the source supervisor, which spawns one source actor per active
/// linked account and user column from the database.
caf::actor start_ingestion(caf::actor_system& sys,
                           std::shared_ptr<const source_context> ctx);

} // namespace socialcrm::app
