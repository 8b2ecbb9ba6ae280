#include "networks/oauth.hpp"

#include "http/client.hpp"
#include "http/url.hpp"
#include "networks/api_client.hpp"
#include "networks/facebook_connector.hpp"
#include "networks/json_fields.hpp"

#include <nlohmann/json.hpp>
#include <sodium.h>

#include <map>
#include <mutex>
#include <stdexcept>

namespace socialcrm::networks {

namespace {

using nlohmann::json;

// What the organisation account must allow for socialcrm to read and act
// as it (S-1.6), in each network's own scope names and separator.
constexpr const char* x_scope = "tweet.read tweet.write users.read like.write "
                                "dm.read dm.write media.write offline.access";
constexpr const char* facebook_scope =
  "pages_show_list,pages_read_engagement,pages_read_user_content,"
  "pages_manage_posts,pages_manage_engagement,pages_messaging";
constexpr const char* google_scope =
  "https://www.googleapis.com/auth/plus.me "
  "https://www.googleapis.com/auth/plus.pages.manage "
  "https://www.googleapis.com/auth/plus.stream.write";
constexpr const char* mastodon_scope = "read write";

/// Random bytes in a PKCE verifier: 32 give the 43-character verifier RFC
/// 7636 section 4.1 recommends (256 bits of entropy).
constexpr std::size_t verifier_bytes = 32;

std::string trimmed(std::string s) {
  while (!s.empty() && s.back() == '/')
    s.pop_back();
  return s;
}

std::string base64url(const unsigned char* data, std::size_t n) {
  auto variant = sodium_base64_VARIANT_URLSAFE_NO_PADDING;
  std::string out(sodium_base64_ENCODED_LEN(n, variant), '\0');
  sodium_bin2base64(out.data(), out.size(), data, n, variant);
  out.resize(out.find('\0'));
  return out;
}

std::string base64(const std::string& raw) {
  auto variant = sodium_base64_VARIANT_ORIGINAL;
  std::string out(sodium_base64_ENCODED_LEN(raw.size(), variant), '\0');
  sodium_bin2base64(out.data(), out.size(),
                    reinterpret_cast<const unsigned char*>(raw.data()),
                    raw.size(), variant);
  out.resize(out.find('\0'));
  return out;
}

std::string with_query(const std::string& url,
                       const std::vector<std::pair<std::string, std::string>>&
                         params) {
  return url + (url.find('?') == std::string::npos ? "?" : "&")
         + http::build_query(params);
}

// Mastodon apps registered by this process, by instance and redirect URI.
std::mutex apps_mutex;
std::map<std::string, oauth_client> registered_apps;

expected<oauth_client> register_mastodon_app(const std::string& base_url,
                                             const std::string& redirect_uri,
                                             const std::string& ca_file) {
  auto key = base_url + "\n" + redirect_uri;
  std::lock_guard<std::mutex> lock(apps_mutex);
  if (auto it = registered_apps.find(key); it != registered_apps.end())
    return it->second;
  http::client client{{.ca_file = ca_file}};
  auto r = client.post(base_url + "/api/v1/apps",
                       http::build_query({{"client_name", "socialcrm"},
                                          {"redirect_uris", redirect_uri},
                                          {"scopes", mastodon_scope}}),
                       "application/x-www-form-urlencoded");
  if (!r)
    return make_error("network_unavailable",
                      "the Mastodon instance is unreachable: " + r.error);
  if (r->status / 100 != 2)
    return make_error("network_rejected",
                      "the Mastodon instance refused to register socialcrm "
                      "as an app (HTTP " + std::to_string(r->status) + ")");
  auto j = json::parse(r->body, nullptr, false);
  oauth_client app{string_at(j, "client_id"), string_at(j, "client_secret")};
  if (app.id.empty())
    return make_error("network_bad_response",
                      "the Mastodon instance registered no client_id");
  registered_apps[key] = app;
  return app;
}

// The network's own words for a refused request.
std::string error_text(const http::response& r) {
  auto j = json::parse(r.body, nullptr, false);
  for (auto* key : {"error_description", "detail", "message"})
    if (auto s = string_at(j, key); !s.empty())
      return s;
  if (auto s = string_in(j, {"error", "message"}); !s.empty())
    return s;
  if (auto s = string_at(j, "error"); !s.empty())
    return s;
  return "HTTP " + std::to_string(r.status);
}

} // namespace

bool is_emulator_url(network net, const std::string& base_url) {
  auto u = http::parse_url(trimmed(base_url));
  return u && u->path() == "/" + std::string(to_string(net));
}

std::optional<oauth_flow> oauth_flow_of(network net,
                                        const std::string& base_url,
                                        const std::string& ca_file) {
  auto base = trimmed(base_url);
  bool emulated = is_emulator_url(net, base);
  oauth_flow f;
  switch (net) {
    case network::x: {
      // The API lives on api.x.com, the consent page on x.com.
      auto site = base;
      if (auto p = site.find("://api."); !emulated && p != std::string::npos)
        site.erase(p + 3, 4);
      f = {site + "/i/oauth2/authorize", base + "/2/oauth2/token", true,
           x_scope};
      break;
    }
    case network::facebook: {
      std::string v = std::string("/") + facebook_graph_version;
      auto dialog = base + v + "/dialog/oauth";
      if (!emulated && base.find("://graph.facebook.com") != std::string::npos)
        dialog = std::string("https://www.facebook.com") + v + "/dialog/oauth";
      f = {dialog, base + v + "/oauth/access_token", false, facebook_scope};
      break;
    }
    case network::googleplus:
      // Google's own hosts, or wherever the API base is (the emulator,
      // prefixed or at the root of its own listener).
      if (emulated || base.find("googleapis.com") == std::string::npos)
        f = {base + "/o/oauth2/v2/auth", base + "/oauth2/v4/token", true,
             google_scope};
      else
        f = {"https://accounts.google.com/o/oauth2/v2/auth",
             "https://oauth2.googleapis.com/token", true, google_scope};
      break;
    case network::mastodon:
      f = {base + "/oauth/authorize", base + "/oauth/token", true,
           mastodon_scope};
      break;
    case network::bluesky:
      return std::nullopt;
  }
  f.ca_file = ca_file;
  return f;
}

expected<oauth_client> client_for(network net, const std::string& base_url,
                                  const std::optional<oauth_client>& configured,
                                  const std::string& redirect_uri,
                                  const std::string& ca_file) {
  if (configured && !configured->id.empty())
    return *configured;
  if (net == network::mastodon)
    return register_mastodon_app(trimmed(base_url), redirect_uri, ca_file);
  if (is_emulator_url(net, base_url))
    return oauth_client{emulator_client_id, emulator_client_secret};
  return make_error("network_not_configured",
                    "no OAuth client is configured for "
                      + std::string(to_string(net))
                      + ": set [networks." + std::string(to_string(net))
                      + "] client_id (and client_secret) in the config file");
}

pkce_pair make_pkce() {
  if (sodium_init() < 0)
    throw std::runtime_error("libsodium failed to initialise");
  unsigned char raw[verifier_bytes];
  randombytes_buf(raw, sizeof raw);
  pkce_pair p;
  p.verifier = base64url(raw, sizeof raw);
  p.challenge = s256_challenge(p.verifier);
  return p;
}

std::string s256_challenge(const std::string& verifier) {
  unsigned char digest[crypto_hash_sha256_BYTES];
  crypto_hash_sha256(digest,
                     reinterpret_cast<const unsigned char*>(verifier.data()),
                     verifier.size());
  return base64url(digest, sizeof digest);
}

std::string authorize_url(network net, const oauth_flow& flow,
                          const oauth_client& client,
                          const std::string& redirect_uri,
                          const std::string& state,
                          const std::string& code_challenge) {
  std::vector<std::pair<std::string, std::string>> q{
    {"response_type", "code"},
    {"client_id", client.id},
    {"redirect_uri", redirect_uri},
    {"scope", flow.scope},
    {"state", state}};
  if (flow.pkce) {
    q.emplace_back("code_challenge", code_challenge);
    q.emplace_back("code_challenge_method", "S256");
  }
  if (net == network::googleplus) {
    // Google grants a refresh token only for offline access, and again only
    // when consent is shown.
    q.emplace_back("access_type", "offline");
    q.emplace_back("prompt", "consent");
  }
  return with_query(flow.authorize_url, q);
}

outcome<token_grant> exchange_code(network net, const oauth_flow& flow,
                                   const oauth_client& client,
                                   const std::string& code,
                                   const std::string& redirect_uri,
                                   const std::string& code_verifier) {
  http::client http{{.ca_file = flow.ca_file}};
  http::header_list h;
  h.set("Accept", "application/json");
  std::vector<std::pair<std::string, std::string>> form{
    {"grant_type", "authorization_code"},
    {"code", code},
    {"redirect_uri", redirect_uri}};
  if (!code_verifier.empty())
    form.emplace_back("code_verifier", code_verifier);
  http::client_result r;
  if (net == network::facebook) {
    form.erase(form.begin()); // Graph takes no grant_type here
    form.emplace_back("client_id", client.id);
    form.emplace_back("client_secret", client.secret);
    r = http.send("GET", with_query(flow.token_url, form), h);
  } else {
    if (net == network::x && !client.secret.empty())
      // A confidential X client authenticates with Basic auth.
      h.set("Authorization",
            "Basic " + base64(http::url_encode(client.id) + ":"
                              + http::url_encode(client.secret)));
    else
      form.emplace_back("client_id", client.id);
    if (net != network::x && !client.secret.empty())
      form.emplace_back("client_secret", client.secret);
    if (net == network::mastodon)
      form.emplace_back("scope", flow.scope);
    r = http.post(flow.token_url, http::build_query(form),
                  "application/x-www-form-urlencoded", h);
  }
  auto name = std::string(to_string(net));
  if (!r)
    return {std::nullopt, make_failure(failure_kind::transient,
                                       name + " token endpoint unreachable: "
                                         + r.error)};
  if (r->status / 100 != 2) {
    auto f = classify_status(*r.response, name + " refused the code: "
                                            + error_text(*r.response));
    // A refused code is the network's "no", never a revoked account.
    if (f.kind == failure_kind::reauth_required)
      f.kind = failure_kind::rejected;
    return {std::nullopt, f};
  }
  auto j = json::parse(r->body, nullptr, false);
  token_grant g;
  g.access_token = string_at(j, "access_token");
  g.refresh_token = string_at(j, "refresh_token");
  if (auto in = integer_at(j, "expires_in"); in && *in > 0)
    g.expires_at = now_ms() + *in * 1000;
  if (g.access_token.empty())
    return {std::nullopt,
            make_failure(failure_kind::bad_response,
                         name + " token endpoint answered no access_token")};
  return {g, {}};
}

} // namespace socialcrm::networks
