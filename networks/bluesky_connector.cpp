#include "networks/bluesky_connector.hpp"

#include "http/url.hpp"
#include "networks/json_fields.hpp"
#include "networks/time_walk.hpp"

#include <algorithm>
#include <sodium.h>

namespace socialcrm::networks {

namespace {

using json = nlohmann::json;

// ratelimit-reset is in epoch seconds (the IETF draft's headers).
rate_reading bluesky_rates(const http::response& r, unix_ms) {
  rate_reading out;
  out.limit = header_number(r, "ratelimit-limit");
  out.remaining = header_number(r, "ratelimit-remaining");
  auto reset = header_number(r, "ratelimit-reset");
  out.reset_at = reset > 0 ? reset * 1000 : 0;
  return out;
}

// XRPC errors are {"error": name, "message"}. An expired access JWT is
// ExpiredToken (the source then refreshes the session); so is a revoked
// refresh JWT, or a used one past its 2-hour grace period; a token the PDS
// cannot verify is InvalidToken: every one of them needs new tokens.
failure bluesky_errors(const http::response& r) {
  auto j = json::parse(r.body, nullptr, false);
  auto name = string_at(j, "error");
  std::string msg = "Bluesky answered " + std::to_string(r.status);
  if (!name.empty())
    msg += ": " + name;
  if (auto m = string_at(j, "message"); !m.empty())
    msg += " (" + m + ")";
  if (name == "ExpiredToken" || name == "InvalidToken"
      || name == "AuthMissing" || name == "AuthenticationRequired"
      || name == "AccountTakedown" || name == "AccountDeactivated")
    return make_failure(failure_kind::reauth_required, msg);
  auto f = classify_status(r, msg);
  if (f.kind == failure_kind::rate_limited) {
    auto reset = header_number(r, "ratelimit-reset");
    f.retry_at = reset > 0 ? reset * 1000 : 0;
  }
  return f;
}

failure bad(const std::string& what) {
  return make_failure(failure_kind::bad_response, "Bluesky " + what);
}

bool mentions(const json& record, const std::string& did) {
  auto facets = array_at(record, "facets");
  if (!facets || did.empty())
    return false;
  for (auto& f : *facets)
    if (auto features = array_at(f, "features"))
      for (auto& feature : *features)
        if (string_at(feature, "$type") == "app.bsky.richtext.facet#mention"
            && string_at(feature, "did") == did)
          return true;
  return false;
}

// A post (its uri, author, record and times) as a listed item. `at` is the
// earlier of creation and indexing, the time feeds are sorted by.
std::optional<listed_item> decode_post(const json& view_or_notification,
                                       const credentials& who) {
  auto& v = view_or_notification;
  listed_item li;
  auto& p = li.item;
  p.net = network::bluesky;
  p.external_id = string_at(v, "uri");
  auto author = object_at(v, "author");
  auto record = object_at(v, "record");
  auto indexed = parse_time(string_at(v, "indexedAt"));
  if (p.external_id.empty() || !author || !record || indexed <= 0)
    return std::nullopt;
  p.from.network_user_id = string_at(*author, "did");
  p.from.handle = string_at(*author, "handle");
  p.from.name = string_at(*author, "displayName");
  if (p.from.network_user_id.empty())
    return std::nullopt;
  p.text = string_at(*record, "text");
  auto created = parse_time(string_at(*record, "createdAt"));
  p.created_at = created > 0 ? created : indexed;
  li.at = std::min(p.created_at, indexed);
  p.in_reply_to = string_in(*record, {"reply", "parent", "uri"});
  auto& us = who.account_user_id;
  if (p.from.network_user_id == us)
    p.kind = post_kind::post;
  else if (!p.in_reply_to.empty()
           && bluesky_connector::did_of_uri(p.in_reply_to) == us)
    p.kind = post_kind::reply;
  else if (mentions(*record, us))
    p.kind = post_kind::mention;
  else
    p.kind = post_kind::post;
  if (auto embed = object_at(v, "embed"))
    if (auto images = array_at(*embed, "images"); images && !images->empty())
      p.media_url = string_at(images->front(), "fullsize");
  return li;
}

// One entry of an author feed: a post, or someone's repost of one.
std::optional<listed_item> decode_feed_entry(const json& entry,
                                             const credentials& who) {
  auto view = object_at(entry, "post");
  auto li = view ? decode_post(*view, who) : std::nullopt;
  if (!li)
    return std::nullopt;
  auto reason = object_at(entry, "reason");
  if (reason
      && string_at(*reason, "$type") == "app.bsky.feed.defs#reasonRepost") {
    auto by = object_at(*reason, "by");
    auto at = parse_time(string_at(*reason, "indexedAt"));
    if (!by || at <= 0)
      return std::nullopt;
    auto& p = li->item;
    // The repost record's own uri when the server names it.
    auto uri = string_at(*reason, "uri");
    p.external_id = uri.empty() ? "repost:" + string_at(*by, "did") + ":"
                                    + p.external_id
                                : uri;
    p.from = {string_at(*by, "did"), string_at(*by, "handle"),
              string_at(*by, "displayName")};
    p.kind = post_kind::repost;
    p.created_at = at;
    li->at = at;
  }
  return li;
}

outcome<poll_page> to_poll_page(outcome<walk_result> walked,
                                const cursor_state& after) {
  if (!walked)
    return {std::nullopt, walked.error};
  return {poll_page{std::move(walked.value->posts), after.str(),
                    walked.value->more},
          {}};
}

} // namespace

bluesky_connector::bluesky_connector(const connector_options& opts)
  : api_(network::bluesky, opts.base_url, opts.budgets, bluesky_rates,
         bluesky_errors, opts.paced, opts.ca_file) {
}

std::vector<feed> bluesky_connector::account_feeds() const {
  return {feed::mentions, feed::own_posts};
}

outcome<nlohmann::json> bluesky_connector::query(
  const credentials& who, const char* nsid,
  const std::vector<std::pair<std::string, std::string>>& q) {
  // The PDS counts every request of an account in one global window.
  return api_.send_json(who.access_token, "global", "GET",
                        std::string("/xrpc/") + nsid + "?"
                          + http::build_query(q));
}

outcome<poll_page> bluesky_connector::poll(const credentials& who,
                                           const poll_request& req) {
  cursor_state cur(req.cursor), after;
  auto limit = std::to_string(bluesky_page_size);
  switch (req.what) {
    case feed::mentions: {
      auto fetch = [&](const std::string& token) -> outcome<listed_page> {
        std::vector<std::pair<std::string, std::string>> q{
          {"limit", limit},
          {"reasons", "mention"},
          {"reasons", "reply"},
          {"reasons", "quote"}};
        if (!token.empty())
          q.emplace_back("cursor", token);
        auto j = query(who, "app.bsky.notification.listNotifications", q);
        if (!j)
          return {std::nullopt, j.error};
        auto list = array_at(*j.value, "notifications");
        if (!list)
          return {std::nullopt, bad("notifications is no list")};
        listed_page page;
        for (auto& n : *list) {
          auto reason = string_at(n, "reason");
          if (reason != "mention" && reason != "reply" && reason != "quote")
            continue; // from a server that ignores `reasons`
          auto li = decode_post(n, who);
          if (!li)
            return {std::nullopt, bad("notification without uri, author, "
                                      "record or time")};
          // Notifications are sorted by when they were indexed.
          li->at = parse_time(string_at(n, "indexedAt"));
          li->item.kind = reason == "reply" ? post_kind::reply
                                            : post_kind::mention;
          page.items.push_back(std::move(*li));
        }
        page.next = string_at(*j.value, "cursor");
        return {std::move(page), {}};
      };
      return to_poll_page(walk_list(cur, "", bluesky_max_pages, fetch, after),
                          after);
    }
    case feed::own_posts:
    case feed::timeline: {
      auto actor = req.what == feed::own_posts ? who.account_user_id
                                               : req.user_id;
      if (actor.empty())
        return {std::nullopt, make_failure(failure_kind::rejected,
                                           "Bluesky feed without actor")};
      auto fetch = [&](const std::string& token) -> outcome<listed_page> {
        std::vector<std::pair<std::string, std::string>> q{
          {"actor", actor}, {"limit", limit}, {"filter", "posts_with_replies"}};
        if (!token.empty())
          q.emplace_back("cursor", token);
        auto j = query(who, "app.bsky.feed.getAuthorFeed", q);
        if (!j)
          return {std::nullopt, j.error};
        auto list = array_at(*j.value, "feed");
        if (!list)
          return {std::nullopt, bad("feed is no list")};
        listed_page page;
        for (auto& entry : *list) {
          auto li = decode_feed_entry(entry, who);
          if (!li)
            return {std::nullopt, bad("feed entry without a whole post")};
          page.items.push_back(std::move(*li));
        }
        page.next = string_at(*j.value, "cursor");
        return {std::move(page), {}};
      };
      return to_poll_page(walk_list(cur, "", bluesky_max_pages, fetch, after),
                          after);
    }
    case feed::search: {
      // Bluesky's search matches every word of a query: the terms (OR-ed,
      // S-4.1) are asked one by one, each with its own walk.
      poll_page out;
      for (auto& term : req.terms) {
        auto fetch = [&](const std::string& token) -> outcome<listed_page> {
          std::vector<std::pair<std::string, std::string>> q{
            {"q", term.find(' ') == std::string::npos ? term
                                                      : "\"" + term + "\""},
            {"sort", "latest"},
            {"limit", limit}};
          if (!token.empty())
            q.emplace_back("cursor", token);
          auto j = query(who, "app.bsky.feed.searchPosts", q);
          if (!j)
            return {std::nullopt, j.error};
          auto list = array_at(*j.value, "posts");
          if (!list)
            return {std::nullopt, bad("search posts is no list")};
          listed_page page;
          for (auto& view : *list) {
            auto li = decode_post(view, who);
            if (!li)
              return {std::nullopt, bad("search hit without a whole post")};
            page.items.push_back(std::move(*li));
          }
          page.next = string_at(*j.value, "cursor");
          return {std::move(page), {}};
        };
        auto walked = walk_list(cur, "s." + term + ".", bluesky_max_pages,
                                fetch, after);
        if (!walked)
          return {std::nullopt, walked.error};
        for (auto& p : walked.value->posts)
          out.posts.push_back(std::move(p));
        out.more = out.more || walked.value->more;
      }
      std::stable_sort(out.posts.begin(), out.posts.end(),
                       [](const post& a, const post& b) {
                         return a.created_at < b.created_at;
                       });
      out.cursor = after.str();
      return {std::move(out), {}};
    }
    default:
      return {std::nullopt,
              make_failure(failure_kind::rejected,
                           "Bluesky has no feed "
                             + std::string(to_string(req.what)))};
  }
}

std::string bluesky_connector::did_of_uri(const std::string& uri) {
  constexpr std::string_view scheme = "at://";
  if (uri.rfind(scheme, 0) != 0)
    return {};
  auto end = uri.find('/', scheme.size());
  return uri.substr(scheme.size(), end == std::string::npos
                                     ? std::string::npos
                                     : end - scheme.size());
}

unix_ms bluesky_connector::jwt_expiry(const std::string& jwt) {
  auto first = jwt.find('.');
  auto second = jwt.find('.', first == std::string::npos ? first : first + 1);
  if (first == std::string::npos || second == std::string::npos)
    return 0;
  auto payload = jwt.substr(first + 1, second - first - 1);
  std::string raw(payload.size(), '\0');
  std::size_t len = 0;
  if (sodium_base642bin(reinterpret_cast<unsigned char*>(raw.data()),
                        raw.size(), payload.data(), payload.size(), nullptr,
                        &len, nullptr,
                        sodium_base64_VARIANT_URLSAFE_NO_PADDING)
      != 0)
    return 0;
  raw.resize(len);
  auto claims = json::parse(raw, nullptr, false);
  auto exp = integer_at(claims, "exp");
  return exp && *exp > 0 ? *exp * 1000 : 0;
}

} // namespace socialcrm::networks
