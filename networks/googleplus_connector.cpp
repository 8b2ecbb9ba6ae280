#include "networks/googleplus_connector.hpp"

#include "http/url.hpp"
#include "networks/html_text.hpp"
#include "networks/json_fields.hpp"
#include "networks/time_walk.hpp"

namespace socialcrm::networks {

namespace {

using json = nlohmann::json;

// Google's daily quotas reset at midnight Pacific time; 07:00 UTC is that
// midnight in summer and an hour after it in winter: never early.
unix_ms next_pacific_midnight(unix_ms now) {
  constexpr unix_ms day = 24 * 60 * 60 * 1000;
  constexpr unix_ms offset = 7 * 60 * 60 * 1000;
  return ((now - offset) / day + 1) * day + offset;
}

// API errors: {"error":{"errors":[{"domain","reason","message"}],"code",
// "message"}}; the token endpoint's: {"error":"invalid_grant",
// "error_description"}.
failure googleplus_errors(const http::response& r) {
  std::string msg = "Google+ answered " + std::to_string(r.status);
  auto j = json::parse(r.body, nullptr, false);
  std::string reason;
  if (auto e = object_at(j, "error")) {
    if (auto m = string_at(*e, "message"); !m.empty())
      msg += ": " + m;
    if (auto list = array_at(*e, "errors"); list && !list->empty())
      reason = string_at(list->front(), "reason");
  } else if (auto code = string_at(j, "error"); !code.empty()) {
    msg += ": " + code;
    if (auto d = string_at(j, "error_description"); !d.empty())
      msg += " (" + d + ")";
    // The refresh token was revoked or expired: the grant is gone.
    if (code == "invalid_grant")
      return make_failure(failure_kind::reauth_required, msg);
  }
  if (reason == "userRateLimitExceeded" || reason == "rateLimitExceeded")
    return make_failure(failure_kind::rate_limited, msg,
                        now_ms() + googleplus_rate_window_ms);
  if (reason == "dailyLimitExceeded" || reason == "quotaExceeded")
    return make_failure(failure_kind::rate_limited, msg,
                        next_pacific_midnight(now_ms()));
  return classify_status(r, msg);
}

failure bad(const std::string& what) {
  return make_failure(failure_kind::bad_response, "Google+ " + what);
}

// The plain text of an activity or comment: what the page or person typed
// when Google kept it, else the HTML Google+ shows.
std::string text_of(const json& resource) {
  auto object = object_at(resource, "object");
  if (!object)
    return {};
  if (auto raw = string_at(*object, "originalContent"); !raw.empty())
    return raw;
  return html_to_text(string_at(*object, "content"));
}

// One activity or comment; nullopt without an id or a publication time.
std::optional<listed_item> decode(const json& resource, post_kind kind) {
  listed_item li;
  auto& p = li.item;
  p.net = network::googleplus;
  p.kind = kind;
  p.external_id = string_at(resource, "id");
  p.created_at = parse_time(string_at(resource, "published"));
  if (p.external_id.empty() || p.created_at <= 0)
    return std::nullopt;
  if (auto actor = object_at(resource, "actor")) {
    p.from.network_user_id = string_at(*actor, "id");
    p.from.name = string_at(*actor, "displayName");
  }
  p.text = text_of(resource);
  li.at = p.created_at;
  return li;
}

// Google omits `items` from an empty list. The list itself is an object
// with its `kind` ("plus#activityFeed"): anything else is no list, not an
// empty one.
const json* items_of(const json& list, bool& ok) {
  static const json empty = json::array();
  auto m = member(list, "items");
  auto kind = member(list, "kind");
  ok = kind && kind->is_string() && (!m || m->is_array());
  return m && m->is_array() ? m : &empty;
}

} // namespace

googleplus_connector::googleplus_connector(const connector_options& opts)
  : api_(network::googleplus, opts.base_url, opts.budgets, nullptr,
         googleplus_errors, opts.paced, opts.ca_file),
    client_id_(opts.client_id.empty() ? "socialcrm" : opts.client_id),
    client_secret_(opts.client_secret) {
}

std::vector<feed> googleplus_connector::account_feeds() const {
  return {feed::comments, feed::own_posts};
}

outcome<nlohmann::json> googleplus_connector::get(
  const credentials& who, const std::string& path_and_query) {
  // The quota counts per token over every method: one window.
  return api_.send_json(who.access_token, "api", "GET", path_and_query);
}

outcome<poll_page> googleplus_connector::poll(const credentials& who,
                                              const poll_request& req) {
  if (who.page_id.empty())
    return {std::nullopt, make_failure(failure_kind::reauth_required,
                                       "the Google+ account has no page")};
  if (req.what == feed::own_posts)
    return poll_activities(who, req);
  if (req.what == feed::comments)
    return poll_comments(who, req);
  return {std::nullopt,
          make_failure(failure_kind::rejected,
                       "Google+ pages have no feed "
                         + std::string(to_string(req.what)))};
}

outcome<poll_page> googleplus_connector::poll_activities(
  const credentials& who, const poll_request& req) {
  auto path = "/plus/v1/people/" + http::url_encode(who.page_id)
              + "/activities/public";
  auto fetch = [&](const std::string& token) -> outcome<listed_page> {
    std::vector<std::pair<std::string, std::string>> q{
      {"maxResults", std::to_string(googleplus_activities_page)}};
    if (!token.empty())
      q.emplace_back("pageToken", token);
    auto j = get(who, path + "?" + http::build_query(q));
    if (!j)
      return {std::nullopt, j.error};
    bool ok = true;
    auto items = items_of(*j.value, ok);
    if (!ok)
      return {std::nullopt, bad("activities.items is no array")};
    listed_page page;
    for (auto& a : *items) {
      auto li = decode(a, post_kind::post);
      if (!li)
        return {std::nullopt, bad("activity without id or published")};
      page.items.push_back(std::move(*li));
    }
    page.next = string_at(*j.value, "nextPageToken");
    return {std::move(page), {}};
  };
  cursor_state cur(req.cursor), after;
  auto walked = walk_list(cur, "", googleplus_max_pages, fetch, after);
  if (!walked)
    return {std::nullopt, walked.error};
  return {poll_page{std::move(walked.value->posts), after.str(),
                    walked.value->more},
          {}};
}

outcome<poll_page> googleplus_connector::poll_comments(
  const credentials& who, const poll_request& req) {
  // One call lists the recent posts with their reply counts; only posts
  // whose count moved are asked for their comments.
  auto recent = get(who, "/plus/v1/people/" + http::url_encode(who.page_id)
                           + "/activities/public?maxResults="
                           + std::to_string(googleplus_commented_posts));
  if (!recent)
    return {std::nullopt, recent.error};
  bool ok = true;
  auto items = items_of(*recent.value, ok);
  if (!ok)
    return {std::nullopt, bad("activities.items is no array")};
  std::vector<commented_post> posts;
  for (auto& a : *items) {
    commented_post p;
    p.id = string_at(a, "id");
    if (p.id.empty())
      return {std::nullopt, bad("activity without id")};
    if (auto object = object_at(a, "object"))
      if (auto replies = object_at(*object, "replies"))
        p.comments = integer_at(*replies, "totalItems");
    posts.push_back(std::move(p));
  }
  auto fetch = [&](const std::string& activity,
                   const std::string& token) -> outcome<listed_page> {
    std::vector<std::pair<std::string, std::string>> q{
      {"maxResults", std::to_string(googleplus_comments_page)},
      {"sortOrder", "descending"}};
    if (!token.empty())
      q.emplace_back("pageToken", token);
    auto j = get(who, "/plus/v1/activities/" + http::url_encode(activity)
                        + "/comments?" + http::build_query(q));
    if (!j)
      return {std::nullopt, j.error};
    bool items_ok = true;
    auto list = items_of(*j.value, items_ok);
    if (!items_ok)
      return {std::nullopt, bad("comments.items is no array")};
    listed_page page;
    for (auto& c : *list) {
      auto li = decode(c, post_kind::comment);
      if (!li)
        return {std::nullopt, bad("comment without id or published")};
      li->item.in_reply_to = activity;
      // The page's own answers are not incoming comments.
      li->deliver = li->item.from.network_user_id != who.page_id;
      page.items.push_back(std::move(*li));
    }
    page.next = string_at(*j.value, "nextPageToken");
    return {std::move(page), {}};
  };
  cursor_state cur(req.cursor), after;
  auto walked = walk_comments(cur, posts, googleplus_max_comment_pages, fetch,
                              after);
  if (!walked)
    return {std::nullopt, walked.error};
  return {poll_page{std::move(walked.value->posts), after.str(),
                    walked.value->more},
          {}};
}

outcome<credentials> googleplus_connector::refresh(const credentials& who) {
  if (who.refresh_token.empty())
    return {std::nullopt,
            make_failure(failure_kind::reauth_required,
                         "Google+ gave no refresh token: link the page "
                         "again")};
  http::header_list h;
  h.set("Content-Type", "application/x-www-form-urlencoded");
  std::vector<std::pair<std::string, std::string>> form{
    {"grant_type", "refresh_token"},
    {"refresh_token", who.refresh_token},
    {"client_id", client_id_}};
  if (!client_secret_.empty())
    form.emplace_back("client_secret", client_secret_);
  // Google's token endpoint on the API host (www.googleapis.com/oauth2/
  // v4/token), so that one base URL serves the whole connector.
  auto r = api_.send_json("", "oauth_token", "POST", "/oauth2/v4/token", h,
                          http::build_query(form));
  if (!r)
    return {std::nullopt, r.error};
  auto access = string_at(*r.value, "access_token");
  if (access.empty())
    return {std::nullopt, bad("token answer without access_token")};
  credentials out = who;
  out.access_token = access;
  // Google's refresh tokens are reusable: the answer names a new one only
  // when Google rotated it.
  if (auto fresh = string_at(*r.value, "refresh_token"); !fresh.empty())
    out.refresh_token = fresh;
  auto ttl = integer_at(*r.value, "expires_in");
  out.expires_at = ttl ? now_ms() + *ttl * 1000 : 0;
  return {std::move(out), {}};
}

outcome<action_result> googleplus_connector::act(const credentials& who,
                                                 const action& a) {
  if (who.page_id.empty())
    return {std::nullopt, make_failure(failure_kind::reauth_required,
                                       "the Google+ account has no page")};
  if (!a.media.empty())
    return {std::nullopt,
            make_failure(failure_kind::rejected,
                         a.media.size() > googleplus_max_image_bytes
                           ? "the image is over Google+'s 36 MB limit"
                           : "images on Google+ pages are not supported by "
                             "this connector")};
  http::header_list h;
  h.set("Content-Type", "application/json");
  std::string path;
  json body = {{"object", {{"originalContent", a.text}}}};
  switch (a.what) {
    case action::kind::post:
      path = "/plusPages/v2/people/" + http::url_encode(who.page_id)
             + "/activities";
      body["access"] = {{"items", json::array({{{"type", "public"}}})}};
      break;
    case action::kind::comment:
    case action::kind::reply:
      path = "/plusPages/v2/activities/" + http::url_encode(a.target_id)
             + "/comments?onBehalfOf=" + http::url_encode(who.page_id);
      break;
    default:
      return {std::nullopt,
              make_failure(failure_kind::rejected,
                           "Google+ pages can post and comment only")};
  }
  auto r = api_.send_json(who.access_token, "api", "POST", path, h,
                          body.dump());
  if (!r)
    return {std::nullopt, r.error};
  action_result out;
  out.external_id = string_at(*r.value, "id");
  if (out.external_id.empty())
    return {std::nullopt, bad("answered an insert without id")};
  return {std::move(out), {}};
}

} // namespace socialcrm::networks
