#include "networks/connector.hpp"
#include "networks/bluesky_connector.hpp"
#include "networks/facebook_connector.hpp"
#include "networks/googleplus_connector.hpp"
#include "networks/mastodon_connector.hpp"
#include "networks/x_connector.hpp"

namespace socialcrm::networks {

std::unique_ptr<connector> make_connector(network net,
                                          const connector_options& opts) {
  switch (net) {
    case network::x:
      return std::make_unique<x_connector>(opts);
    // ---- connectors of the other networks are registered here ----
    case network::facebook:
      return std::make_unique<facebook_connector>(opts);
    case network::googleplus:
      return std::make_unique<googleplus_connector>(opts);
    case network::mastodon:
      return std::make_unique<mastodon_connector>(opts);
    case network::bluesky:
      return std::make_unique<bluesky_connector>(opts);
    default:
      return nullptr;
  }
}

} // namespace socialcrm::networks
