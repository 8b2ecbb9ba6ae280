// Facebook Graph page endpoints: /me, /me/accounts, feed, tagged, posts,
// photos, comments, likes and single objects.

#include "sim/facebook_network.hpp"

#include "sim/multipart.hpp"

#include <algorithm>
#include <map>

namespace socialcrm::sim::facebook {

using nlohmann::json;

json who_json(world& w, const std::string& id) {
  if (const page* p = w.find_page("facebook", id))
    return {{"name", p->name}, {"id", p->id}};
  if (const user* u = w.find_user("facebook", id))
    return {{"name", u->name}, {"id", u->id}};
  return {{"id", id}};
}

namespace {

std::size_t count_comments(world& w, const item& parent) {
  std::size_t n = 0;
  for (const item* it : w.items("facebook"))
    n += it->kind == item_kind::comment && it->in_reply_to == parent.id;
  return n;
}

/// A post or comment with the requested fields (Graph's defaults when the
/// caller names none).
json render(world& w, const item& it, const std::string& fields,
            bool comment) {
  json j = json::object();
  bool all = fields.empty();
  if (all || wants(fields, "created_time"))
    j["created_time"] = graph_time(it.created_at);
  if ((all && comment) || wants(fields, "from"))
    j["from"] = who_json(w, it.author_id);
  if ((all || wants(fields, "message")) && !it.text.empty())
    j["message"] = it.text;
  if (wants(fields, "permalink_url"))
    j["permalink_url"] = "https://www.facebook.com/" + it.id;
  if (wants(fields, "comments"))
    j["comments"] = {{"data", json::array()},
                     {"summary", {{"total_count", count_comments(w, it)}}}};
  if (wants(fields, "likes"))
    j["likes"] = {{"data", json::array()},
                  {"summary", {{"total_count", it.liked_by.size()}}}};
  if (wants(fields, "parent") && comment)
    j["parent"] = {{"id", it.in_reply_to}};
  if (wants(fields, "attachments") && !it.media_ids.empty()) {
    json data = json::array();
    for (const auto& m : it.media_ids)
      data.push_back({{"type", "photo"}, {"target", {{"id", m}}}});
    j["attachments"] = {{"data", data}};
  }
  j["id"] = it.id;
  return j;
}

json page_json(world& w, const edge_page& pg, const std::string& fields,
               bool comment) {
  json data = json::array();
  for (const item* it : pg.items)
    data.push_back(render(w, *it, fields, comment));
  json out = {{"data", data}};
  if (!pg.paging.is_null())
    out["paging"] = pg.paging;
  return out;
}

http::response needs_page_token(world& w) {
  return graph_error(w, 403, "(#200) If posting to a page, requires both "
                             "pages_read_engagement and pages_manage_posts as "
                             "an admin with sufficient administrative "
                             "permission",
                     "OAuthException", 200);
}

} // namespace

http::response facebook_network::me(const call& c, world& w,
                                    const caller& who) {
  auto fields = c.param("fields").value_or("");
  json j = who_json(w, who.actor());
  if (wants(fields, "email") && !who.pg)
    j["email"] = who.me->handle + "@example.com";
  return json_response(200, j);
}

http::response facebook_network::accounts(const call&, world& w,
                                          const caller& who) {
  if (who.pg)
    return graph_error(w, 400, "(#100) Tried accessing nonexisting field "
                               "(accounts) on node type (Page)",
                       "OAuthException", 100);
  json data = json::array();
  for (const page* p : w.pages_of("facebook", who.me->id)) {
    auto& value = page_tokens_[who.me->id + "/" + p->id];
    const token* t = w.valid_access_token("facebook", value);
    if (!t)
      // Page tokens from a long-lived user token do not expire.
      value = w.issue_token("facebook", token_kind::access, who.me->id, p->id,
                            who.tok->client_id, who.tok->scopes, 0)
                .value;
    data.push_back({{"access_token", value},
                    {"category", "Company"},
                    {"category_list",
                     json::array({{{"id", "2200"}, {"name", "Company"}}})},
                    {"name", p->name},
                    {"id", p->id},
                    {"tasks", json::array({"ANALYZE", "ADVERTISE", "MODERATE",
                                           "CREATE_CONTENT", "MANAGE"})}});
  }
  json out = {{"data", data}};
  if (!data.empty())
    out["paging"] = {{"cursors", {{"before", "QVFIUjAZD"},
                                  {"after", "QVFIUjAZD"}}}};
  return json_response(200, out);
}

http::response facebook_network::feed(const call& c, world& w, const caller&,
                                      const page& p, bool tagged) {
  std::vector<const item*> all;
  auto items = w.items("facebook");
  for (auto it = items.rbegin(); it != items.rend(); ++it) {
    const item& i = **it;
    bool hit = tagged ? i.kind == item_kind::mention && i.to_account == p.id
                      : i.kind == item_kind::post
                          && (i.author_id == p.id || i.to_account == p.id);
    if (hit)
      all.push_back(&i);
  }
  edge_page pg;
  if (auto err = page_edge(c, w, all, pg))
    return *err;
  auto fields = c.param("fields").value_or("");
  if (tagged && fields.empty())
    fields = "created_time,from,message"; // tagged shows who tagged the page
  return json_response(200, page_json(w, pg, fields, false));
}

http::response facebook_network::post_feed(const call& c, world& w,
                                           const caller& who, const page& p) {
  if (!who.acts_for(p))
    return needs_page_token(w);
  auto message = graph_param(c, "message").value_or("");
  if (message.empty() && !graph_param(c, "link"))
    return graph_error(w, 400, "(#100) Missing message or attachment",
                       "OAuthException", 100);
  if (message.size() > max_message_chars)
    return graph_error(w, 400, "(#100) Param message must be at most 63206 "
                               "characters long",
                       "OAuthException", 100);
  item draft;
  draft.network = "facebook";
  draft.kind = item_kind::post;
  draft.author_id = p.id;
  draft.text = message;
  draft.by_app = true;
  const item& it = w.add_item(std::move(draft));
  published_entry e;
  e.network = "facebook";
  e.action = "post";
  e.actor_id = p.id;
  e.external_id = it.id;
  e.text = message;
  w.record_published(std::move(e));
  return json_response(200, {{"id", it.id}});
}

http::response facebook_network::post_photo(const call& c, world& w,
                                            const caller& who, const page& p) {
  if (!who.acts_for(p))
    return needs_page_token(w);
  std::optional<std::size_t> size;
  std::string caption = graph_param(c, "caption").value_or(
    graph_param(c, "message").value_or(""));
  auto parts = parse_multipart(c.http.headers.value("Content-Type"),
                               c.http.body);
  if (parts)
    for (const auto& part : *parts) {
      if (part.name == "source")
        size = part.body.size();
      else if (part.name == "caption" || part.name == "message")
        caption = std::string(part.body);
    }
  if (!size && graph_param(c, "url"))
    size = 0; // fetched by Facebook from the URL: size unknown here
  if (!size)
    return graph_error(w, 400, "(#324) Requires upload file",
                       "OAuthException", 324);
  if (*size > max_photo_bytes)
    return graph_error(w, 400, "(#100) The image exceeds the maximum size "
                               "of 25 MB",
                       "OAuthException", 100);
  const media& m = w.add_media("facebook", p.id, *size, "image/jpeg");
  item draft;
  draft.network = "facebook";
  draft.kind = item_kind::post;
  draft.author_id = p.id;
  draft.text = caption;
  draft.media_ids = {m.id};
  draft.by_app = true;
  const item& it = w.add_item(std::move(draft));
  published_entry e;
  e.network = "facebook";
  e.action = "post";
  e.actor_id = p.id;
  e.external_id = it.id;
  e.text = caption;
  e.media_bytes = {*size};
  w.record_published(std::move(e));
  return json_response(200, {{"id", m.id}, {"post_id", it.id}});
}

http::response facebook_network::comments(const call& c, world& w,
                                          const caller&, const item& parent) {
  std::vector<const item*> all;
  for (const item* it : w.items("facebook"))
    if (it->kind == item_kind::comment && it->in_reply_to == parent.id)
      all.push_back(it);
  // Comments come oldest first unless order=reverse_chronological.
  if (c.param("order").value_or("") == "reverse_chronological")
    std::reverse(all.begin(), all.end());
  edge_page pg;
  if (auto err = page_edge(c, w, all, pg))
    return *err;
  auto out = page_json(w, pg, c.param("fields").value_or(""), true);
  if (c.param("summary").value_or("") == "true")
    out["summary"] = {{"order", c.param("order").value_or("chronological")},
                      {"total_count", all.size()},
                      {"can_comment", true}};
  return json_response(200, out);
}

http::response facebook_network::post_comment(const call& c, world& w,
                                              const caller& who,
                                              const item& parent) {
  auto message = graph_param(c, "message").value_or("");
  if (message.empty() && !graph_param(c, "attachment_url"))
    return graph_error(w, 400, "(#100) Missing message or attachment",
                       "OAuthException", 100);
  if (message.size() > max_message_chars)
    return graph_error(w, 400, "(#100) Param message must be at most 63206 "
                               "characters long",
                       "OAuthException", 100);
  if (parent.kind == item_kind::dm)
    return unknown_object(w, "post", parent.id);
  item draft;
  draft.network = "facebook";
  draft.kind = item_kind::comment;
  draft.author_id = who.actor();
  draft.text = message;
  draft.in_reply_to = parent.id;
  draft.to_account = parent.author_id;
  draft.by_app = true;
  std::string parent_id = parent.id;
  const item& it = w.add_item(std::move(draft));
  published_entry e;
  e.network = "facebook";
  e.action = "comment";
  e.actor_id = who.actor();
  e.target_id = parent_id;
  e.external_id = it.id;
  e.text = message;
  w.record_published(std::move(e));
  return json_response(200, {{"id", it.id}});
}

http::response facebook_network::likes(const call& c, world& w,
                                       const caller& who, item& post) {
  const auto& m = c.method();
  if (m == "GET") {
    json data = json::array();
    for (const auto& id : post.liked_by)
      data.push_back(who_json(w, id));
    return json_response(200, {{"data", data}});
  }
  if (m == "DELETE") {
    post.liked_by.erase(who.actor());
    return json_response(200, {{"success", true}});
  }
  if (post.liked_by.insert(who.actor()).second) {
    published_entry e;
    e.network = "facebook";
    e.action = "like";
    e.actor_id = who.actor();
    e.target_id = post.id;
    w.record_published(std::move(e));
  }
  return json_response(200, {{"success", true}});
}

http::response facebook_network::object(const call& c, world& w, const caller&,
                                        const std::string& node) {
  auto fields = c.param("fields").value_or("");
  if (const item* it = w.find_item("facebook", node); it
                                                      && it->kind
                                                           != item_kind::dm)
    return json_response(200, render(w, *it, fields,
                                     it->kind == item_kind::comment));
  if (w.find_page("facebook", node) || w.find_user("facebook", node))
    return json_response(200, who_json(w, node));
  return unknown_object(w, "get", node);
}

} // namespace socialcrm::sim::facebook
