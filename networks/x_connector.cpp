#include "networks/x_connector.hpp"

#include "http/url.hpp"
#include "networks/cursor_state.hpp"

#include <algorithm>
#include <map>
#include <optional>
#include <sodium.h>

namespace socialcrm::networks {

namespace {

using json = nlohmann::json;

rate_reading x_rates(const http::response& r, unix_ms) {
  rate_reading out;
  out.limit = header_number(r, "x-rate-limit-limit");
  out.remaining = header_number(r, "x-rate-limit-remaining");
  auto reset = header_number(r, "x-rate-limit-reset"); // epoch seconds
  out.reset_at = reset > 0 ? reset * 1000 : 0;
  return out;
}

// X answers errors as RFC 7807 problems ({"title","detail","type"}) or as
// {"errors":[{"message"}]} on older paths.
failure x_errors(const http::response& r) {
  std::string msg = "X answered " + std::to_string(r.status);
  auto j = json::parse(r.body, nullptr, false);
  if (j.is_object()) {
    if (j.contains("detail") && j["detail"].is_string())
      msg += ": " + j["detail"].get<std::string>();
    else if (j.contains("title") && j["title"].is_string())
      msg += ": " + j["title"].get<std::string>();
    else if (j.contains("error_description")
             && j["error_description"].is_string())
      msg += ": " + j["error_description"].get<std::string>();
  }
  auto f = classify_status(r, msg);
  if (r.status == 429) {
    auto reset = header_number(r, "x-rate-limit-reset");
    f.retry_at = reset > 0 ? reset * 1000 : 0;
  }
  // An OAuth "invalid_grant" on refresh means the grant is gone for good.
  if (r.status == 400 && msg.find("invalid") != std::string::npos
      && r.body.find("invalid_grant") != std::string::npos)
    f.kind = failure_kind::reauth_required;
  return f;
}

std::string str_field(const json& j, const char* key) {
  auto i = j.find(key);
  return i != j.end() && i->is_string() ? i->get<std::string>() : std::string();
}

struct x_user {
  std::string handle;
  std::string name;
};

// X sends every list page as an object with `meta` (result_count at
// least) and, when anything is listed, a `data` array: anything else is
// not a page, and must not pass for an empty one.
std::optional<failure> not_a_page(const json& page) {
  auto meta = page.is_object() ? page.find("meta") : page.end();
  if (!page.is_object() || meta == page.end() || !meta->is_object())
    return make_failure(failure_kind::bad_response,
                        "X answered a page without meta");
  if (auto data = page.find("data"); data != page.end() && !data->is_array())
    return make_failure(failure_kind::bad_response, "X data is no array");
  return std::nullopt;
}

std::map<std::string, x_user> users_of(const json& page) {
  std::map<std::string, x_user> out;
  auto inc = page.find("includes");
  if (inc == page.end() || !inc->is_object())
    return out;
  auto users = inc->find("users");
  if (users == inc->end() || !users->is_array())
    return out;
  for (auto& u : *users)
    if (u.is_object())
      out[str_field(u, "id")] = {str_field(u, "username"), str_field(u, "name")};
  return out;
}

post_kind kind_of(const json& t, feed f, const credentials& who) {
  if (auto refs = t.find("referenced_tweets"); refs != t.end()
                                                && refs->is_array())
    for (auto& r : *refs)
      if (r.is_object() && str_field(r, "type") == "retweeted")
        return post_kind::repost;
  auto to_us = str_field(t, "in_reply_to_user_id") == who.account_user_id
               && !who.account_user_id.empty();
  if (to_us)
    return post_kind::reply;
  if (f == feed::mentions)
    return post_kind::mention;
  return post_kind::post;
}

std::string replied_to(const json& t) {
  if (auto refs = t.find("referenced_tweets"); refs != t.end()
                                                && refs->is_array())
    for (auto& r : *refs)
      if (r.is_object() && str_field(r, "type") == "replied_to")
        return str_field(r, "id");
  return {};
}

std::string base64(const std::string& raw) {
  std::string out(sodium_base64_encoded_len(raw.size(),
                                            sodium_base64_VARIANT_ORIGINAL),
                  '\0');
  sodium_bin2base64(out.data(), out.size(),
                    reinterpret_cast<const unsigned char*>(raw.data()),
                    raw.size(), sodium_base64_VARIANT_ORIGINAL);
  out.resize(out.size() - 1); // the terminating NUL
  return out;
}

} // namespace

x_connector::x_connector(const connector_options& opts)
  : api_(network::x, opts.base_url, opts.budgets, x_rates, x_errors,
         opts.paced, opts.ca_file),
    client_id_(opts.client_id.empty() ? "socialcrm" : opts.client_id),
    client_secret_(opts.client_secret) {
}

std::vector<feed> x_connector::account_feeds() const {
  return {feed::mentions, feed::direct_messages, feed::own_posts};
}

std::string x_connector::search_query(const std::vector<std::string>& terms) {
  std::string q;
  for (auto& t : terms) {
    if (!q.empty())
      q += " OR ";
    if (t.find_first_of(" \t") != std::string::npos)
      q += "\"" + t + "\"";
    else
      q += t;
  }
  return terms.size() > 1 ? "(" + q + ")" : q;
}

outcome<poll_page> x_connector::poll(const credentials& who,
                                     const poll_request& req) {
  if (req.what == feed::direct_messages)
    return poll_dms(who, req);
  return poll_tweets(who, req);
}

outcome<poll_page> x_connector::poll_tweets(const credentials& who,
                                            const poll_request& req) {
  std::string path;
  std::string family;
  std::vector<std::pair<std::string, std::string>> q;
  switch (req.what) {
    case feed::mentions:
      path = "/2/users/" + http::url_encode(who.account_user_id) + "/mentions";
      family = "mentions";
      break;
    case feed::own_posts:
      path = "/2/users/" + http::url_encode(who.account_user_id) + "/tweets";
      family = "user_tweets";
      break;
    case feed::timeline:
      path = "/2/users/" + http::url_encode(req.user_id) + "/tweets";
      family = "user_tweets";
      break;
    case feed::search:
      path = "/2/tweets/search/recent";
      family = "search";
      q.emplace_back("query", search_query(req.terms));
      break;
    default:
      return {std::nullopt,
              make_failure(failure_kind::rejected,
                           "X has no feed " + std::string(to_string(req.what)))};
  }
  cursor_state cur(req.cursor);
  q.emplace_back("max_results", std::to_string(x_max_results));
  q.emplace_back("tweet.fields", "created_at,author_id,conversation_id,"
                                 "in_reply_to_user_id,referenced_tweets");
  q.emplace_back("expansions", "author_id");
  q.emplace_back("user.fields", "username,name");
  if (!cur.get("since").empty())
    q.emplace_back("since_id", cur.get("since"));
  if (!cur.get("next").empty())
    q.emplace_back("pagination_token", cur.get("next"));
  auto page = api_.send_json(who.access_token, family, "GET",
                             path + "?" + http::build_query(q));
  if (!page)
    return {std::nullopt, page.error};
  auto& j = *page.value;
  if (auto f = not_a_page(j))
    return {std::nullopt, *f};
  poll_page out;
  auto users = users_of(j);
  if (auto data = j.find("data"); data != j.end()) {
    if (!data->is_array())
      return {std::nullopt,
              make_failure(failure_kind::bad_response, "X data is no array")};
    for (auto& t : *data) {
      if (!t.is_object() || str_field(t, "id").empty())
        return {std::nullopt, make_failure(failure_kind::bad_response,
                                           "X tweet without id")};
      post p;
      p.net = network::x;
      p.external_id = str_field(t, "id");
      p.text = str_field(t, "text");
      p.from.network_user_id = str_field(t, "author_id");
      auto u = users.find(p.from.network_user_id);
      if (u != users.end())
        p.from.handle = u->second.handle, p.from.name = u->second.name;
      p.created_at = parse_time(str_field(t, "created_at"));
      p.kind = kind_of(t, req.what, who);
      p.in_reply_to = replied_to(t);
      out.posts.push_back(std::move(p));
    }
  }
  // X lists newest first; the core stores oldest first.
  std::sort(out.posts.begin(), out.posts.end(),
            [](const post& a, const post& b) {
              return id_less(a.external_id, b.external_id);
            });
  std::string newest_here;
  if (auto meta = j.find("meta"); meta != j.end() && meta->is_object())
    newest_here = str_field(*meta, "newest_id");
  if (newest_here.empty() && !out.posts.empty())
    newest_here = out.posts.back().external_id;
  // The walk's newest id is the first page's: remember it until the last
  // page, then it becomes the new since_id.
  auto newest = cur.get("newest");
  if (newest.empty() || (!newest_here.empty() && id_less(newest, newest_here)))
    newest = newest_here;
  std::string next;
  if (auto meta = j.find("meta"); meta != j.end() && meta->is_object())
    next = str_field(*meta, "next_token");
  cursor_state after;
  if (!next.empty()) {
    after.set("since", cur.get("since"));
    after.set("next", next);
    after.set("newest", newest);
    out.more = true;
  } else {
    after.set("since", newest.empty() ? cur.get("since") : newest);
  }
  out.cursor = after.str();
  return {std::move(out), {}};
}

outcome<poll_page> x_connector::poll_dms(const credentials& who,
                                         const poll_request& req) {
  cursor_state cur(req.cursor);
  auto since = cur.get("since");
  poll_page out;
  std::string newest = since;
  std::string token;
  for (int pages = 0; pages < x_max_dm_pages; ++pages) {
    std::vector<std::pair<std::string, std::string>> q{
      {"event_types", "MessageCreate"},
      {"dm_event.fields", "id,text,event_type,created_at,sender_id,"
                          "dm_conversation_id"},
      {"expansions", "sender_id"},
      {"user.fields", "username,name"},
      {"max_results", std::to_string(x_max_results)}};
    if (!token.empty())
      q.emplace_back("pagination_token", token);
    auto page = api_.send_json(who.access_token, "dm_read", "GET",
                               "/2/dm_events?" + http::build_query(q));
    if (!page)
      return {std::nullopt, page.error};
    auto& j = *page.value;
    if (auto f = not_a_page(j))
      return {std::nullopt, *f};
    auto users = users_of(j);
    bool reached_seen = false;
    if (auto data = j.find("data"); data != j.end() && data->is_array())
      for (auto& e : *data) {
        auto id = str_field(e, "id");
        if (id.empty())
          continue;
        if (!since.empty() && !id_less(since, id)) {
          reached_seen = true;
          continue;
        }
        if (id_less(newest, id) || newest.empty())
          newest = id;
        auto sender = str_field(e, "sender_id");
        if (sender == who.account_user_id)
          continue; // our own answers are not incoming messages
        post p;
        p.net = network::x;
        p.external_id = "dm:" + id;
        p.kind = post_kind::dm;
        p.text = str_field(e, "text");
        p.from.network_user_id = sender;
        if (auto u = users.find(sender); u != users.end())
          p.from.handle = u->second.handle, p.from.name = u->second.name;
        p.created_at = parse_time(str_field(e, "created_at"));
        out.posts.push_back(std::move(p));
      }
    token.clear();
    if (auto meta = j.find("meta"); meta != j.end() && meta->is_object())
      token = str_field(*meta, "next_token");
    if (reached_seen || token.empty())
      break;
  }
  std::sort(out.posts.begin(), out.posts.end(),
            [](const post& a, const post& b) {
              return id_less(a.external_id, b.external_id);
            });
  cursor_state after;
  after.set("since", newest);
  out.cursor = after.str();
  return {std::move(out), {}};
}

outcome<credentials> x_connector::refresh(const credentials& who) {
  http::header_list h;
  if (!client_secret_.empty())
    h.set("Authorization", "Basic " + base64(client_id_ + ":" + client_secret_));
  h.set("Content-Type", "application/x-www-form-urlencoded");
  auto body = http::build_query({{"grant_type", "refresh_token"},
                                 {"refresh_token", who.refresh_token},
                                 {"client_id", client_id_}});
  // No bearer: the token endpoint authenticates the client (Basic, or the
  // client_id of a public PKCE client) and the refresh token.
  auto r = api_.send_json("", "oauth_token", "POST", "/2/oauth2/token", h,
                          body);
  if (!r)
    return {std::nullopt, r.error};
  auto& j = *r.value;
  auto access = str_field(j, "access_token");
  if (access.empty())
    return {std::nullopt, make_failure(failure_kind::bad_response,
                                       "X token answer without access_token")};
  credentials out = who;
  out.access_token = access;
  out.refresh_token = str_field(j, "refresh_token");
  out.expires_at = j.contains("expires_in") && j["expires_in"].is_number()
                     ? now_ms() + j["expires_in"].get<long>() * 1000
                     : 0;
  return {std::move(out), {}};
}

} // namespace socialcrm::networks
