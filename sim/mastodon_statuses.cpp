// Mastodon's status endpoints: posting (with Idempotency-Key), reading one
// status, favourites and reblogs.

#include "sim/mastodon_network.hpp"

#include <algorithm>
#include <cctype>

namespace socialcrm::sim::mastodon {

using nlohmann::json;

namespace {

/// Handles mentioned as "@handle" or "@handle@domain", in order.
std::vector<std::string> mentioned_handles(std::string_view text) {
  std::vector<std::string> out;
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] != '@' || (i > 0 && std::isalnum(static_cast<unsigned char>(
                                      text[i - 1]))))
      continue;
    std::size_t j = i + 1;
    while (j < text.size()
           && (std::isalnum(static_cast<unsigned char>(text[j]))
               || text[j] == '_'))
      ++j;
    if (j > i + 1)
      out.emplace_back(text.substr(i + 1, j - i - 1));
  }
  return out;
}

} // namespace

http::response mastodon_network::create_status(const call& c, world& w,
                                               const caller& who) {
  if (auto e = require_user(who, "write:statuses"))
    return *e;
  const user& me = *who.me;
  auto key = c.http.headers.value("Idempotency-Key");
  std::string remembered_key = me.id + "\n" + key;
  if (!key.empty()) {
    auto it = idempotency_.find(remembered_key);
    if (it != idempotency_.end() && it->second.expires_at > w.now())
      if (const item* s = w.find_item(id(), it->second.status_id))
        return json_response(200, status_json(c, w, *s, who));
  }
  auto text = param_of(c, "status").value_or("");
  auto spoiler = param_of(c, "spoiler_text").value_or("");
  auto visibility = param_of(c, "visibility").value_or("public");
  auto parent_id = param_of(c, "in_reply_to_id").value_or("");
  auto media_ids = array_param(c, "media_ids");
  if (param_of(c, "scheduled_at"))
    return error(422, "Validation failed: the emulator publishes statuses "
                      "at once (scheduled_at is not supported)");
  if (visibility != "public" && visibility != "unlisted"
      && visibility != "private" && visibility != "direct")
    return error(422, "'" + visibility + "' is not a valid visibility");
  if (media_ids.size() > max_media_per_status)
    return error(422, "Cannot attach more than 4 files");
  std::vector<std::string> attached;
  std::vector<std::size_t> sizes;
  for (const auto& m : media_ids)
    // Mastodon silently drops ids that are not the caller's media.
    if (const media* md = w.find_media(id(), m); md && md->owner_id == me.id) {
      attached.push_back(m);
      sizes.push_back(md->bytes);
    }
  bool blank = std::all_of(text.begin(), text.end(), [](unsigned char ch) {
    return std::isspace(ch);
  });
  if (blank && attached.empty())
    return error(422, "Validation failed: Text can't be blank");
  if (status_length(text) + status_length(spoiler) > status_char_limit)
    return error(422, "Validation failed: Text character limit of 500 "
                      "exceeded");
  const item* parent = nullptr;
  if (!parent_id.empty()) {
    parent = w.find_item(id(), parent_id);
    if (!parent || !visible_to(*parent, who))
      return error(404, "The post you are trying to reply to does not appear "
                        "to exist.");
  }
  std::string first_mention;
  for (const auto& h : mentioned_handles(text))
    if (const user* u = w.find_user_by_handle(id(), h); u && u->id != me.id) {
      first_mention = u->id;
      break;
    }

  item draft;
  draft.network = std::string(id());
  draft.author_id = me.id;
  draft.text = text;
  draft.media_ids = attached;
  draft.by_app = true;
  std::string action = "post", target;
  if (visibility == "direct") {
    draft.kind = item_kind::dm;
    draft.to_account = !first_mention.empty() ? first_mention
                       : parent                ? parent->author_id
                                               : std::string{};
    action = "message";
    target = draft.to_account;
  } else if (parent) {
    draft.kind = item_kind::reply;
    draft.to_account = parent->author_id;
    action = "reply";
    target = parent->id;
  } else if (!first_mention.empty()) {
    draft.kind = item_kind::mention;
    draft.to_account = first_mention;
  }
  if (parent) {
    draft.in_reply_to = parent->id;
    // A direct reply stays in its parent's conversation.
    if (visibility == "direct")
      draft.conversation_id = parent->conversation_id;
  }
  const item& stored = w.add_item(std::move(draft));
  if (visibility == "unlisted" || visibility == "private")
    visibility_[stored.id] = visibility;
  if (who.tok->client_id.empty()) {
    // Tokens of the control API belong to no app.
  } else if (const app_client* app = w.find_client(id(), who.tok->client_id)) {
    application_of_[stored.id] = app->name;
  }
  published_entry e;
  e.network = std::string(id());
  e.action = action;
  e.actor_id = me.id;
  e.target_id = target;
  e.external_id = stored.id;
  e.text = stored.text;
  e.media_bytes = sizes;
  w.record_published(std::move(e));
  if (!key.empty())
    idempotency_[remembered_key] = {stored.id, w.now() + idempotency_ttl_s};
  return json_response(200, status_json(c, w, stored, who));
}

