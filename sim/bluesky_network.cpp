#include "sim/bluesky_network.hpp"

#include "sim/bluesky.hpp"
#include "sim/bluesky_text.hpp"

#include <sodium.h>

#include <algorithm>
#include <cctype>
#include <ctime>

namespace socialcrm::sim {

std::unique_ptr<network> make_bluesky_network() {
  return std::make_unique<bluesky::bluesky_network>();
}

namespace bluesky {

using nlohmann::json;

namespace {

std::string sha256_base32(std::string_view s, std::size_t chars) {
  unsigned char digest[crypto_hash_sha256_BYTES];
  crypto_hash_sha256(digest, reinterpret_cast<const unsigned char*>(s.data()),
                     s.size());
  return base32_lower(digest, sizeof digest).substr(0, chars);
}

void add_rate_headers(http::response& r, const rate_window& win,
                      std::int64_t window_s) {
  r.headers.set("ratelimit-limit", std::to_string(win.limit));
  r.headers.set("ratelimit-remaining", std::to_string(win.remaining));
  r.headers.set("ratelimit-reset", std::to_string(win.reset_at));
  r.headers.set("ratelimit-policy",
                std::to_string(win.limit) + ";w=" + std::to_string(window_s));
}

enum class auth_need { none, optional, access, refresh };

struct method_def {
  const char* nsid;
  bool procedure;
  auth_need auth;
};

constexpr method_def methods[] = {
  {"com.atproto.server.createSession", true, auth_need::none},
  {"com.atproto.server.refreshSession", true, auth_need::refresh},
  {"com.atproto.server.getSession", false, auth_need::access},
  {"com.atproto.identity.resolveHandle", false, auth_need::none},
  {"app.bsky.notification.listNotifications", false, auth_need::access},
  {"app.bsky.feed.searchPosts", false, auth_need::optional},
  {"app.bsky.feed.getAuthorFeed", false, auth_need::optional},
  {"app.bsky.feed.getPosts", false, auth_need::optional},
  {"app.bsky.actor.getProfile", false, auth_need::optional},
  {"com.atproto.repo.createRecord", true, auth_need::access},
  {"com.atproto.repo.uploadBlob", true, auth_need::access},
};

} // namespace

// --- wire shapes ---------------------------------------------------------------

http::response xrpc_error(unsigned status, const std::string& name,
                          const std::string& message) {
  return json_response(status, {{"error", name}, {"message", message}});
}

http::response invalid_request(const std::string& message) {
  return xrpc_error(400, "InvalidRequest", message);
}

std::string iso_time(std::int64_t unix_s) {
  std::time_t t = static_cast<std::time_t>(unix_s);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%S.000Z", &tm);
  return buf;
}

std::string make_cid(std::string_view bytes, unsigned char codec) {
  // CIDv1: version, codec, multihash (sha2-256 = 0x12, 32 bytes).
  unsigned char cid[4 + crypto_hash_sha256_BYTES] = {0x01, codec, 0x12, 0x20};
  crypto_hash_sha256(cid + 4,
                     reinterpret_cast<const unsigned char*>(bytes.data()),
                     bytes.size());
  return "b" + base32_lower(cid, sizeof cid);
}

std::optional<std::size_t> limit_of(const call& c, std::size_t def,
                                    http::response& error) {
  auto v = c.param("limit");
  if (!v)
    return def;
  long long n = 0;
  try {
    std::size_t used = 0;
    n = std::stoll(*v, &used);
    if (used != v->size())
      throw std::invalid_argument("limit");
  } catch (const std::exception&) {
    error = invalid_request("limit must be an integer");
    return std::nullopt;
  }
  if (n < 1) {
    error = invalid_request("limit can not be less than 1");
    return std::nullopt;
  }
  if (n > static_cast<long long>(page_max)) {
    error = invalid_request("limit can not be greater than 100");
    return std::nullopt;
  }
  return static_cast<std::size_t>(n);
}

// --- the module ----------------------------------------------------------------

std::string bluesky_network::make_id(id_kind kind, std::uint64_t n,
                                     const item* draft) const {
  switch (kind) {
    case id_kind::user:
      // did:plc identifiers are 24 base32 characters of a hash.
      return "did:plc:" + sha256_base32("user/" + std::to_string(n), 24);
    case id_kind::item:
      return "at://" + (draft ? draft->author_id : std::string("did:plc:x"))
             + "/app.bsky.feed.post/" + tid(tid_value(n));
    case id_kind::media:
      // Blobs are named by the CID of their bytes; the emulator keeps
      // sizes only, so the CID hashes the blob's number instead.
      return make_cid("blob/" + std::to_string(n), 0x55);
    default: return std::to_string(n);
  }
}

void bluesky_network::on_item_added(world& w, const item& it) {
  // Mentions written for the control API's handles ("@ada_almeida0") are
  // shown with the handle Bluesky knows ("@ada-almeida0.bsky.social").
  if (it.kind != item_kind::mention)
    return;
  const user* to = w.find_user(id(), it.to_account);
  if (!to)
    return;
  std::string written = "@" + to->handle, shown = "@" + handle_of(*to);
  auto pos = it.text.find(written);
  if (written == shown || pos == std::string::npos
      || it.text.find(shown) != std::string::npos)
    return;
  if (item* stored = w.find_item(id(), it.id))
    stored->text.replace(pos, written.size(), shown);
}

http::response bluesky_network::server_error(const call&, world&) {
  return xrpc_error(500, "InternalServerError", "Internal Server Error");
}

http::response bluesky_network::handle(const call& c, world& w) {
  return garbage_or(*this, w, route(c, w));
}

http::response bluesky_network::route(const call& c, world& w) {
  constexpr std::string_view prefix = "/xrpc/";
  if (c.path.rfind(prefix, 0) != 0)
    return xrpc_error(404, "NotFound", "Not Found");
  std::string nsid = c.path.substr(prefix.size());
  const method_def* def = nullptr;
  for (const auto& m : methods)
    if (nsid == m.nsid)
      def = &m;
  if (!def)
    return xrpc_error(501, "MethodNotImplemented", "Method Not Implemented");
  const char* expected = def->procedure ? "POST" : "GET";
  if (c.method() != expected)
    return invalid_request("Incorrect HTTP method (" + c.method()
                           + ") expected " + expected);

  // Authentication as the PDS's auth verifier answers it.
  caller who;
  std::optional<http::response> auth_error;
  auto bearer = c.bearer();
  if (def->auth != auth_need::none && !bearer.empty()) {
    token* t = w.find_token(id(), bearer);
    bool want_refresh = def->auth == auth_need::refresh;
    if (!t)
      auth_error = xrpc_error(400, "InvalidToken", "Token could not be verified");
    else if (t->revoked || t->used)
      auth_error = xrpc_error(400, "ExpiredToken", "Token has been revoked");
    else if (t->expires_at != 0 && t->expires_at <= w.now())
      auth_error = xrpc_error(400, "ExpiredToken", "Token has expired");
    else if ((t->kind == token_kind::refresh) != want_refresh)
      auth_error = xrpc_error(400, "InvalidToken", "Bad token scope");
    else {
      who.tok = t;
      who.me = w.find_user(id(), t->user_id);
    }
  } else if (def->auth == auth_need::access || def->auth == auth_need::refresh) {
    auth_error = xrpc_error(401, "AuthMissing", "Authentication Required");
  }

  // Rate limits: the global budget per account (per IP when anonymous),
  // plus the login budget per identifier and the write budget per repo.
  std::string client = who.me ? who.me->id : "ip:" + c.http.remote_address;
  auto win = w.take_rate(id(), "global:" + client, global_limit,
                         global_window_s);
  std::int64_t shown_window = global_window_s;
  // The headers describe the tightest window, as the PDS's combined
  // limiter reports them.
  auto tighter = [&](const rate_window& other, std::int64_t window_s) {
    bool allowed = win.allowed && other.allowed;
    if (!other.allowed || other.remaining < win.remaining) {
      win = other;
      shown_window = window_s;
    }
    win.allowed = allowed;
  };
  if (win.allowed && nsid == "com.atproto.server.createSession") {
    auto body = c.json_body();
    std::string ident;
    if (body && body->is_object() && body->contains("identifier")
        && (*body)["identifier"].is_string())
      ident = ascii_lower((*body)["identifier"].get<std::string>());
    tighter(w.take_rate(id(), "session:" + ident, session_limit,
                        session_window_s),
            session_window_s);
  }
  if (win.allowed && who.me && nsid == "com.atproto.repo.createRecord")
    tighter(w.take_rate(id(), "write:" + who.me->id, write_limit,
                        write_window_s),
            write_window_s);

  http::response r;
  if (!win.allowed)
    r = xrpc_error(429, "RateLimitExceeded", "Rate Limit Exceeded");
  else if (auth_error)
    r = *auth_error;
  else if (nsid == "com.atproto.server.createSession")
    r = create_session(c, w);
  else if (nsid == "com.atproto.server.refreshSession")
    r = refresh_session(c, w);
  else if (nsid == "com.atproto.server.getSession")
    r = get_session(c, w, who);
  else if (nsid == "com.atproto.identity.resolveHandle")
    r = resolve_handle(c, w);
  else if (nsid == "app.bsky.notification.listNotifications")
    r = list_notifications(c, w, who);
  else if (nsid == "app.bsky.feed.searchPosts")
    r = search_posts(c, w, who);
  else if (nsid == "app.bsky.feed.getAuthorFeed")
    r = author_feed(c, w, who);
  else if (nsid == "app.bsky.feed.getPosts")
    r = get_posts(c, w, who);
  else if (nsid == "app.bsky.actor.getProfile")
    r = get_profile(c, w, who);
  else if (nsid == "com.atproto.repo.createRecord")
    r = create_record(c, w, who);
  else
    r = upload_blob(c, w, who);
  add_rate_headers(r, win, shown_window);
  return r;
}

// --- identities and views ------------------------------------------------------

std::string bluesky_network::handle_of(const user& u) const {
  std::string h = ascii_lower(u.handle);
  if (h.find('.') != std::string::npos)
    return h;
  std::replace(h.begin(), h.end(), '_', '-');
  return h + std::string(handle_suffix);
}

const user* bluesky_network::find_actor(world& w,
                                        std::string identifier) const {
  if (!identifier.empty() && identifier.front() == '@')
    identifier.erase(0, 1);
  if (identifier.rfind("did:", 0) == 0)
    return w.find_user(id(), identifier);
  auto wanted = ascii_lower(identifier);
  for (const user* u : w.users(id()))
    if (handle_of(*u) == wanted || ascii_lower(u->handle) == wanted)
      return u;
  return nullptr;
}

json bluesky_network::profile_basic(world&, const user& u) const {
  return {{"did", u.id},
          {"handle", handle_of(u)},
          {"displayName", u.name},
          {"viewer", {{"muted", false}, {"blockedBy", false}}},
          {"labels", json::array()},
          {"createdAt", iso_time(u.created_at)}};
}

json bluesky_network::profile_detailed(world& w, const user& u) const {
  json j = profile_basic(w, u);
  std::size_t posts = 0;
  for (const item* it : w.items(id()))
    posts += it->author_id == u.id;
  j["description"] = "";
  j["followersCount"] = 0;
  j["followsCount"] = 0;
  j["postsCount"] = posts;
  j["indexedAt"] = iso_time(u.created_at);
  return j;
}

json bluesky_network::post_record(world& w, const item& it) const {
  if (auto r = records_.find(it.id); r != records_.end())
    return r->second;
  json rec = {{"$type", "app.bsky.feed.post"},
              {"text", it.text},
              {"createdAt", iso_time(it.created_at)},
              {"langs", json::array({"en"})}};
  if (const item* parent = w.find_item(id(), it.in_reply_to)) {
    const item* root = w.find_item(id(), it.conversation_id);
    if (!root)
      root = parent;
    rec["reply"] = {{"root", {{"uri", root->id}, {"cid", cid_of(w, *root)}}},
                    {"parent",
                     {{"uri", parent->id}, {"cid", cid_of(w, *parent)}}}};
  }
  if (const user* to = w.find_user(id(), it.to_account);
      to && it.kind == item_kind::mention) {
    auto mention = "@" + handle_of(*to);
    if (auto pos = it.text.find(mention); pos != std::string::npos)
      rec["facets"] = json::array(
        {{{"$type", "app.bsky.richtext.facet"},
          {"index", {{"byteStart", pos}, {"byteEnd", pos + mention.size()}}},
          {"features",
           json::array({{{"$type", "app.bsky.richtext.facet#mention"},
                         {"did", to->id}}})}}});
  }
  return rec;
}

std::string bluesky_network::cid_of(world& w, const item& it) const {
  return make_cid(post_record(w, it).dump(), 0x71);
}

json bluesky_network::post_view(world& w, const item& it,
                                const caller& who) const {
  const user* author = w.find_user(id(), it.author_id);
  std::size_t replies = 0;
  for (const item* other : w.items(id()))
    replies += other->in_reply_to == it.id;
  json viewer = json::object();
  if (who.me) {
    if (auto l = likes_.find({who.me->id, it.id}); l != likes_.end())
      viewer["like"] = l->second;
    if (auto r = reposts_.find({who.me->id, it.id}); r != reposts_.end())
      viewer["repost"] = r->second;
  }
  json j = {{"uri", it.id},
            {"cid", cid_of(w, it)},
            {"author", author ? profile_basic(w, *author)
                              : json{{"did", it.author_id},
                                     {"handle", "handle.invalid"}}},
            {"record", post_record(w, it)},
            {"replyCount", replies},
            {"repostCount", it.reposted_by.size()},
            {"likeCount", it.liked_by.size()},
            {"quoteCount", 0},
            {"indexedAt", iso_time(it.created_at)},
            {"viewer", viewer},
            {"labels", json::array()}};
  if (!it.media_ids.empty()) {
    json images = json::array();
    for (const auto& m : it.media_ids) {
      std::string path = it.author_id + "/" + m + "@jpeg";
      images.push_back(
        {{"thumb", "https://cdn.bsky.app/img/feed_thumbnail/plain/" + path},
         {"fullsize", "https://cdn.bsky.app/img/feed_fullsize/plain/" + path},
         {"alt", ""}});
    }
    j["embed"] = {{"$type", "app.bsky.embed.images#view"}, {"images", images}};
  }
  return j;
}

} // namespace bluesky
} // namespace socialcrm::sim
