#include "sim/mastodon_network.hpp"

#include "sim/multipart.hpp"

#include <algorithm>
#include <cctype>
#include <set>

namespace socialcrm::sim::mastodon {

using nlohmann::json;

namespace {

/// Checks a protected endpoint's token as Doorkeeper and Mastodon's
/// Api::BaseController do: 401 without a valid token, 403 when its scopes
/// do not cover the endpoint, 422 for app tokens on user endpoints.
std::optional<http::response> require_user(const caller& who,
                                           std::string_view scope) {
  if (!who.tok)
    return error(401, who.rejected.empty() ? "The access token is invalid"
                                           : who.rejected);
  if (!has_scope(*who.tok, scope))
    return error(403, "This action is outside the authorized scopes");
  if (!who.me)
    return error(422, "This method requires an authenticated user");
  return std::nullopt;
}

bool truthy(const std::optional<std::string>& v) {
  return v && (*v == "true" || *v == "1");
}

std::string lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(),
                 [](unsigned char ch) { return std::tolower(ch); });
  return s;
}

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

std::vector<std::uint64_t> keys_of(const std::vector<const item*>& items) {
  std::vector<std::uint64_t> keys;
  for (const item* s : items)
    keys.push_back(parse_id(s->id).value_or(0));
  return keys;
}

bool newest_first(const item* a, const item* b) {
  return parse_id(a->id).value_or(0) > parse_id(b->id).value_or(0);
}

} // namespace

http::response mastodon_network::route_api(const call& c, world& w,
                                           const caller& who) {
  auto s = c.segments(); // "api", "v1", ...
  const auto& m = c.method();
  auto is = [&](std::initializer_list<const char*> parts) {
    if (s.size() != parts.size())
      return false;
    std::size_t i = 0;
    for (const char* p : parts) {
      if (std::string_view(p) != "*" && s[i] != p)
        return false;
      ++i;
    }
    return true;
  };
  if (m == "POST" && is({"api", "v1", "apps"}))
    return create_app(c, w);
  if (m == "GET" && is({"api", "v1", "apps", "verify_credentials"}))
    return verify_app(c, w, who);
  if (m == "GET" && is({"api", "v1", "instance"}))
    return instance(c, w, false);
  if (m == "GET" && is({"api", "v2", "instance"}))
    return instance(c, w, true);
  if (m == "GET" && is({"api", "v1", "accounts", "verify_credentials"}))
    return verify_credentials(c, w, who);
  if (m == "GET" && is({"api", "v1", "accounts", "lookup"}))
    return lookup_account(c, w, who);
  if (m == "GET" && is({"api", "v1", "accounts", "*"}))
    return get_account(c, w, who, s[3]);
  if (m == "GET" && is({"api", "v1", "accounts", "*", "statuses"}))
    return account_statuses(c, w, who, s[3]);
  if (m == "GET" && is({"api", "v1", "notifications"}))
    return notifications(c, w, who);
  if (m == "GET" && is({"api", "v2", "search"}))
    return search(c, w, who);
  if (m == "POST" && is({"api", "v1", "statuses"}))
    return create_status(c, w, who);
  if (m == "GET" && is({"api", "v1", "statuses", "*"}))
    return get_status(c, w, who, s[3]);
  if (m == "POST" && is({"api", "v1", "statuses", "*", "favourite"}))
    return favourite(c, w, who, s[3]);
  if (m == "POST" && is({"api", "v1", "statuses", "*", "reblog"}))
    return reblog(c, w, who, s[3]);
  if (m == "GET" && is({"api", "v1", "conversations"}))
    return conversations(c, w, who);
  if (m == "POST" && (is({"api", "v1", "media"}) || is({"api", "v2", "media"})))
    return upload_media(c, w, who);
  return not_found();
}

// --- accounts --------------------------------------------------------------

http::response mastodon_network::verify_credentials(const call& c, world& w,
                                                    const caller& who) {
  if (auto e = require_user(who, "read:accounts"))
    return *e;
  json j = account_json(c, w, *who.me);
  j["source"] = {{"privacy", "public"},
                 {"sensitive", false},
                 {"language", ""},
                 {"note", ""},
                 {"fields", json::array()},
                 {"follow_requests_count", 0}};
  return json_response(200, j);
}

http::response mastodon_network::lookup_account(const call& c, world& w,
                                                const caller&) {
  auto acct = c.param("acct").value_or("");
  if (!acct.empty() && acct.front() == '@')
    acct.erase(0, 1);
  // "user@this.instance" names a local account too.
  acct = acct.substr(0, acct.find('@'));
  const user* u = acct.empty() ? nullptr : w.find_user_by_handle(id(), acct);
  if (!u)
    return not_found();
  return json_response(200, account_json(c, w, *u));
}

