#include "sim/googleplus_network.hpp"

#include "sim/googleplus.hpp"
#include "sim/oauth.hpp"

#include <sodium.h>

#include <cstdio>
#include <ctime>

namespace socialcrm::sim {

std::unique_ptr<network> make_googleplus_network() {
  return std::make_unique<googleplus::googleplus_network>();
}

namespace googleplus {

using nlohmann::json;

namespace {

/// Google+ profile and page ids were 21-digit numbers starting with 1.
constexpr std::uint64_t profile_id_base = 10000000000000000000ULL;
/// Comment ids: the activity id, a dot, and a microsecond timestamp.
constexpr std::uint64_t comment_us_base = 1400000000000000ULL;

std::string hex_hash(std::string_view s, std::size_t chars) {
  unsigned char digest[crypto_hash_sha256_BYTES];
  crypto_hash_sha256(digest, reinterpret_cast<const unsigned char*>(s.data()),
                     s.size());
  char hex[2 * crypto_hash_sha256_BYTES + 1];
  sodium_bin2hex(hex, sizeof hex, digest, sizeof digest);
  return std::string(hex, chars);
}

std::string etag(std::string_view of) {
  return "\"" + hex_hash(of, 27) + "\"";
}

std::string html_content(const std::string& text) {
  std::string out;
  for (char ch : html_escape(text))
    out += ch == '\n' ? std::string("<br />") : std::string(1, ch);
  return out;
}

http::response token_error(unsigned status, const std::string& code,
                           const std::string& description) {
  return json_response(status, {{"error", code},
                                {"error_description", description}});
}

} // namespace

// --- wire shapes ---------------------------------------------------------------

http::response google_error(unsigned code, const std::string& reason,
                            const std::string& message,
                            const std::string& domain) {
  json e = {{"domain", domain}, {"reason", reason}, {"message", message}};
  if (reason == "authError" || reason == "required")
    if (message == "Invalid Credentials" || message == "Login Required") {
      e["locationType"] = "header";
      e["location"] = "Authorization";
    }
  return json_response(code, {{"error", {{"errors", json::array({e})},
                                         {"code", code},
                                         {"message", message}}}});
}

std::string iso_time(std::int64_t unix_s) {
  std::time_t t = static_cast<std::time_t>(unix_s);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%S.000Z", &tm);
  return buf;
}

std::string page_token(std::size_t offset) {
  std::string raw = "offset:" + std::to_string(offset);
  std::string out(sodium_base64_ENCODED_LEN(
                    raw.size(), sodium_base64_VARIANT_URLSAFE_NO_PADDING),
                  '\0');
  sodium_bin2base64(out.data(), out.size(),
                    reinterpret_cast<const unsigned char*>(raw.data()),
                    raw.size(), sodium_base64_VARIANT_URLSAFE_NO_PADDING);
  out.resize(std::char_traits<char>::length(out.c_str()));
  return out;
}

std::optional<std::size_t> parse_page_token(const std::string& token) {
  std::string raw(token.size(), '\0');
  std::size_t len = 0;
  if (sodium_base642bin(reinterpret_cast<unsigned char*>(raw.data()),
                        raw.size(), token.data(), token.size(), nullptr, &len,
                        nullptr, sodium_base64_VARIANT_URLSAFE_NO_PADDING)
      != 0)
    return std::nullopt;
  raw.resize(len);
  if (raw.rfind("offset:", 0) != 0)
    return std::nullopt;
  try {
    return static_cast<std::size_t>(std::stoull(raw.substr(7)));
  } catch (const std::exception&) {
    return std::nullopt;
  }
}

std::optional<std::size_t> max_results(const call& c, std::size_t def,
                                       std::size_t min, std::size_t max,
                                       http::response& error) {
  auto v = c.param("maxResults");
  if (!v)
    return def;
  long long n = -1;
  try {
    std::size_t used = 0;
    n = std::stoll(*v, &used);
    if (used != v->size())
      n = -1;
  } catch (const std::exception&) {
    n = -1;
  }
  if (n < static_cast<long long>(min) || n > static_cast<long long>(max)) {
    error = google_error(400, "invalid",
                         "Invalid value '" + *v
                           + "'. Values must be within the range: ["
                           + std::to_string(min) + ", " + std::to_string(max)
                           + "]");
    return std::nullopt;
  }
  return static_cast<std::size_t>(n);
}

// --- the module ----------------------------------------------------------------

std::string googleplus_network::make_id(id_kind kind, std::uint64_t n,
                                        const item* draft) const {
  switch (kind) {
    case id_kind::user:
    case id_kind::page:
      return "1" + std::to_string(profile_id_base + n * 7919).substr(0, 20);
    case id_kind::item:
      if (draft && draft->kind == item_kind::comment)
        return draft->in_reply_to + "." + std::to_string(comment_us_base + n);
      return "z" + hex_hash("activity/" + std::to_string(n), 32);
    default: return std::to_string(n);
  }
}

http::response googleplus_network::server_error(const call&, world&) {
  return google_error(503, "backendError", "Backend Error");
}

http::response googleplus_network::handle(const call& c, world& w) {
  return garbage_or(*this, w, route(c, w));
}

http::response googleplus_network::route(const call& c, world& w) {
  const auto& p = c.path;
  authorize_options opts{std::string(id()), "Google", false};
  if (p == "/o/oauth2/auth" || p == "/o/oauth2/v2/auth")
    return serve_authorize(c, w, opts);
  if (p == "/o/oauth2/token" || p == "/oauth2/v4/token" || p == "/token") {
    if (c.method() != "POST")
      return token_error(405, "invalid_request", "POST required");
    return token_endpoint(c, w);
  }
  if (p.rfind("/plus/v1/", 0) != 0 && p.rfind("/plusPages/v2/", 0) != 0)
    return google_error(404, "notFound", "Not Found");

  // Google reads the token from the Authorization header ("Bearer" or the
  // older "OAuth" scheme) or from access_token / oauth_token parameters.
  std::string value = c.bearer();
  auto auth = c.http.headers.value("Authorization");
  if (value.empty() && auth.rfind("OAuth ", 0) == 0)
    value = auth.substr(6);
  if (value.empty())
    value = c.param("access_token").value_or(c.param("oauth_token").value_or(""));
  caller who;
  if (!value.empty()) {
    who.tok = w.valid_access_token(id(), value);
    if (who.tok)
      who.me = w.find_user(id(), who.tok->user_id);
  }
  std::string key = who.tok ? "token:" + who.tok->value
                            : "ip:" + c.http.remote_address;
  auto win = w.take_rate(id(), key, daily_quota, quota_window_s);
  // Google+ sent no rate-limit headers: a spent quota is only visible as
  // this 403.
  if (!win.allowed)
    return google_error(403, "userRateLimitExceeded",
                        "User Rate Limit Exceeded", "usageLimits");
  if (value.empty())
    return google_error(401, "required", "Login Required");
  if (!who.tok || !who.me)
    return google_error(401, "authError", "Invalid Credentials");
  return route_api(c, w, who);
}

http::response googleplus_network::token_endpoint(const call& c, world& w) {
  auto grant = c.any_param("grant_type").value_or("");
  auto client_id = c.any_param("client_id").value_or("");
  if (grant == "authorization_code") {
    auto checked = redeem_code(w, id(), c.any_param("code").value_or(""),
                               client_id,
                               c.any_param("redirect_uri").value_or(""),
                               c.any_param("code_verifier").value_or(""));
    if (!checked.code)
      return token_error(400, "invalid_grant", "Bad Request");
    const token& access = w.issue_token(id(), token_kind::access,
                                        checked.code->user_id, "", client_id,
                                        checked.code->scopes, access_ttl_s,
                                        "ya29.");
    const token& refresh = w.issue_token(id(), token_kind::refresh,
                                         checked.code->user_id, "", client_id,
                                         checked.code->scopes, 0, "1//");
    return json_response(200, {{"access_token", access.value},
                               {"expires_in", access_ttl_s - 1},
                               {"refresh_token", refresh.value},
                               {"scope", access.scopes},
                               {"token_type", "Bearer"}});
  }
  if (grant == "refresh_token") {
    // Google refresh tokens are reusable until revoked.
    token* r = w.find_token(id(), c.any_param("refresh_token").value_or(""));
    if (!r || r->kind != token_kind::refresh || r->revoked)
      return token_error(400, "invalid_grant",
                         "Token has been expired or revoked.");
    const token& access = w.issue_token(id(), token_kind::access, r->user_id,
                                        "", r->client_id, r->scopes,
                                        access_ttl_s, "ya29.");
    return json_response(200, {{"access_token", access.value},
                               {"expires_in", access_ttl_s - 1},
                               {"scope", access.scopes},
                               {"token_type", "Bearer"}});
  }
  return token_error(400, "unsupported_grant_type",
                     "Invalid grant_type: " + grant);
}

// --- resources -----------------------------------------------------------------

std::optional<actor_ref> googleplus_network::actor_of(world& w,
                                                      const std::string& aid)
  const {
  if (const user* u = w.find_user(id(), aid))
    return actor_ref{u->id, u->name, false, ""};
  if (const page* p = w.find_page(id(), aid))
    return actor_ref{p->id, p->name, true, p->owner_id};
  return std::nullopt;
}

json googleplus_network::actor_json(const actor_ref& a) const {
  return {{"id", a.id},
          {"displayName", a.name},
          {"url", "https://plus.google.com/" + a.id},
          {"image", {{"url", "https://lh3.googleusercontent.com/-default/"
                               "photo.jpg?sz=50"}}}};
}

json googleplus_network::person_json(world& w, const actor_ref& a) const {
  json j = actor_json(a);
  j["kind"] = "plus#person";
  j["etag"] = etag("person/" + a.id);
  j["objectType"] = a.is_page ? "page" : "person";
  j["isPlusUser"] = true;
  j["circledByCount"] = 0;
  j["verified"] = false;
  j["image"]["isDefault"] = true;
  if (a.is_page) {
    j["plusOneCount"] = 0;
  } else {
    auto space = a.name.find(' ');
    j["name"] = {{"givenName", a.name.substr(0, space)},
                 {"familyName", space == std::string::npos
                                  ? std::string{}
                                  : a.name.substr(space + 1)}};
  }
  (void)w;
  return j;
}

json googleplus_network::activity_json(const call& c, world& w,
                                       const item& it) const {
  auto author = actor_of(w, it.author_id)
                  .value_or(actor_ref{it.author_id, "", false, ""});
  std::size_t comments = 0;
  for (const item* other : w.items(id()))
    comments += other->in_reply_to == it.id;
  std::string self = c.base_url + "/plus/v1/activities/" + it.id;
  std::string url = "https://plus.google.com/" + author.id + "/posts/"
                    + it.id.substr(1, 11);
  json object = {
    {"objectType", "note"},
    {"content", html_content(it.text)},
    {"url", url},
    {"replies", {{"totalItems", comments}, {"selfLink", self + "/comments"}}},
    {"plusoners",
     {{"totalItems", it.liked_by.size()}, {"selfLink", self + "/people/plusoners"}}},
    {"resharers",
     {{"totalItems", it.reposted_by.size()},
      {"selfLink", self + "/people/resharers"}}}};
  if (it.by_app)
    object["originalContent"] = it.text;
  if (!it.media_ids.empty()) {
    json attachments = json::array();
    for (const auto& m : it.media_ids)
      attachments.push_back({{"objectType", "photo"}, {"id", m}});
    object["attachments"] = attachments;
  }
  auto title = it.text.substr(0, it.text.find('\n'));
  return {{"kind", "plus#activity"},
          {"etag", etag("activity/" + it.id + std::to_string(comments))},
          {"title", title},
          {"published", iso_time(it.created_at)},
          {"updated", iso_time(it.created_at)},
          {"id", it.id},
          {"url", url},
          {"actor", actor_json(author)},
          {"verb", "post"},
          {"object", object},
          {"provider", {{"title", "Google+"}}},
          {"access",
           {{"kind", "plus#acl"},
            {"description", "Public"},
            {"items", json::array({{{"type", "public"}}})}}}};
}

json googleplus_network::comment_json(const call& c, world& w,
                                      const item& it) const {
  auto author = actor_of(w, it.author_id)
                  .value_or(actor_ref{it.author_id, "", false, ""});
  json object = {{"objectType", "comment"}, {"content", html_content(it.text)}};
  if (it.by_app)
    object["originalContent"] = it.text;
  return {{"kind", "plus#comment"},
          {"etag", etag("comment/" + it.id)},
          {"verb", "post"},
          {"id", it.id},
          {"published", iso_time(it.created_at)},
          {"updated", iso_time(it.created_at)},
          {"actor", actor_json(author)},
          {"object", object},
          {"selfLink", c.base_url + "/plus/v1/comments/" + it.id},
          {"inReplyTo",
           json::array({{{"id", it.in_reply_to},
                         {"url", "https://plus.google.com/" + it.to_account
                                   + "/posts/" + it.in_reply_to.substr(1, 11)}}})},
          {"plusoners", {{"totalItems", it.liked_by.size()}}}};
}

} // namespace googleplus
} // namespace socialcrm::sim
