#include "sim/mastodon_network.hpp"

#include "http/url.hpp"
#include "sim/oauth.hpp"

#include <sodium.h>

namespace socialcrm::sim::mastodon {

using nlohmann::json;

namespace {

/// The "out of band" redirect: Mastodon shows the code on a page of its
/// own (/oauth/authorize/native) instead of redirecting.
constexpr std::string_view oob_uri = "urn:ietf:wg:oauth:2.0:oob";
/// Scopes an app gets when it asks for none.
constexpr std::string_view default_scope = "read";

std::string native_uri(const call& c) {
  return c.base_url + "/oauth/authorize/native";
}

std::vector<std::string> split(std::string_view s, std::string_view seps) {
  std::vector<std::string> out;
  while (!s.empty()) {
    auto end = s.find_first_of(seps);
    if (end != 0)
      out.emplace_back(s.substr(0, end));
    if (end == std::string_view::npos)
      break;
    s = s.substr(end + 1);
  }
  return out;
}

/// Every requested scope is granted by a registered one ("read" covers
/// "read:statuses").
bool scopes_allowed(const std::string& requested, const std::string& granted) {
  token t;
  t.scopes = granted;
  for (const auto& s : split(requested, " +"))
    if (!has_scope(t, s))
      return false;
  return true;
}

http::response oauth_error(unsigned status, const std::string& code,
                           const std::string& description) {
  return json_response(status, {{"error", code},
                                {"error_description", description}});
}

http::response invalid_client() {
  return oauth_error(401, "invalid_client",
                     "Client authentication failed due to unknown client, no "
                     "client authentication included, or unsupported "
                     "authentication method.");
}

/// client_id / client_secret from the body, or from HTTP Basic auth.
std::pair<std::string, std::string> client_credentials(const call& c) {
  auto id = param_of(c, "client_id").value_or("");
  auto secret = param_of(c, "client_secret").value_or("");
  auto auth = c.http.headers.value("Authorization");
  if (id.empty() && auth.rfind("Basic ", 0) == 0) {
    std::string decoded(auth.size(), '\0');
    std::size_t len = 0;
    if (sodium_base642bin(reinterpret_cast<unsigned char*>(decoded.data()),
                          decoded.size(), auth.data() + 6, auth.size() - 6,
                          nullptr, &len, nullptr,
                          sodium_base64_VARIANT_ORIGINAL)
        == 0) {
      decoded.resize(len);
      auto colon = decoded.find(':');
      id = http::url_decode(decoded.substr(0, colon));
      if (colon != std::string::npos)
        secret = http::url_decode(decoded.substr(colon + 1));
    }
  }
  return {id, secret};
}

/// Application as Mastodon 4.3 renders it: `redirect_uri` (deprecated) and
/// `vapid_key` (deprecated, still sent) beside `redirect_uris`.
json app_json(const app_client& a, const std::string& app_id) {
  auto uris = split(a.redirect_uris, "\n");
  // The native page stands in for the out-of-band URI internally; apps see
  // what they registered.
  std::erase_if(uris, [](const std::string& u) {
    return std::string_view(u).ends_with("/oauth/authorize/native");
  });
  std::string joined;
  for (const auto& u : uris)
    joined += (joined.empty() ? "" : "\n") + u;
  return {{"id", app_id},
          {"name", a.name},
          {"website", nullptr},
          {"scopes", split(a.scopes, " +")},
          {"redirect_uri", joined},
          {"redirect_uris", uris},
          {"vapid_key", vapid_public_key}};
}

} // namespace

http::response mastodon_network::create_app(const call& c, world& w) {
  auto name = param_of(c, "client_name").value_or("");
  auto uris = array_param(c, "redirect_uris");
  if (uris.size() == 1) // one form value may hold several, one per line
    uris = split(uris.front(), "\n ");
  auto scopes = param_of(c, "scopes").value_or(std::string(default_scope));
  if (name.empty())
    return error(422, "Validation failed: Application name can't be blank");
  if (uris.empty())
    return error(422, "Validation failed: Redirect URI can't be blank");
  for (const auto& u : uris)
    if (u != oob_uri && !http::parse_url(u))
      return error(422, "Validation failed: Redirect URI must be an absolute "
                        "URI.");
  app_client a;
  a.network = std::string(id());
  a.name = name;
  a.scopes = scopes;
  a.client_id = w.random_token(32);
  a.client_secret = w.random_token(32);
  for (const auto& u : uris) {
    a.redirect_uris += (a.redirect_uris.empty() ? "" : "\n") + u;
    if (u == oob_uri)
      a.redirect_uris += "\n" + native_uri(c);
  }
  const app_client& stored = w.add_client(std::move(a));
  auto& app_id = app_ids_[stored.client_id];
  app_id = std::to_string(w.next_number());
  // CredentialApplication: the Application plus its credentials
  // (client_secret_expires_at came with 4.4).
  json j = app_json(stored, app_id);
  if (auto website = param_of(c, "website"))
    j["website"] = *website;
  j["client_id"] = stored.client_id;
  j["client_secret"] = stored.client_secret;
  return json_response(200, j);
}

http::response mastodon_network::verify_app(const call&, world& w,
                                            const caller& who) {
  if (!who.tok)
    return error(401, who.rejected.empty() ? "The access token is invalid"
                                           : who.rejected);
  const app_client* a = w.find_client(id(), who.tok->client_id);
  if (!a) // tokens of the control API: no app behind them
    return json_response(200, {{"id", "0"},
                               {"name", "socialcrm sim"},
                               {"website", nullptr},
                               {"scopes", json::array({"read", "write"})},
                               {"redirect_uri", ""},
                               {"redirect_uris", json::array()},
                               {"vapid_key", vapid_public_key}});
  return json_response(200, app_json(*a, app_ids_[a->client_id]));
}

http::response mastodon_network::oauth(const call& c, world& w) {
  const auto& m = c.method();
  authorize_options opts{std::string(id()), "Mastodon", false};
  if (c.path == "/oauth/authorize" && m == "GET") {
    auto q = c.query;
    auto client_id = c.param("client_id").value_or("");
    const app_client* app = w.find_client(id(), client_id);
    // Doorkeeper shows its error page for unknown clients: there is no
    // trusted redirect_uri to send the error to.
    if (!app)
      return html_response(401, "<p>Client authentication failed due to "
                                "unknown client.</p>");
    auto redirect = c.param("redirect_uri").value_or("");
    if (redirect == oob_uri) {
      q.erase("redirect_uri");
      q.emplace("redirect_uri", native_uri(c));
    }
    auto scope = c.param("scope").value_or("");
    if (scope.empty()) {
      q.erase("scope");
      q.emplace("scope", std::string(default_scope));
    } else if (!scopes_allowed(scope, app->scopes)) {
      auto target = q.find("redirect_uri")->second;
      return http::response::redirect(
        target + (target.find('?') == std::string::npos ? "?" : "&")
        + http::build_query({{"error", "invalid_scope"},
                             {"error_description",
                              "The requested scope is invalid, unknown, or "
                              "malformed."},
                             {"state", c.param("state").value_or("")}}));
    }
    call rewritten{c.http, c.path, std::move(q), c.base_url};
    return serve_authorize(rewritten, w, opts);
  }
  if (c.path == "/oauth/authorize" && m == "POST")
    return serve_authorize(c, w, opts);
  if (c.path == "/oauth/authorize/native" && m == "GET") {
    auto code = html_escape(c.param("code").value_or(""));
    return html_response(
      200, "<!doctype html><html><body><h1>Authorization code</h1>"
           "<p>Copy this authorization code and paste it to the "
           "application.</p><input class=\"oauth-code\" readonly "
           "type=\"text\" value=\""
             + code + "\"></body></html>");
  }
  if (c.path == "/oauth/token" && m == "POST") {
    auto [client_id, secret] = client_credentials(c);
    const app_client* app = w.find_client(id(), client_id);
    auto grant = param_of(c, "grant_type").value_or("");
    if (grant != "authorization_code" && grant != "client_credentials")
      return oauth_error(400, "unsupported_grant_type",
                         "The authorization grant type is not supported by "
                         "the authorization server.");
    if (!app || app->client_secret != secret)
      return invalid_client();
    if (grant == "client_credentials") {
      auto scope = param_of(c, "scope").value_or(std::string(default_scope));
      if (!scopes_allowed(scope, app->scopes))
        return oauth_error(400, "invalid_scope",
                           "The requested scope is invalid, unknown, or "
                           "malformed.");
      const token& t = w.issue_token(id(), token_kind::access, "", "",
                                     client_id, scope, 0);
      return json_response(200, {{"access_token", t.value},
                                 {"token_type", "Bearer"},
                                 {"scope", t.scopes},
                                 {"created_at", w.now()}});
    }
    auto redirect = param_of(c, "redirect_uri").value_or("");
    if (redirect == oob_uri)
      redirect = native_uri(c);
    auto checked = redeem_code(w, id(), param_of(c, "code").value_or(""),
                               client_id, redirect,
                               param_of(c, "code_verifier").value_or(""));
    if (!checked.code)
      return oauth_error(400, "invalid_grant",
                         "The provided authorization grant is invalid, "
                         "expired, revoked, does not match the redirection "
                         "URI used in the authorization request, or was "
                         "issued to another client.");
    // Mastodon's user tokens do not expire and come without refresh
    // tokens: the app keeps one until the user revokes it.
    const token& t = w.issue_token(id(), token_kind::access,
                                   checked.code->user_id, "", client_id,
                                   checked.code->scopes, 0);
    return json_response(200, {{"access_token", t.value},
                               {"token_type", "Bearer"},
                               {"scope", t.scopes},
                               {"created_at", w.now()}});
  }
  if (c.path == "/oauth/revoke" && m == "POST") {
    auto [client_id, secret] = client_credentials(c);
    const app_client* app = w.find_client(id(), client_id);
    if (!app || app->client_secret != secret)
      return invalid_client();
    auto value = param_of(c, "token").value_or("");
    token* t = w.find_token(id(), value);
    if (t && t->client_id != client_id)
      return oauth_error(403, "unauthorized_client",
                         "You are not authorized to revoke this token");
    if (t)
      w.revoke_tokens(id(), "", value);
    return json_response(200, json::object());
  }
  return not_found();
}

} // namespace socialcrm::sim::mastodon
