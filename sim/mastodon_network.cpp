#include "sim/mastodon_network.hpp"

#include "http/url.hpp"
#include "sim/mastodon.hpp"
#include "sim/multipart.hpp"

#include <charconv>
#include <cstdio>
#include <ctime>

namespace socialcrm::sim {

std::unique_ptr<network> make_mastodon_network() {
  return std::make_unique<mastodon::mastodon_network>();
}

namespace mastodon {

using nlohmann::json;

namespace {

/// Mastodon ids are 64-bit snowflakes (milliseconds << 16 | sequence);
/// offsets make emulated ids look like real ones while staying monotonic,
/// which max_id / since_id / min_id rely on.
constexpr std::uint64_t status_id_base = 110000000000000000ULL;
constexpr std::uint64_t account_id_base = 109000000000000000ULL;

/// Answer of an injected 5xx: what Mastodon's API sends when a backend
/// is unavailable (errors.503 of its locale files).
constexpr const char* unavailable_message =
  "The page could not be served due to a temporary server failure.";

/// ISO 8601 with microseconds, as Mastodon writes X-RateLimit-Reset
/// (Time#iso8601(6)).
std::string iso_time_us(std::int64_t unix_ms) {
  std::time_t t = static_cast<std::time_t>(unix_ms / 1000);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[40];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%S", &tm);
  char out[64];
  std::snprintf(out, sizeof out, "%s.%06lldZ", buf,
                static_cast<long long>(unix_ms % 1000) * 1000);
  return out;
}

void add_rate_headers(http::response& r, const rate_window& win) {
  r.headers.set("X-RateLimit-Limit", std::to_string(win.limit));
  r.headers.set("X-RateLimit-Remaining", std::to_string(win.remaining));
  r.headers.set("X-RateLimit-Reset", iso_time_us(win.reset_ms));
}

} // namespace

// --- wire shapes -------------------------------------------------------------

http::response error(unsigned status, const std::string& message) {
  return json_response(status, {{"error", message}});
}

http::response not_found() {
  return error(404, "Record not found");
}

std::string iso_time(std::int64_t unix_s) {
  std::time_t t = static_cast<std::time_t>(unix_s);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%S.000Z", &tm);
  return buf;
}

std::optional<std::uint64_t> parse_id(std::string_view s) {
  std::uint64_t v = 0;
  auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc{} || end != s.data() + s.size() || s.empty())
    return std::nullopt;
  return v;
}

page_params page_params_of(const call& c, std::size_t def, std::size_t max) {
  page_params p;
  p.limit = def;
  // Mastodon ignores cursors that are not ids rather than failing.
  if (auto v = c.param("max_id"))
    p.max_id = parse_id(*v);
  if (auto v = c.param("since_id"))
    p.since_id = parse_id(*v);
  if (auto v = c.param("min_id"))
    p.min_id = parse_id(*v);
  if (auto v = c.param("limit"))
    if (auto n = parse_id(*v))
      p.limit = static_cast<std::size_t>(std::clamp<std::uint64_t>(*n, 1, max));
  return p;
}

page_range select_page(const std::vector<std::uint64_t>& keys,
                       const page_params& p) {
  // keys are newest first: ids decrease along the list.
  std::size_t lo = 0, hi = keys.size();
  if (p.max_id)
    while (lo < hi && keys[lo] >= *p.max_id)
      ++lo;
  auto floor_id = std::max(p.since_id.value_or(0), p.min_id.value_or(0));
  if (p.since_id || p.min_id) {
    std::size_t cut = lo;
    while (cut < hi && keys[cut] > floor_id)
      ++cut;
    hi = cut;
  }
  if (p.min_id) // the entries just above min_id, still newest first
    return {hi - std::min(p.limit, hi - lo), hi};
  return {lo, std::min(hi, lo + p.limit)};
}

void add_link_header(http::response& r, const call& c, std::size_t count,
                     std::size_t limit, std::uint64_t newest,
                     std::uint64_t oldest) {
  if (count == 0)
    return;
  std::vector<std::pair<std::string, std::string>> kept;
  for (const auto& [k, v] : c.query)
    if (k != "max_id" && k != "min_id" && k != "since_id")
      kept.emplace_back(k, v);
  auto link = [&](const char* cursor, std::uint64_t id, const char* rel) {
    auto params = kept;
    params.emplace_back(cursor, std::to_string(id));
    return "<" + c.base_url + c.path + "?" + http::build_query(params)
           + ">; rel=\"" + rel + "\"";
  };
  std::string value;
  if (count >= limit)
    value = link("max_id", oldest, "next") + ", ";
  value += link("min_id", newest, "prev");
  r.headers.set("Link", value);
}

http::response paged_answer(const call& c, const nlohmann::json& page,
                            const std::vector<std::uint64_t>& keys,
                            page_range range, std::size_t limit) {
  auto r = json_response(200, page);
  if (range.end > range.begin)
    add_link_header(r, c, range.end - range.begin, limit, keys[range.begin],
                    keys[range.end - 1]);
  return r;
}

std::size_t status_length(std::string_view text) {
  std::size_t n = 0;
  for (std::size_t i = 0; i < text.size();) {
    auto rest = text.substr(i);
    if (rest.rfind("http://", 0) == 0 || rest.rfind("https://", 0) == 0) {
      auto end = rest.find_first_of(" \t\r\n");
      i += end == std::string_view::npos ? rest.size() : end;
      n += url_chars;
      continue;
    }
    // Count code points: skip UTF-8 continuation bytes.
    if ((static_cast<unsigned char>(text[i]) & 0xC0) != 0x80)
      ++n;
    ++i;
  }
  return n;
}

bool has_scope(const token& t, std::string_view scope) {
  if (t.scopes.empty())
    return true;
  auto top = scope.substr(0, scope.find(':'));
  std::string_view list = t.scopes;
  while (!list.empty()) {
    auto end = list.find_first_of(" +");
    auto s = list.substr(0, end);
    if (s == scope || s == top)
      return true;
    if (end == std::string_view::npos)
      break;
    list = list.substr(end + 1);
  }
  return false;
}

namespace {

std::optional<std::vector<form_part>> multipart_of(const call& c) {
  auto type = c.http.headers.value("Content-Type");
  if (type.find("multipart/form-data") == std::string::npos)
    return std::nullopt;
  return parse_multipart(type, c.http.body);
}

} // namespace

std::optional<std::string> param_of(const call& c, const std::string& name) {
  if (auto parts = multipart_of(c)) {
    if (auto v = c.param(name))
      return v;
    for (const auto& p : *parts)
      if (p.name == name && p.filename.empty())
        return std::string(p.body);
    return std::nullopt;
  }
  return c.any_param(name);
}

std::vector<std::string> array_param(const call& c, const std::string& name) {
  std::vector<std::string> out;
  for (const auto& key : {name + "[]", name})
    for (auto& v : c.params(key))
      out.push_back(v);
  if (!out.empty())
    return out;
  if (c.http.headers.value("Content-Type").find("application/json")
      != std::string::npos) {
    auto body = c.json_body();
    if (body && body->is_object() && body->contains(name)) {
      const auto& v = (*body)[name];
      if (v.is_array()) {
        for (const auto& e : v)
          out.push_back(e.is_string() ? e.get<std::string>() : e.dump());
      } else if (!v.is_null()) {
        out.push_back(v.is_string() ? v.get<std::string>() : v.dump());
      }
    }
    return out;
  }
  if (auto parts = multipart_of(c)) {
    for (const auto& p : *parts)
      if (p.name == name + "[]" || p.name == name)
        out.emplace_back(p.body);
    return out;
  }
  auto form = c.form();
  for (const auto& key : {name + "[]", name}) {
    auto [b, e] = form.equal_range(key);
    for (auto it = b; it != e; ++it)
      out.push_back(it->second);
  }
  return out;
}

// --- the module ----------------------------------------------------------------

std::string mastodon_network::make_id(id_kind kind, std::uint64_t n,
                                      const item*) const {
  switch (kind) {
    case id_kind::user: return std::to_string(account_id_base + n);
    case id_kind::item:
    case id_kind::media: return std::to_string(status_id_base + n);
    default: return std::to_string(n);
  }
}

void mastodon_network::on_item_added(world& w, const item& it) {
  // Mentions, replies and direct messages notify the account they address,
  // as a "mention" notification (Mastodon has no separate reply or DM
  // notification types).
  bool addressed = it.kind == item_kind::mention || it.kind == item_kind::dm
                   || it.kind == item_kind::reply;
  if (!addressed || it.to_account.empty() || it.to_account == it.author_id)
    return;
  if (!w.find_user(id(), it.to_account))
    return;
  notify(w, "mention", it.to_account, it.author_id, it.id, it.created_at);
}

http::response mastodon_network::server_error(const call&, world&) {
  return error(503, unavailable_message);
}

http::response mastodon_network::handle(const call& c, world& w) {
  return garbage_or(*this, w, route(c, w));
}

http::response mastodon_network::route(const call& c, world& w) {
  if (c.path.rfind("/oauth/", 0) == 0)
    return oauth(c, w);
  if (c.path.rfind("/api/", 0) != 0)
    return not_found();
  // Rack::Attack counts every /api request: per token when the token is
  // valid, per IP otherwise, before the controller looks at anything.
  caller who;
  std::string bearer = c.bearer();
  if (bearer.empty())
    bearer = c.param("access_token").value_or("");
  if (!bearer.empty()) {
    if (const token* t = w.valid_access_token(id(), bearer)) {
      who.tok = t;
      who.me = t->user_id.empty() ? nullptr : w.find_user(id(), t->user_id);
    } else if (const token* any = w.find_token(id(), bearer);
               any && any->kind == token_kind::access) {
      who.rejected = any->revoked ? "The access token was revoked"
                                  : "The access token expired";
    } else {
      who.rejected = "The access token is invalid";
    }
  }
  std::string key = who.tok ? "token:" + who.tok->value
                            : "ip:" + c.http.remote_address;
  auto win = w.take_rate(id(), key, api_limit, api_window_s);
  http::response r = win.allowed ? route_api(c, w, who)
                                 : error(429, "Too many requests");
  add_rate_headers(r, win);
  return r;
}

http::response mastodon_network::route_api(const call& c, world& w,
                                           const caller& who) {
  auto s = c.segments(); // "api", "v1", ...
  const auto& m = c.method();
  auto is = [&](std::initializer_list<const char*> parts) {
    if (s.size() != parts.size())
      return false;
    std::size_t i = 0;
    for (const char* p : parts) {
      if (std::string_view(p) != "*" && s[i] != p)
        return false;
      ++i;
    }
    return true;
  };
  if (m == "POST" && is({"api", "v1", "apps"}))
    return create_app(c, w);
  if (m == "GET" && is({"api", "v1", "apps", "verify_credentials"}))
    return verify_app(c, w, who);
  if (m == "GET" && is({"api", "v1", "instance"}))
    return instance(c, w, false);
  if (m == "GET" && is({"api", "v2", "instance"}))
    return instance(c, w, true);
  if (m == "GET" && is({"api", "v1", "accounts", "verify_credentials"}))
    return verify_credentials(c, w, who);
  if (m == "GET" && is({"api", "v1", "accounts", "lookup"}))
    return lookup_account(c, w, who);
  if (m == "GET" && is({"api", "v1", "accounts", "*"}))
    return get_account(c, w, who, s[3]);
  if (m == "GET" && is({"api", "v1", "accounts", "*", "statuses"}))
    return account_statuses(c, w, who, s[3]);
  if (m == "GET" && is({"api", "v1", "notifications"}))
    return notifications(c, w, who);
  if (m == "GET" && is({"api", "v2", "search"}))
    return search(c, w, who);
  if (m == "POST" && is({"api", "v1", "statuses"}))
    return create_status(c, w, who);
  if (m == "GET" && is({"api", "v1", "statuses", "*"}))
    return get_status(c, w, who, s[3]);
  if (m == "POST" && is({"api", "v1", "statuses", "*", "favourite"}))
    return favourite(c, w, who, s[3]);
  if (m == "POST" && is({"api", "v1", "statuses", "*", "reblog"}))
    return reblog(c, w, who, s[3]);
  if (m == "GET" && is({"api", "v1", "conversations"}))
    return conversations(c, w, who);
  if (m == "POST" && (is({"api", "v1", "media"}) || is({"api", "v2", "media"})))
    return upload_media(c, w, who);
  if (m == "GET" && is({"api", "v1", "media", "*"}))
    return get_media(c, w, who, s[3]);
  return not_found();
}

std::optional<http::response> require_user(const caller& who,
                                           std::string_view scope) {
  if (!who.tok)
    return error(401, who.rejected.empty() ? "The access token is invalid"
                                           : who.rejected);
  if (!has_scope(*who.tok, scope))
    return error(403, "This action is outside the authorized scopes");
  if (!who.me)
    return error(422, "This method requires an authenticated user");
  return std::nullopt;
}

bool truthy(const std::optional<std::string>& v) {
  return v && (*v == "true" || *v == "1");
}

std::vector<std::uint64_t> keys_of(const std::vector<const item*>& items) {
  std::vector<std::uint64_t> keys;
  for (const item* s : items)
    keys.push_back(parse_id(s->id).value_or(0));
  return keys;
}

bool newest_first(const item* a, const item* b) {
  return parse_id(a->id).value_or(0) > parse_id(b->id).value_or(0);
}

// --- visibility --------------------------------------------------------------

std::string mastodon_network::visibility_of(const item& s) const {
  if (auto it = visibility_.find(s.id); it != visibility_.end())
    return it->second;
  return s.kind == item_kind::dm ? "direct" : "public";
}

bool mastodon_network::visible_to(const item& s, const caller& who) const {
  auto v = visibility_of(s);
  if (v == "public" || v == "unlisted")
    return true;
  return who.me && (who.me->id == s.author_id || who.me->id == s.to_account);
}

} // namespace mastodon
} // namespace socialcrm::sim
