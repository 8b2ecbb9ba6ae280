#include "sim/control.hpp"

#include "http/url.hpp"
#include "sim/network.hpp"
#include "sim/traffic.hpp"
#include "sim/world.hpp"

namespace socialcrm::sim {

namespace {

using nlohmann::json;

/// Longest text the control API stores: generous (tests post over-limit
/// texts on purpose to see the network refuse the app, not the control
/// API), but bounded.
constexpr std::size_t control_text_limit = 64 * 1024;

/// Upper bound of POST /_sim/traffic {count}: one call stays well under a
/// second.
constexpr std::size_t traffic_count_limit = 10000;

http::response error(unsigned status, std::string code, std::string message) {
  return json_response(status, {{"error", {{"code", std::move(code)},
                                           {"message", std::move(message)}}}});
}

// A JSON body's string field, or "" (with `ok` false when it has the wrong
// type).
std::string str(const json& body, const char* key, bool& ok) {
  if (!body.contains(key) || body.at(key).is_null())
    return {};
  const auto& v = body.at(key);
  if (v.is_string())
    return v.get<std::string>();
  if (v.is_number_integer())
    return std::to_string(v.get<std::int64_t>());
  ok = false;
  return {};
}

std::optional<double> num(const json& body, const char* key, bool& ok) {
  if (!body.contains(key) || body.at(key).is_null())
    return std::nullopt;
  if (!body.at(key).is_number()) {
    ok = false;
    return std::nullopt;
  }
  return body.at(key).get<double>();
}

struct context {
  const http::request& req;
  world& w;
  traffic_generator& traffic;
  json body;
};

network* network_of(context& c, const std::string& id) {
  return id.empty() ? nullptr : c.w.find_network(id);
}

http::response post_users(context& c) {
  bool ok = true;
  auto net_id = str(c.body, "network", ok);
  auto handle = str(c.body, "handle", ok);
  auto name = str(c.body, "name", ok);
  auto password = str(c.body, "password", ok);
  if (!ok || handle.empty())
    return error(400, "bad_request", "network and handle are required strings");
  if (!network_of(c, net_id))
    return error(400, "unknown_network", "no network '" + net_id + "'");
  if (!handle.empty() && handle.front() == '@')
    handle.erase(0, 1);
  if (c.w.find_user_by_handle(net_id, handle))
    return error(409, "handle_taken", "handle '" + handle + "' exists");
  // Users created without a password sign in with "password", like the
  // synthetic population.
  auto& u = c.w.add_user(net_id, handle, name.empty() ? handle : name,
                         password.empty() ? "password" : password);
  return json_response(201, {{"user_id", u.id}, {"handle", u.handle}});
}

http::response get_users(context& c) {
  auto q = http::parse_query(c.req.query());
  auto it = q.find("network");
  if (it == q.end() || !c.w.find_network(it->second))
    return error(400, "unknown_network", "network query parameter required");
  json out = json::array();
  for (const user* u : c.w.users(it->second))
    out.push_back({{"user_id", u->id}, {"handle", u->handle},
                   {"name", u->name}, {"synthetic", u->synthetic}});
  return json_response(200, {{"users", out}});
}

http::response post_pages(context& c) {
  bool ok = true;
  auto net_id = str(c.body, "network", ok);
  auto owner = str(c.body, "owner_id", ok);
  auto name = str(c.body, "name", ok);
  if (!ok || name.empty())
    return error(400, "bad_request", "network, owner_id and name required");
  auto* net = network_of(c, net_id);
  if (!net)
    return error(400, "unknown_network", "no network '" + net_id + "'");
  if (!net->has_pages())
    return error(400, "no_pages", net_id + " has no pages");
  if (!c.w.find_user(net_id, owner))
    return error(404, "unknown_user", "no user '" + owner + "'");
  auto& p = c.w.add_page(net_id, owner, name);
  return json_response(201, {{"page_id", p.id}});
}

http::response post_tokens(context& c) {
  bool ok = true;
  auto net_id = str(c.body, "network", ok);
  auto user_id = str(c.body, "user_id", ok);
  auto page_id = str(c.body, "page_id", ok);
  auto scopes = str(c.body, "scope", ok);
  if (!ok)
    return error(400, "bad_request", "fields must be strings");
  if (!network_of(c, net_id))
    return error(400, "unknown_network", "no network '" + net_id + "'");
  if (!c.w.find_user(net_id, user_id))
    return error(404, "unknown_user", "no user '" + user_id + "'");
  if (!page_id.empty()) {
    const page* p = c.w.find_page(net_id, page_id);
    if (!p || p->owner_id != user_id)
      return error(404, "unknown_page", "user has no page '" + page_id + "'");
  }
  // Tokens made here never expire: scripts and tests hold them as long as
  // they like; OAuth-issued tokens carry the network's lifetimes.
  auto& t = c.w.issue_token(net_id, token_kind::access, user_id, page_id, "",
                            scopes, 0);
  return json_response(201, {{"access_token", t.value},
                             {"token_type", "bearer"}});
}

http::response post_posts(context& c) {
  bool ok = true;
  auto net_id = str(c.body, "network", ok);
  auto author = str(c.body, "author_id", ok);
  auto text = str(c.body, "text", ok);
  auto kind_text = str(c.body, "kind", ok);
  auto to = str(c.body, "to_account", ok);
  auto parent = str(c.body, "in_reply_to", ok);
  if (!ok)
    return error(400, "bad_request", "fields must be strings");
  auto* net = network_of(c, net_id);
  if (!net)
    return error(400, "unknown_network", "no network '" + net_id + "'");
  item draft;
  draft.network = net_id;
  if (kind_text.empty())
    kind_text = "post";
  if (!parse_item_kind(kind_text, draft.kind))
    return error(400, "bad_kind", "kind must be post, mention, reply, "
                                  "comment or dm");
  if (!net->supports(draft.kind))
    return error(400, "unsupported_kind",
                 net_id + " has no items of kind " + kind_text);
  if (!c.w.find_user(net_id, author) && !c.w.find_page(net_id, author))
    return error(404, "unknown_author", "no user or page '" + author + "'");
  if (text.size() > control_text_limit)
    return error(413, "text_too_long", "text is over 64 KiB");
  bool needs_target = draft.kind == item_kind::mention
                      || draft.kind == item_kind::dm;
  if (needs_target && to.empty())
    return error(400, "bad_request", "to_account is required for " + kind_text);
  if (!to.empty() && !c.w.find_user(net_id, to) && !c.w.find_page(net_id, to))
    return error(404, "unknown_account", "no user or page '" + to + "'");
  bool needs_parent = draft.kind == item_kind::reply
                      || draft.kind == item_kind::comment;
  if (needs_parent && !c.w.find_item(net_id, parent))
    return error(404, "unknown_item", "in_reply_to '" + parent
                                        + "' does not exist");
  if (!needs_parent && !parent.empty())
    return error(400, "bad_request", "in_reply_to is for replies and comments");
  if (!parent.empty() && to.empty())
    to = c.w.find_item(net_id, parent)->author_id;
  draft.author_id = author;
  draft.text = text;
  draft.to_account = to;
  draft.in_reply_to = parent;
  auto& stored = c.w.add_item(std::move(draft));
  return json_response(201, {{"external_id", stored.id}});
}

http::response get_published(context& c) {
  auto q = http::parse_query(c.req.query());
  std::string filter;
  if (auto it = q.find("network"); it != q.end())
    filter = it->second;
  json out = json::array();
  for (const auto& e : c.w.published()) {
    if (!filter.empty() && e.network != filter)
      continue;
    out.push_back({{"seq", e.seq},
                   {"network", e.network},
                   {"action", e.action},
                   {"actor_id", e.actor_id},
                   {"target_id", e.target_id},
                   {"external_id", e.external_id},
                   {"text", e.text},
                   {"media_bytes", e.media_bytes},
                   {"created_at", e.created_at}});
  }
  return json_response(200, {{"published", out}});
}

http::response post_faults(context& c) {
  bool ok = true;
  auto net_id = str(c.body, "network", ok);
  auto kind_text = str(c.body, "kind", ok);
  auto count = num(c.body, "count", ok);
  auto duration = num(c.body, "duration_s", ok);
  auto delay = num(c.body, "delay_ms", ok);
  if (!ok)
    return error(400, "bad_request", "bad field types");
  if (!network_of(c, net_id))
    return error(400, "unknown_network", "no network '" + net_id + "'");
  fault f;
  if (!parse_fault_kind(kind_text, f.kind))
    return error(400, "bad_kind", "kind must be rate_limit, error_5xx, slow, "
                                  "revoke_token, duplicate, out_of_order or "
                                  "garbage");
  if (f.kind == fault_kind::revoke_token) {
    auto n = c.w.revoke_tokens(net_id, str(c.body, "user_id", ok),
                               str(c.body, "token", ok));
    return json_response(200, {{"revoked", n}});
  }
  if (count && *count >= 1)
    f.count = static_cast<std::int64_t>(*count);
  else if (duration && *duration > 0)
    f.until_ms = c.w.clock().now_ms()
                 + static_cast<std::int64_t>(*duration * 1000.0);
  else
    f.count = 1;
  // Slow answers wait 2 s unless told otherwise: longer than a poller's
  // usual timeout budget share, shorter than test timeouts.
  f.delay_ms = delay ? static_cast<std::int64_t>(*delay) : 2000;
  c.w.faults().add(net_id, f);
  return json_response(201, {{"queued", true},
                             {"kind", to_string(f.kind)},
                             {"count", f.count},
                             {"until_ms", f.until_ms}});
}

http::response post_traffic(context& c) {
  bool ok = true;
  traffic_mix m = c.traffic.mix();
  if (auto v = num(c.body, "rate", ok))
    m.rate = std::max(0.0, *v);
  if (auto v = num(c.body, "mention_ratio", ok))
    m.mention_ratio = *v;
  if (auto v = num(c.body, "dm_ratio", ok))
    m.dm_ratio = *v;
  if (auto v = num(c.body, "comment_ratio", ok))
    m.comment_ratio = *v;
  if (auto v = num(c.body, "keyword_ratio", ok))
    m.keyword_ratio = *v;
  auto count = num(c.body, "count", ok);
  if (c.body.contains("keywords")) {
    const auto& k = c.body.at("keywords");
    if (!k.is_array())
      ok = false;
    else {
      m.keywords.clear();
      for (const auto& v : k)
        if (v.is_string())
          m.keywords.push_back(v.get<std::string>());
    }
  }
  if (!ok)
    return error(400, "bad_request", "bad field types");
  for (double r : {m.mention_ratio, m.dm_ratio, m.comment_ratio,
                   m.keyword_ratio})
    if (r < 0 || r > 1)
      return error(400, "bad_ratio", "ratios are between 0 and 1");
  if (count && (*count < 0 || *count > traffic_count_limit))
    return error(400, "bad_count", "count is between 0 and 10000");
  c.traffic.configure(m);
  std::size_t made = count ? c.traffic.generate(
                               c.w, static_cast<std::size_t>(*count))
                           : 0;
  return json_response(200, {{"rate", m.rate}, {"generated", made}});
}

http::response get_stats(context& c) {
  json nets = json::object();
  auto now_ms = c.w.clock().now_ms();
  for (const auto& n : c.w.networks()) {
    std::string id(n->id());
    auto& s = c.w.stats(id);
    json by_status = json::object();
    for (auto [status, count] : s.by_status)
      by_status[std::to_string(status)] = count;
    std::size_t published = 0;
    for (const auto& e : c.w.published())
      published += e.network == id;
    nets[id] = {{"requests", s.requests},
                {"throttled", s.throttled},
                {"rate_limit_violations", s.violations},
                {"faults_served", s.faults},
                {"faults_pending", c.w.faults().pending(id, now_ms)},
                {"items", c.w.item_count(id)},
                {"users", c.w.users(id).size()},
                {"published", published},
                {"by_status", by_status}};
  }
  return json_response(200, {{"networks", nets},
                             {"traffic_generated", c.traffic.generated()},
                             {"now", c.w.now()}});
}

http::response post_clock(context& c) {
  bool ok = true;
  auto advance = num(c.body, "advance_s", ok);
  if (!ok || !advance || *advance < 0)
    return error(400, "bad_request", "advance_s (>= 0) is required");
  c.w.clock().advance_ms(static_cast<std::int64_t>(*advance * 1000.0));
  return json_response(200, {{"now", c.w.now()}});
}

http::response post_limits(context& c) {
  bool ok = true;
  auto net_id = str(c.body, "network", ok);
  auto limit = num(c.body, "limit", ok);
  auto window = num(c.body, "window_s", ok);
  if (!ok)
    return error(400, "bad_request", "bad field types");
  if (!network_of(c, net_id))
    return error(400, "unknown_network", "no network '" + net_id + "'");
  rate_override o;
  if (limit && *limit >= 1)
    o.limit = static_cast<std::uint32_t>(*limit);
  if (window && *window > 0)
    o.window_s = *window;
  c.w.limiter().set_override(net_id, o);
  c.w.limiter().reset();
  return json_response(200, {{"network", net_id}});
}

} // namespace

http::response handle_control(const http::request& req,
                              const std::string& path, world& w,
                              traffic_generator& traffic) {
  context c{req, w, traffic, json::object()};
  if (req.method == "POST") {
    c.body = json::parse(req.body.empty() ? std::string("{}") : req.body,
                         nullptr, false);
    if (c.body.is_discarded() || !c.body.is_object())
      return error(400, "bad_json", "body must be a JSON object");
  }
  const auto& m = req.method;
  if (path == "/users" && m == "POST")
    return post_users(c);
  if (path == "/users" && m == "GET")
    return get_users(c);
  if (path == "/pages" && m == "POST")
    return post_pages(c);
  if (path == "/tokens" && m == "POST")
    return post_tokens(c);
  if (path == "/posts" && m == "POST")
    return post_posts(c);
  if (path == "/published" && m == "GET")
    return get_published(c);
  if (path == "/faults" && m == "POST")
    return post_faults(c);
  if (path == "/faults" && m == "DELETE") {
    w.faults().clear();
    return json_response(200, {{"cleared", true}});
  }
  if (path == "/traffic" && m == "POST")
    return post_traffic(c);
  if (path == "/stats" && m == "GET")
    return get_stats(c);
  if (path == "/clock" && m == "POST")
    return post_clock(c);
  if (path == "/limits" && m == "POST")
    return post_limits(c);
  return error(404, "not_found", "no control endpoint " + m + " /_sim" + path);
}

} // namespace socialcrm::sim
