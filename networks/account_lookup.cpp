#include "networks/account_lookup.hpp"

#include "http/url.hpp"
#include "networks/bluesky_connector.hpp"
#include "networks/facebook_connector.hpp"
#include "networks/json_fields.hpp"

namespace socialcrm::networks {

namespace {

using nlohmann::json;

// Page size asked of the page lists: the largest both networks allow.
constexpr int page_list_size = 100;

rate_reading epoch_headers(const http::response& r, std::string_view limit,
                           std::string_view remaining,
                           std::string_view reset) {
  rate_reading out;
  out.limit = header_number(r, limit);
  out.remaining = header_number(r, remaining);
  auto at = header_number(r, reset); // epoch seconds
  out.reset_at = at > 0 ? at * 1000 : 0;
  return out;
}

rate_header_reader rates_of(network net) {
  switch (net) {
    case network::x:
      return [](const http::response& r, unix_ms) {
        return epoch_headers(r, "x-rate-limit-limit", "x-rate-limit-remaining",
                             "x-rate-limit-reset");
      };
    case network::bluesky:
      return [](const http::response& r, unix_ms) {
        return epoch_headers(r, "ratelimit-limit", "ratelimit-remaining",
                             "ratelimit-reset");
      };
    case network::mastodon:
      return [](const http::response& r, unix_ms) {
        rate_reading out;
        out.limit = header_number(r, "X-RateLimit-Limit");
        out.remaining = header_number(r, "X-RateLimit-Remaining");
        out.reset_at = parse_time(r.headers.value("X-RateLimit-Reset"));
        return out;
      };
    default:
      return nullptr; // Graph and Google+ send no per-window headers
  }
}

// The network's own words, and what a source must make of them.
error_classifier errors_of(network net) {
  return [net](const http::response& r) {
    auto j = json::parse(r.body, nullptr, false);
    std::string text;
    for (auto* key : {"detail", "title", "error_description", "message"})
      if (text.empty())
        text = string_at(j, key);
    if (text.empty())
      text = string_in(j, {"error", "message"});
    auto f = classify_status(r, std::string(to_string(net)) + " answered "
                                  + std::to_string(r.status)
                                  + (text.empty() ? "" : ": " + text));
    if (net == network::facebook) {
      // Graph: 190 is a dead token; 4, 17, 32 are spent rate windows.
      auto code = j.is_object() && j.contains("error")
                    ? integer_at(j["error"], "code")
                    : std::nullopt;
      if (code == 190)
        f.kind = failure_kind::reauth_required;
      else if (code == 4 || code == 17 || code == 32)
        f.kind = failure_kind::rate_limited;
    }
    if (net == network::bluesky) {
      auto name = string_at(j, "error");
      if (name == "ExpiredToken" || name == "InvalidToken"
          || name == "AuthenticationRequired")
        f.kind = failure_kind::reauth_required;
    }
    return f;
  };
}

failure bad_response(network net, const std::string& what) {
  return make_failure(failure_kind::bad_response,
                      std::string(to_string(net)) + " answered " + what
                        + " without the documented fields");
}

std::string graph(const std::string& path) {
  return "/" + std::string(facebook_graph_version) + path;
}

/// X usernames: 1 to 15 letters, digits and underscores.
bool x_username(const std::string& h) {
  return !h.empty() && h.size() <= 15
         && h.find_first_not_of("abcdefghijklmnopqrstuvwxyz"
                                "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_")
              == std::string::npos;
}

} // namespace

account_lookup::account_lookup(network net, std::string base_url,
                               std::shared_ptr<rate_budgets> budgets,
                               const std::string& ca_file)
  : net_(net),
    // Linking and lookups are a person's requests: not paced.
    api_(net, std::move(base_url), std::move(budgets), rates_of(net),
         errors_of(net), false, ca_file) {}

outcome<identity> account_lookup::whoami(const std::string& token) {
  outcome<json> j;
  switch (net_) {
    case network::x:
      j = api_.send_json(token, "users_me", "GET",
                         "/2/users/me?user.fields=username,name");
      break;
    case network::facebook:
      j = api_.send_json(token, "graph", "GET", graph("/me?fields=id,name"));
      break;
    case network::googleplus:
      j = api_.send_json(token, "plus", "GET", "/plus/v1/people/me");
      break;
    case network::mastodon:
      j = api_.send_json(token, "accounts", "GET",
                         "/api/v1/accounts/verify_credentials");
      break;
    case network::bluesky:
      j = api_.send_json(token, "session", "GET",
                         "/xrpc/com.atproto.server.getSession");
      break;
  }
  if (!j)
    return {std::nullopt, j.error};
  const json& v = *j.value;
  identity who;
  switch (net_) {
    case network::x: {
      auto* data = object_at(v, "data");
      if (!data)
        return {std::nullopt, bad_response(net_, "/2/users/me")};
      who = {string_at(*data, "id"), string_at(*data, "username"),
             string_at(*data, "name")};
      break;
    }
    case network::facebook:
      who = {string_at(v, "id"), string_at(v, "name"), string_at(v, "name")};
      break;
    case network::googleplus:
      who = {string_at(v, "id"), string_at(v, "displayName"),
             string_at(v, "displayName")};
      break;
    case network::mastodon:
      who = {string_at(v, "id"), string_at(v, "acct"),
             string_at(v, "display_name")};
      break;
    case network::bluesky:
      who = {string_at(v, "did"), string_at(v, "handle"),
             string_at(v, "handle")};
      break;
  }
  if (who.user_id.empty())
    return {std::nullopt, bad_response(net_, "the identity lookup")};
  return {who, {}};
}

outcome<std::vector<managed_page>>
account_lookup::pages(const std::string& token) {
  std::vector<managed_page> out;
  if (net_ != network::facebook && net_ != network::googleplus)
    return {out, {}};
  std::string cursor;
  for (int i = 0; i < max_page_list_requests; ++i) {
    outcome<json> j;
    std::vector<std::pair<std::string, std::string>> q;
    if (net_ == network::facebook) {
      q = {{"fields", "id,name,access_token"},
           {"limit", std::to_string(page_list_size)}};
      if (!cursor.empty())
        q.emplace_back("after", cursor);
      j = api_.send_json(token, "graph", "GET",
                         graph("/me/accounts?") + http::build_query(q));
    } else {
      q = {{"maxResults", std::to_string(page_list_size)}};
      if (!cursor.empty())
        q.emplace_back("pageToken", cursor);
      j = api_.send_json(token, "plus", "GET",
                         "/plusPages/v2/people/me/people/pages?"
                           + http::build_query(q));
    }
    if (!j)
      return {std::nullopt, j.error};
    const json& v = *j.value;
    // Google omits "items" when the list is empty; Graph sends "data": [].
    const json* list =
      array_at(v, net_ == network::facebook ? "data" : "items");
    if (!list && net_ == network::facebook)
      return {std::nullopt, bad_response(net_, "/me/accounts")};
    if (list)
      for (const auto& p : *list) {
        managed_page page{string_at(p, "id"),
                          string_at(p, net_ == network::facebook
                                         ? "name"
                                         : "displayName"),
                          string_at(p, "access_token")};
        if (!page.id.empty())
          out.push_back(std::move(page));
      }
    // Graph names the next page only when there is one.
    cursor = net_ == network::facebook
               ? (string_in(v, {"paging", "next"}).empty()
                    ? ""
                    : string_in(v, {"paging", "cursors", "after"}))
               : string_at(v, "nextPageToken");
    if (cursor.empty())
      break;
  }
  return {out, {}};
}

outcome<bluesky_session>
account_lookup::sign_in(const std::string& identifier,
                        const std::string& app_password) {
  http::header_list h;
  h.set("Content-Type", "application/json");
  json body{{"identifier", identifier}, {"password", app_password}};
  auto j = api_.send_json("", "session", "POST",
                          "/xrpc/com.atproto.server.createSession", h,
                          body.dump());
  if (!j)
    return {std::nullopt, j.error};
  bluesky_session s;
  s.who = {string_at(*j.value, "did"), string_at(*j.value, "handle"),
           string_at(*j.value, "handle")};
  s.tokens.access_token = string_at(*j.value, "accessJwt");
  s.tokens.refresh_token = string_at(*j.value, "refreshJwt");
  s.tokens.expires_at = bluesky_connector::jwt_expiry(s.tokens.access_token);
  if (s.who.user_id.empty() || s.tokens.access_token.empty())
    return {std::nullopt, bad_response(net_, "createSession")};
  return {s, {}};
}

outcome<std::optional<identity>>
account_lookup::find_user(const std::string& token, const std::string& raw) {
  auto handle = raw;
  if (!handle.empty() && handle.front() == '@')
    handle.erase(0, 1);
  std::optional<identity> none;
  if (handle.empty() || handle == "me")
    return {none, {}};
  outcome<json> j;
  switch (net_) {
    case network::x:
      if (!x_username(handle))
        return {none, {}};
      j = api_.send_json(token, "user_lookup", "GET",
                         "/2/users/by/username/" + http::url_encode(handle)
                           + "?user.fields=username,name");
      break;
    case network::mastodon:
      j = api_.send_json(token, "accounts", "GET",
                         "/api/v1/accounts/lookup?acct="
                           + http::url_encode(handle));
      break;
    case network::bluesky:
      j = api_.send_json(token, "profile", "GET",
                         "/xrpc/app.bsky.actor.getProfile?actor="
                           + http::url_encode(handle));
      break;
    case network::facebook:
      j = api_.send_json(token, "graph", "GET",
                         graph("/" + http::url_encode(handle)
                               + "?fields=id,name"));
      break;
    case network::googleplus:
      j = api_.send_json(token, "plus", "GET",
                         "/plus/v1/people/" + http::url_encode(handle));
      break;
  }
  if (!j) {
    // "No such user" is a 404 (Mastodon, Google+) or a 400 naming the
    // object (Graph, Bluesky's "Profile not found"): a lookup result, not a
    // failure. A dead token or a spent window stays a failure.
    if (j.error.kind == failure_kind::rejected)
      return {none, {}};
    return {std::nullopt, j.error};
  }
  const json& v = *j.value;
  identity who;
  switch (net_) {
    case network::x: {
      auto* data = object_at(v, "data");
      if (!data) // X answers 200 with "errors" for an unknown username
        return {none, {}};
      who = {string_at(*data, "id"), string_at(*data, "username"),
             string_at(*data, "name")};
      break;
    }
    case network::mastodon:
      who = {string_at(v, "id"), string_at(v, "acct"),
             string_at(v, "display_name")};
      break;
    case network::bluesky:
      who = {string_at(v, "did"), string_at(v, "handle"),
             string_at(v, "displayName")};
      break;
    case network::facebook:
      // A post id names an object too; only people and pages have names.
      who = {string_at(v, "id"), string_at(v, "name"), string_at(v, "name")};
      if (who.name.empty())
        return {none, {}};
      break;
    case network::googleplus:
      who = {string_at(v, "id"), string_at(v, "displayName"),
             string_at(v, "displayName")};
      break;
  }
  if (who.user_id.empty())
    return {none, {}};
  return {std::optional<identity>(who), {}};
}

std::vector<std::string> network_operations(network net) {
  switch (net) {
    case network::x:
    case network::mastodon:
      return {"view", "post", "reply", "like", "repost", "message"};
    case network::facebook:
      // Status posts, comments, likes and page messages; no shares.
      return {"view", "post", "reply", "like", "message"};
    case network::googleplus:
      // The Pages API posted and commented; +1s were not in it.
      return {"view", "post", "reply"};
    case network::bluesky:
      // Direct messages are the separate chat.bsky service: not supported.
      return {"view", "post", "reply", "like", "repost"};
  }
  return {"view"};
}

} // namespace socialcrm::networks
