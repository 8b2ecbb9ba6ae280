#include "protocol/actor_error.hpp"

#include <caf/sec.hpp>

namespace socialcrm {

error_info to_error_info(const caf::error& e) {
  if (e.category() == caf::atom("crm")) {
    auto& ctx = e.context();
    if (ctx.match_elements<std::string, std::string>())
      return {ctx.get_as<std::string>(0), ctx.get_as<std::string>(1)};
  }
  if (e == caf::sec::request_timeout)
    return {"timeout", "the server did not answer in time"};
  return {"actor_failure", "an internal component failed (code "
                             + std::to_string(e.code()) + ")"};
}

} // namespace socialcrm
