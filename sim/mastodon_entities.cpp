// Mastodon's entities as a 4.3.0 server renders them (REST::*Serializer;
// docs.joinmastodon.org/entities/), from the neutral model of the world.

#include "sim/mastodon_network.hpp"

#include "sim/oauth.hpp"

namespace socialcrm::sim::mastodon {

using nlohmann::json;

namespace {

std::string media_extension(const std::string& content_type) {
  auto slash = content_type.find('/');
  return slash == std::string::npos ? "bin" : content_type.substr(slash + 1);
}

/// The role every user without another one has (UserRole.everyone): what
/// CredentialAccount.role shows for them.
json everyone_role() {
  return {{"id", "-99"},
          {"name", ""},
          {"permissions", "65536"},
          {"color", ""},
          {"highlighted", false}};
}

} // namespace

// REST::MediaAttachmentSerializer still sends preview_remote_url and the
// deprecated text_url (null for local media without a short link).
json mastodon_network::media_entity(const call& c, world& w,
                                    const std::string& media_id) const {
  const media* m = w.find_media(id(), media_id);
  // An id whose media is gone shows as an image.
  std::string type = m ? m->content_type : "image/png";
  std::string kind = type.rfind("video/", 0) == 0 ? "video" : "image";
  std::string file = c.base_url + "/system/media_attachments/files/"
                     + media_id;
  json j = {{"id", media_id},
            {"type", kind},
            {"url", file + "/original." + media_extension(type)},
            {"preview_url", file + "/small." + media_extension(type)},
            {"remote_url", nullptr},
            {"preview_remote_url", nullptr},
            {"text_url", nullptr},
            {"meta", json::object()},
            {"description", nullptr},
            {"blurhash", nullptr}};
  if (auto d = media_descriptions_.find(media_id);
      d != media_descriptions_.end())
    j["description"] = d->second;
  return j;
}

json mastodon_network::account_json(const call& c, world& w,
                                    const user& u) const {
  std::size_t statuses = 0;
  std::int64_t last = 0;
  for (const item* s : w.items(id()))
    if (s->author_id == u.id && visibility_of(*s) != "direct") {
      ++statuses;
      last = std::max(last, s->created_at);
    }
  // The default avatar every Mastodon instance serves for accounts
  // without one.
  std::string avatar = c.base_url + "/avatars/original/missing.png";
  std::string header = c.base_url + "/headers/original/missing.png";
  // Every account is local to the emulated instance: local accounts carry
  // `noindex` and their highlighted `roles` (none here). Accounts opt in
  // to search (`indexable`), as the emulator's search finds them.
  json j = {{"id", u.id},
            {"username", u.handle},
            {"acct", u.handle},
            {"display_name", u.name},
            {"locked", false},
            {"bot", false},
            {"discoverable", true},
            {"indexable", true},
            {"group", false},
            {"created_at", iso_time(u.created_at).substr(0, 11) + "00:00:00.000Z"},
            {"note", ""},
            {"url", c.base_url + "/@" + u.handle},
            {"uri", c.base_url + "/users/" + u.handle},
            {"avatar", avatar},
            {"avatar_static", avatar},
            {"header", header},
            {"header_static", header},
            {"followers_count", 0},
            {"following_count", 0},
            {"statuses_count", statuses},
            {"last_status_at", nullptr},
            {"hide_collections", false},
            {"noindex", false},
            {"emojis", json::array()},
            {"roles", json::array()},
            {"fields", json::array()}};
  if (last != 0)
    j["last_status_at"] = iso_time(last).substr(0, 10); // a date only
  return j;
}

json mastodon_network::credential_account_json(const call& c, world& w,
                                               const user& u) const {
  json j = account_json(c, w, u);
  // A new user's settings: no default language (null, not ""), public
  // posts, searchable (the inverse of noindex).
  j["source"] = {{"privacy", "public"},
                 {"sensitive", false},
                 {"language", nullptr},
                 {"note", ""},
                 {"fields", json::array()},
                 {"follow_requests_count", 0},
                 {"hide_collections", false},
                 {"discoverable", true},
                 {"indexable", true}};
  j["role"] = everyone_role();
  return j;
}

json mastodon_network::status_json(const call& c, world& w, const item& s,
                                   const caller& who) const {
  const user* author = w.find_user(id(), s.author_id);
  std::string handle = author ? author->handle : s.author_id;
  std::string content;
  for (char ch : html_escape(s.text))
    content += ch == '\n' ? std::string("<br />") : std::string(1, ch);
  json j = {{"id", s.id},
            {"created_at", iso_time(s.created_at)},
            {"in_reply_to_id", nullptr},
            {"in_reply_to_account_id", nullptr},
            {"sensitive", false},
            {"spoiler_text", ""},
            {"visibility", visibility_of(s)},
            {"language", "en"},
            {"uri", c.base_url + "/users/" + handle + "/statuses/" + s.id},
            {"url", c.base_url + "/@" + handle + "/" + s.id},
            {"replies_count", 0},
            {"reblogs_count", s.reposted_by.size()},
            {"favourites_count", s.liked_by.size()},
            {"edited_at", nullptr},
            {"content", "<p>" + content + "</p>"},
            {"reblog", nullptr},
            {"application", nullptr},
            {"account", author ? account_json(c, w, *author) : json(nullptr)},
            {"media_attachments", json::array()},
            {"mentions", json::array()},
            {"tags", json::array()},
            {"emojis", json::array()},
            {"card", nullptr},
            {"poll", nullptr}};
  if (const item* parent = w.find_item(id(), s.in_reply_to)) {
    j["in_reply_to_id"] = parent->id;
    j["in_reply_to_account_id"] = parent->author_id;
  }
  std::size_t replies = 0;
  for (const item* other : w.items(id()))
    replies += other->in_reply_to == s.id;
  j["replies_count"] = replies;
  if (!s.to_account.empty())
    if (const user* to = w.find_user(id(), s.to_account))
      j["mentions"].push_back({{"id", to->id},
                               {"username", to->handle},
                               {"url", c.base_url + "/@" + to->handle},
                               {"acct", to->handle}});
  for (const auto& m : s.media_ids)
    j["media_attachments"].push_back(media_entity(c, w, m));
  if (auto app = application_of_.find(s.id); app != application_of_.end())
    j["application"] = {{"name", app->second}, {"website", nullptr}};
  // Viewer-relative fields are only present for a signed-in viewer;
  // `pinned` only where the viewer could pin (own, not direct).
  if (who.me) {
    j["favourited"] = s.liked_by.count(who.me->id) > 0;
    j["reblogged"] = s.reposted_by.count(who.me->id) > 0;
    j["muted"] = false;
    j["bookmarked"] = false;
    if (s.author_id == who.me->id && visibility_of(s) != "direct")
      j["pinned"] = false;
    j["filtered"] = json::array(); // the emulator has no filters
  }
  return j;
}

json mastodon_network::notification_json(const call& c, world& w,
                                         const notification& n,
                                         const caller& who) const {
  json j = {{"id", std::to_string(n.id)},
            {"type", n.type},
            {"group_key", n.group_key.empty()
                            ? "ungrouped-" + std::to_string(n.id)
                            : n.group_key},
            {"created_at", iso_time(n.created_at)},
            {"account", nullptr}};
  if (const user* from = w.find_user(id(), n.account_id))
    j["account"] = account_json(c, w, *from);
  if (const item* s = w.find_item(id(), n.status_id))
    j["status"] = status_json(c, w, *s, who);
  return j;
}

void mastodon_network::notify(world& w, std::string type,
                              std::string recipient, std::string account,
                              std::string status, std::int64_t created_at) {
  notification n{w.next_number(), std::move(type), std::move(recipient),
                 std::move(account), std::move(status), created_at, {}};
  // Favourites and reblogs of one status share a group while they keep
  // coming: the group's hour bucket is reused until 12 hours pass without
  // one (Notification::Groups#set_group_key!).
  if (n.type == "favourite" || n.type == "reblog") {
    std::string prefix = n.type + "-" + n.status_id;
    auto& g = groups_[n.recipient_id + "/" + prefix];
    std::int64_t bucket = created_at / 3600;
    if (created_at < g.expires_at
        && bucket < g.hour_bucket + group_span_s / 3600)
      bucket = g.hour_bucket;
    g = {bucket, created_at + group_span_s};
    n.group_key = prefix + "-" + std::to_string(bucket);
  }
  notifications_.push_back(std::move(n));
}

} // namespace socialcrm::sim::mastodon
