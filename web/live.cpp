#include "web/live.hpp"

#include "http/upgrade.hpp"

namespace socialcrm::web {

// Not built yet (issue 6): a WebSocket upgrade is closed.
http::upgrade_handler make_live_upgrade(service_state&) {
  return [](http::upgrade& u) {
    boost::system::error_code ec;
    u.socket.close(ec);
  };
}

} // namespace socialcrm::web
