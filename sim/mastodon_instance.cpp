// Mastodon's conversations (direct message threads), media uploads and the
// instance's description (v1 and v2).

#include "sim/mastodon_network.hpp"

#include "sim/multipart.hpp"

#include <set>

namespace socialcrm::sim::mastodon {

using nlohmann::json;

// --- conversations -----------------------------------------------------------

http::response mastodon_network::conversations(const call& c, world& w,
                                               const caller& who) {
  if (auto e = require_user(who, "read:statuses"))
    return *e;
  // Each conversation is listed by its newest status; pages follow those
  // statuses' ids (Mastodon paginates AccountConversation by
  // last_status_id).
  std::map<std::string, const item*> last;
  for (const item* s : w.items(id()))
    if (visibility_of(*s) == "direct"
        && (s->author_id == who.me->id || s->to_account == who.me->id)) {
      auto& l = last[s->conversation_id];
      if (!l || newest_first(s, l))
        l = s;
    }
  std::vector<const item*> lasts;
  for (auto& [key, s] : last)
    lasts.push_back(s);
  std::sort(lasts.begin(), lasts.end(), newest_first);
  auto keys = keys_of(lasts);
  auto p = page_params_of(c, statuses_default, statuses_max);
  auto range = select_page(keys, p);
  json out = json::array();
  for (const item* s : w.page_with_faults(id(), lasts, range.begin, range.end)) {
    auto& conv_id = conversation_ids_[s->conversation_id];
    if (conv_id.empty())
      conv_id = std::to_string(w.next_number());
    json accounts = json::array();
    std::set<std::string> others;
    for (const item* t : w.items(id()))
      if (t->conversation_id == s->conversation_id)
        for (const auto& uid : {t->author_id, t->to_account})
          if (!uid.empty() && uid != who.me->id && others.insert(uid).second)
            if (const user* u = w.find_user(id(), uid))
              accounts.push_back(account_json(c, w, *u));
    out.push_back({{"id", conv_id},
                   {"unread", s->author_id != who.me->id},
                   {"accounts", accounts},
                   {"last_status", status_json(c, w, *s, who)}});
  }
  return paged_answer(c, out, keys, range, p.limit);
}

// --- media and instance --------------------------------------------------------

http::response mastodon_network::upload_media(const call& c, world& w,
                                              const caller& who) {
  if (auto e = require_user(who, "write:media"))
    return *e;
  auto parts = parse_multipart(c.http.headers.value("Content-Type"),
                               c.http.body);
  const form_part* file = nullptr;
  if (parts)
    for (const auto& part : *parts)
      if (part.name == "file")
        file = &part;
  if (!file)
    return error(422, "Validation failed: File can't be blank");
  if (file->body.size() > max_image_bytes)
    return error(422, "Validation failed: File file size must be less than "
                      "16 MB");
  auto type = file->content_type.empty() ? std::string("application/octet-stream")
                                         : file->content_type;
  const media& m = w.upload_media(id(), who.me->id, file->body.size(), type);
  // Images this small are processed at once: 200 with the URL set (202
  // and url null is for media still processing).
  if (auto d = param_of(c, "description"))
    media_descriptions_[m.id] = *d;
  return json_response(200, media_entity(c, w, m.id));
}

// Clients that upload through /api/v2/media poll here until `url` is set
// (masto.js does); the emulator's media are processed at once.
http::response mastodon_network::get_media(const call& c, world& w,
                                           const caller& who,
                                           const std::string& media_id) {
  if (auto e = require_user(who, "write:media"))
    return *e;
  const media* m = w.find_media(id(), media_id);
  if (!m || m->owner_id != who.me->id)
    return not_found();
  return json_response(200, media_entity(c, w, m->id));
}

namespace {

/// Limits Mastodon 4.3 publishes in its configuration (the constants of
/// its validators and models: FeaturedTag::LIMIT, StatusPinValidator,
/// Attachmentable, MediaAttachment, PollValidator).
json accounts_config() {
  return {{"max_featured_tags", 10}, {"max_pinned_statuses", 5}};
}

json media_config() {
  return {{"supported_mime_types",
           {"image/jpeg", "image/png", "image/gif", "image/heic",
            "image/heif", "image/webp", "image/avif", "video/webm",
            "video/mp4", "video/quicktime", "video/ogg"}},
          {"image_size_limit", max_image_bytes},
          {"image_matrix_limit", 33177600},
          {"video_size_limit", 103809024},
          {"video_frame_rate_limit", 120},
          {"video_matrix_limit", 8294400}};
}

json polls_config() {
  return {{"max_options", 4},
          {"max_characters_per_option", 50},
          {"min_expiration", 300},
          {"max_expiration", 2629746}};
}

} // namespace

http::response mastodon_network::instance(const call& c, world& w, bool v2) {
  std::string domain = c.base_url.substr(c.base_url.find("://") + 3);
  std::string streaming = (c.base_url.rfind("https:", 0) == 0 ? "wss://"
                                                               : "ws://")
                          + domain;
  // The default thumbnail every instance without an uploaded one shows.
  std::string thumbnail = c.base_url + "/packs/media/images/preview.png";
  std::string description = "Emulated Mastodon server (socialcrm sim)";
  json statuses = {{"max_characters", status_char_limit},
                   {"max_media_attachments", max_media_per_status},
                   {"characters_reserved_per_url", url_chars}};
  // Emulates a Mastodon 4.3 server: clients pick their features by it.
  if (v2) {
    json icons = json::array();
    for (int size : {36, 48, 72, 96, 144, 192, 256, 384, 512}) {
      auto sz = std::to_string(size) + "x" + std::to_string(size);
      icons.push_back({{"src", c.base_url + "/packs/media/icons/android-chrome-"
                                 + sz + ".png"},
                       {"size", sz}});
    }
    return json_response(
      200,
      {{"domain", domain},
       {"title", "socialcrm emulator"},
       {"version", emulated_version},
       {"source_url", "https://github.com/mastodon/mastodon"},
       {"description", description},
       {"usage", {{"users", {{"active_month", w.users(id()).size()}}}}},
       {"thumbnail", {{"url", thumbnail}}},
       {"icon", icons},
       {"languages", json::array({"en"})},
       {"configuration",
        {{"urls", {{"streaming", streaming}, {"status", nullptr}}},
         {"vapid", {{"public_key", vapid_public_key}}},
         {"accounts", accounts_config()},
         {"statuses", statuses},
         {"media_attachments", media_config()},
         {"polls", polls_config()},
         {"translation", {{"enabled", false}}}}},
       {"registrations", {{"enabled", false},
                          {"approval_required", false},
                          {"message", nullptr},
                          {"url", nullptr}}},
       {"api_versions", {{"mastodon", emulated_api_version}}},
       {"contact", {{"email", contact_email}, {"account", nullptr}}},
       {"rules", json::array()}});
  }
  return json_response(
    200, {{"uri", domain},
          {"title", "socialcrm emulator"},
          {"short_description", description},
          {"description", description},
          {"email", contact_email},
          {"version", emulated_version},
          {"urls", {{"streaming_api", streaming}}},
          {"stats", {{"user_count", w.users(id()).size()},
                     {"status_count", w.item_count(id())},
                     {"domain_count", 1}}},
          {"thumbnail", thumbnail},
          {"languages", json::array({"en"})},
          {"registrations", false},
          {"approval_required", false},
          {"invites_enabled", false},
          {"configuration", {{"accounts", {{"max_featured_tags", 10}}},
                             {"statuses", statuses},
                             {"media_attachments", media_config()},
                             {"polls", polls_config()}}},
          {"contact_account", nullptr},
          {"rules", json::array()}});
}

} // namespace socialcrm::sim::mastodon
