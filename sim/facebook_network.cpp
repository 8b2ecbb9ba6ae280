#include "sim/facebook_network.hpp"

#include "http/url.hpp"
#include "sim/facebook.hpp"
#include "sim/multipart.hpp"
#include "sim/oauth.hpp"

#include <algorithm>
#include <charconv>
#include <ctime>

namespace socialcrm::sim {

std::unique_ptr<network> make_facebook_network() {
  return std::make_unique<facebook::facebook_network>();
}

namespace facebook {

using nlohmann::json;

namespace {

/// Graph id spaces: app-scoped user ids are long, page ids shorter; post
/// ids are "{page}_{n}", comment ids "{post}_{n}", message ids "m_...".
constexpr std::uint64_t user_id_base = 10158000000000000ULL;
constexpr std::uint64_t page_id_base = 104000000000000ULL;
constexpr std::uint64_t object_id_base = 5000000000000ULL;

bool is_version(const std::string& s) {
  // "v19.0": the versioned prefix every Graph path may carry.
  return s.size() >= 4 && s[0] == 'v' && s.find('.') != std::string::npos;
}

std::string encode_cursor(std::uint64_t seq) {
  // Graph cursors are opaque base64; the emulator's encode an item's seq.
  std::string digits = std::to_string(seq);
  static constexpr char alphabet[] =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
  std::string out = "QVFI";
  for (char d : digits)
    out.push_back(alphabet[(d - '0') * 5 + 3]);
  return out;
}

std::optional<std::uint64_t> decode_cursor(std::string_view c) {
  static constexpr char alphabet[] =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
  if (c.size() < 5 || c.substr(0, 4) != "QVFI")
    return std::nullopt;
  std::string digits;
  for (char ch : c.substr(4)) {
    auto pos = std::string_view(alphabet).find(ch);
    if (pos == std::string_view::npos || pos < 3 || (pos - 3) % 5 != 0)
      return std::nullopt;
    digits.push_back(static_cast<char>('0' + (pos - 3) / 5));
  }
  std::uint64_t v = 0;
  std::from_chars(digits.data(), digits.data() + digits.size(), v);
  return v;
}

std::string access_token_of(const call& c) {
  if (auto t = graph_param(c, "access_token"))
    return *t;
  // Graph takes "Authorization: OAuth TOKEN" (its own upload guide's form)
  // as well as the OAuth 2.0 "Bearer TOKEN".
  auto h = c.http.headers.value("Authorization");
  constexpr std::string_view scheme = "OAuth ";
  if (h.size() > scheme.size()
      && http::iequals(std::string_view(h).substr(0, scheme.size()), scheme))
    return h.substr(scheme.size());
  return c.bearer();
}

} // namespace

http::response graph_error(world& w, unsigned status, const std::string& message,
                           const std::string& type, int code, int subcode,
                           bool transient) {
  json e = {{"message", message}, {"type", type}, {"code", code}};
  if (subcode)
    e["error_subcode"] = subcode;
  if (transient)
    e["is_transient"] = true;
  e["fbtrace_id"] = w.random_token(8);
  auto r = json_response(status, {{"error", e}});
  // Graph names the OAuth error class, not the exception type, in the
  // header: "invalid_token" for dead tokens, "invalid_request" for a
  // missing token and for the app's spent rate limit.
  const char* oauth_error = code == 190 || code == 102 ? "invalid_token"
                            : code == 2500 || code == 4 ? "invalid_request"
                                                        : nullptr;
  if (oauth_error)
    r.headers.set("WWW-Authenticate", std::string("OAuth \"Facebook "
                                                  "Platform\" \"")
                                        + oauth_error + "\" \"" + message
                                        + "\"");
  return r;
}

http::response unknown_object(world& w, const std::string& method,
                              const std::string& id) {
  return graph_error(
    w, 400,
    "Unsupported " + method + " request. Object with ID '" + id
      + "' does not exist, cannot be loaded due to missing permissions, or "
        "does not support this operation. Please read the Graph API "
        "documentation at https://developers.facebook.com/docs/graph-api",
    "GraphMethodException", 100, 33);
}

std::string graph_time(std::int64_t unix_s) {
  std::time_t t = static_cast<std::time_t>(unix_s);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%S+0000", &tm);
  return buf;
}

std::optional<std::string> graph_param(const call& c, const std::string& name) {
  if (auto v = c.param(name))
    return v;
  if (auto parts = parse_multipart(c.http.headers.value("Content-Type"),
                                   c.http.body)) {
    for (const auto& part : *parts)
      if (part.name == name && part.filename.empty())
        return std::string(part.body);
    return std::nullopt;
  }
  return c.any_param(name);
}

std::optional<http::response> page_edge(const call& c, world& w,
                                        const std::vector<const item*>& all,
                                        edge_page& out) {
  std::size_t limit = default_limit;
  if (auto v = c.param("limit")) {
    std::size_t n = 0;
    auto [p, ec] = std::from_chars(v->data(), v->data() + v->size(), n);
    if (ec != std::errc{} || p != v->data() + v->size() || n == 0)
      return graph_error(w, 400, "(#100) The parameter limit must be a "
                                 "positive integer",
                         "OAuthException", 100);
    limit = std::min(n, max_limit);
  }
  // Cursors name an item; the page starts right after (or ends right
  // before) it, whatever order the edge lists items in.
  auto position = [&](const std::string& cursor) -> std::optional<std::size_t> {
    auto seq = decode_cursor(cursor);
    if (!seq)
      return std::nullopt;
    for (std::size_t i = 0; i < all.size(); ++i)
      if (all[i]->seq == *seq)
        return i;
    return all.size(); // gone: nothing left on that side
  };
  std::size_t begin = 0, end = std::min(all.size(), limit);
  if (auto after = c.param("after")) {
    auto pos = position(*after);
    if (!pos)
      return graph_error(w, 400, "(#100) The after cursor is invalid",
                         "OAuthException", 100);
    begin = std::min(all.size(), *pos + 1);
    end = std::min(all.size(), begin + limit);
  } else if (auto before = c.param("before")) {
    auto pos = position(*before);
    if (!pos)
      return graph_error(w, 400, "(#100) The before cursor is invalid",
                         "OAuthException", 100);
    end = std::min(all.size(), *pos);
    begin = end > limit ? end - limit : 0;
  }
  out.items = w.page_with_faults("facebook", all, begin, end);
  if (begin >= end) {
    out.paging = nullptr;
    return std::nullopt;
  }
  json paging = {{"cursors", {{"before", encode_cursor(all[begin]->seq)},
                              {"after", encode_cursor(all[end - 1]->seq)}}}};
  // next / previous are full URLs with the caller's own parameters.
  auto url_with = [&](const char* key, const std::string& cursor) {
    std::vector<std::pair<std::string, std::string>> q;
    for (const auto& [k, v] : c.query)
      if (k != "after" && k != "before" && k != "limit")
        q.emplace_back(k, v);
    q.emplace_back("limit", std::to_string(limit));
    q.emplace_back(key, cursor);
    return c.base_url + c.path + "?" + http::build_query(q);
  };
  if (end < all.size())
    paging["next"] = url_with("after", encode_cursor(all[end - 1]->seq));
  if (begin > 0)
    paging["previous"] = url_with("before", encode_cursor(all[begin]->seq));
  out.paging = std::move(paging);
  return std::nullopt;
}

edge_page nested_edge(const call& c, const std::vector<const item*>& all,
                      const field_request& spec, const std::string& edge_path) {
  std::size_t limit = default_limit;
  auto asked = spec.modifier("limit");
  if (!asked.empty()) {
    std::size_t n = 0;
    auto [p, ec] = std::from_chars(asked.data(), asked.data() + asked.size(),
                                   n);
    if (ec == std::errc{} && p == asked.data() + asked.size())
      limit = std::min(n, max_limit);
  }
  edge_page out;
  auto end = std::min(all.size(), limit);
  out.items.assign(all.begin(), all.begin() + static_cast<long>(end));
  if (end == 0)
    return out; // Graph sends no paging with an empty page
  json paging = {{"cursors", {{"before", encode_cursor(all.front()->seq)},
                              {"after", encode_cursor(all[end - 1]->seq)}}}};
  if (end < all.size()) {
    // The next page is the edge read directly, with the caller's token.
    std::string version;
    if (auto seg = c.segments(); !seg.empty() && is_version(seg[0]))
      version = "/" + seg[0];
    std::vector<std::pair<std::string, std::string>> q;
    if (auto t = c.param("access_token"))
      q.emplace_back("access_token", *t);
    if (spec.modifier("summary") == "true")
      q.emplace_back("summary", "true");
    q.emplace_back("limit", std::to_string(limit));
    q.emplace_back("after", encode_cursor(all[end - 1]->seq));
    paging["next"] = c.base_url + version + edge_path + "?"
                     + http::build_query(q);
  }
  out.paging = std::move(paging);
  return out;
}

json edge_json(json data, const edge_page& page) {
  json out = {{"data", std::move(data)}};
  if (!page.paging.is_null())
    out["paging"] = page.paging;
  return out;
}

// --- the module ---------------------------------------------------------------

std::string facebook_network::make_id(id_kind kind, std::uint64_t n,
                                      const item* draft) const {
  switch (kind) {
    case id_kind::user: return std::to_string(user_id_base + n);
    case id_kind::page: return std::to_string(page_id_base + n);
    case id_kind::media:
    case id_kind::conversation: return std::to_string(object_id_base + n);
    case id_kind::item: break;
  }
  auto num = std::to_string(object_id_base + n);
  if (!draft)
    return num;
  switch (draft->kind) {
    case item_kind::dm: return "m_" + num;
    case item_kind::comment:
    case item_kind::reply: {
      // "{post}_{comment}": the parent's own number first.
      auto parent = draft->in_reply_to;
      auto us = parent.rfind('_');
      return (us == std::string::npos ? parent : parent.substr(us + 1)) + "_"
             + num;
    }
    default:
      // A post lives on a page: the page's feed, or a visitor post on it.
      return (draft->to_account.empty() ? draft->author_id : draft->to_account)
             + "_" + num;
  }
}

http::response facebook_network::server_error(const call&, world& w) {
  return graph_error(w, 500, "An unexpected error has occurred. Please retry "
                             "your request later.",
                     "OAuthException", 2, 0, true);
}

http::response facebook_network::handle(const call& c, world& w) {
  return garbage_or(*this, w, route(c, w));
}

http::response facebook_network::route(const call& c, world& w) {
  auto seg = c.segments();
  if (!seg.empty() && is_version(seg[0]))
    seg.erase(seg.begin());
  const auto& m = c.method();
  if (seg.size() == 2 && seg[0] == "dialog" && seg[1] == "oauth") {
    authorize_options o{"facebook", "Facebook"};
    o.code_by_default = true;
    return serve_authorize(c, w, o);
  }
  if (seg.size() == 2 && seg[0] == "oauth" && seg[1] == "access_token")
    return access_token(c, w);
  if (seg.empty() || seg.size() > 2)
    return graph_error(w, 400, "Unknown path components: " + c.path,
                       "OAuthException", 2500);

  // Every Graph call needs a token; errors are OAuthException 190.
  auto value = access_token_of(c);
  if (value.empty())
    return graph_error(w, 400, "An active access token must be used to query "
                               "information about the current user.",
                       "OAuthException", 2500);
  token* t = w.find_token("facebook", value);
  if (!t || t->kind != token_kind::access)
    return graph_error(w, 400, "Invalid OAuth access token - Cannot parse "
                               "access token",
                       "OAuthException", 190);
  if (t->revoked)
    return graph_error(w, 400, "Error validating access token: The session "
                               "has been invalidated because the user changed "
                               "their password or Facebook has changed the "
                               "session for security reasons.",
                       "OAuthException", 190, 460);
  if (t->expires_at != 0 && t->expires_at <= w.now())
    return graph_error(w, 400, "Error validating access token: Session has "
                               "expired.",
                       "OAuthException", 190, 463);
  caller who;
  who.tok = t;
  who.me = w.find_user("facebook", t->user_id);
  if (!who.me)
    return graph_error(w, 400, "Invalid OAuth access token - Cannot parse "
                               "access token",
                       "OAuthException", 190);
  if (!t->page_id.empty())
    who.pg = w.find_page("facebook", t->page_id);

  who.window = w.take_rate("facebook", who.actor(), calls_per_window, window_s);
  auto usage = [&](http::response& r) {
    // Graph reports usage as percentages of the window.
    auto pct = [&](std::uint32_t used) {
      return who.window.limit ? used * 100 / who.window.limit : 100;
    };
    auto used = who.window.limit - who.window.remaining;
    r.headers.set("X-App-Usage", json{{"call_count", pct(used)},
                                      {"total_cputime", pct(used) / 2},
                                      {"total_time", pct(used) / 2}}
                                   .dump());
  };
  if (!who.window.allowed) {
    auto r = who.pg ? graph_error(w, 400, "(#32) Page request limit reached",
                                  "OAuthException", 32, 0, true)
                    : graph_error(w, 400, "(#4) Application request limit "
                                          "reached",
                                  "OAuthException", 4, 0, true);
    usage(r);
    return r;
  }

  http::response res;
  const std::string& node = seg[0];
  std::string edge = seg.size() > 1 ? seg[1] : "";
  const page* p = node == "me" && who.pg ? who.pg : w.find_page("facebook", node);
  item* it = w.find_item("facebook", node);
  if (node == "me" && edge.empty() && m == "GET")
    res = me(c, w, who);
  else if ((node == "me" || (node == who.me->id && !who.pg))
           && edge == "accounts" && m == "GET")
    res = accounts(c, w, who);
  else if (p && (edge == "feed" || edge == "posts" || edge == "tagged")
           && m == "GET")
    res = feed(c, w, who, *p, edge == "tagged");
  else if (p && edge == "feed" && m == "POST")
    res = post_feed(c, w, who, *p);
  else if (p && edge == "photos" && m == "POST")
    res = post_photo(c, w, who, *p);
  else if (p && edge == "conversations" && m == "GET")
    res = conversations(c, w, who, *p);
  else if (p && edge == "messages" && m == "POST")
    res = send_message(c, w, who, *p);
  else if (it && edge == "comments" && m == "GET")
    res = comments(c, w, who, *it);
  else if (it && edge == "comments" && m == "POST")
    res = post_comment(c, w, who, *it);
  else if (it && edge == "likes")
    res = likes(c, w, who, *it);
  else if (node.rfind("t_", 0) == 0 && edge == "messages" && m == "GET")
    res = messages(c, w, who, node.substr(2));
  else if (edge.empty() && m == "GET")
    res = object(c, w, who, node);
  else
    res = unknown_object(w, m == "GET" ? "get" : "post", node);
  usage(res);
  return res;
}

} // namespace facebook
} // namespace socialcrm::sim
