#pragma once

// What the social tab's routes and the live WebSocket need beyond the CRM
// actor: the connectors' settings (to link, post and act as the
// organisation), the source supervisor (told to rescan after an account or
// column changes), the hub (live sessions join it), and the public URL the
// networks redirect OAuth callbacks to.

#include "actors/source_actor.hpp"
#include "protocol/actor_interfaces.hpp"

#include <caf/actor.hpp>

#include <memory>
#include <string>

namespace socialcrm::web {

struct social_context {
  /// Database path, token key, rate budgets, base URLs, OAuth clients: the
  /// same settings the source actors use, so an action and a poll with one
  /// token share one rate budget.
  std::shared_ptr<const source_context> sources;
  /// The source supervisor; null in a process that runs no pollers.
  caf::actor supervisor;
  /// The hub live sessions join; null when the process has none.
  hub_actor hub;
  /// Where browsers reach this server, e.g. "http://127.0.0.1:8080"; the
  /// OAuth redirect URI is built from it. Empty: taken from the bound
  /// listener at start.
  std::string public_url;
};

} // namespace socialcrm::web
