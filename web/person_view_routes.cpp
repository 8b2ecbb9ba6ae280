// The detail view of a person (SPEC S-6): CRM standing, social overview,
// and the Interactions / Info / History tabs, in one answer so the three
// panes open at once.

#include "protocol/permission_rules.hpp"
#include "storage/activity_repository.hpp"
#include "storage/attachment_repository.hpp"
#include "storage/person_view_repository.hpp"
#include "storage/record_repository.hpp"
#include "storage/standing_repository.hpp"
#include "web/codecs.hpp"
#include "web/routes.hpp"
#include "web/social_common.hpp"

#include <algorithm>

namespace socialcrm::web {

namespace {

using nlohmann::json;

/// Interactions and timeline entries shown at once; older ones page
/// through GET /{leads|contacts}/{id}/social-interactions.
constexpr int detail_page = 50;

/// Notes, tasks, deals and e-mails listed in the Info tab.
constexpr std::int64_t info_page = 100;

/// Activity entries in the History tab, as many as the Info tab lists.
constexpr int history_activity = 100;

// Posts addressed to the brand: what can be open (unanswered).
bool addressed_to_brand(post_kind k) {
  return k == post_kind::mention || k == post_kind::dm ||
         k == post_kind::comment || k == post_kind::reply ||
         k == post_kind::message;
}

// The standing stored for `who`; a person without deals is a lead or
// contact, which is what a person without a stored standing shows.
standing standing_of(storage::database& db, person_ref who) {
  storage::people_repository people(db.handle());
  storage::deal_repository deals(db.handle());
  storage::standing_repository standings(db.handle(), people, deals);
  auto stored = standings.stored(who);
  return stored == standing::unknown ? standing::leads : stored;
}

template <class Record>
json list_json(const record_page<Record>& page) {
  auto out = json::array();
  for (auto& r : page.items)
    out.push_back(to_json(r));
  return out;
}

// One History entry.
json event(unix_ms at, const std::string& what, const std::string& detail) {
  return {{"at", at}, {"event", what}, {"detail", detail}};
}

json history_of(storage::database& db, person_ref who, const json& deals,
                const json& notes, const json& tasks,
                const person_data& record) {
  auto out = json::array();
  out.push_back(event(record.created_at, std::string(to_string(who.type)) +
                                           "_created",
                      record.origin));
  for (auto& d : deals) {
    out.push_back(event(d.value("created_at", unix_ms{0}), "deal_created",
                        d.value("name", "")));
    if (d.value("stage", "open") != "open")
      out.push_back(event(d.value("closed_at", unix_ms{0}),
                          "deal_" + d.value("stage", "closed"),
                          d.value("name", "")));
  }
  for (auto& n : notes)
    out.push_back(event(n.value("created_at", unix_ms{0}), "note_added",
                        n.value("body", "").substr(0, 200)));
  for (auto& t : tasks)
    out.push_back(event(t.value("created_at", unix_ms{0}), "task_added",
                        t.value("subject", "")));
  storage::activity_repository activity(db.handle());
  for (auto& a : activity.about(who, history_activity))
    out.push_back(event(a.created_at, a.action, a.detail));
  std::stable_sort(out.begin(), out.end(), [](const json& a, const json& b) {
    return a["at"].get<unix_ms>() > b["at"].get<unix_ms>();
  });
  return out;
}

json detail_of(storage::database& db, const call_ptr& c, person_ref who,
               const person_data& record) {
  storage::record_repository records(db.handle());
  storage::attachment_repository attachments(db.handle());
  storage::feed_repository feed(db.handle());
  storage::account_repository accounts(db.handle());
  storage::person_view_repository views(db.handle());

  auto profiles = json::array();
  if (auto page = records.profiles(who))
    for (auto& p : page->items) {
      auto j = to_json(p);
      // S-2.2: Google+ associations work but the record page hides them.
      j["shown_on_record"] = p.key.net != network::googleplus;
      profiles.push_back(j);
    }

  // Interactions with the accounts this user sees; none at all when no
  // account is linked (S-1.7).
  bool any_linked = !accounts.all().empty();
  auto scope = scope_of(db, c->who);
  std::vector<storage::feed_item> posts;
  if (any_linked)
    for (auto& p : feed.person_posts(who, 0, detail_page))
      if (p.account_id == 0 ||
          std::find(scope.account_ids.begin(), scope.account_ids.end(),
                    p.account_id) != scope.account_ids.end())
        posts.push_back(p);
  auto interactions = json::array();
  auto open = json::array();
  auto timeline = json::array();
  for (auto& p : posts) {
    auto j = to_json(p);
    // Open: addressed to the organisation and not answered yet.
    bool is_open = addressed_to_brand(p.body.kind) && !views.answered(p);
    j["open"] = is_open;
    if (addressed_to_brand(p.body.kind))
      interactions.push_back(j);
    if (is_open)
      open.push_back(j);
    // S-6.3: the History tab shows X people's timeline.
    if (p.body.net == network::x)
      timeline.push_back(j);
  }

  record_filter f;
  f.record_type = std::string(to_string(who.type));
  f.record_id = who.id;
  f.limit = info_page;
  json deals = json::array();
  if (who.type == record_type::contact) {
    list_query<deal_data> dq;
    dq.filter.record_id = who.id;
    dq.filter.limit = info_page;
    deals = list_json(records.list(dq));
  }
  auto notes = list_json(attachments.list(list_query<note_data>{f}));
  auto tasks = list_json(attachments.list(list_query<task_data>{f}));
  auto emails_page = attachments.list(list_query<email_data>{f});
  auto emails = json::array();
  for (auto& e : emails_page.items) {
    auto j = to_json(e);
    j["open"] = e.direction == "in" && !e.answered;
    emails.push_back(j);
    if (e.direction == "in" && !e.answered)
      open.push_back(j);
  }

  return {{"person",
           {{"record_type", to_string(who.type)},
            {"record_id", std::to_string(who.id)}}},
          {"standing", to_string(standing_of(db, who))},
          {"record", to_json(record)},
          {"profiles", profiles},
          {"linked_accounts", any_linked},
          {"interactions",
           {{"items", interactions}, {"emails", emails}, {"open", open}}},
          {"info",
           {{"record", to_json(record)},
            {"deals", deals},
            {"notes", notes},
            {"tasks", tasks}}},
          {"history",
           {{"events", history_of(db, who, deals, notes, tasks, record)},
            {"timeline", timeline}}}};
}

// GET /social/people/{record_type}/{id}
void get_person(const call_ptr& c) {
  if (!require_social(c))
    return;
  auto type = parse_record_type(c->params["record_type"]);
  if (!type)
    return c->fail(make_error("not_found", "people are leads or contacts"));
  auto id = c->id_param();
  if (!id)
    return;
  person_ref who{*type, *id};
  run_blocking(c, [c, who](storage::database& db) {
    storage::record_repository records(db.handle());
    person_data key;
    key.ref = who;
    auto record = records.find(key);
    if (!record)
      return c->fail(make_error("person_not_found",
                                "no " + std::string(to_string(who.type)) +
                                  " has id " + std::to_string(who.id)));
    c->reply_json(200, detail_of(db, c, who, *record));
  });
}

} // namespace

void add_person_view_routes(router& r) {
  r.add({"GET", "/api/v1/social/people/{record_type}/{id}", get_person, true,
         false,
         "The detail view of a person: standing, profiles, interactions "
         "(open ones marked), info and history (S-6)"});
}

} // namespace socialcrm::web
