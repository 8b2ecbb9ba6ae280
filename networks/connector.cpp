#include "networks/connector.hpp"

namespace socialcrm::networks {

std::string_view to_string(feed f) {
  switch (f) {
    case feed::mentions:
      return "mentions";
    case feed::direct_messages:
      return "direct_messages";
    case feed::comments:
      return "comments";
    case feed::page_messages:
      return "page_messages";
    case feed::own_posts:
      return "own_posts";
    case feed::timeline:
      return "timeline";
    case feed::search:
      return "search";
  }
  return "mentions";
}

std::string_view to_string(failure_kind k) {
  switch (k) {
    case failure_kind::rate_limited:
      return "rate_limited";
    case failure_kind::reauth_required:
      return "reauth_required";
    case failure_kind::transient:
      return "transient";
    case failure_kind::rejected:
      return "rejected";
    case failure_kind::bad_response:
      return "bad_response";
  }
  return "transient";
}

} // namespace socialcrm::networks
