#pragma once

// Credentials on the wire: the session cookie, the bearer token and the
// CSRF header (SPEC S-8, API.md "Auth").

#include "http/message.hpp"
#include "protocol/crm_messages.hpp"

#include <chrono>
#include <optional>
#include <string>

namespace socialcrm::web {

/// The session cookie's name.
inline constexpr const char* session_cookie_name = "socialcrm_session";

/// The credential a request carries: `Authorization: Bearer` wins over the
/// cookie, so a script with a token is never mistaken for a browser.
std::optional<credential> credential_of(const http::request& req);

/// The value of cookie `name` in the Cookie header(s), or "".
std::string cookie_value(const http::request& req, std::string_view name);

/// Set-Cookie for a new session: HttpOnly (no script reads it),
/// SameSite=Lax (no cross-site POST carries it), Path=/, and Secure when
/// browsers reach the server over https (see cookies_secure), so the
/// cookie never travels over plain HTTP. Not Secure otherwise: on plain
/// HTTP (loopback, a LAN) a Secure cookie would not come back at all.
std::string session_cookie(const std::string& token,
                           std::chrono::seconds max_age, bool secure);
/// Set-Cookie that ends the session cookie in the browser; `secure` as for
/// the session cookie, or the browser keeps the one it has.
std::string expired_session_cookie(bool secure);

/// Whether the session cookie is Secure: the server serves TLS itself, or
/// its public URL (where browsers reach it, e.g. behind a proxy that ends
/// TLS) is https.
bool cookies_secure(bool serves_tls, std::string_view public_url);

/// GET, HEAD and OPTIONS change nothing; everything else needs the CSRF
/// header when authenticated by cookie.
bool is_mutating(std::string_view method);

/// Whether the request's X-CSRF-Token equals the session's (constant time).
bool csrf_matches(const http::request& req, const std::string& expected);

} // namespace socialcrm::web
