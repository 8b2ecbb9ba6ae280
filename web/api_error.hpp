#pragma once

#include "http/message.hpp"
#include "protocol/error.hpp"

#include <string_view>

namespace socialcrm::web {

/// The HTTP status of an error code. Codes come from decoding (web/), from
/// the CRM actor and from CAF ("timeout", "actor_failure"); a code nobody
/// listed is a server fault (500).
unsigned status_of(std::string_view code);

/// `{"error":{"code":...,"message":...}}` with its status and type.
http::response error_response(unsigned status, const error_info& e);
inline http::response error_response(const error_info& e) {
  return error_response(status_of(e.code), e);
}

} // namespace socialcrm::web
