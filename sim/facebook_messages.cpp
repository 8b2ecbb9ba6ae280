// Facebook page messaging: /{page}/conversations, /t_{id}/messages and
// POST /{page}/messages (the Messenger Send API shape).

#include "sim/facebook_network.hpp"

#include <algorithm>
#include <map>

namespace socialcrm::sim::facebook {

using nlohmann::json;

namespace {

/// Messenger's limit on the text of one message.
constexpr std::size_t max_message_text = 2000;

/// One message with the requested fields; without any, the emulator's
/// long-standing set (id, message, created_time, from, to).
json message_json(world& w, const item& m,
                  const std::vector<field_request>& fields) {
  bool all = fields.empty();
  auto asked = [&](std::string_view f) {
    return all || find_field(fields, f) != nullptr;
  };
  json j = json::object();
  if (asked("message"))
    j["message"] = m.text;
  if (asked("created_time"))
    j["created_time"] = graph_time(m.created_at);
  if (asked("from"))
    j["from"] = who_json(w, m.author_id);
  if (asked("to"))
    j["to"] = {{"data", json::array({who_json(w, m.to_account)})}};
  j["id"] = m.id;
  return j;
}

} // namespace

http::response facebook_network::conversations(const call& c, world& w,
                                               const caller& who,
                                               const page& p) {
  if (!who.acts_for(p))
    return graph_error(w, 403, "(#230) Requires pages_messaging permission to "
                               "manage the object",
                       "OAuthException", 230);
  // One entry per conversation, represented by its latest message.
  std::map<std::string, const item*> latest;
  for (const item* it : w.items("facebook"))
    if (it->kind == item_kind::dm
        && (it->to_account == p.id || it->author_id == p.id))
      latest[it->conversation_id] = it;
  std::vector<const item*> all;
  for (auto& [conv, it] : latest)
    all.push_back(it);
  std::sort(all.begin(), all.end(),
            [](const item* a, const item* b) { return a->seq > b->seq; });
  edge_page pg;
  if (auto err = page_edge(c, w, all, pg))
    return *err;
  auto fields = parse_fields(c.param("fields").value_or(""));
  auto asked = [&](std::string_view f) { return find_field(fields, f); };
  json data = json::array();
  for (const item* last : pg.items) {
    auto conv_id = "t_" + last->conversation_id;
    json conv = json::object();
    if (fields.empty() || asked("updated_time"))
      conv["updated_time"] = graph_time(last->created_at);
    conv["id"] = conv_id;
    std::vector<const item*> msgs; // newest first, as Graph lists them
    auto items = w.items("facebook");
    for (auto it = items.rbegin(); it != items.rend(); ++it)
      if ((*it)->kind == item_kind::dm
          && (*it)->conversation_id == last->conversation_id)
        msgs.push_back(*it);
    if (auto spec = asked("messages")) {
      auto first = nested_edge(c, msgs, *spec, "/" + conv_id + "/messages");
      json md = json::array();
      for (const item* m : first.items)
        md.push_back(message_json(w, *m, spec->fields.empty()
                                           ? parse_fields("message,"
                                                          "created_time,from")
                                           : spec->fields));
      conv["messages"] = edge_json(std::move(md), first);
    }
    if (asked("participants")) {
      std::string other = last->author_id == p.id ? last->to_account
                                                  : last->author_id;
      conv["participants"] = {{"data", json::array({who_json(w, other),
                                                    who_json(w, p.id)})}};
    }
    if (asked("message_count"))
      conv["message_count"] = msgs.size();
    if (asked("snippet"))
      conv["snippet"] = last->text;
    data.push_back(std::move(conv));
  }
  json out = {{"data", data}};
  if (!pg.paging.is_null())
    out["paging"] = pg.paging;
  return json_response(200, out);
}

http::response facebook_network::messages(const call& c, world& w,
                                          const caller& who,
                                          const std::string& conversation_id) {
  std::vector<const item*> all;
  auto items = w.items("facebook");
  for (auto it = items.rbegin(); it != items.rend(); ++it)
    if ((*it)->kind == item_kind::dm
        && (*it)->conversation_id == conversation_id)
      all.push_back(*it);
  bool mine = who.pg && !all.empty()
              && (all.front()->author_id == who.pg->id
                  || all.front()->to_account == who.pg->id);
  if (!mine)
    return unknown_object(w, "get", "t_" + conversation_id);
  edge_page pg;
  if (auto err = page_edge(c, w, all, pg))
    return *err;
  auto fields = parse_fields(c.param("fields").value_or(""));
  json data = json::array();
  for (const item* it : pg.items)
    data.push_back(message_json(w, *it, fields));
  return json_response(200, edge_json(std::move(data), pg));
}

http::response facebook_network::send_message(const call& c, world& w,
                                              const caller& who,
                                              const page& p) {
  if (!who.acts_for(p))
    return graph_error(w, 403, "(#230) Requires pages_messaging permission to "
                               "manage the object",
                       "OAuthException", 230);
  // recipient and message are JSON objects, in a JSON body or JSON-encoded
  // form / query parameters.
  auto object_param = [&](const char* name) -> json {
    if (auto body = c.json_body(); body && body->is_object()
                                   && body->contains(name))
      return body->at(name);
    if (auto v = c.any_param(name)) {
      auto j = json::parse(*v, nullptr, false);
      return j.is_discarded() ? json() : j;
    }
    return json();
  };
  json recipient = object_param("recipient");
  json message = object_param("message");
  if (!recipient.is_object() || !recipient.contains("id")
      || !recipient.at("id").is_string())
    return graph_error(w, 400, "(#100) param recipient must be non-empty.",
                       "OAuthException", 100);
  if (!message.is_object() || !message.contains("text")
      || !message.at("text").is_string()
      || message.at("text").get<std::string>().empty())
    return graph_error(w, 400, "(#100) param message must be non-empty.",
                       "OAuthException", 100);
  auto to = recipient.at("id").get<std::string>();
  auto text = message.at("text").get<std::string>();
  if (!w.find_user("facebook", to))
    return graph_error(w, 400, "(#100) No matching user found",
                       "OAuthException", 100, 2018001);
  if (text.size() > max_message_text)
    return graph_error(w, 400, "(#100) Length of param message[text] must be "
                               "less than or equal to 2000",
                       "OAuthException", 100);
  item draft;
  draft.network = "facebook";
  draft.kind = item_kind::dm;
  draft.author_id = p.id;
  draft.to_account = to;
  draft.text = text;
  draft.by_app = true;
  const item& it = w.add_item(std::move(draft));
  published_entry e;
  e.network = "facebook";
  e.action = "message";
  e.actor_id = p.id;
  e.target_id = to;
  e.external_id = it.id;
  e.text = text;
  w.record_published(std::move(e));
  return json_response(200, {{"recipient_id", to}, {"message_id", it.id}});
}

} // namespace socialcrm::sim::facebook
