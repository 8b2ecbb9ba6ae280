#include "sim/oauth.hpp"

#include "http/url.hpp"
#include "sim/world.hpp"

#include <sodium.h>

namespace socialcrm::sim {

namespace {

// The parameters an authorize request carries through the form.
constexpr const char* carried[] = {
  "response_type", "client_id", "redirect_uri", "scope", "state",
  "code_challenge", "code_challenge_method"};

std::string value_of(const std::multimap<std::string, std::string>& m,
                     const std::string& k) {
  auto it = m.find(k);
  return it == m.end() ? std::string{} : it->second;
}

http::response consent_page(const authorize_options& opts,
                    const std::multimap<std::string, std::string>& p,
                    const std::string& action, const std::string& message) {
  // The empty icon spares the browser a request for /favicon.ico, which
  // no network module serves (a 404 in every browser test's console).
  std::string html = "<!doctype html><html><head><meta charset=\"utf-8\">"
                     "<link rel=\"icon\" href=\"data:,\">"
                     "<title>Authorize an app on "
                     + html_escape(opts.title)
                     + " (emulator)</title></head><body><h1>"
                     + html_escape(opts.title) + "</h1><p>The app <b>"
                     + html_escape(value_of(p, "client_id"))
                     + "</b> asks for access: "
                     + html_escape(value_of(p, "scope")) + "</p>";
  if (!message.empty())
    html += "<p class=\"error\">" + html_escape(message) + "</p>";
  html += "<form method=\"post\" action=\"" + html_escape(action) + "\">";
  for (const char* k : carried)
    html += "<input type=\"hidden\" name=\"" + std::string(k) + "\" value=\""
            + html_escape(value_of(p, k)) + "\">";
  html += "<label>Handle <input name=\"username\"></label>"
          "<label>Password <input type=\"password\" name=\"password\">"
          "</label>"
          "<button name=\"decision\" value=\"allow\">Authorize app</button>"
          "<button name=\"decision\" value=\"deny\">Cancel</button>"
          "</form></body></html>";
  return html_response(200, std::move(html));
}

std::string with_query(const std::string& uri,
                       const std::vector<std::pair<std::string, std::string>>&
                         params) {
  return uri + (uri.find('?') == std::string::npos ? "?" : "&")
         + http::build_query(params);
}

bool redirect_allowed(const app_client* client, const std::string& uri) {
  if (!http::parse_url(uri))
    return false;
  if (!client || client->redirect_uris.empty())
    return true; // unregistered clients may use any absolute URI
  // Registered clients: the URI must be one they registered.
  std::string_view list = client->redirect_uris;
  while (!list.empty()) {
    auto end = list.find_first_of(" \n");
    if (list.substr(0, end) == uri)
      return true;
    if (end == std::string_view::npos)
      break;
    list = list.substr(end + 1);
  }
  return false;
}

} // namespace

std::string html_escape(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (char c : s) {
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      case '\'': out += "&#39;"; break;
      default: out.push_back(c);
    }
  }
  return out;
}

bool pkce_matches(std::string_view verifier, std::string_view challenge,
                  std::string_view method) {
  if (method == "plain")
    return !verifier.empty() && verifier == challenge;
  if (method != "S256" || verifier.empty())
    return false;
  unsigned char digest[crypto_hash_sha256_BYTES];
  crypto_hash_sha256(digest,
                     reinterpret_cast<const unsigned char*>(verifier.data()),
                     verifier.size());
  char encoded[sodium_base64_ENCODED_LEN(
    crypto_hash_sha256_BYTES, sodium_base64_VARIANT_URLSAFE_NO_PADDING)];
  sodium_bin2base64(encoded, sizeof encoded, digest, sizeof digest,
                    sodium_base64_VARIANT_URLSAFE_NO_PADDING);
  return challenge == std::string_view(encoded);
}

http::response serve_authorize(const call& c, world& w,
                               const authorize_options& opts) {
  bool is_post = c.method() == "POST";
  auto p = is_post ? c.form() : c.query;
  auto client_id = value_of(p, "client_id");
  auto redirect_uri = value_of(p, "redirect_uri");
  const std::string& network_id = opts.network_id;
  const app_client* client = w.find_client(network_id, client_id);
  // Errors before a valid redirect_uri is known are shown on the page, as
  // OAuth 2.0 requires (never redirect to an unchecked URI).
  if (client_id.empty())
    return html_response(400, "<p>Missing client_id.</p>");
  if (!redirect_allowed(client, redirect_uri))
    return html_response(400, "<p>Invalid redirect_uri.</p>");
  auto state = value_of(p, "state");
  auto response_type = value_of(p, "response_type");
  if (response_type.empty() && opts.code_by_default)
    response_type = "code";
  if (response_type != "code")
    return http::response::redirect(
      with_query(redirect_uri, {{"error", "unsupported_response_type"},
                                {"state", state}}));
  auto challenge = value_of(p, "code_challenge");
  auto method = value_of(p, "code_challenge_method");
  if (method.empty() && !challenge.empty())
    method = "plain"; // RFC 7636 4.3 default
  if ((opts.require_pkce && challenge.empty())
      || (!challenge.empty() && method != "S256" && method != "plain"))
    return http::response::redirect(with_query(
      redirect_uri, {{"error", "invalid_request"},
                     {"error_description", "code_challenge is required"},
                     {"state", state}}));
  std::string action = c.base_url + c.path;
  if (!is_post)
    return consent_page(opts, p, action, "");

  if (value_of(p, "decision") != "allow")
    return http::response::redirect(with_query(
      redirect_uri, {{"error", "access_denied"}, {"state", state}}));
  auto handle = value_of(p, "username");
  if (!handle.empty() && handle.front() == '@')
    handle.erase(0, 1);
  const user* u = w.find_user_by_handle(network_id, handle);
  if (!u || u->password != value_of(p, "password"))
    return consent_page(opts, p, action, "Wrong handle or password.");
  auth_code code;
  code.code = w.random_token(24);
  code.network = network_id;
  code.client_id = client_id;
  code.redirect_uri = redirect_uri;
  code.user_id = u->id;
  code.scopes = value_of(p, "scope");
  code.code_challenge = challenge;
  code.code_challenge_method = method;
  code.expires_at = w.now() + auth_code_ttl_s;
  auto& stored = w.add_code(std::move(code));
  std::vector<std::pair<std::string, std::string>> q{{"code", stored.code}};
  if (!state.empty())
    q.emplace_back("state", state);
  return http::response::redirect(with_query(redirect_uri, q));
}

code_check redeem_code(world& w, std::string_view network_id,
                       std::string_view code, std::string_view client_id,
                       std::string_view redirect_uri,
                       std::string_view code_verifier) {
  code_check out;
  auth_code* c = w.find_code(network_id, code);
  if (!c || c->used || c->expires_at <= w.now()) {
    out.error = "invalid_grant";
    out.description = "Value passed for the authorization code was invalid.";
    return out;
  }
  c->used = true;
  if (!client_id.empty() && c->client_id != client_id) {
    out.error = "invalid_grant";
    out.description = "The code was issued to another client.";
    return out;
  }
  if (c->redirect_uri != redirect_uri) {
    out.error = "invalid_grant";
    out.description = "redirect_uri does not match the authorize request.";
    return out;
  }
  if (!c->code_challenge.empty()
      && !pkce_matches(code_verifier, c->code_challenge,
                       c->code_challenge_method)) {
    out.error = "invalid_grant";
    out.description = "code_verifier does not match the code_challenge.";
    return out;
  }
  out.code = c;
  return out;
}

} // namespace socialcrm::sim