http::response mastodon_network::get_account(const call& c, world& w,
                                             const caller&,
                                             const std::string& account_id) {
  const user* u = w.find_user(id(), account_id);
  if (!u)
    return not_found();
  return json_response(200, account_json(c, w, *u));
}

http::response mastodon_network::account_statuses(
  const call& c, world& w, const caller& who, const std::string& account_id) {
  if (!w.find_user(id(), account_id))
    return not_found();
  bool exclude_replies = truthy(c.param("exclude_replies"));
  bool only_media = truthy(c.param("only_media"));
  std::vector<const item*> all;
  // Pinned statuses: the emulator pins none.
  if (!truthy(c.param("pinned")))
    for (const item* s : w.items(id())) {
      if (s->author_id != account_id || visibility_of(*s) == "direct"
          || !visible_to(*s, who))
        continue;
      if (exclude_replies && !s->in_reply_to.empty())
        continue;
      if (only_media && s->media_ids.empty())
        continue;
      all.push_back(s);
    }
  std::sort(all.begin(), all.end(), newest_first);
  auto keys = keys_of(all);
  auto p = page_params_of(c, statuses_default, statuses_max);
  auto range = select_page(keys, p);
  json out = json::array();
  for (const item* s : w.page_with_faults(id(), all, range.begin, range.end))
    out.push_back(status_json(c, w, *s, who));
  auto r = json_response(200, out);
  if (range.end > range.begin)
    add_link_header(r, c, range.end - range.begin, p.limit, keys[range.begin],
                    keys[range.end - 1]);
  return r;
}

// --- notifications -----------------------------------------------------------

http::response mastodon_network::notifications(const call& c, world& w,
                                               const caller& who) {
  if (auto e = require_user(who, "read:notifications"))
    return *e;
  auto types = array_param(c, "types");
  auto excluded = array_param(c, "exclude_types");
  auto from = c.param("account_id");
  // Newest first; the statuses stand in for their notifications when the
  // world applies duplicate / out-of-order faults to the page.
  std::vector<const notification*> mine;
  for (auto it = notifications_.rbegin(); it != notifications_.rend(); ++it) {
    const auto& n = *it;
    if (n.recipient_id != who.me->id)
      continue;
    if (!types.empty()
        && std::find(types.begin(), types.end(), n.type) == types.end())
      continue;
    if (std::find(excluded.begin(), excluded.end(), n.type) != excluded.end())
      continue;
    if (from && n.account_id != *from)
      continue;
    if (!w.find_item(id(), n.status_id))
      continue;
    mine.push_back(&n);
  }
  std::vector<std::uint64_t> keys;
  std::vector<const item*> statuses;
  std::map<const item*, const notification*> by_status;
  for (const notification* n : mine) {
    keys.push_back(n->id);
    const item* s = w.find_item(id(), n->status_id);
    statuses.push_back(s);
    by_status.emplace(s, n);
  }
  auto p = page_params_of(c, notifications_default, notifications_max);
  auto range = select_page(keys, p);
  json out = json::array();
  for (const item* s :
       w.page_with_faults(id(), statuses, range.begin, range.end))
    out.push_back(notification_json(c, w, *by_status.at(s), who));
  auto r = json_response(200, out);
  if (range.end > range.begin)
    add_link_header(r, c, range.end - range.begin, p.limit, keys[range.begin],
                    keys[range.end - 1]);
  return r;
}

// --- search ----------------------------------------------------------------

