#include "web/api_error.hpp"

#include <nlohmann/json.hpp>

#include <utility>

namespace socialcrm::web {

namespace {

constexpr std::pair<std::string_view, unsigned> statuses[] = {
    // 400: the request cannot be read at all.
    {"malformed_json", 400},
    {"json_too_deep", 400},
    {"expected_object", 400},
    {"bad_query", 400},
    {"bad_path", 400},
    {"not_a_session", 400},
    // A WebSocket's path asked for without the upgrade (RFC 9110: 426).
    {"websocket_required", 426},
    // 401 / 403: who you are, and what you may do.
    {"unauthenticated", 401},
    {"invalid_credentials", 401},
    {"forbidden", 403},
    {"csrf_failed", 403},
    {"edition_not_supported", 403},
    // 404 / 405
    {"not_found", 404},
    {"person_not_found", 404},
    {"actor_not_found", 404},
    {"method_not_allowed", 405},
    // 409: the request is fine, the state of the data refuses it.
    {"email_taken", 409},
    {"profile_name_taken", 409},
    {"profile_owned_by_other", 409},
    {"builtin_profile_locked", 409},
    {"cannot_deactivate_self", 409},
    // 413 / 415
    {"body_too_large", 413},
    {"unsupported_media_type", 415},
    // 422: well-formed JSON whose fields are wrong.
    {"missing_field", 422},
    {"wrong_type", 422},
    {"unknown_field", 422},
    {"string_too_long", 422},
    {"invalid_value", 422},
    {"record_not_found", 422},
    {"profile_not_found", 422},
    {"password_too_short", 422},
    // 429
    {"too_many_attempts", 429},
    {"rate_limited", 429},
    // 5xx
    {"timeout", 504},
    {"actor_failure", 500},
    {"storage_failure", 500},
    // 507: the database or its disk is full; nothing was written.
    {"storage_full", 507},
    // The social tab (issue 6). 400: the OAuth callback does not belong to
    // an authorisation this server started.
    {"oauth_state_mismatch", 400},
    {"oauth_denied", 400},
    // 403: the profile may not do this operation on this account (S-1.5).
    {"operation_not_allowed", 403},
    // 404
    {"account_not_found", 404},
    {"column_not_found", 404},
    {"post_not_found", 404},
    // 409: the state of the social settings refuses it.
    {"confirmation_required", 409},
    {"account_already_linked", 409},
    {"no_linked_account", 409},
    {"network_not_linked", 409},
    {"network_not_configured", 409},
    {"idempotency_key_reused", 409},
    {"page_required", 409},
    {"reauth_required", 409},
    {"author_unknown", 409},
    {"idempotency_key_in_use", 409},
    // 422: the column limits of S-4 and other field rules.
    {"too_many_terms", 422},
    {"too_many_people", 422},
    {"follow_limit", 422},
    {"empty_column", 422},
    {"bad_term", 422},
    {"page_not_found", 422},
    {"image_too_large", 422},
    {"action_not_supported", 422},
    {"handle_not_found", 422},
    {"credentials_rejected", 422},
    // 502: the network answered, but not with success.
    {"network_rejected", 502},
    {"network_unavailable", 502},
    {"network_bad_response", 502},
    {"network_rate_limited", 503},
    // 503: the process runs no social service (a node without one).
    {"social_unavailable", 503},
};

} // namespace

unsigned status_of(std::string_view code) {
  for (auto& [name, status] : statuses)
    if (name == code)
      return status;
  return 500;
}

http::response error_response(unsigned status, const error_info& e) {
  nlohmann::json body{{"error", {{"code", e.code}, {"message", e.message}}}};
  auto res = http::response::make(
      status, "application/json",
      body.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace));
  res.headers.set("Cache-Control", "no-store");
  return res;
}

// What the UI's pages may do (the browser enforces it): load scripts,
// styles, images and connections (fetch, the live WebSocket) from this
// origin only, no inline script or style attribute, no plugins, no <base>
// rewriting, forms post here only, and no other site may frame the UI
// (clickjacking). web/static/ is written to pass it as it is, and every
// browser test fails on a violation (tests/ui/harness.mjs).
const char* const ui_content_policy =
  "default-src 'self'; base-uri 'none'; object-src 'none'; "
  "form-action 'self'; frame-ancestors 'none'";
// API answers are data, never a page: nothing may load from them at all.
const char* const api_content_policy =
  "default-src 'none'; base-uri 'none'; form-action 'none'; "
  "frame-ancestors 'none'";

void add_api_security_headers(http::response& res, bool tls) {
  auto& h = res.headers;
  h.set("X-Content-Type-Options", "nosniff");
  h.set("Content-Security-Policy", api_content_policy);
  h.set("X-Frame-Options", "DENY");
  h.set("Referrer-Policy", "same-origin");
  h.set("Cache-Control", "no-store");
  // Browsers keep HTTPS for a year once they saw this over TLS; no
  // includeSubDomains: other hosts under the domain are not ours to decide.
  if (tls)
    h.set("Strict-Transport-Security", "max-age=31536000");
}

} // namespace socialcrm::web
