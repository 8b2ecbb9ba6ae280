#pragma once

// GET /api/v1/admin/actors/events: the actor console's event stream, a
// WebSocket (issue 22, API.md). After the upgrade the server sends
// {"type":"watching","selector":{...}}, then one message per actor event
// the selector matches: {"type":"actor_event","event":{...}} (registered,
// state, error, stopped, failed, posts). The client may send
// {"type":"ping"} (answered {"type":"pong"}). A client that does not read
// loses events, never the connection: once it reads again it first gets
// {"type":"dropped","count":N}. One watcher actor per connection; the
// registry sends it every event while it lives.

#include "http/ws_session.hpp"
#include "protocol/actor_interfaces.hpp"
#include "web/actor_selector.hpp"

#include <caf/actor_system.hpp>

#include <memory>
#include <string>

namespace socialcrm::web {

/// The stream's path.
inline constexpr std::string_view actor_events_path =
  "/api/v1/admin/actors/events";

/// One event as the stream sends it (the `event` member's value).
nlohmann::json actor_event_json(const actor_event& ev);

/// Accepts the pending WebSocket and watches the registry for it.
void spawn_actor_watch(caf::actor_system& sys, registry_actor registry,
                       actor_selector selector,
                       std::shared_ptr<http::ws_pending> pending,
                       std::weak_ptr<http::ws_endpoint> endpoint);

} // namespace socialcrm::web
