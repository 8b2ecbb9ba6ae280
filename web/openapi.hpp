#pragma once

#include "web/router.hpp"

#include <nlohmann/json.hpp>

namespace socialcrm::web {

/// The OpenAPI 3 document of the REST API, generated from the router's
/// table (every route, its summary, body, parameters and error answers)
/// plus the record schemas written out in openapi.cpp.
nlohmann::json openapi_document(const router& routes);

} // namespace socialcrm::web
