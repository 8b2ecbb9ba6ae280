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

/// The security headers of an API answer (web/service.cpp sets them on
/// every answer; answers made elsewhere, such as a refused WebSocket
/// upgrade, call this): nosniff, a CSP that lets nothing load, no framing,
/// same-origin referrers, no-store, and HSTS when serving TLS.
void add_api_security_headers(http::response& res, bool tls);
/// The UI's Content-Security-Policy and the API's (see web/service.cpp).
extern const char* const ui_content_policy;
extern const char* const api_content_policy;
inline http::response error_response(const error_info& e) {
  return error_response(status_of(e.code), e);
}

} // namespace socialcrm::web
