// Mastodon's account endpoints (the signed-in user, lookups, an account's
// statuses), notifications and search.

#include "sim/mastodon_network.hpp"

#include <algorithm>
#include <cctype>

namespace socialcrm::sim::mastodon {

using nlohmann::json;

// --- accounts --------------------------------------------------------------

http::response mastodon_network::verify_credentials(const call& c, world& w,
                                                    const caller& who) {
  if (auto e = require_user(who, "read:accounts"))
    return *e;
  return json_response(200, credential_account_json(c, w, *who.me));
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
  return paged_answer(c, out, keys, range, p.limit);
}

// --- notifications -----------------------------------------------------------

http::response mastodon_network::notifications(const call& c, world& w,
                                               const caller& who) {
  if (auto e = require_user(who, "read:notifications"))
    return *e;
  auto types = array_param(c, "types");
  auto excluded = array_param(c, "exclude_types");
  auto from = c.param("account_id");
  // Newest first.
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
  // The world applies duplicate / out-of-order faults to lists of items:
  // one placeholder item per notification stands in for it (not its
  // status: a favourite and a reblog of one status are two notifications).
  std::vector<std::uint64_t> keys;
  std::vector<item> slots(mine.size());
  std::vector<const item*> placeholders;
  for (std::size_t i = 0; i < mine.size(); ++i) {
    keys.push_back(mine[i]->id);
    placeholders.push_back(&slots[i]);
  }
  auto p = page_params_of(c, notifications_default, notifications_max);
  auto range = select_page(keys, p);
  json out = json::array();
  for (const item* slot :
       w.page_with_faults(id(), placeholders, range.begin, range.end))
    out.push_back(notification_json(
      c, w, *mine[static_cast<std::size_t>(slot - slots.data())], who));
  return paged_answer(c, out, keys, range, p.limit);
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
  auto matches = [&](const std::string& text) {
    return matches_all_terms(q, text);
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

} // namespace socialcrm::sim::mastodon
