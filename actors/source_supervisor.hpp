#pragma once

#include "actors/source_actor.hpp"

#include <caf/actor_system.hpp>

namespace socialcrm {

/// Spawns the source supervisor: it reads which sources should run from the
/// database (active linked accounts with their feeds and the timelines of
/// associated people; keyword and custom columns), spawns the missing ones,
/// stops those whose account or column is gone, restarts a source whose
/// tasks changed, and restarts a crashed one with backoff. It rescans every
/// `rescan_interval` and whenever it receives `rescan_atom` (sent after an
/// account or column changes); it answers `rescan_atom` with the number of
/// sources running.
caf::actor spawn_source_supervisor(caf::actor_system& sys,
                                   std::shared_ptr<const source_context> ctx);

/// The sources that should run now, from the database at `db_path`: what
/// the supervisor reconciles against (a plain function, for tests).
std::vector<source_spec> desired_sources(const source_context& ctx);

/// How often the supervisor rereads the database on its own: linking an
/// account through the API also asks for a rescan at once, so this only
/// catches changes made behind its back.
inline constexpr auto rescan_interval = std::chrono::seconds(5);

} // namespace socialcrm
