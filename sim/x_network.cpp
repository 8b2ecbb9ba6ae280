#include "sim/x_network.hpp"

#include "sim/oauth.hpp"
#include "sim/x.hpp"

#include <ctime>
#include <set>

namespace socialcrm::sim {

std::unique_ptr<network> make_x_network() {
  return std::make_unique<x::x_network>();
}

namespace x {

using nlohmann::json;

namespace {

/// X's id spaces: 64-bit snowflakes for posts and media, shorter numbers
/// for accounts. Offsets make emulated ids look like real ones while
/// staying monotonic (since_id compares them numerically).
constexpr std::uint64_t snowflake_base = 1460323737035677000ULL;
constexpr std::uint64_t user_id_base = 1500000000ULL;

// Requests per 15-minute window and token, per endpoint group, as X's
// rate-limit table lists them for user-context access.
constexpr std::uint32_t limit_users_me = 75;
constexpr std::uint32_t limit_user_lookup = 900;
constexpr std::uint32_t limit_mentions = 180;
constexpr std::uint32_t limit_user_tweets = 900;
constexpr std::uint32_t limit_search = 180;
constexpr std::uint32_t limit_tweet_lookup = 900;
constexpr std::uint32_t limit_create_tweet = 200;
constexpr std::uint32_t limit_likes = 50;
constexpr std::uint32_t limit_retweets = 50;
constexpr std::uint32_t limit_dm_read = 300;
constexpr std::uint32_t limit_dm_write = 200;
// Every upload step (one-shot, initialize, append, finalize, status) has a
// window of this size: no separate figures for the chunked steps could be
// confirmed in X's table.
constexpr std::uint32_t limit_media = 500;

bool in_list(std::string_view list, std::string_view f) {
  while (!list.empty()) {
    auto comma = list.find(',');
    if (list.substr(0, comma) == f)
      return true;
    if (comma == std::string_view::npos)
      break;
    list = list.substr(comma + 1);
  }
  return false;
}

} // namespace

http::response problem(unsigned status, const std::string& title,
                       const std::string& detail, const std::string& type) {
  json body = {{"title", title},
               {"detail", detail},
               {"type", type},
               {"status", status}};
  return http::response::make(status, "application/problem+json",
                              body.dump());
}

http::response invalid_request(const std::string& parameter,
                               const std::string& value,
                               const std::string& message) {
  json err = {{"parameters", {{parameter, json::array({value})}}},
              {"message", message}};
  json body = {
    {"errors", json::array({err})},
    {"title", "Invalid Request"},
    {"detail", "One or more parameters to your request was invalid."},
    {"type", std::string(problem_base) + "invalid-request"}};
  return http::response::make(400, "application/problem+json", body.dump());
}

std::optional<http::response> read_object_body(const call& c, json& out) {
  auto body = c.json_body();
  if (!body || !body->is_object())
    return invalid_request("body", c.http.body.substr(0, 64),
                           "Request body must be a JSON object");
  out = std::move(*body);
  return std::nullopt;
}

json not_found_error(const std::string& resource_type,
                     const std::string& parameter, const std::string& value) {
  return {{"value", value},
          {"detail", "Could not find " + resource_type + " with " + parameter
                       + ": [" + value + "]."},
          {"title", "Not Found Error"},
          {"resource_type", resource_type},
          {"parameter", parameter},
          {"resource_id", value},
          {"type", std::string(problem_base) + "resource-not-found"}};
}

void add_rate_headers(http::response& r, const rate_window& w) {
  r.headers.set("x-rate-limit-limit", std::to_string(w.limit));
  r.headers.set("x-rate-limit-remaining", std::to_string(w.remaining));
  r.headers.set("x-rate-limit-reset", std::to_string(w.reset_at));
}

std::string iso_time(std::int64_t unix_s) {
  std::time_t t = static_cast<std::time_t>(unix_s);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%S.000Z", &tm);
  return buf;
}

std::size_t tweet_weight(std::string_view text) {
  // twitter-text v3: code points in these ranges weigh 1, all others 2.
  std::size_t weight = 0;
  for (std::size_t i = 0; i < text.size();) {
    auto c = static_cast<unsigned char>(text[i]);
    std::uint32_t cp = c;
    int extra = c >= 0xF0 ? 3 : c >= 0xE0 ? 2 : c >= 0xC0 ? 1 : 0;
    if (extra)
      cp = c & (0x3F >> extra);
    for (int k = 1; k <= extra && i + k < text.size(); ++k)
      cp = (cp << 6) | (static_cast<unsigned char>(text[i + k]) & 0x3F);
    i += 1 + extra;
    bool light = cp <= 4351 || (cp >= 8192 && cp <= 8205)
                 || (cp >= 8208 && cp <= 8223) || (cp >= 8242 && cp <= 8247);
    weight += light ? 1 : 2;
  }
  return weight;
}

bool field_set::has_tweet(std::string_view f) const {
  return in_list(tweet_fields, f);
}
bool field_set::has_user(std::string_view f) const {
  return in_list(user_fields, f);
}
bool field_set::expands(std::string_view e) const {
  return in_list(expansions, e);
}

field_set fields_of(const call& c) {
  return {c.param("tweet.fields").value_or(""),
          c.param("user.fields").value_or(""),
          c.param("expansions").value_or("")};
}

std::string media_key(const media& m) {
  // X's media keys are "<type>_<media id>": 3 photos, 16 animated GIFs,
  // 7 videos.
  std::string_view type = m.content_type;
  std::string prefix = type == "image/gif"            ? "16_"
                       : type.rfind("video/", 0) == 0 ? "7_"
                                                      : "3_";
  return prefix + m.id;
}

json render_user(const user& u, const field_set& f) {
  json j = {{"id", u.id}, {"name", u.name}, {"username", u.handle}};
  if (f.has_user("created_at"))
    j["created_at"] = iso_time(u.created_at);
  if (f.has_user("description"))
    j["description"] = "";
  if (f.has_user("protected"))
    j["protected"] = false;
  if (f.has_user("verified"))
    j["verified"] = false;
  return j;
}

json render_tweet(world& w, const item& t, const field_set& f) {
  json j = {{"id", t.id},
            {"text", t.text},
            {"edit_history_tweet_ids", json::array({t.id})}};
  if (f.has_tweet("author_id"))
    j["author_id"] = t.author_id;
  if (f.has_tweet("created_at"))
    j["created_at"] = iso_time(t.created_at);
  if (f.has_tweet("conversation_id"))
    j["conversation_id"] = t.conversation_id;
  const item* parent = w.find_item("x", t.in_reply_to);
  if (parent && f.has_tweet("in_reply_to_user_id"))
    j["in_reply_to_user_id"] = parent->author_id;
  if (parent && f.has_tweet("referenced_tweets"))
    j["referenced_tweets"] = json::array(
      {{{"type", "replied_to"}, {"id", parent->id}}});
  if (f.has_tweet("public_metrics")) {
    std::size_t replies = 0;
    for (const item* other : w.items("x"))
      replies += other->in_reply_to == t.id;
    // X's Tweet schema requires bookmark_count and impression_count too;
    // nobody bookmarks or views in the emulator.
    j["public_metrics"] = {{"retweet_count", t.reposted_by.size()},
                           {"reply_count", replies},
                           {"like_count", t.liked_by.size()},
                           {"quote_count", 0},
                           {"bookmark_count", 0},
                           {"impression_count", 0}};
  }
  if (f.has_tweet("lang"))
    j["lang"] = "en";
  if (f.has_tweet("attachments") && !t.media_ids.empty()) {
    json keys = json::array();
    for (const auto& id : t.media_ids)
      if (const media* m = w.find_media("x", id))
        keys.push_back(media_key(*m));
    j["attachments"] = {{"media_keys", keys}};
  }
  return j;
}

json render_tweet_page(world& w, const std::vector<const item*>& page,
                       const field_set& f, const std::string& next_token) {
  json out = json::object();
  json meta = {{"result_count", page.size()}};
  if (!page.empty()) {
    json data = json::array();
    json users = json::array();
    std::set<std::string> seen;
    for (const item* t : page) {
      data.push_back(render_tweet(w, *t, f));
      if (f.expands("author_id") && seen.insert(t->author_id).second)
        if (const user* u = w.find_user("x", t->author_id))
          users.push_back(render_user(*u, f));
    }
    out["data"] = std::move(data);
    if (!users.empty())
      out["includes"] = {{"users", users}};
    // Newest and oldest by id, whatever order a fault served them in.
    std::string newest = page.front()->id, oldest = page.front()->id;
    for (const item* t : page) {
      if (std::stoull(t->id) > std::stoull(newest))
        newest = t->id;
      if (std::stoull(t->id) < std::stoull(oldest))
        oldest = t->id;
    }
    meta["newest_id"] = newest;
    meta["oldest_id"] = oldest;
  }
  if (!next_token.empty())
    meta["next_token"] = next_token;
  out["meta"] = std::move(meta);
  return out;
}

// --- the module ---------------------------------------------------------------

std::string x_network::make_id(id_kind kind, std::uint64_t n,
                               const item*) const {
  if (kind == id_kind::user || kind == id_kind::page)
    return std::to_string(user_id_base + n);
  return std::to_string(snowflake_base + n);
}

http::response x_network::server_error(const call&, world&) {
  return problem(503, "Service Unavailable", "Service Unavailable");
}

std::optional<caller> x_network::authenticate(const call& c, world& w,
                                              const std::string& group,
                                              std::uint32_t limit,
                                              http::response& error) {
  caller who;
  who.tok = w.valid_access_token("x", c.bearer());
  if (who.tok)
    who.me = w.find_user("x", who.tok->user_id);
  if (!who.tok || !who.me) {
    error = problem(401, "Unauthorized", "Unauthorized");
    return std::nullopt;
  }
  who.window = w.take_rate("x", who.tok->value + "|" + group, limit, window_s);
  if (!who.window.allowed) {
    error = problem(429, "Too Many Requests", "Too Many Requests");
    add_rate_headers(error, who.window);
    return std::nullopt;
  }
  return who;
}

http::response x_network::handle(const call& c, world& w) {
  return garbage_or(*this, w, route(c, w));
}

http::response x_network::route(const call& c, world& w) {
  auto seg = c.segments();
  const auto& m = c.method();
  // OAuth endpoints carry no bearer token and no rate-limit headers.
  if (seg.size() == 3 && seg[0] == "i" && seg[1] == "oauth2"
      && seg[2] == "authorize")
    return serve_authorize(c, w, {"x", "X", true});
  if (seg.size() == 3 && seg[0] == "2" && seg[1] == "oauth2" && m == "POST") {
    if (seg[2] == "token")
      return oauth_token(c, w);
    if (seg[2] == "revoke")
      return oauth_revoke(c, w);
  }

  // Which endpoint, so that the right window is charged.
  std::string group;
  std::uint32_t limit = 0;
  auto route = [&](const char* g, std::uint32_t l) {
    group = g;
    limit = l;
  };
  bool v2 = !seg.empty() && seg[0] == "2";
  auto n = seg.size();
  if (v2 && n == 3 && seg[1] == "users" && seg[2] == "me" && m == "GET")
    route("users_me", limit_users_me);
  else if (v2 && n == 5 && seg[1] == "users" && seg[2] == "by"
           && seg[3] == "username" && m == "GET")
    route("user_lookup", limit_user_lookup);
  else if (v2 && n == 4 && seg[1] == "users" && seg[3] == "mentions"
           && m == "GET")
    route("mentions", limit_mentions);
  else if (v2 && n == 4 && seg[1] == "users" && seg[3] == "tweets"
           && m == "GET")
    route("user_tweets", limit_user_tweets);
  else if (v2 && n == 4 && seg[1] == "tweets" && seg[2] == "search"
           && seg[3] == "recent" && m == "GET")
    route("search", limit_search);
  else if (v2 && n == 3 && seg[1] == "tweets" && m == "GET")
    route("tweet_lookup", limit_tweet_lookup);
  else if (v2 && n == 2 && seg[1] == "tweets" && m == "POST")
    route("create_tweet", limit_create_tweet);
  else if (v2 && n == 4 && seg[1] == "users" && seg[3] == "likes"
           && m == "POST")
    route("likes", limit_likes);
  else if (v2 && n == 4 && seg[1] == "users" && seg[3] == "retweets"
           && m == "POST")
    route("retweets", limit_retweets);
  else if (v2 && n == 2 && seg[1] == "dm_events" && m == "GET")
    route("dm_read", limit_dm_read);
  else if (v2 && n == 5 && seg[1] == "dm_conversations" && seg[2] == "with"
           && seg[4] == "messages" && m == "POST")
    route("dm_write", limit_dm_write);
  else if (((v2 && n == 3 && seg[1] == "media" && seg[2] == "upload")
            || (n == 3 && seg[0] == "1.1" && seg[1] == "media"
                && seg[2] == "upload.json"))
           && m == "POST")
    route("media", limit_media);
  else if (v2 && n == 3 && seg[1] == "media" && seg[2] == "upload"
           && m == "GET")
    route("media_status", limit_media);
  else if (v2 && n == 4 && seg[1] == "media" && seg[2] == "upload"
           && seg[3] == "initialize" && m == "POST")
    route("media_initialize", limit_media);
  else if (v2 && n == 5 && seg[1] == "media" && seg[2] == "upload"
           && seg[4] == "append" && m == "POST")
    route("media_append", limit_media);
  else if (v2 && n == 5 && seg[1] == "media" && seg[2] == "upload"
           && seg[4] == "finalize" && m == "POST")
    route("media_finalize", limit_media);
  else
    // No route. X documents "about:blank" as its generic problem type,
    // the one it sends for 401 and 429 too (docs.x.com "Response codes and
    // errors"); no resource-not-found fields apply to a path.
    return problem(404, "Not Found", "Not Found");

  http::response error;
  auto who = authenticate(c, w, group, limit, error);
  if (!who)
    return error;
  http::response res;
  if (group == "users_me")
    res = users_me(c, w, *who);
  else if (group == "user_lookup")
    res = user_by_username(c, w, *who, seg[4]);
  else if (group == "mentions" || group == "user_tweets")
    res = timeline(c, w, *who, seg[2], group == "mentions");
  else if (group == "search")
    res = search_recent(c, w, *who);
  else if (group == "tweet_lookup")
    res = tweet_lookup(c, w, *who, seg[2]);
  else if (group == "create_tweet")
    res = create_tweet(c, w, *who);
  else if (group == "likes" || group == "retweets")
    res = like_or_retweet(c, w, *who, seg[2], group == "likes");
  else if (group == "dm_read")
    res = dm_events(c, w, *who);
  else if (group == "dm_write")
    res = send_dm(c, w, *who, seg[3]);
  else if (group == "media_initialize")
    res = media_initialize(c, w, *who);
  else if (group == "media_append")
    res = media_append(c, w, *who, seg[3]);
  else if (group == "media_finalize")
    res = media_finalize(c, w, *who, seg[3]);
  else if (group == "media_status")
    res = media_status(c, w, *who);
  else
    res = upload_media(c, w, *who, seg[0] == "1.1");
  add_rate_headers(res, who->window);
  return res;
}

} // namespace x
} // namespace socialcrm::sim