http::response mastodon_network::get_status(const call& c, world& w,
                                            const caller& who,
                                            const std::string& status_id) {
  const item* s = w.find_item(id(), status_id);
  if (!s || !visible_to(*s, who))
    return not_found();
  return json_response(200, status_json(c, w, *s, who));
}

http::response mastodon_network::favourite(const call& c, world& w,
                                           const caller& who,
                                           const std::string& status_id) {
  if (auto e = require_user(who, "write:favourites"))
    return *e;
  item* s = w.find_item(id(), status_id);
  if (!s || !visible_to(*s, who))
    return not_found();
  // Favouriting twice is a no-op that answers the same status.
  if (s->liked_by.insert(who.me->id).second) {
    published_entry e;
    e.network = std::string(id());
    e.action = "like";
    e.actor_id = who.me->id;
    e.target_id = s->id;
    w.record_published(std::move(e));
    if (s->author_id != who.me->id && w.find_user(id(), s->author_id))
      notify(w, "favourite", s->author_id, who.me->id, s->id, w.now());
  }
  return json_response(200, status_json(c, w, *s, who));
}

http::response mastodon_network::reblog(const call& c, world& w,
                                        const caller& who,
                                        const std::string& status_id) {
  if (auto e = require_user(who, "write:statuses"))
    return *e;
  item* s = w.find_item(id(), status_id);
  if (!s || !visible_to(*s, who))
    return not_found();
  auto v = visibility_of(*s);
  if (v == "private" || v == "direct")
    return error(403, "This action is not allowed");
  auto key = std::make_pair(who.me->id, s->id);
  auto existing = reblogs_.find(key);
  if (existing == reblogs_.end()) {
    s->reposted_by.insert(who.me->id);
    existing = reblogs_.emplace(key, make_id(id_kind::item, w.next_number(),
                                             nullptr)).first;
    published_entry e;
    e.network = std::string(id());
    e.action = "repost";
    e.actor_id = who.me->id;
    e.target_id = s->id;
    e.external_id = existing->second;
    w.record_published(std::move(e));
    if (s->author_id != who.me->id && w.find_user(id(), s->author_id))
      notify(w, "reblog", s->author_id, who.me->id, s->id, w.now());
  }
  // The answer is the reblog: a status of its own wrapping the original.
  json original = status_json(c, w, *s, who);
  json j = original;
  j["id"] = existing->second;
  j["uri"] = c.base_url + "/users/" + who.me->handle + "/statuses/"
             + existing->second + "/activity";
  j["url"] = c.base_url + "/@" + who.me->handle + "/" + existing->second;
  j["account"] = account_json(c, w, *who.me);
  j["content"] = "";
  j["in_reply_to_id"] = nullptr;
  j["in_reply_to_account_id"] = nullptr;
  j["replies_count"] = 0;
  j["reblogs_count"] = 0;
  j["favourites_count"] = 0;
  j["media_attachments"] = json::array();
  j["mentions"] = json::array();
  j["reblog"] = original;
  j["reblogged"] = true;
  j.erase("pinned"); // reblogs cannot be pinned
  return json_response(200, j);
}

} // namespace socialcrm::sim::mastodon
