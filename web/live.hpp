#pragma once

// `GET /api/v1/live`: the WebSocket of the social tab (API.md, SPEC S-3.7,
// S-9.1, S-9.4). One session actor per connection.

#include "http/server.hpp"
#include "web/call.hpp"

namespace socialcrm::web {

/// The upgrade handler the web service gives its HTTP server: takes over
/// connections that ask for a WebSocket on /api/v1/live and refuses others.
http::upgrade_handler make_live_upgrade(service_state& state);

} // namespace socialcrm::web
