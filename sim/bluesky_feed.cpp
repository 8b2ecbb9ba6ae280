#include "sim/bluesky_network.hpp"

#include "sim/bluesky_text.hpp"

#include <algorithm>
#include <cctype>

namespace socialcrm::sim::bluesky {

using nlohmann::json;

namespace {

http::response missing_param(const char* name) {
  return invalid_request(std::string("Params must have the property \"")
                         + name + "\"");
}

/// One page of a newest-first list, paged by an opaque cursor (the seq of
/// the last item served).
struct feed_page {
  std::vector<const item*> items;
  std::string cursor;
};

std::optional<feed_page> page_by_cursor(world& w, std::string_view network_id,
                                        const std::vector<const item*>& all,
                                        const call& c, std::size_t limit,
                                        http::response& error) {
  std::size_t begin = 0;
  if (auto cur = c.param("cursor"); cur && !cur->empty()) {
    std::uint64_t seq = 0;
    try {
      seq = std::stoull(*cur);
    } catch (const std::exception&) {
      error = invalid_request("Malformed cursor");
      return std::nullopt;
    }
    while (begin < all.size() && all[begin]->seq >= seq)
      ++begin;
  }
  std::size_t end = std::min(all.size(), begin + limit);
  feed_page p;
  p.items = w.page_with_faults(network_id, all, begin, end);
  if (end < all.size() && end > begin)
    p.cursor = std::to_string(all[end - 1]->seq);
  return p;
}

std::vector<const item*> newest_first(std::vector<const item*> items) {
  std::sort(items.begin(), items.end(),
            [](const item* a, const item* b) { return a->seq > b->seq; });
  return items;
}

json post_view_union(const json& view) {
  json j = view;
  j["$type"] = "app.bsky.feed.defs#postView";
  return j;
}

} // namespace

http::response bluesky_network::list_notifications(const call& c, world& w,
                                                   const caller& who) {
  http::response err;
  auto limit = limit_of(c, notifications_default, err);
  if (!limit)
    return err;
  auto reasons = c.params("reasons");
  std::vector<const item*> mine;
  for (const item* it : w.items(id())) {
    if (it->to_account != who.me->id || it->author_id == who.me->id)
      continue;
    std::string reason = it->kind == item_kind::reply     ? "reply"
                         : it->kind == item_kind::mention ? "mention"
                                                          : "";
    if (reason.empty())
      continue;
    if (!reasons.empty()
        && std::find(reasons.begin(), reasons.end(), reason) == reasons.end())
      continue;
    mine.push_back(it);
  }
  auto page = page_by_cursor(w, id(), newest_first(mine), c, *limit, err);
  if (!page)
    return err;
  json out = json::array();
  for (const item* it : page->items) {
    const user* author = w.find_user(id(), it->author_id);
    // profileView needs did and handle even for an author the world lost,
    // as post views show one.
    json author_view = {{"did", it->author_id}, {"handle", "handle.invalid"}};
    if (author) {
      author_view = profile_basic(w, *author);
      author_view["description"] = "";
      author_view["indexedAt"] = iso_time(author->created_at);
    }
    json n = {{"uri", it->id},
              {"cid", cid_of(w, *it)},
              {"author", author_view},
              {"reason", it->kind == item_kind::reply ? "reply" : "mention"},
              {"record", post_record(w, *it)},
              {"isRead", false},
              {"indexedAt", iso_time(it->created_at)},
              {"labels", json::array()}};
    if (it->kind == item_kind::reply)
      n["reasonSubject"] = it->in_reply_to;
    out.push_back(n);
  }
  json body = {{"notifications", out}, {"priority", false}};
  if (!page->cursor.empty())
    body["cursor"] = page->cursor;
  return json_response(200, body);
}

http::response bluesky_network::search_posts(const call& c, world& w,
                                             const caller& who) {
  auto q = c.param("q");
  if (!q)
    return missing_param("q");
  http::response err;
  auto limit = limit_of(c, search_default, err);
  if (!limit)
    return err;
  const user* author = nullptr;
  if (auto a = c.param("author")) {
    author = find_actor(w, *a);
    if (!author)
      return json_response(200, {{"posts", json::array()}, {"hitsTotal", 0}});
  }
  std::vector<const item*> hits;
  for (const item* it : w.items(id()))
    // Bluesky search ANDs its terms, ignoring case and quotes.
    if (matches_all_terms(*q, it->text)
        && (!author || it->author_id == author->id))
      hits.push_back(it);
  hits = newest_first(hits);
  // The search service pages by offset, handed out as an opaque cursor.
  std::size_t offset = 0;
  if (auto cur = c.param("cursor"); cur && !cur->empty()) {
    try {
      offset = std::stoull(*cur);
    } catch (const std::exception&) {
      return invalid_request("Malformed cursor");
    }
  }
  offset = std::min(offset, hits.size());
  auto end = std::min(hits.size(), offset + *limit);
  json posts = json::array();
  for (const item* it : w.page_with_faults(id(), hits, offset, end))
    posts.push_back(post_view(w, *it, who));
  json body = {{"posts", posts}, {"hitsTotal", hits.size()}};
  if (end < hits.size())
    body["cursor"] = std::to_string(end);
  return json_response(200, body);
}

http::response bluesky_network::author_feed(const call& c, world& w,
                                            const caller& who) {
  auto actor = c.param("actor");
  if (!actor)
    return missing_param("actor");
  http::response err;
  auto limit = limit_of(c, author_feed_default, err);
  if (!limit)
    return err;
  const user* u = find_actor(w, *actor);
  if (!u)
    return invalid_request("Profile not found");
  auto filter = c.param("filter").value_or("posts_with_replies");
  std::vector<const item*> own;
  for (const item* it : w.items(id())) {
    if (it->author_id != u->id)
      continue;
    if (filter == "posts_no_replies" && !it->in_reply_to.empty())
      continue;
    if (filter == "posts_with_media" && it->media_ids.empty())
      continue;
    if (filter == "posts_and_author_threads" && !it->in_reply_to.empty()) {
      const item* root = w.find_item(id(), it->conversation_id);
      if (!root || root->author_id != u->id)
        continue;
    }
    own.push_back(it);
  }
  auto page = page_by_cursor(w, id(), newest_first(own), c, *limit, err);
  if (!page)
    return err;
  json feed = json::array();
  for (const item* it : page->items) {
    json entry = {{"post", post_view(w, *it, who)}};
    if (const item* parent = w.find_item(id(), it->in_reply_to)) {
      const item* root = w.find_item(id(), it->conversation_id);
      if (!root)
        root = parent;
      entry["reply"] = {{"root", post_view_union(post_view(w, *root, who))},
                        {"parent",
                         post_view_union(post_view(w, *parent, who))}};
    }
    feed.push_back(entry);
  }
  json body = {{"feed", feed}};
  if (!page->cursor.empty())
    body["cursor"] = page->cursor;
  return json_response(200, body);
}

http::response bluesky_network::get_posts(const call& c, world& w,
                                          const caller& who) {
  auto uris = c.params("uris");
  if (uris.empty())
    return missing_param("uris");
  if (uris.size() > get_posts_max)
    return invalid_request("Params/uris must not have more than 25 elements");
  // The AppView answers each post once, in the order asked, and leaves
  // out the ones it does not know.
  std::vector<std::string> asked;
  json posts = json::array();
  for (const auto& uri : uris) {
    if (std::find(asked.begin(), asked.end(), uri) != asked.end())
      continue;
    asked.push_back(uri);
    if (const item* it = w.find_item(id(), uri))
      posts.push_back(post_view(w, *it, who));
  }
  return json_response(200, {{"posts", posts}});
}

http::response bluesky_network::get_profile(const call& c, world& w,
                                            const caller&) {
  auto actor = c.param("actor");
  if (!actor)
    return missing_param("actor");
  const user* u = find_actor(w, *actor);
  if (!u)
    return invalid_request("Profile not found");
  return json_response(200, profile_detailed(w, *u));
}

http::response bluesky_network::create_record(const call& c, world& w,
                                              const caller& who) {
  auto body = c.json_body();
  if (!body || !body->is_object())
    return invalid_request("Input must be an object");
  for (const char* field : {"repo", "collection", "record"})
    if (!body->contains(field))
      return invalid_request(std::string("Input must have the property \"")
                             + field + "\"");
  const auto& in = *body;
  if (!in["repo"].is_string() || !in["collection"].is_string())
    return invalid_request("Input/repo and Input/collection must be strings");
  if (!in["record"].is_object())
    return invalid_request("Input/record must be an object");
  const user* repo = find_actor(w, in["repo"].get<std::string>());
  if (!repo)
    return invalid_request("Could not find repo: "
                           + in["repo"].get<std::string>());
  if (repo->id != who.me->id)
    return xrpc_error(401, "AuthenticationRequired", "Authentication Required");
  auto collection = in["collection"].get<std::string>();
  json record = in["record"];
  if (!record.contains("$type"))
    record["$type"] = collection;
  if (record["$type"] != collection)
    return invalid_request("Invalid $type: expected " + collection + ", got "
                           + record["$type"].dump());
  bool validate = !(in.contains("validate") && in["validate"] == false);
  auto invalid_record = [&](const std::string& why) {
    return invalid_request("Invalid " + collection + " record: " + why);
  };
  const std::string& did = who.me->id;
  std::uint64_t n = w.next_number();
  json commit = {{"cid", make_cid("commit/" + std::to_string(n), 0x71)},
                 {"rev", tid(tid_value(n))}};

  if (collection == "app.bsky.feed.like"
      || collection == "app.bsky.feed.repost") {
    if (!record.contains("subject"))
      return invalid_record("Record must have the property \"subject\"");
    const auto& subject = record["subject"];
    if (!subject.is_object() || !subject.contains("uri")
        || !subject["uri"].is_string())
      return invalid_record("Record/subject must have the property \"uri\"");
    if (!record.contains("createdAt") && validate)
      return invalid_record("Record must have the property \"createdAt\"");
    item* target = w.find_item(id(), subject["uri"].get<std::string>());
    if (!target)
      return invalid_request("Could not locate record: "
                             + subject["uri"].get<std::string>());
    bool like = collection == "app.bsky.feed.like";
    auto& known = like ? likes_ : reposts_;
    auto key = std::make_pair(did, target->id);
    std::string uri = "at://" + did + "/" + collection + "/" + tid(tid_value(n));
    if (known.emplace(key, uri).second) {
      (like ? target->liked_by : target->reposted_by).insert(did);
      published_entry e;
      e.network = std::string(id());
      e.action = like ? "like" : "repost";
      e.actor_id = did;
      e.target_id = target->id;
      e.external_id = uri;
      w.record_published(std::move(e));
    }
    return json_response(200, {{"uri", known.at(key)},
                               {"cid", make_cid(record.dump(), 0x71)},
                               {"commit", commit},
                               {"validationStatus", "valid"}});
  }
  if (collection != "app.bsky.feed.post")
    return invalid_request("Lexicon not found: " + collection);

  if (!record.contains("text"))
    return invalid_record("Record must have the property \"text\"");
  if (!record["text"].is_string())
    return invalid_record("Record/text must be a string");
  if (!record.contains("createdAt"))
    return invalid_record("Record must have the property \"createdAt\"");
  auto text = record["text"].get<std::string>();
  if (validate && text.size() > post_max_bytes)
    return invalid_record("Record/text must not be longer than 3000 "
                          "characters");
  if (validate && grapheme_count(text) > post_max_graphemes)
    return invalid_record("Record/text must not be longer than 300 "
                          "graphemes");
  // Images: each blob must have been uploaded by this account.
  std::vector<std::string> media_ids;
  std::vector<std::size_t> sizes;
  if (record.contains("embed") && record["embed"].is_object()
      && record["embed"].value("$type", "") == "app.bsky.embed.images"
      && record["embed"].contains("images")
      && record["embed"]["images"].is_array()) {
    for (const auto& img : record["embed"]["images"]) {
      std::string cid;
      if (img.is_object() && img.contains("image") && img["image"].is_object()
          && img["image"].contains("ref") && img["image"]["ref"].is_object()
          && img["image"]["ref"].contains("$link")
          && img["image"]["ref"]["$link"].is_string())
        cid = img["image"]["ref"]["$link"].get<std::string>();
      const media* m = w.find_media(id(), cid);
      if (!m || m->owner_id != did)
        return xrpc_error(400, "BlobNotFound", "Could not find blob: " + cid);
      media_ids.push_back(cid);
      sizes.push_back(m->bytes);
    }
  }
  item draft;
  draft.network = std::string(id());
  draft.author_id = did;
  draft.text = text;
  draft.media_ids = media_ids;
  draft.by_app = true;
  const item* parent = nullptr;
  if (record.contains("reply") && record["reply"].is_object()) {
    const auto& reply = record["reply"];
    if (reply.contains("parent") && reply["parent"].is_object()
        && reply["parent"].contains("uri") && reply["parent"]["uri"].is_string())
      parent = w.find_item(id(), reply["parent"]["uri"].get<std::string>());
  }
  if (parent) {
    draft.kind = item_kind::reply;
    draft.in_reply_to = parent->id;
    draft.to_account = parent->author_id;
  } else if (record.contains("facets") && record["facets"].is_array()) {
    for (const auto& facet : record["facets"]) {
      if (!facet.is_object() || !facet.contains("features")
          || !facet["features"].is_array())
        continue;
      for (const auto& f : facet["features"])
        if (f.is_object()
            && f.value("$type", "") == "app.bsky.richtext.facet#mention"
            && f.contains("did") && f["did"].is_string()
            && draft.to_account.empty()
            && w.find_user(id(), f["did"].get<std::string>())) {
          draft.kind = item_kind::mention;
          draft.to_account = f["did"].get<std::string>();
        }
    }
  }
  const item& stored = w.add_item(std::move(draft));
  records_[stored.id] = record;
  published_entry e;
  e.network = std::string(id());
  e.action = parent ? "reply" : "post";
  e.actor_id = did;
  e.target_id = parent ? parent->id : std::string{};
  e.external_id = stored.id;
  e.text = stored.text;
  e.media_bytes = sizes;
  w.record_published(std::move(e));
  return json_response(200, {{"uri", stored.id},
                             {"cid", make_cid(record.dump(), 0x71)},
                             {"commit", commit},
                             {"validationStatus", "valid"}});
}

http::response bluesky_network::upload_blob(const call& c, world& w,
                                            const caller& who) {
  const auto& body = c.http.body;
  if (body.empty())
    return invalid_request("Request body is empty");
  if (body.size() > blob_limit_bytes)
    return xrpc_error(413, "PayloadTooLarge", "request entity too large");
  auto type = c.http.headers.value("Content-Type");
  if (type.empty() || type == "*/*")
    type = "application/octet-stream";
  const media& m = w.upload_media(id(), who.me->id, body.size(), type);
  return json_response(200, {{"blob",
                              {{"$type", "blob"},
                               {"ref", {{"$link", m.id}}},
                               {"mimeType", m.content_type},
                               {"size", m.bytes}}}});
}

} // namespace socialcrm::sim::bluesky