http::response mastodon_network::search(const call& c, world& w,
                                        const caller& who) {
  auto q = c.param("q").value_or("");
  if (q.empty())
    return error(400, "param is missing or the value is empty: q");
  auto type = c.param("type").value_or("");
  if (!type.empty() && type != "accounts" && type != "statuses"
      && type != "hashtags")
    return error(400, "Invalid type");
  if (!who.me && truthy(c.param("resolve")))
    return error(401, "Search queries that resolve remote resources are not "
                      "supported without authentication");
  if (!who.me && c.param("offset"))
    return error(401, "Search queries with offset are not supported without "
                      "authentication");
  std::size_t offset = 0;
  if (auto o = c.param("offset"))
    offset = static_cast<std::size_t>(parse_id(*o).value_or(0));
  auto p = page_params_of(c, statuses_default, statuses_max);
  // Every whitespace-separated term must occur, case-insensitively.
  std::vector<std::string> terms;
  {
    std::string term;
    for (char ch : lower(q) + " ") {
      if (std::isspace(static_cast<unsigned char>(ch))) {
        if (!term.empty())
          terms.push_back(term);
        term.clear();
      } else if (ch != '"') {
        term.push_back(ch);
      }
    }
  }
  auto matches = [&](const std::string& text) {
    auto t = lower(text);
    for (const auto& term : terms)
      if (t.find(term) == std::string::npos)
        return false;
    return !terms.empty();
  };
  json out = {{"accounts", json::array()},
              {"statuses", json::array()},
              {"hashtags", json::array()}};
  if (type.empty() || type == "accounts") {
    std::size_t skipped = 0;
    for (const user* u : w.users(id())) {
      if (!matches(u->handle + " " + u->name))
        continue;
      if (skipped++ < offset)
        continue;
      if (out["accounts"].size() >= p.limit)
        break;
      out["accounts"].push_back(account_json(c, w, *u));
    }
  }
  if (type.empty() || type == "statuses") {
    auto account = c.param("account_id");
    std::vector<const item*> hits;
    for (const item* s : w.items(id()))
      if (visible_to(*s, who) && visibility_of(*s) != "direct"
          && matches(s->text) && (!account || s->author_id == *account))
        hits.push_back(s);
    std::sort(hits.begin(), hits.end(), newest_first);
    auto keys = keys_of(hits);
    auto range = select_page(keys, p);
    range.begin = std::min(range.end, range.begin + offset);
    for (const item* s : w.page_with_faults(id(), hits, range.begin, range.end))
      out["statuses"].push_back(status_json(c, w, *s, who));
  }
  return json_response(200, out);
}

// --- statuses ----------------------------------------------------------------

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
      notifications_.push_back({w.next_number(), "favourite", s->author_id,
                                who.me->id, s->id, w.now()});
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
      notifications_.push_back({w.next_number(), "reblog", s->author_id,
                                who.me->id, s->id, w.now()});
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
  return json_response(200, j);
}

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
  auto r = json_response(200, out);
  if (range.end > range.begin)
    add_link_header(r, c, range.end - range.begin, p.limit, keys[range.begin],
                    keys[range.end - 1]);
  return r;
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
  const media& m = w.add_media(id(), who.me->id, file->body.size(), type);
  published_entry e;
  e.network = std::string(id());
  e.action = "media";
  e.actor_id = who.me->id;
  e.external_id = m.id;
  e.media_bytes = {m.bytes};
  w.record_published(std::move(e));
  std::string url = c.base_url + "/system/media_attachments/files/" + m.id;
  std::string kind = type.rfind("video/", 0) == 0 ? "video" : "image";
  return json_response(
    200, {{"id", m.id},
          {"type", kind},
          {"url", url + "/original"},
          {"preview_url", url + "/small"},
          {"remote_url", nullptr},
          {"text_url", nullptr},
          {"meta", json::object()},
          {"description", param_of(c, "description").value_or("")},
          {"blurhash", nullptr}});
}

http::response mastodon_network::instance(const call& c, world& w, bool v2) {
  std::string domain = c.base_url.substr(c.base_url.find("://") + 3);
  json statuses = {{"max_characters", status_char_limit},
                   {"max_media_attachments", max_media_per_status},
                   {"characters_reserved_per_url", url_chars}};
  // Emulates a Mastodon 4.3 server: clients pick their features by it.
  if (v2)
    return json_response(
      200, {{"domain", domain},
            {"title", "socialcrm emulator"},
            {"version", "4.3.0"},
            {"source_url", "https://github.com/mastodon/mastodon"},
            {"description", "Emulated Mastodon server (socialcrm sim)"},
            {"usage", {{"users", {{"active_month", w.users(id()).size()}}}}},
            {"languages", json::array({"en"})},
            {"configuration", {{"statuses", statuses}}},
            {"registrations", {{"enabled", false},
                               {"approval_required", false},
                               {"message", nullptr}}},
            {"rules", json::array()}});
  return json_response(
    200, {{"uri", domain},
          {"title", "socialcrm emulator"},
          {"short_description", "Emulated Mastodon server (socialcrm sim)"},
          {"description", "Emulated Mastodon server (socialcrm sim)"},
          {"email", ""},
          {"version", "4.3.0"},
          {"urls", json::object()},
          {"stats", {{"user_count", w.users(id()).size()},
                     {"status_count", w.item_count(id())},
                     {"domain_count", 1}}},
          {"languages", json::array({"en"})},
          {"registrations", false},
          {"approval_required", false},
          {"configuration", {{"statuses", statuses}}}});
}

} // namespace socialcrm::sim::mastodon
