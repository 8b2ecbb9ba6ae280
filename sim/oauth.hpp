#pragma once

// OAuth 2.0 pieces every network module shares: the consent page where a
// sim user signs in with its password, authorization codes, and the PKCE
// check (RFC 7636).

#include "sim/network.hpp"

#include <cstdint>
#include <string>
#include <string_view>

namespace socialcrm::sim {

class world;

/// How long an authorization code may wait for its exchange: X documents
/// 30 seconds; longer would only hide slow clients.
inline constexpr std::int64_t auth_code_ttl_s = 30;

struct authorize_options {
  std::string network_id;     // "x": where users, clients and codes live
  std::string title;          // "X", "Facebook": shown on the page
  bool require_pkce = false;  // X refuses authorize requests without it
  bool code_by_default = false; // Facebook: response_type may be omitted
};

/// Serves a network's authorize page at `c.path`.
/// GET: validates client_id, redirect_uri and response_type=code and shows
/// a sign-in form carrying the request's parameters in hidden fields.
/// POST (the form): checks the sim user's handle and password; on "allow"
/// stores an auth_code and redirects (302) to redirect_uri with `code` and
/// `state`; on "deny" redirects with error=access_denied.
http::response serve_authorize(const call& c, world& w,
                               const authorize_options& opts);

/// Why a code cannot be exchanged, as RFC 6749 section 5.2 names it
/// ("invalid_grant", "invalid_request"); empty when it can.
struct code_check {
  auth_code* code = nullptr;
  std::string error;
  std::string description;
};

/// Checks and consumes an authorization code: known, unused, not expired,
/// same client and redirect_uri, and (when the code has a challenge) the
/// PKCE verifier matching it. A code is marked used even when the
/// verifier is wrong, as RFC 6749 asks for replayed codes.
code_check redeem_code(world& w, std::string_view network_id,
                       std::string_view code, std::string_view client_id,
                       std::string_view redirect_uri,
                       std::string_view code_verifier);

/// RFC 7636 4.6: S256 compares BASE64URL(SHA256(verifier)) with the
/// challenge; "plain" compares them as they are.
bool pkce_matches(std::string_view verifier, std::string_view challenge,
                  std::string_view method);

/// Escapes &, <, >, " and ' for HTML text and attribute values.
std::string html_escape(std::string_view s);

} // namespace socialcrm::sim
