#include "sim/googleplus_network.hpp"

#include <algorithm>

namespace socialcrm::sim::googleplus {

using nlohmann::json;

namespace {

http::response not_found() {
  return google_error(404, "notFound", "Not Found");
}

http::response forbidden() {
  return google_error(403, "forbidden", "Forbidden");
}

/// The text of an activity or comment resource in a request body:
/// object.originalContent (plain text, what clients send), or
/// object.content.
std::optional<std::string> text_of(const call& c) {
  auto body = c.json_body();
  if (!body || !body->is_object() || !body->contains("object")
      || !(*body)["object"].is_object())
    return std::nullopt;
  const auto& o = (*body)["object"];
  for (const char* k : {"originalContent", "content"})
    if (o.contains(k) && o[k].is_string())
      return o[k].get<std::string>();
  return std::nullopt;
}

std::size_t code_points(std::string_view s) {
  return static_cast<std::size_t>(std::count_if(s.begin(), s.end(), [](char ch) {
    return (static_cast<unsigned char>(ch) & 0xC0) != 0x80;
  }));
}

/// A page of `all` from the pageToken, with the next token when more
/// follow.
struct page_slice {
  std::size_t begin = 0, end = 0;
  std::string next;
};

std::optional<page_slice> slice(const call& c, std::size_t size,
                                std::size_t limit, http::response& error) {
  page_slice s;
  if (auto t = c.param("pageToken"); t && !t->empty()) {
    auto offset = parse_page_token(*t);
    if (!offset) {
      error = google_error(400, "invalid", "Invalid Value");
      return std::nullopt;
    }
    s.begin = std::min(*offset, size);
  }
  s.end = std::min(size, s.begin + limit);
  if (s.end < size)
    s.next = page_token(s.end);
  return s;
}

} // namespace

http::response googleplus_network::route_api(const call& c, world& w,
                                             const caller& who) {
  auto s = c.segments(); // "plus","v1",... or "plusPages","v2",...
  bool pages_api = s[0] == "plusPages";
  const auto& m = c.method();
  if (m == "GET" && s.size() == 4 && s[2] == "people")
    return get_person(c, w, who, s[3]);
  if (m == "GET" && pages_api && s.size() == 6 && s[2] == "people"
      && s[4] == "people" && s[5] == "pages")
    return list_pages(c, w, who, s[3]);
  if (m == "GET" && s.size() == 6 && s[2] == "people" && s[4] == "activities")
    return list_activities(c, w, who, s[3], s[5]);
  if (m == "POST" && pages_api && s.size() == 5 && s[2] == "people"
      && s[4] == "activities")
    return insert_activity(c, w, who, s[3]);
  if (m == "GET" && s.size() == 4 && s[2] == "activities")
    return get_activity(c, w, s[3]);
  if (m == "GET" && s.size() == 5 && s[2] == "activities"
      && s[4] == "comments")
    return list_comments(c, w, s[3]);
  if (m == "POST" && pages_api && s.size() == 5 && s[2] == "activities"
      && s[4] == "comments")
    return insert_comment(c, w, who, s[3]);
  return not_found();
}

http::response googleplus_network::get_person(const call&, world& w,
                                              const caller& who,
                                              const std::string& user_id) {
  // "me" is the token's page when the token was issued for one.
  std::string target = user_id == "me" ? (who.tok->page_id.empty()
                                            ? who.me->id
                                            : who.tok->page_id)
                                       : user_id;
  auto a = actor_of(w, target);
  if (!a)
    return not_found();
  return json_response(200, person_json(w, *a));
}

http::response googleplus_network::list_pages(const call& c, world& w,
                                              const caller& who,
                                              const std::string& user_id) {
  if (user_id != "me" && user_id != who.me->id)
    return forbidden();
  http::response err;
  auto limit = max_results(c, people_default, 1, people_max, err);
  if (!limit)
    return err;
  auto pages = w.pages_of(id(), who.me->id);
  auto sl = slice(c, pages.size(), *limit, err);
  if (!sl)
    return err;
  json items = json::array();
  for (std::size_t i = sl->begin; i < sl->end; ++i)
    items.push_back(person_json(
      w, actor_ref{pages[i]->id, pages[i]->name, true, pages[i]->owner_id}));
  json feed = {{"kind", "plus#peopleFeed"},
               {"etag", "\"pages-" + who.me->id + "\""},
               {"title", "Google+ Pages managed by " + who.me->name},
               {"totalItems", pages.size()}};
  // Google omits empty lists: an account without pages has no "items".
  if (!items.empty())
    feed["items"] = items;
  if (!sl->next.empty())
    feed["nextPageToken"] = sl->next;
  return json_response(200, feed);
}

http::response googleplus_network::list_activities(
  const call& c, world& w, const caller& who, const std::string& user_id,
  const std::string& collection) {
  if (collection != "public" && collection != "user")
    return google_error(400, "invalid",
                        "Invalid string value: '" + collection
                          + "'. Allowed values: [public, user]");
  http::response err;
  auto limit = max_results(c, activities_default, 1, activities_max, err);
  if (!limit)
    return err;
  std::string target = user_id == "me" ? (who.tok->page_id.empty()
                                            ? who.me->id
                                            : who.tok->page_id)
                                       : user_id;
  auto a = actor_of(w, target);
  if (!a)
    return not_found();
  std::vector<const item*> posts;
  for (const item* it : w.items(id()))
    if (it->author_id == a->id && it->kind == item_kind::post)
      posts.push_back(it);
  std::reverse(posts.begin(), posts.end()); // newest first
  auto sl = slice(c, posts.size(), *limit, err);
  if (!sl)
    return err;
  json items = json::array();
  for (const item* it : w.page_with_faults(id(), posts, sl->begin, sl->end))
    items.push_back(activity_json(c, w, *it));
  json feed = {{"kind", "plus#activityFeed"},
               {"etag", "\"activities-" + a->id + "\""},
               {"title", "Google+ List of Activities for Collection "
                           + collection},
               {"updated", iso_time(posts.empty() ? w.now()
                                                  : posts.front()->created_at)},
               {"id", "tag:google.com,2010:/plus/people/" + a->id
                        + "/activities/" + collection},
               {"selfLink", c.base_url + c.path}};
  if (!items.empty())
    feed["items"] = items;
  if (!sl->next.empty()) {
    feed["nextPageToken"] = sl->next;
    feed["nextLink"] = c.base_url + c.path + "?maxResults="
                       + std::to_string(*limit) + "&pageToken=" + sl->next;
  }
  return json_response(200, feed);
}

http::response googleplus_network::get_activity(const call& c, world& w,
                                                const std::string& activity_id) {
  const item* it = w.find_item(id(), activity_id);
  if (!it || it->kind != item_kind::post)
    return not_found();
  return json_response(200, activity_json(c, w, *it));
}

http::response googleplus_network::insert_activity(const call& c, world& w,
                                                   const caller& who,
                                                   const std::string& user_id) {
  std::string target = user_id == "me" ? who.tok->page_id : user_id;
  auto a = actor_of(w, target);
  // The Pages API posts as a page the caller manages.
  if (!a || !a->is_page
      || (a->owner_id != who.me->id && who.tok->page_id != a->id))
    return forbidden();
  auto text = text_of(c);
  if (!text || text->empty())
    return google_error(400, "required", "Required");
  if (code_points(*text) > max_text_chars)
    return google_error(400, "invalid", "Invalid Value");
  item draft;
  draft.network = std::string(id());
  draft.kind = item_kind::post;
  draft.author_id = a->id;
  draft.text = *text;
  draft.by_app = true;
  const item& stored = w.add_item(std::move(draft));
  published_entry e;
  e.network = std::string(id());
  e.action = "post";
  e.actor_id = a->id;
  e.external_id = stored.id;
  e.text = stored.text;
  w.record_published(std::move(e));
  return json_response(200, activity_json(c, w, stored));
}

http::response googleplus_network::list_comments(const call& c, world& w,
                                                 const std::string& activity_id) {
  const item* activity = w.find_item(id(), activity_id);
  if (!activity || activity->kind != item_kind::post)
    return not_found();
  auto order = c.param("sortOrder").value_or("ascending");
  if (order != "ascending" && order != "descending")
    return google_error(400, "invalid",
                        "Invalid string value: '" + order
                          + "'. Allowed values: [ascending, descending]");
  http::response err;
  auto limit = max_results(c, comments_default, 0, comments_max, err);
  if (!limit)
    return err;
  std::vector<const item*> comments;
  for (const item* it : w.items(id()))
    if (it->kind == item_kind::comment && it->in_reply_to == activity->id)
      comments.push_back(it);
  if (order == "descending")
    std::reverse(comments.begin(), comments.end());
  auto sl = slice(c, comments.size(), *limit, err);
  if (!sl)
    return err;
  json items = json::array();
  for (const item* it :
       w.page_with_faults(id(), comments, sl->begin, sl->end))
    items.push_back(comment_json(c, w, *it));
  json feed = {{"kind", "plus#commentFeed"},
               {"etag", "\"comments-" + activity->id + "\""},
               {"id", "tag:google.com,2010:/plus/activities/" + activity->id
                        + "/comments"},
               {"title", "Google+ Comments for Activity " + activity->id},
               {"updated", iso_time(comments.empty()
                                      ? activity->created_at
                                      : comments.back()->created_at)}};
  if (!items.empty())
    feed["items"] = items;
  if (!sl->next.empty())
    feed["nextPageToken"] = sl->next;
  return json_response(200, feed);
}

http::response googleplus_network::insert_comment(
  const call& c, world& w, const caller& who, const std::string& activity_id) {
  const item* activity = w.find_item(id(), activity_id);
  if (!activity || activity->kind != item_kind::post)
    return not_found();
  // Pages comment through onBehalfOf (or a page token); otherwise the
  // signed-in person comments.
  std::string as = c.param("onBehalfOf").value_or(who.tok->page_id);
  auto a = actor_of(w, as.empty() ? who.me->id : as);
  if (!a || (a->is_page && a->owner_id != who.me->id
             && who.tok->page_id != a->id)
      || (!a->is_page && a->id != who.me->id))
    return forbidden();
  auto text = text_of(c);
  if (!text || text->empty())
    return google_error(400, "required", "Required");
  if (code_points(*text) > max_text_chars)
    return google_error(400, "invalid", "Invalid Value");
  item draft;
  draft.network = std::string(id());
  draft.kind = item_kind::comment;
  draft.author_id = a->id;
  draft.text = *text;
  draft.in_reply_to = activity->id;
  draft.to_account = activity->author_id;
  draft.by_app = true;
  const item& stored = w.add_item(std::move(draft));
  published_entry e;
  e.network = std::string(id());
  e.action = "comment";
  e.actor_id = a->id;
  e.target_id = activity->id;
  e.external_id = stored.id;
  e.text = stored.text;
  w.record_published(std::move(e));
  return json_response(200, comment_json(c, w, stored));
}

} // namespace socialcrm::sim::googleplus
