#include "web/routes.hpp"
#include "web/social_common.hpp"

namespace socialcrm::web {

void add_feed_routes(router&) {}

} // namespace socialcrm::web
