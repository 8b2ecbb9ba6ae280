// Linking with the network's OAuth 2.0 authorisation-code flow (S-1.3):
// POST /social/accounts/authorize hands out the network's consent URL with
// a random state (and a PKCE challenge where the network uses one); the
// network sends the admin's browser back to GET /social/oauth/callback,
// which checks the state, exchanges the code, asks the network whose
// account it is, and stores it.

#include "http/url.hpp"
#include "networks/oauth.hpp"
#include "storage/oauth_state_repository.hpp"
#include "storage/secrets.hpp"
#include "web/account_common.hpp"
#include "web/json_body.hpp"
#include "web/routes.hpp"

namespace socialcrm::web::accounts {

namespace {

/// Where the browser lands after linking when the UI named nothing else.
constexpr const char* default_return_to = "/#/settings/accounts";

std::string redirect_uri(const call_ptr& c) {
  return c->state.social->public_url + "/api/v1/social/oauth/callback";
}

std::optional<networks::oauth_client> configured_client(const call_ptr& c,
                                                        network net) {
  auto& clients = sources(c).oauth_clients;
  auto it = clients.find(net);
  if (it == clients.end())
    return std::nullopt;
  return networks::oauth_client{it->second.first, it->second.second};
}

/// A path of this server: no scheme, no host, so the callback can never
/// redirect the admin's browser elsewhere.
bool local_path(const std::string& p) {
  if (p.empty() || p.front() != '/' || p.rfind("//", 0) == 0)
    return false;
  for (unsigned char ch : p)
    if (ch < 0x20 || ch == 0x7f || ch == '\\')
      return false;
  return true;
}

bool wants_json(const call_ptr& c) {
  return c->req.headers.value("Accept").find("application/json")
         != std::string::npos;
}

// A browser navigating (Accept: text/html...), not a script or test.
bool from_browser(const call_ptr& c) {
  return !wants_json(c) &&
         c->req.headers.value("Accept").find("text/html") != std::string::npos;
}

} // namespace

void authorize(const call_ptr& c) {
  if (!require_social_admin(c))
    return;
  json_fields f(c->body);
  std::string net_text, return_to;
  f.choice("network", net_text,
           {"x", "facebook", "googleplus", "mastodon", "bluesky"}, true);
  f.text("return_to", return_to, max_return_to_length);
  if (auto e = f.finish())
    return c->fail(*e);
  if (!return_to.empty() && !local_path(return_to))
    return c->fail(make_error("invalid_value",
                              "'return_to' must be a path of this server, "
                              "starting with a single '/'"));
  auto net = *parse_network(net_text);
  if (!require_network(c, net))
    return;
  auto flow = networks::oauth_flow_of(net, base_url_of(c, net),
                                      ca_file_of(c, net));
  if (!flow)
    return c->fail(make_error("action_not_supported",
                              "Bluesky links with a handle and an app "
                              "password: POST /api/v1/social/accounts "
                              "{network, identifier, app_password}"));
  run_blocking(c, [c, net, flow = *flow, return_to](storage::database& db) {
    sweep(db);
    auto uri = redirect_uri(c);
    auto client = networks::client_for(net, base_url_of(c, net),
                                       configured_client(c, net), uri,
                                       ca_file_of(c, net));
    if (!client)
      return c->fail(client.error());
    storage::oauth_state s;
    s.state = storage::random_token(storage::token_bytes);
    s.net = net;
    networks::pkce_pair pkce;
    if (flow.pkce)
      pkce = networks::make_pkce();
    s.code_verifier = pkce.verifier;
    s.user_id = c->who.user.id;
    s.return_to = return_to;
    s.created_at = now_ms();
    storage::oauth_state_repository(db.handle()).add(s);
    c->reply_json(200, {{"network", std::string(to_string(net))},
                        {"authorize_url",
                         networks::authorize_url(net, flow, *client, uri,
                                                 s.state, pkce.challenge)},
                        {"state", s.state},
                        {"redirect_uri", uri},
                        {"expires_at", s.created_at + oauth_state_ttl_ms}});
  });
}

void oauth_callback(const call_ptr& c) {
  if (!require_social_admin(c))
    return;
  // The callback arrives in the administrator's browser: a refusal goes
  // back to the settings page, which shows it, unless JSON was asked for.
  auto refuse = [c](const std::string& return_to, const error_info& e) {
    if (!from_browser(c))
      return c->fail(e);
    auto target =
      return_to.empty() ? std::string(default_return_to) : return_to;
    target += (target.find('?') == std::string::npos ? "?" : "&");
    target += "error=" + http::url_encode(e.code) +
              "&error_description=" + http::url_encode(e.message);
    auto res = http::response::redirect(target, 303);
    res.headers.set("Cache-Control", "no-store");
    c->reply(std::move(res));
  };
  auto state = query_param(c, "state");
  auto code = query_param(c, "code");
  auto error = query_param(c, "error");
  auto description = query_param(c, "error_description");
  if (state.empty() || state.size() > max_credential_length)
    return refuse("", make_error("oauth_state_mismatch",
                              "the callback carries no valid 'state': it does "
                              "not come from an authorisation started here"));
  if (code.size() > max_credential_length)
    return refuse("", make_error("bad_query", "'code' is too long"));
  run_blocking(c, [=](storage::database& db) {
    auto taken = storage::oauth_state_repository(db.handle())
                   .take(state, c->who.user.id, now_ms() - oauth_state_ttl_ms);
    if (!taken)
      return refuse("", taken.error());
    auto net = taken->net;
    auto name = std::string(to_string(net));
    if (!error.empty())
      return refuse(taken->return_to, make_error(
        "oauth_denied",
        error == "access_denied"
          ? "the authorisation was refused on " + name + "; nothing was linked"
          : name + " ended the authorisation with '" + error.substr(0, 64)
              + "'" + (description.empty()
                         ? std::string()
                         : ": " + description.substr(0, 200))
              + "; nothing was linked"));
    if (code.empty())
      return refuse(taken->return_to, make_error("bad_query", "the callback carries no 'code'"));
    auto base = base_url_of(c, net);
    auto flow = networks::oauth_flow_of(net, base, ca_file_of(c, net));
    if (base.empty() || !flow)
      return refuse(taken->return_to, make_error("network_not_configured",
                                name + " is not configured on this server "
                                       "any more"));
    auto uri = redirect_uri(c);
    auto client = networks::client_for(net, base, configured_client(c, net),
                                       uri, ca_file_of(c, net));
    if (!client)
      return refuse(taken->return_to, client.error());
    auto tokens = networks::exchange_code(net, *flow, *client, code, uri,
                                          taken->code_verifier);
    if (!tokens) {
      if (tokens.error.kind == networks::failure_kind::rejected)
        return refuse(taken->return_to, make_error("network_rejected",
                                  tokens.error.message
                                    + " (an authorisation code is valid for "
                                      "seconds and once); link again"));
      return refuse(taken->return_to, credential_error(tokens.error, "the authorisation"));
    }
    auto who = lookup_for(c, net).whoami(tokens.value->access_token);
    if (!who)
      return refuse(taken->return_to, credential_error(who.error, "the new access token"));
    auto out = link_confirmed(c, db, {net, *who.value, *tokens.value}, "");
    if (!out)
      return refuse(taken->return_to, out.error());
    rescan(c);
    if (wants_json(c))
      return c->reply_json(out->status, out->body);
    // The browser goes back to the UI, which shows the account (or its
    // page picker).
    auto target = taken->return_to.empty() ? std::string(default_return_to)
                                           : taken->return_to;
    target += (target.find('?') == std::string::npos ? "?" : "&");
    target += "linked=" + std::to_string(out->account_id)
              + "&status=" + out->account_status;
    auto res = http::response::redirect(target, 303);
    res.headers.set("Cache-Control", "no-store");
    c->reply(std::move(res));
  });
}

} // namespace socialcrm::web::accounts
