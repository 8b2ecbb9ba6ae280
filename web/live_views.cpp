#include "web/live_views.hpp"

#include "protocol/standing.hpp"
#include "web/json_body.hpp"

#include <algorithm>
#include <tuple>

namespace socialcrm::web::live {

namespace {

using nlohmann::json;

/// Largest sequence number a client may name: seqs count events from 1,
/// and 2^53 keeps it exact in a JavaScript number.
constexpr std::int64_t max_seq = (std::int64_t{1} << 53);

error_info bad_view(std::size_t index, const std::string& why) {
  return make_error("bad_view", "view " + std::to_string(index) + ": " + why);
}

expected<view> parse_view(const json& j, std::size_t index) {
  if (!j.is_object())
    return bad_view(index, "a view is an object: {\"column\":...,\"view\":...}"
                           " or {\"column_id\":\"42\"}");
  json_fields f(j);
  view v;
  if (f.has("column_id")) {
    v.user_column = true;
    f.id("column_id", v.column_id, true);
    if (auto err = f.finish())
      return bad_view(index, err->message);
    v.json = json{{"column_id", std::to_string(v.column_id)}}.dump();
    return v;
  }
  std::string column;
  std::string sub;
  std::string filter;
  f.choice("column", column, {"customers", "negotiation", "leads", "unknown"},
           true);
  f.choice("view", sub, {"conversations", "stream"}, true);
  f.choice("filter", filter, {"this_month", "new_deals", "top10"});
  if (auto err = f.finish())
    return bad_view(index, err->message);
  v.column = *parse_standing(column);
  v.sub = *parse_feed_view(sub);
  json out{{"column", column}, {"view", sub}};
  if (!filter.empty()) {
    if (v.column != standing::negotiation)
      return bad_view(index, "filters belong to the negotiation column");
    v.filter = *parse_negotiation_filter(filter);
    out["filter"] = filter;
  }
  v.json = out.dump();
  return v;
}

bool contains(const std::vector<std::int64_t>& sorted, std::int64_t x) {
  return std::binary_search(sorted.begin(), sorted.end(), x);
}

} // namespace

expected<subscribe_request> parse_subscribe(const json& msg) {
  for (auto& [key, value] : msg.items())
    if (key != "type" && key != "views" && key != "resume_from"
        && key != "batch")
      return make_error("bad_message", "the field '" + key.substr(0, 64)
                                         + "' is not part of subscribe");
  auto views = msg.find("views");
  if (views == msg.end() || !views->is_array())
    return make_error("bad_message",
                      "subscribe needs \"views\": an array of views");
  if (views->size() > max_views)
    return make_error("bad_message", "subscribe takes at most "
                                       + std::to_string(max_views)
                                       + " views");
  subscribe_request out;
  if (msg.contains("resume_from")) {
    json_fields f(msg);
    std::int64_t seq = 0;
    if (!f.integer("resume_from", seq, 0, max_seq, true))
      return make_error("bad_message",
                        "resume_from must be the seq of the last event "
                        "received (an integer >= 0)");
    out.resume_from = seq;
  }
  if (auto batch = msg.find("batch"); batch != msg.end()) {
    if (!batch->is_boolean())
      return make_error("bad_message",
                        "batch must be true (messages that wait together "
                        "come as one {\"type\":\"batch\",\"events\":[...]}) "
                        "or false");
    out.batch = batch->get<bool>();
  }
  for (std::size_t i = 0; i < views->size(); ++i) {
    auto v = parse_view((*views)[i], i);
    if (!v)
      return v.error();
    // The same view twice would be sent twice in `views`.
    bool dup = std::any_of(out.views.begin(), out.views.end(),
                           [&](const view& w) { return w.json == v->json; });
    if (!dup)
      out.views.push_back(std::move(*v));
  }
  return out;
}

bool user_scope::sees(std::int64_t account_id) const {
  return contains(visible_accounts, account_id);
}

bool crm_sets::is_own(const post& p) const {
  author_key k{p.net, p.from.network_user_id};
  auto less = [](const author_key& a, const author_key& b) {
    return std::tie(a.net, a.user_id) < std::tie(b.net, b.user_id);
  };
  return std::binary_search(own.begin(), own.end(), k, less);
}

bool crm_sets::in_filter(negotiation_filter f, person_ref who) const {
  if (f == negotiation_filter::none)
    return true;
  if (!who || who.type != record_type::contact)
    return false;
  switch (f) {
    case negotiation_filter::this_month:
      return contains(this_month, who.id);
    case negotiation_filter::new_deals:
      return contains(new_deals, who.id);
    case negotiation_filter::top10:
      return contains(top10, who.id);
    case negotiation_filter::none:
      break;
  }
  return true;
}

std::string matched_views(const std::vector<view>& views,
                          const user_scope& scope, const crm_sets& sets,
                          const stored_post& item,
                          const std::vector<std::int64_t>& column_ids) {
  std::string out;
  auto add = [&](const view& v) {
    out += out.empty() ? "[" : ",";
    out += v.json;
  };
  // Computed once, and only when a CRM view or My posts asks.
  std::optional<bool> visible;
  std::optional<bool> own;
  for (const auto& v : views) {
    if (v.user_column) {
      auto type = scope.columns.find(v.column_id);
      if (type == scope.columns.end())
        continue;
      if (type->second == storage::column_type::my_posts) {
        // My posts: the organisation's own posts of the visible accounts.
        if (!visible)
          visible = scope.sees(item.account_id);
        if (!own)
          own = sets.is_own(item.body);
        if (*visible && *own)
          add(v);
      } else if (std::find(column_ids.begin(), column_ids.end(), v.column_id)
                 != column_ids.end()) {
        // Keyword and custom columns show what they polled, like REST.
        add(v);
      }
      continue;
    }
    if (!visible)
      visible = scope.sees(item.account_id);
    if (!*visible || item.where != v.column
        || !in_view(v.sub, item.body.kind, item.body.net))
      continue;
    if (!own)
      own = sets.is_own(item.body);
    if (*own)
      continue; // the organisation's own posts are in My posts only
    if (v.column == standing::negotiation && !sets.in_filter(v.filter,
                                                            item.person))
      continue;
    add(v);
  }
  if (!out.empty())
    out += "]";
  return out;
}

std::string filter_key(const std::vector<view>& views,
                       const user_scope& scope, std::uint64_t sets_version) {
  std::string key = std::to_string(sets_version);
  key += '|';
  for (const auto& v : views) {
    key += v.json; // normalised by parse_view
    key += ',';
  }
  key += '|';
  for (auto a : scope.visible_accounts) {
    key += std::to_string(a);
    key += ',';
  }
  key += '|';
  for (const auto& [id, type] : scope.columns) {
    key += std::to_string(id);
    key += ':';
    key += std::to_string(static_cast<int>(type));
    key += ',';
  }
  return key;
}

expected<client_message> parse_client_message(std::string_view text) {
  auto parsed = parse_json(text, client_json_depth);
  if (!parsed)
    return make_error("bad_message", "not JSON: " + parsed.error().message);
  auto& msg = *parsed;
  auto type = msg.is_object() ? msg.find("type") : msg.end();
  if (!msg.is_object() || type == msg.end() || !type->is_string())
    return make_error("bad_message",
                      "a message is an object with a string \"type\"");
  client_message out;
  out.type = type->get<std::string>();
  out.body = std::move(msg);
  return out;
}

} // namespace socialcrm::web::live
