// The actor console over HTTP (issue 22, SPEC S-9.2; API.md):
//   GET  /admin/actors                 filtered, sorted, paged by a cursor
//   GET  /admin/actors/{id}            one actor's figures
//   POST /admin/actors/{id}/{action}   pause, resume, restart, poll one
//   POST /admin/actors/{action}        the same for a selector in the body
//   GET  /admin/nodes                  the nodes and their actors
//   GET  /admin/audit                  every control action, newest first
// For administrators and social administrators; everyone else 403. The
// registry actor knows every actor; this file only shapes and steers.

#include "protocol/permission_rules.hpp"
#include "storage/audit_repository.hpp"
#include "storage/database.hpp"
#include "web/actor_selector.hpp"
#include "web/api_error.hpp"
#include "web/ids.hpp"
#include "web/json_body.hpp"
#include "web/routes.hpp"
#include "web/social_common.hpp"


#include <algorithm>
#include <functional>
#include <set>
#include <string_view>
#include <tuple>

namespace socialcrm::web {

namespace {

using nlohmann::json;

/// A page of actors: a screenful of a console several times over; the
/// whole list of 10,000 comes in 10 requests at the most.
constexpr std::int64_t default_actor_page = 500;
constexpr std::int64_t max_actor_page = 1000;
/// Audit entries per page.
constexpr std::int64_t default_audit_page = 100;
constexpr std::int64_t max_audit_page = 500;

const std::vector<std::string_view>& actions() {
  static const std::vector<std::string_view> all{"pause", "resume", "restart",
                                                 "poll"};
  return all;
}

bool require_console(const call_ptr& c) {
  if (!require(c, may_administer_social(c->who),
               "the actor console needs the administrative or social "
               "administrator permission"))
    return false;
  // The audit log is written through the social tab's blocking threads.
  if (!c->state.pool) {
    c->fail(make_error("social_unavailable",
                       "this process serves no actor console"));
    return false;
  }
  return true;
}

std::int64_t age(unix_ms at, unix_ms now) {
  return at ? std::max<std::int64_t>(0, now - at) : -1;
}

json to_json(const actor_info& a, unix_ms now) {
  json j{{"id", a.id},
         {"kind", a.kind},
         {"node", a.node.empty() ? std::string("local") : a.node},
         {"state", std::string(to_string(a.state))},
         {"since", a.since},
         {"mailbox", a.mailbox},
         {"handled", a.handled},
         {"rates", {{"1s", a.rate_1s}, {"10s", a.rate_10s}, {"60s", a.rate_60s}}},
         {"errors", a.errors},
         {"last_error", a.last_error.empty() ? json(nullptr) : json(a.last_error)},
         {"last_error_at", a.last_error_at ? json(a.last_error_at) : json(nullptr)},
         {"restarts", a.restarts}};
  if (a.kind == "source") {
    j["source"] = {
      {"network", a.network},
      {"target", a.target},
      {"tasks", a.tasks},
      {"polls", a.polls},
      {"last_poll", a.last_poll ? json(a.last_poll) : json(nullptr)},
      {"next_poll", a.next_poll ? json(a.next_poll) : json(nullptr)},
      {"posts", a.posts},
      {"duplicates", a.duplicates},
      // The token's tightest rate-limit window, as the network said; null
      // until it said anything.
      {"rate_budget",
       a.budget_remaining < 0
         ? json(nullptr)
         : json{{"limit", a.budget_limit},
                {"remaining", a.budget_remaining},
                {"reset_at", a.budget_reset ? json(a.budget_reset)
                                            : json(nullptr)}}},
      // Age of the newest successful poll; null before the first.
      {"freshness_ms",
       a.last_success ? json(age(a.last_success, now)) : json(nullptr)},
    };
  } else if (a.kind == "classifier") {
    j["batches"] = a.batches;
    j["posts"] = a.posts;
  } else if (a.kind == "hub") {
    j["sessions"] = a.sessions;
  }
  return j;
}

using selector = actor_selector;

// The selector of a list's query; false (and 400 sent) when bad.
bool read_selector(const call_ptr& c, selector& s) {
  auto why = read_actor_selector(
    [&](const char* name) { return query_param(c, name); }, s);
  if (why)
    c->fail(make_error("bad_query", *why));
  return !why;
}

// Sort keys: each a tuple compared before the id, so the order is total
// and a cursor (the last item's key and id) finds where the next page
// starts even when actors come and go between pages.
using sort_key = std::tuple<double, std::string>;

std::optional<std::function<sort_key(const actor_info&, unix_ms)>>
sort_by(std::string_view name) {
  using F = std::function<sort_key(const actor_info&, unix_ms)>;
  auto num = [](auto f) -> F {
    return [f](const actor_info& a, unix_ms now) {
      return sort_key{static_cast<double>(f(a, now)), std::string()};
    };
  };
  if (name.empty() || name == "id")
    return F([](const actor_info&, unix_ms) { return sort_key{0, ""}; });
  if (name == "kind")
    return F([](const actor_info& a, unix_ms) { return sort_key{0, a.kind}; });
  if (name == "state")
    return F([](const actor_info& a, unix_ms) {
      return sort_key{0, std::string(to_string(a.state))};
    });
  if (name == "errors")
    return num([](const actor_info& a, unix_ms) { return a.errors; });
  if (name == "restarts")
    return num([](const actor_info& a, unix_ms) { return a.restarts; });
  if (name == "mailbox")
    return num([](const actor_info& a, unix_ms) { return a.mailbox; });
  if (name == "posts")
    return num([](const actor_info& a, unix_ms) { return a.posts; });
  if (name == "rate")
    return num([](const actor_info& a, unix_ms) { return a.rate_10s; });
  if (name == "handled")
    return num([](const actor_info& a, unix_ms) { return a.handled; });
  if (name == "freshness") // never polled successfully: the stalest
    return num([](const actor_info& a, unix_ms now) {
      return a.last_success ? now - a.last_success : (1LL << 53);
    });
  return std::nullopt;
}

// The cursor is the last item's key and id as a JSON array, hex-encoded so
// it is one opaque query value.
std::string encode_cursor(const sort_key& k, const std::string& id) {
  auto text = json::array({std::get<0>(k), std::get<1>(k), id}).dump();
  static const char* hex = "0123456789abcdef";
  std::string out;
  for (unsigned char ch : text) {
    out += hex[ch >> 4];
    out += hex[ch & 15];
  }
  return out;
}

std::optional<std::pair<sort_key, std::string>>
decode_cursor(const std::string& text) {
  if (text.size() % 2 || text.size() > 2048)
    return std::nullopt;
  std::string raw;
  for (std::size_t i = 0; i < text.size(); i += 2) {
    auto val = [](char ch) -> int {
      if (ch >= '0' && ch <= '9')
        return ch - '0';
      if (ch >= 'a' && ch <= 'f')
        return ch - 'a' + 10;
      return -1;
    };
    int hi = val(text[i]), lo = val(text[i + 1]);
    if (hi < 0 || lo < 0)
      return std::nullopt;
    raw += static_cast<char>(hi * 16 + lo);
  }
  auto j = parse_json(raw, 2);
  if (!j || !j->is_array() || j->size() != 3 || !(*j)[0].is_number()
      || !(*j)[1].is_string() || !(*j)[2].is_string())
    return std::nullopt;
  return std::pair{sort_key{(*j)[0].get<double>(), (*j)[1].get<std::string>()},
                   (*j)[2].get<std::string>()};
}

// Asks the registry for every actor, then calls `f(actors)`.
template <class F>
void with_actors(const call_ptr& c, F f) {
  ask<std::vector<actor_info>>(
    c, c->state.registry,
    [c, f = std::move(f)](std::vector<actor_info>& all) mutable { f(all); },
    list_atom::value);
}

void list_actors(const call_ptr& c) {
  if (!require_console(c))
    return;
  selector sel;
  if (!read_selector(c, sel))
    return;
  auto sort = query_param(c, "sort");
  bool desc = !sort.empty() && sort.front() == '-';
  auto key_of = sort_by(desc ? sort.substr(1) : sort);
  if (!key_of)
    return c->fail(make_error(
      "bad_query", "sort must be id, kind, state, errors, restarts, mailbox, "
                   "posts, rate, handled or freshness, '-' first to reverse"));
  std::int64_t limit = default_actor_page;
  if (auto l = query_param(c, "limit"); !l.empty()) {
    auto v = parse_id(l);
    if (!v || *v > max_actor_page)
      return c->fail(make_error("bad_query",
                                "limit must be a number from 1 to "
                                  + std::to_string(max_actor_page)));
    limit = *v;
  }
  std::optional<std::pair<sort_key, std::string>> after;
  if (auto cur = query_param(c, "cursor"); !cur.empty()) {
    after = decode_cursor(cur);
    if (!after)
      return c->fail(make_error("bad_query",
                                "cursor is not one this server gave"));
  }
  with_actors(c, [c, sel, key_of = *key_of, desc, limit,
                  after](std::vector<actor_info>& all) {
    auto now = now_ms();
    struct row {
      sort_key key;
      const actor_info* a;
    };
    std::vector<row> rows;
    rows.reserve(all.size());
    for (auto& a : all)
      if (sel.matches(a))
        rows.push_back({key_of(a, now), &a});
    auto before = [desc](const sort_key& k1, const std::string& id1,
                         const sort_key& k2, const std::string& id2) {
      if (k1 != k2)
        return desc ? k2 < k1 : k1 < k2;
      return id1 < id2; // ties by id, ascending either way
    };
    std::sort(rows.begin(), rows.end(), [&](const row& x, const row& y) {
      return before(x.key, x.a->id, y.key, y.a->id);
    });
    auto start = rows.begin();
    if (after)
      start = std::upper_bound(rows.begin(), rows.end(), *after,
                               [&](const auto& cur, const row& r) {
                                 return before(cur.first, cur.second, r.key,
                                               r.a->id);
                               });
    json items = json::array();
    auto it = start;
    for (; it != rows.end()
           && static_cast<std::int64_t>(items.size()) < limit;
         ++it)
      items.push_back(to_json(*it->a, now));
    json next = nullptr;
    if (it != rows.end() && it != start) {
      auto& last = *(it - 1);
      next = encode_cursor(last.key, last.a->id);
    }
    c->reply_json(200, {{"items", std::move(items)},
                        {"next_cursor", next},
                        {"total", rows.size()}});
  });
}

// The event stream is a WebSocket (web/actor_watch.hpp): a plain GET is
// told so, after the same permission check as the upgrade.
void events_without_upgrade(const call_ptr& c) {
  if (!require_console(c))
    return;
  auto res = error_response(make_error(
    "websocket_required", "GET /api/v1/admin/actors/events is a WebSocket: "
                          "send Upgrade: websocket (socialcrm console tail "
                          "does)"));
  res.headers.set("Upgrade", "websocket");
  c->reply(std::move(res));
}

void get_actor(const call_ptr& c) {
  if (!require_console(c))
    return;
  auto id = c->params["id"];
  with_actors(c, [c, id](std::vector<actor_info>& all) {
    for (auto& a : all)
      if (a.id == id)
        return c->reply_json(200, to_json(a, now_ms()));
    c->fail(make_error("actor_not_found", "no actor has the id '"
                                            + id.substr(0, 100) + "'"));
  });
}

// Which kinds take an action: sources are the actors the console steers;
// the core actors hold the database and the live feed, and stop with the
// process.
bool takes_actions(const actor_info& a) {
  return a.kind == "source";
}

// Sends `action` to each id through the registry (fire and forget: the
// registry forwards to the actor, which acts in order), writes the audit
// entry, then answers.
void act(const call_ptr& c, const std::string& action,
         const std::string& target, std::vector<std::string> ids,
         std::vector<std::string> skipped, unsigned status,
         std::optional<error_info> refusal) {
  for (auto& id : ids) {
    if (action == "pause")
      caf::anon_send(c->state.registry, pause_atom::value, id);
    else if (action == "resume")
      caf::anon_send(c->state.registry, resume_atom::value, id);
    else if (action == "restart")
      caf::anon_send(c->state.registry, restart_atom::value, id);
    else
      caf::anon_send(c->state.registry, poll_atom::value, id);
  }
  storage::audit_entry e;
  e.at = now_ms();
  e.user_id = c->who.user.id;
  e.user_email = c->who.user.email;
  e.action = action;
  e.target = target;
  e.ids = json(ids).dump();
  e.result = refusal ? refusal->code : "ok";
  run_blocking(c, [c, e, ids, skipped, status, refusal](storage::database& db) {
    storage::audit_repository(db.handle()).add(e);
    if (refusal)
      return c->fail(*refusal);
    c->reply_json(status, {{"action", e.action},
                           {"ids", ids},
                           {"skipped", skipped}});
  });
}

void act_on_one(const call_ptr& c) {
  if (!require_console(c))
    return;
  auto id = c->params["id"];
  auto action = c->params["action"];
  if (std::find(actions().begin(), actions().end(), action) == actions().end())
    return c->fail(make_error("not_found", "no action '" + action.substr(0, 40)
                                             + "': pause, resume, restart or "
                                               "poll"));
  with_actors(c, [c, id, action](std::vector<actor_info>& all) {
    auto a = std::find_if(all.begin(), all.end(),
                          [&](const actor_info& x) { return x.id == id; });
    if (a == all.end())
      return act(c, action, id, {}, {}, 200,
                 make_error("actor_not_found",
                            "no actor has the id '" + id.substr(0, 100) + "'"));
    if (!takes_actions(*a))
      return act(c, action, id, {}, {id}, 200,
                 make_error("action_not_supported",
                            "only sources can be paused, resumed, restarted "
                            "or polled; '" + id + "' is a " + a->kind));
    act(c, action, id, {id}, {}, 200, std::nullopt);
  });
}

// Action routes are fixed per action, so the router tells them apart.
template <const char* Action>
void act_on_selector(const call_ptr& c) {
  if (!require_console(c))
    return;
  selector sel;
  json_fields f(c->body);
  f.text("kind", sel.kind, max_selector_length);
  f.text("state", sel.state, max_selector_length);
  f.text("node", sel.node, max_selector_length);
  f.text("q", sel.q, max_selector_length);
  const json* ids = nullptr;
  if (f.array("ids", ids, "actor ids")) {
    for (auto& v : *ids) {
      if (!v.is_string() || v.get_ref<const std::string&>().empty()
          || v.get_ref<const std::string&>().size() > max_selector_length) {
        f.reject("ids", "wrong_type", "'ids' must be an array of actor ids");
        break;
      }
      sel.ids.push_back(v.get<std::string>());
    }
  }
  if (auto e = f.finish())
    return c->fail(*e);
  if (!sel.state.empty() && !valid_actor_state(sel.state))
    return c->fail(make_error("invalid_value", "'state' is no actor state"));
  if (sel.empty())
    return c->fail(make_error(
      "missing_field", "name the actors: kind, state, node, q or ids (an "
                       "empty selector would act on every actor)"));
  std::string action = Action;
  with_actors(c, [c, sel, action](std::vector<actor_info>& all) {
    std::vector<std::string> acted, skipped;
    for (auto& a : all)
      if (sel.matches(a))
        (takes_actions(a) ? acted : skipped).push_back(a.id);
    act(c, action, sel.to_json().dump(), std::move(acted), std::move(skipped),
        200, std::nullopt);
  });
}

constexpr char pause_name[] = "pause";
constexpr char resume_name[] = "resume";
constexpr char restart_name[] = "restart";
constexpr char poll_name[] = "poll";

void list_nodes(const call_ptr& c) {
  if (!require_console(c))
    return;
  with_actors(c, [c](std::vector<actor_info>& all) {
    std::map<std::string, std::map<std::string, std::int64_t>> states;
    std::map<std::string, std::int64_t> counts;
    for (auto& a : all) {
      auto node = a.node.empty() ? std::string("local") : a.node;
      ++counts[node];
      ++states[node][std::string(to_string(a.state))];
    }
    if (counts.empty())
      counts["local"] = 0;
    json items = json::array();
    for (auto& [node, n] : counts)
      items.push_back({{"id", node},
                       {"role", "all"},
                       {"actors", n},
                       {"states", states[node]},
                       {"reachable", true}});
    c->reply_json(200, {{"items", std::move(items)}});
  });
}

void list_audit(const call_ptr& c) {
  if (!require_console(c))
    return;
  std::int64_t before = 0, limit = default_audit_page;
  if (auto b = query_param(c, "before"); !b.empty()) {
    auto v = parse_id(b);
    if (!v)
      return c->fail(make_error("bad_query", "before must be an audit id"));
    before = *v;
  }
  if (auto l = query_param(c, "limit"); !l.empty()) {
    auto v = parse_id(l);
    if (!v || *v > max_audit_page)
      return c->fail(make_error("bad_query",
                                "limit must be a number from 1 to "
                                  + std::to_string(max_audit_page)));
    limit = *v;
  }
  run_blocking(c, [c, before, limit](storage::database& db) {
    auto rows = storage::audit_repository(db.handle()).list(before, limit);
    json items = json::array();
    for (auto& e : rows) {
      auto target = parse_json(e.target, 4);
      auto ids = parse_json(e.ids, 2);
      json item{{"id", std::to_string(e.id)},
                {"at", e.at},
                {"user",
                 {{"id", std::to_string(e.user_id)}, {"email", e.user_email}}},
                {"action", e.action},
                {"result", e.result}};
      item["target"] =
        target && target->is_object() ? *target : json(e.target);
      item["ids"] = ids && ids->is_array() ? *ids : json::array();
      items.push_back(std::move(item));
    }
    json next = nullptr;
    if (static_cast<std::int64_t>(rows.size()) == limit && !rows.empty())
      next = std::to_string(rows.back().id);
    c->reply_json(200, {{"items", std::move(items)}, {"next_before", next}});
  });
}

} // namespace

void add_actor_routes(router& r) {
  r.add({"GET", "/api/v1/admin/actors", list_actors, true, false,
         "Actors: ?kind=&state=&node=&q=GLOB&sort=[-]KEY&limit=&cursor="});
  // Before {id}: the first route that matches wins.
  r.add({"GET", "/api/v1/admin/actors/events", events_without_upgrade, true,
         false, "Actor events as they happen: a WebSocket (ws:// or wss://) "
                "?kind=&state=&node=&q=GLOB"});
  r.add({"GET", "/api/v1/admin/actors/{id}", get_actor, true, false,
         "One actor's figures"});
  r.add({"POST", "/api/v1/admin/actors/{id}/{action}", act_on_one, true, false,
         "pause, resume, restart or poll one actor; audited"});
  r.add({"POST", "/api/v1/admin/actors/pause", act_on_selector<pause_name>,
         true, true, "Pause the sources a selector names; audited"});
  r.add({"POST", "/api/v1/admin/actors/resume", act_on_selector<resume_name>,
         true, true, "Resume the sources a selector names; audited"});
  r.add({"POST", "/api/v1/admin/actors/restart",
         act_on_selector<restart_name>, true, true,
         "Restart the sources a selector names; audited"});
  r.add({"POST", "/api/v1/admin/actors/poll", act_on_selector<poll_name>, true,
         true, "Poll now the sources a selector names; audited"});
  r.add({"GET", "/api/v1/admin/nodes", list_nodes, true, false,
         "Nodes and their actors by state"});
  r.add({"GET", "/api/v1/admin/audit", list_audit, true, false,
         "Control actions, newest first: ?before=&limit="});
}

} // namespace socialcrm::web
