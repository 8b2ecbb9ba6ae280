// Facebook Graph page endpoints: /me, /me/accounts, feed, tagged, posts,
// photos, comments, likes and single objects.

#include "sim/facebook_network.hpp"

#include "sim/multipart.hpp"

#include <algorithm>
#include <cstdlib>
#include <map>
#include <set>

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

/// The comments under `parent`, oldest first: its direct comments, or with
/// filter=stream every reply below them too (Graph's "stream" filter).
std::vector<const item*> comments_of(world& w, const item& parent,
                                     bool stream) {
  std::vector<const item*> out;
  std::set<std::string> under{parent.id};
  for (const item* it : w.items("facebook")) // in insertion order
    if (it->kind == item_kind::comment && under.count(it->in_reply_to)) {
      out.push_back(it);
      if (stream)
        under.insert(it->id);
    }
  return out;
}

json render(const call& c, world& w, const item& it,
            const std::vector<field_request>& fields, bool comment);

/// A post's or comment's "comments" field: the first page of its comments
/// edge and, with summary(true), the summary Graph adds to the edge.
json comments_field(const call& c, world& w, const item& it,
                    const field_request& spec) {
  auto order = spec.modifier("order", "chronological");
  auto all = comments_of(w, it, spec.modifier("filter") == "stream");
  if (order == "reverse_chronological")
    std::reverse(all.begin(), all.end());
  auto first = nested_edge(c, all, spec, "/" + it.id + "/comments");
  json data = json::array();
  for (const item* reply : first.items)
    data.push_back(render(c, w, *reply, spec.fields, true));
  auto out = edge_json(std::move(data), first);
  if (spec.modifier("summary") == "true")
    out["summary"] = {{"order", order},
                      {"total_count", all.size()},
                      {"can_comment", true}};
  return out;
}

/// A post's or comment's "likes" field: who liked it (up to the limit) and,
/// with summary(true), how many did.
json likes_field(world& w, const item& it, const field_request& spec) {
  json data = json::array();
  std::size_t limit = default_limit;
  if (auto l = spec.modifier("limit"); !l.empty())
    limit = std::min<std::size_t>(std::strtoul(l.c_str(), nullptr, 10),
                                  max_limit);
  for (const auto& id : it.liked_by)
    if (data.size() < limit)
      data.push_back(who_json(w, id));
  json out = {{"data", data}};
  if (spec.modifier("summary") == "true")
    out["summary"] = {{"total_count", it.liked_by.size()}};
  return out;
}

/// A post or comment with the requested fields (Graph's defaults when the
/// caller names none); `id` always, other fields only when they have a
/// value, as Graph leaves out empty ones.
json render(const call& c, world& w, const item& it,
            const std::vector<field_request>& fields, bool comment) {
  json j = json::object();
  bool all = fields.empty();
  auto asked = [&](std::string_view f) { return find_field(fields, f); };
  if (all || asked("created_time"))
    j["created_time"] = graph_time(it.created_at);
  if ((all && comment) || asked("from"))
    j["from"] = who_json(w, it.author_id);
  if ((all || asked("message")) && !it.text.empty())
    j["message"] = it.text;
  if (asked("permalink_url"))
    j["permalink_url"] = "https://www.facebook.com/" + it.id;
  if (auto spec = asked("comments"))
    j["comments"] = comments_field(c, w, it, *spec);
  if (auto spec = asked("likes"))
    j["likes"] = likes_field(w, it, *spec);
  if (asked("parent") && comment) {
    // Only a reply to a comment has a parent comment.
    const item* parent = w.find_item("facebook", it.in_reply_to);
    if (parent && parent->kind == item_kind::comment)
      j["parent"] = {{"id", parent->id}};
  }
  if (asked("attachments") && !it.media_ids.empty()) {
    json data = json::array();
    for (const auto& m : it.media_ids)
      data.push_back({{"type", "photo"}, {"target", {{"id", m}}}});
    j["attachments"] = {{"data", data}};
  }
  j["id"] = it.id;
  return j;
}

json page_json(const call& c, world& w, const edge_page& pg,
               const std::vector<field_request>& fields, bool comment) {
  json data = json::array();
  for (const item* it : pg.items)
    data.push_back(render(c, w, *it, fields, comment));
  return edge_json(std::move(data), pg);
}

/// A user or page node with the requested fields: name and id by default.
json person_json(world& w, const std::string& id,
                 const std::vector<field_request>& fields) {
  auto full = who_json(w, id);
  if (fields.empty())
    return full;
  json j = json::object();
  if (find_field(fields, "name") && full.contains("name"))
    j["name"] = full.at("name");
  j["id"] = id;
  return j;
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
  auto fields = parse_fields(c.param("fields").value_or(""));
  json j = person_json(w, who.actor(), fields);
  if (find_field(fields, "email") && !who.pg)
    j["email"] = who.me->handle + "@example.com";
  return json_response(200, j);
}

http::response facebook_network::accounts(const call& c, world& w,
                                          const caller& who) {
  if (who.pg)
    return graph_error(w, 400, "(#100) Tried accessing nonexisting field "
                               "(accounts) on node type (Page)",
                       "OAuthException", 100);
  auto fields = parse_fields(c.param("fields").value_or(""));
  json data = json::array();
  for (const page* p : w.pages_of("facebook", who.me->id)) {
    auto& value = page_tokens_[who.me->id + "/" + p->id];
    const token* t = w.valid_access_token("facebook", value);
    if (!t)
      // Page tokens from a long-lived user token do not expire.
      value = w.issue_token("facebook", token_kind::access, who.me->id, p->id,
                            who.tok->client_id, who.tok->scopes, 0)
                .value;
    json full = {{"access_token", value},
                 {"category", "Company"},
                 {"category_list",
                  json::array({{{"id", "2200"}, {"name", "Company"}}})},
                 {"name", p->name},
                 {"id", p->id},
                 {"tasks", json::array({"ANALYZE", "ADVERTISE", "MODERATE",
                                        "CREATE_CONTENT", "MANAGE"})}};
    if (fields.empty()) {
      data.push_back(std::move(full));
      continue;
    }
    // Only what was asked for, and the id Graph always adds.
    json j = json::object();
    for (const auto& f : fields)
      if (full.contains(f.name))
        j[f.name] = full.at(f.name);
    j["id"] = p->id;
    data.push_back(std::move(j));
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
  return json_response(200, page_json(c, w, pg, parse_fields(fields), false));
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
    for (const auto& part : *parts)
      if (part.name == "source")
        size = part.body.size();
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
  auto all = comments_of(w, parent, c.param("filter").value_or("") == "stream");
  // Comments come oldest first unless order=reverse_chronological.
  if (c.param("order").value_or("") == "reverse_chronological")
    std::reverse(all.begin(), all.end());
  edge_page pg;
  if (auto err = page_edge(c, w, all, pg))
    return *err;
  auto out = page_json(c, w, pg, parse_fields(c.param("fields").value_or("")),
                       true);
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
  auto fields = parse_fields(c.param("fields").value_or(""));
  if (const item* it = w.find_item("facebook", node); it
                                                      && it->kind
                                                           != item_kind::dm)
    return json_response(200, render(c, w, *it, fields,
                                     it->kind == item_kind::comment));
  if (w.find_page("facebook", node) || w.find_user("facebook", node))
    return json_response(200, person_json(w, node, fields));
  return unknown_object(w, "get", node);
}

} // namespace socialcrm::sim::facebook
