#include "networks/facebook_connector.hpp"

#include "http/url.hpp"
#include "networks/json_fields.hpp"
#include "networks/time_walk.hpp"

#include <algorithm>

namespace socialcrm::networks {

namespace {

using json = nlohmann::json;
using query = std::vector<std::pair<std::string, std::string>>;

// The largest share of the hour's budget one usage object says is used
// (calls, CPU time or total time: whichever runs out first throttles).
long usage_percent(const json& u) {
  long pct = -1;
  for (auto key : {"call_count", "total_cputime", "total_time"})
    if (auto v = integer_at(u, key))
      pct = std::max<long>(pct, static_cast<long>(*v));
  return pct;
}

// Facebook says how much of an hourly budget is used, in percent:
// X-App-Usage and X-Page-Usage hold one usage object,
// X-Business-Use-Case-Usage one list of them per business object, with
// the minutes until access comes back once it is spent.
struct usage {
  long percent = -1;
  long regain_minutes = 0;
};

usage usage_of(const http::response& r) {
  usage out;
  for (auto name : {"X-App-Usage", "X-Page-Usage"})
    if (auto v = r.headers.get(name)) {
      auto j = json::parse(*v, nullptr, false);
      if (j.is_object())
        out.percent = std::max(out.percent, usage_percent(j));
    }
  if (auto v = r.headers.get("X-Business-Use-Case-Usage")) {
    auto j = json::parse(*v, nullptr, false);
    if (j.is_object())
      for (auto& [id, list] : j.items())
        if (list.is_array())
          for (auto& u : list) {
            out.percent = std::max(out.percent, usage_percent(u));
            if (auto m = integer_at(u, "estimated_time_to_regain_access"))
              out.regain_minutes = std::max<long>(out.regain_minutes, *m);
          }
  }
  return out;
}

unix_ms regain_at(const usage& u, unix_ms now) {
  return now + (u.regain_minutes > 0 ? u.regain_minutes * 60 * 1000
                                     : facebook_usage_window_ms);
}

// Percentages as a window of 100: a call costs one unit in our own count
// (at most 1% when the budget is 100 calls or more), the network's figure
// corrects it after each answer.
rate_reading facebook_rates(const http::response& r, unix_ms now) {
  auto u = usage_of(r);
  rate_reading out;
  if (u.percent < 0)
    return out;
  out.limit = 100;
  out.remaining = std::max<long>(0, 100 - std::min<long>(u.percent, 100));
  out.reset_at = regain_at(u, now);
  return out;
}

bool is_throttling_code(std::int64_t code) {
  // 4 app, 17 user, 32 page, 613 custom limits; 80000-80099 the business
  // use case limits (pages, Messenger, ...).
  return code == 4 || code == 17 || code == 32 || code == 613
         || (code >= 80000 && code < 80100);
}

// Graph answers errors as {"error":{"message","type","code",
// "error_subcode","is_transient"}}, mostly with status 400 whatever the
// cause: the code says what happened.
failure facebook_errors(const http::response& r) {
  std::string msg = "Facebook answered " + std::to_string(r.status);
  auto j = json::parse(r.body, nullptr, false);
  const json* e = object_at(j, "error");
  std::int64_t code = 0;
  bool transient = false;
  if (e) {
    if (auto m = string_at(*e, "message"); !m.empty())
      msg += ": " + m;
    code = integer_at(*e, "code").value_or(0);
    auto t = member(*e, "is_transient");
    transient = t && t->is_boolean() && t->get<bool>();
  }
  // 190: the token is invalid, expired or revoked; 102: the session is.
  // Page tokens do not refresh: the page must be linked again.
  if (code == 190 || code == 102 || r.status == 401)
    return make_failure(failure_kind::reauth_required, msg);
  if (is_throttling_code(code) || r.status == 429)
    return make_failure(failure_kind::rate_limited, msg,
                        regain_at(usage_of(r), now_ms()));
  if (r.status >= 500 || transient || code == 1 || code == 2)
    return make_failure(failure_kind::transient, msg);
  return make_failure(failure_kind::rejected, msg);
}

failure bad(const std::string& what) {
  return make_failure(failure_kind::bad_response, "Facebook " + what);
}

// The token of the next (older) page: Graph gives paging.next only when
// there is one, and the cursor to pass as `after` beside it.
std::string next_token(const json& j) {
  auto paging = object_at(j, "paging");
  if (!paging || string_at(*paging, "next").empty())
    return {};
  return string_in(*paging, {"cursors", "after"});
}

author author_of(const json& object) {
  author a;
  if (auto from = object_at(object, "from")) {
    a.network_user_id = string_at(*from, "id");
    a.name = string_at(*from, "name");
  }
  return a;
}

// One post, comment or message of a Graph list; nullopt when it lacks what
// every such object has (an id and a creation time).
std::optional<listed_item> decode_object(const json& o, post_kind kind) {
  listed_item li;
  auto& p = li.item;
  p.net = network::facebook;
  p.external_id = string_at(o, "id");
  p.created_at = parse_time(string_at(o, "created_time"));
  if (p.external_id.empty() || p.created_at <= 0)
    return std::nullopt;
  p.kind = kind;
  p.from = author_of(o);
  p.text = string_at(o, "message");
  li.at = p.created_at;
  return li;
}

} // namespace

facebook_connector::facebook_connector(const connector_options& opts)
  : api_(network::facebook, opts.base_url, opts.budgets, facebook_rates,
         facebook_errors, opts.paced, opts.ca_file) {
}

std::vector<feed> facebook_connector::account_feeds() const {
  return {feed::mentions, feed::comments, feed::page_messages,
          feed::own_posts};
}

outcome<nlohmann::json> facebook_connector::get(const credentials& who,
                                                const std::string& path,
                                                query q) {
  return api_.send_json(who.access_token, "graph", "GET",
                        "/" + std::string(facebook_graph_version) + path + "?"
                          + http::build_query(q));
}

outcome<nlohmann::json> facebook_connector::post_form(
  const credentials& who, const std::string& path, const query& fields) {
  http::header_list h;
  h.set("Content-Type", "application/x-www-form-urlencoded");
  return api_.send_json(who.access_token, "graph", "POST",
                        "/" + std::string(facebook_graph_version) + path, h,
                        http::build_query(fields));
}

outcome<poll_page> facebook_connector::poll(const credentials& who,
                                            const poll_request& req) {
  if (who.page_id.empty())
    return {std::nullopt, make_failure(failure_kind::reauth_required,
                                       "the Facebook account has no page")};
  switch (req.what) {
    case feed::mentions:
    case feed::own_posts:
      return poll_edge(who, req);
    case feed::comments:
      return poll_comments(who, req);
    case feed::page_messages:
      return poll_messages(who, req);
    default:
      return {std::nullopt,
              make_failure(failure_kind::rejected,
                           "Facebook pages have no feed "
                             + std::string(to_string(req.what)))};
  }
}

// Posts tagging the page (mentions), or the page's feed: its own posts,
// and visitors' posts on it, which are addressed to the page.
outcome<poll_page> facebook_connector::poll_edge(const credentials& who,
                                                 const poll_request& req) {
  bool tagged = req.what == feed::mentions;
  auto path = "/" + http::url_encode(who.page_id)
              + (tagged ? "/tagged" : "/feed");
  cursor_state cur(req.cursor), after;
  auto fetch = [&](const std::string& token) -> outcome<listed_page> {
    query q{{"fields", "id,message,created_time,from"},
            {"limit", std::to_string(facebook_page_size)}};
    if (!token.empty())
      q.emplace_back("after", token);
    auto j = get(who, path, q);
    if (!j)
      return {std::nullopt, j.error};
    auto data = array_at(*j.value, "data");
    if (!data)
      return {std::nullopt, bad(path + " without data")};
    listed_page page;
    for (auto& o : *data) {
      auto li = decode_object(o, post_kind::mention);
      if (!li)
        return {std::nullopt, bad(path + " lists a post without id or time")};
      // The page's own posts are posts; a visitor's post on the page is
      // addressed to it, as a tag is.
      auto& from = li->item.from.network_user_id;
      if (from == who.page_id || (!tagged && from.empty()))
        li->item.kind = post_kind::post;
      page.items.push_back(std::move(*li));
    }
    page.next = next_token(*j.value);
    return {std::move(page), {}};
  };
  auto walked = walk_list(cur, "", facebook_max_pages, fetch, after);
  if (!walked)
    return {std::nullopt, walked.error};
  return {poll_page{std::move(walked.value->posts), after.str(),
                    walked.value->more},
          {}};
}

outcome<poll_page> facebook_connector::poll_comments(const credentials& who,
                                                     const poll_request& req) {
  // One call lists the recent posts with their comment counts; only posts
  // whose count moved are asked for their comments.
  auto feed_path = "/" + http::url_encode(who.page_id) + "/feed";
  auto recent = get(who, feed_path,
                    {{"fields", "id,created_time,comments.limit(0).summary(true)"},
                     {"limit", std::to_string(facebook_commented_posts)}});
  if (!recent)
    return {std::nullopt, recent.error};
  auto data = array_at(*recent.value, "data");
  if (!data)
    return {std::nullopt, bad(feed_path + " without data")};
  std::vector<commented_post> posts;
  for (auto& o : *data) {
    commented_post p;
    p.id = string_at(o, "id");
    if (p.id.empty())
      return {std::nullopt, bad(feed_path + " lists a post without id")};
    if (auto c = object_at(o, "comments"))
      if (auto s = object_at(*c, "summary"))
        p.comments = integer_at(*s, "total_count");
    posts.push_back(std::move(p));
  }
  auto fetch = [&](const std::string& post_id,
                   const std::string& token) -> outcome<listed_page> {
    auto path = "/" + http::url_encode(post_id) + "/comments";
    // filter=stream lists replies to comments too; newest first so the
    // walk stops at what it saw.
    query q{{"order", "reverse_chronological"},
            {"filter", "stream"},
            {"fields", "id,message,created_time,from,parent"},
            {"limit", std::to_string(facebook_page_size)}};
    if (!token.empty())
      q.emplace_back("after", token);
    auto j = get(who, path, q);
    if (!j)
      return {std::nullopt, j.error};
    auto list = array_at(*j.value, "data");
    if (!list)
      return {std::nullopt, bad(path + " without data")};
    listed_page page;
    for (auto& o : *list) {
      auto li = decode_object(o, post_kind::comment);
      if (!li)
        return {std::nullopt, bad(path + " lists a comment without id or "
                                         "time")};
      auto parent = string_in(o, {"parent", "id"});
      li->item.in_reply_to = parent.empty() ? post_id : parent;
      // The page's own answers are not incoming comments.
      li->deliver = li->item.from.network_user_id != who.page_id;
      page.items.push_back(std::move(*li));
    }
    page.next = next_token(*j.value);
    return {std::move(page), {}};
  };
  cursor_state cur(req.cursor), after;
  auto walked = walk_comments(cur, posts, facebook_max_comment_pages, fetch,
                              after);
  if (!walked)
    return {std::nullopt, walked.error};
  return {poll_page{std::move(walked.value->posts), after.str(),
                    walked.value->more},
          {}};
}

// Page conversations come most recently updated first; each one updated
// since the mark is read back to the mark, its messages filtered by the
// one mark of the whole feed.
outcome<poll_page> facebook_connector::poll_messages(const credentials& who,
                                                     const poll_request& req) {
  cursor_state cur(req.cursor), after;
  time_walk walk(cur);
  std::vector<post> got;
  const char* message_fields = "id,message,created_time,from";
  auto read_messages = [&](const json& list) -> std::optional<failure> {
    auto data = array_at(list, "data");
    if (!data)
      return bad("conversation messages without data");
    for (auto& o : *data) {
      auto li = decode_object(o, post_kind::message);
      if (!li)
        return bad("message without id or time");
      bool ours = li->item.from.network_user_id == who.page_id;
      if (walk.fresh(li->at, li->item.external_id) && !ours)
        got.push_back(std::move(li->item));
    }
    return std::nullopt;
  };
  auto read_conversation = [&](const json& conv) -> std::optional<failure> {
    auto conv_id = string_at(conv, "id");
    auto nested = object_at(conv, "messages");
    if (conv_id.empty() || !nested)
      return bad("conversation without id or messages");
    json page = *nested;
    for (int pages = 1;; ++pages) {
      if (auto f = read_messages(page))
        return f;
      // Messages come newest first: read on only while the oldest one read
      // is still newer than the mark.
      auto data = array_at(page, "data");
      auto token = next_token(page);
      if (token.empty() || data->empty() || pages >= facebook_max_message_pages)
        return std::nullopt;
      auto oldest = parse_time(string_at(data->back(), "created_time"));
      if (walk.before_mark(oldest))
        return std::nullopt;
      auto more = get(who, "/" + http::url_encode(conv_id) + "/messages",
                      {{"fields", message_fields},
                       {"limit", std::to_string(facebook_page_size)},
                       {"after", token}});
      if (!more)
        return more.error;
      page = std::move(*more.value);
    }
  };
  std::string token = walk.start_token(), next;
  for (int pages = 1;; ++pages) {
    query q{{"fields", "id,updated_time,messages.limit("
                         + std::to_string(facebook_page_size) + "){"
                         + message_fields + "}"},
            {"limit", std::to_string(facebook_conversations_page)}};
    if (!token.empty())
      q.emplace_back("after", token);
    auto j = get(who, "/" + http::url_encode(who.page_id) + "/conversations",
                 q);
    if (!j)
      return {std::nullopt, j.error};
    auto data = array_at(*j.value, "data");
    if (!data)
      return {std::nullopt, bad("conversations without data")};
    for (auto& conv : *data) {
      auto updated = parse_time(string_at(conv, "updated_time"));
      if (updated <= 0)
        return {std::nullopt, bad("conversation without updated_time")};
      walk.listed(updated);
      if (walk.before_mark(updated))
        continue; // nothing new in it
      if (auto f = read_conversation(conv))
        return {std::nullopt, *f};
    }
    next = next_token(*j.value);
    if (next.empty() || walk.reached_mark()) {
      next.clear();
      break;
    }
    if (pages >= facebook_max_pages)
      break;
    token = next;
  }
  poll_page out;
  out.more = walk.finish(after, next);
  out.cursor = after.str();
  std::stable_sort(got.begin(), got.end(), [](const post& a, const post& b) {
    return a.created_at < b.created_at;
  });
  out.posts = std::move(got);
  return {std::move(out), {}};
}

} // namespace socialcrm::networks
