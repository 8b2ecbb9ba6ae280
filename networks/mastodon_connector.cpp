#include "networks/mastodon_connector.hpp"

#include "http/url.hpp"
#include "networks/cursor_state.hpp"
#include "networks/html_text.hpp"
#include "networks/json_fields.hpp"
#include "networks/multipart_body.hpp"

#include <algorithm>

namespace socialcrm::networks {

namespace {

using json = nlohmann::json;
using query = std::vector<std::pair<std::string, std::string>>;

// X-RateLimit-Reset is a timestamp ("2024-05-01T10:05:00.000000Z"), not
// seconds.
rate_reading mastodon_rates(const http::response& r, unix_ms) {
  rate_reading out;
  out.limit = header_number(r, "X-RateLimit-Limit");
  out.remaining = header_number(r, "X-RateLimit-Remaining");
  out.reset_at = parse_time(r.headers.value("X-RateLimit-Reset"));
  return out;
}

// Errors are {"error": "..."}: 401 for a revoked, expired or unknown token,
// 429 once the window is spent.
failure mastodon_errors(const http::response& r) {
  std::string msg = "Mastodon answered " + std::to_string(r.status);
  auto j = json::parse(r.body, nullptr, false);
  if (auto e = string_at(j, "error"); !e.empty())
    msg += ": " + e;
  auto f = classify_status(r, msg);
  if (f.kind == failure_kind::rate_limited)
    f.retry_at = parse_time(r.headers.value("X-RateLimit-Reset"));
  return f;
}

failure bad(const std::string& what) {
  return make_failure(failure_kind::bad_response, "Mastodon " + what);
}

// What a status is to the account: direct statuses are DMs, boosts are
// reposts, a status answering ours is a reply, one naming us a mention.
post_kind kind_of(const json& s, const credentials& who) {
  if (string_at(s, "visibility") == "direct")
    return post_kind::dm;
  if (object_at(s, "reblog"))
    return post_kind::repost;
  auto& us = who.account_user_id;
  if (us.empty() || string_in(s, {"account", "id"}) == us)
    return post_kind::post;
  if (string_at(s, "in_reply_to_account_id") == us)
    return post_kind::reply;
  if (auto mentions = array_at(s, "mentions"))
    for (auto& m : *mentions)
      if (string_at(m, "id") == us)
        return post_kind::mention;
  return post_kind::post;
}

// One status; nullopt without an id, an author or a creation time.
std::optional<post> decode_status(const json& s, const credentials& who) {
  post p;
  p.net = network::mastodon;
  p.external_id = string_at(s, "id");
  p.created_at = parse_time(string_at(s, "created_at"));
  auto account = object_at(s, "account");
  if (p.external_id.empty() || p.created_at <= 0 || !account)
    return std::nullopt;
  p.from.network_user_id = string_at(*account, "id");
  p.from.handle = string_at(*account, "acct");
  p.from.name = string_at(*account, "display_name");
  if (p.from.network_user_id.empty())
    return std::nullopt;
  p.kind = kind_of(s, who);
  // A boost shows the boosted status's words.
  const json& shown = object_at(s, "reblog") ? *object_at(s, "reblog") : s;
  p.text = html_to_text(string_at(shown, "content"));
  p.in_reply_to = string_at(s, "in_reply_to_id");
  if (auto media = array_at(shown, "media_attachments"); media
                                                          && !media->empty())
    p.media_url = string_at(media->front(), "url");
  return p;
}

std::string max_id(const std::string& a, const std::string& b) {
  return id_less(a, b) ? b : a;
}

} // namespace

mastodon_connector::mastodon_connector(const connector_options& opts)
  : api_(network::mastodon, opts.base_url, opts.budgets, mastodon_rates,
         mastodon_errors, opts.paced, opts.ca_file) {
}

std::vector<feed> mastodon_connector::account_feeds() const {
  return {feed::mentions, feed::own_posts};
}

std::string mastodon_connector::search_query(const std::string& term) {
  if (term.find_first_of(" \t") != std::string::npos)
    return "\"" + term + "\"";
  return term;
}

// Pages forward with min_id: the page of items just above `since` (from
// the very first one when nothing was read yet), so a backlog is read
// oldest first and the cursor is simply the highest id read.
auto mastodon_connector::page_after(const credentials& who,
                                    const std::string& path, query q,
                                    const std::string& since, int limit,
                                    const char* list_key)
  -> outcome<forward_page> {
  q.emplace_back("limit", std::to_string(limit));
  q.emplace_back("min_id", since.empty() ? "0" : since);
  // Mastodon counts every request of a token in one window.
  auto j = api_.send_json(who.access_token, "api", "GET",
                          path + "?" + http::build_query(q));
  if (!j)
    return {std::nullopt, j.error};
  const json* list = list_key ? array_at(*j.value, list_key)
                     : j.value->is_array() ? &*j.value
                                           : nullptr;
  if (!list)
    return {std::nullopt, bad(path + " did not answer a list")};
  forward_page page;
  page.newest = since;
  page.full = static_cast<int>(list->size()) >= limit;
  for (auto& item : *list) {
    auto id = string_at(item, "id");
    if (id.empty())
      return {std::nullopt, bad(path + " lists an entry without id")};
    page.newest = max_id(page.newest, id);
    page.items.push_back(item);
  }
  std::sort(page.items.begin(), page.items.end(),
            [](const json& a, const json& b) {
              return id_less(string_at(a, "id"), string_at(b, "id"));
            });
  // A duplicate delivery: an entry listed twice, or one already read
  // (not above `since`).
  page.items.erase(std::unique(page.items.begin(), page.items.end(),
                               [](const json& a, const json& b) {
                                 return string_at(a, "id")
                                        == string_at(b, "id");
                               }),
                   page.items.end());
  std::erase_if(page.items, [&](const json& item) {
    return !since.empty() && !id_less(since, string_at(item, "id"));
  });
  return {std::move(page), {}};
}

outcome<poll_page> mastodon_connector::poll(const credentials& who,
                                            const poll_request& req) {
  switch (req.what) {
    case feed::mentions:
      return poll_notifications(who, req);
    case feed::own_posts:
    case feed::timeline:
      return poll_statuses(who, req);
    case feed::search:
      return poll_search(who, req);
    case feed::direct_messages:
      return {std::nullopt,
              make_failure(failure_kind::rejected,
                           "Mastodon direct messages arrive with the "
                           "mentions feed (notifications)")};
    default:
      return {std::nullopt,
              make_failure(failure_kind::rejected,
                           "Mastodon has no feed "
                             + std::string(to_string(req.what)))};
  }
}

outcome<poll_page> mastodon_connector::poll_notifications(
  const credentials& who, const poll_request& req) {
  cursor_state cur(req.cursor);
  auto page = page_after(who, "/api/v1/notifications",
                         {{"types[]", "mention"}}, cur.get("since"),
                         mastodon_notifications_page, nullptr);
  if (!page)
    return {std::nullopt, page.error};
  poll_page out;
  for (auto& n : page.value->items) {
    // Other types come only from servers that ignore types[].
    if (string_at(n, "type") != "mention")
      continue;
    auto status = object_at(n, "status");
    auto p = status ? decode_status(*status, who) : std::nullopt;
    if (!p)
      return {std::nullopt, bad("mention notification without a whole "
                                "status")};
    // Notified, hence addressed to us: a mention unless it is more.
    if (p->kind == post_kind::post || p->kind == post_kind::repost)
      p->kind = post_kind::mention;
    out.posts.push_back(std::move(*p));
  }
  cursor_state after;
  after.set("since", page.value->newest);
  out.cursor = after.str();
  out.more = page.value->full;
  return {std::move(out), {}};
}

outcome<poll_page> mastodon_connector::poll_statuses(const credentials& who,
                                                     const poll_request& req) {
  auto& account = req.what == feed::own_posts ? who.account_user_id
                                              : req.user_id;
  if (account.empty())
    return {std::nullopt, make_failure(failure_kind::rejected,
                                       "Mastodon timeline without account")};
  cursor_state cur(req.cursor);
  auto page = page_after(who,
                         "/api/v1/accounts/" + http::url_encode(account)
                           + "/statuses",
                         {}, cur.get("since"), mastodon_statuses_page,
                         nullptr);
  if (!page)
    return {std::nullopt, page.error};
  poll_page out;
  for (auto& s : page.value->items) {
    auto p = decode_status(s, who);
    if (!p)
      return {std::nullopt, bad("status without id, account or time")};
    out.posts.push_back(std::move(*p));
  }
  cursor_state after;
  after.set("since", page.value->newest);
  out.cursor = after.str();
  out.more = page.value->full;
  return {std::move(out), {}};
}

// Mastodon's search matches every word of a query, so the terms (OR-ed,
// S-4.1) are asked one by one, each with its own place in the cursor.
outcome<poll_page> mastodon_connector::poll_search(const credentials& who,
                                                   const poll_request& req) {
  cursor_state cur(req.cursor), after;
  poll_page out;
  for (auto& term : req.terms) {
    auto key = "s." + term;
    auto page = page_after(who, "/api/v2/search",
                           {{"q", search_query(term)},
                            {"type", "statuses"},
                            {"resolve", "false"}},
                           cur.get(key), mastodon_statuses_page, "statuses");
    if (!page)
      return {std::nullopt, page.error};
    for (auto& s : page.value->items) {
      auto p = decode_status(s, who);
      if (!p)
        return {std::nullopt, bad("status without id, account or time")};
      out.posts.push_back(std::move(*p));
    }
    after.set(key, page.value->newest);
    out.more = out.more || page.value->full;
  }
  // Two terms can find one status.
  std::sort(out.posts.begin(), out.posts.end(),
            [](const post& a, const post& b) {
              return id_less(a.external_id, b.external_id);
            });
  out.posts.erase(std::unique(out.posts.begin(), out.posts.end(),
                              [](const post& a, const post& b) {
                                return a.external_id == b.external_id;
                              }),
                  out.posts.end());
  out.cursor = after.str();
  return {std::move(out), {}};
}

outcome<credentials> mastodon_connector::refresh(const credentials&) {
  return {std::nullopt,
          make_failure(failure_kind::reauth_required,
                       "Mastodon tokens cannot be refreshed: link the "
                       "account again")};
}

outcome<std::string> mastodon_connector::upload_media(const credentials& who,
                                                      const action& a) {
  if (a.media.size() > mastodon_max_image_bytes)
    return {std::nullopt, make_failure(failure_kind::rejected,
                                       "the image is over Mastodon's 16 MB "
                                       "limit")};
  auto form = make_multipart(
    {{"file", a.media, "image",
      a.media_type.empty() ? "image/png" : a.media_type}});
  http::header_list h;
  h.set("Content-Type", form.content_type);
  auto r = api_.send_json(who.access_token, "api", "POST", "/api/v2/media", h,
                          form.body);
  if (!r)
    return {std::nullopt, r.error};
  auto id = string_at(*r.value, "id");
  if (id.empty())
    return {std::nullopt, bad("media answer without id")};
  return {id, {}};
}

outcome<std::string> mastodon_connector::acct_of(const credentials& who,
                                                 const std::string& id) {
  auto r = api_.send_json(who.access_token, "api", "GET",
                          "/api/v1/accounts/" + http::url_encode(id));
  if (!r)
    return {std::nullopt, r.error};
  auto acct = string_at(*r.value, "acct");
  if (acct.empty())
    return {std::nullopt, bad("account without acct")};
  return {acct, {}};
}

outcome<action_result> mastodon_connector::act(const credentials& who,
                                               const action& a) {
  http::header_list h;
  h.set("Content-Type", "application/json");
  std::string path;
  json body = json::object();
  switch (a.what) {
    case action::kind::post:
    case action::kind::reply:
    case action::kind::comment:
    case action::kind::message: {
      path = "/api/v1/statuses";
      body["status"] = a.text;
      body["visibility"] = "public";
      if (a.what == action::kind::reply || a.what == action::kind::comment)
        body["in_reply_to_id"] = a.target_id;
      if (a.what == action::kind::message) {
        // A direct status reaches the accounts it mentions.
        auto acct = acct_of(who, a.target_id);
        if (!acct)
          return {std::nullopt, acct.error};
        if (a.text.find("@" + *acct.value) == std::string::npos)
          body["status"] = "@" + *acct.value + " " + a.text;
        body["visibility"] = "direct";
      }
      if (!a.media.empty()) {
        auto media = upload_media(who, a);
        if (!media)
          return {std::nullopt, media.error};
        body["media_ids"] = json::array({*media.value});
      }
      // The same key makes Mastodon answer a retried request with the
      // status it already created.
      if (!a.idempotency_key.empty())
        h.set("Idempotency-Key", a.idempotency_key);
      break;
    }
    case action::kind::like:
      path = "/api/v1/statuses/" + http::url_encode(a.target_id)
             + "/favourite";
      break;
    case action::kind::repost:
      path = "/api/v1/statuses/" + http::url_encode(a.target_id) + "/reblog";
      break;
  }
  auto r = api_.send_json(who.access_token, "api", "POST", path, h,
                          body.dump());
  if (!r)
    return {std::nullopt, r.error};
  action_result out;
  out.external_id = string_at(*r.value, "id");
  if (out.external_id.empty())
    return {std::nullopt, bad("answered a status without id")};
  return {std::move(out), {}};
}

} // namespace socialcrm::networks
