#include "web/routes.hpp"
#include "web/social_common.hpp"

namespace socialcrm::web {

void add_action_routes(router&) {}

} // namespace socialcrm::web
