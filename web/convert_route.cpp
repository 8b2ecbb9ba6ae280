// POST /api/v1/leads/{id}/convert: a lead becomes a contact (SPEC S-2.1).
// The contact is made from the lead's fields and takes over everything that
// hung off the lead: social profiles (so its past and future posts stay
// matched, S-2.4), notes, tasks, logged e-mails, the custom columns that
// follow it and its activity entries. One IMMEDIATE transaction: either the
// lead is a contact with all of that, or nothing changed. Afterwards the
// classifier recomputes the contact's standing, which moves the posts in
// every open social tab to the contact (S-3.7).

#include "protocol/type_ids.hpp"
#include "storage/record_repository.hpp"
#include "web/codecs.hpp"
#include "web/routes.hpp"
#include "web/social_common.hpp"

#include <SQLiteCpp/Statement.h>
#include <SQLiteCpp/Transaction.h>
#include <caf/send.hpp>
#include <spdlog/spdlog.h>

namespace socialcrm::web {

namespace {

// Tables whose rows name a person by (record_type, record_id) and go with
// the lead. person_standing is not here: the lead's row is dropped and the
// contact's is written by the classifier's refresh, which is what tells the
// classifier and the open views that these authors are the contact now.
constexpr const char* moved_tables[] = {"social_profiles", "notes", "tasks",
                                        "emails", "column_people",
                                        "activity"};

expected<person_data> convert(storage::database& db, std::int64_t lead_id) {
  auto& h = db.handle();
  SQLite::Transaction tx(h, SQLite::TransactionBehavior::IMMEDIATE);
  storage::record_repository records(h);
  auto lead = records.find(person_data{.ref = {record_type::lead, lead_id}});
  if (!lead)
    return lead.error();
  auto fields = *lead;
  fields.ref = {record_type::contact, 0};
  fields.origin = "converted";
  auto contact = records.create(fields, now_ms());
  if (!contact)
    return contact;
  for (const char* table : moved_tables) {
    SQLite::Statement move(h, std::string("UPDATE ") + table +
                                  " SET record_type = 'contact', "
                                  "record_id = ?1 WHERE record_type = "
                                  "'lead' AND record_id = ?2");
    move.bind(1, contact->ref.id);
    move.bind(2, lead_id);
    move.exec();
  }
  SQLite::Statement standing(h, "DELETE FROM person_standing WHERE "
                                "record_type = 'lead' AND record_id = ?");
  standing.bind(1, lead_id);
  standing.exec();
  // Nothing hangs off the lead any more: this deletes the row only.
  auto gone = records.remove(person_data{.ref = {record_type::lead, lead_id}});
  if (!gone)
    return gone.error();
  tx.commit();
  return contact;
}

void convert_lead(const call_ptr& c) {
  // Converting creates a contact: it needs what creating one needs, a
  // signed-in user (the router checked that, and CSRF for cookies).
  auto id = c->id_param();
  if (!id)
    return;
  if (!c->state.pool)
    return c->fail(make_error("social_unavailable",
                              "this server process has no database "
                              "workers to convert with"));
  run_blocking(c, [c, lead_id = *id](storage::database& db) {
    auto contact = convert(db, lead_id);
    if (!contact)
      return c->fail(contact.error());
    auto answer = nlohmann::json{{"contact", to_json(*contact)},
                                 {"lead_id", std::to_string(lead_id)}};
    // Custom columns that followed the lead follow the contact now.
    if (c->state.social && c->state.social->supervisor)
      caf::anon_send(c->state.social->supervisor, rescan_atom::value);
    // The contact has no stored standing yet, so the refresh always
    // publishes one change naming the moved profiles: the classifier's
    // index and every open view take the posts over from the lead. The
    // conversion stands either way; a failed refresh is logged.
    ask_or<standing_event>(
        c, c->state.classifier,
        [c, answer](standing_event&) { c->reply_json(201, answer); },
        [c, answer, who = contact->ref](const error_info& e) {
          spdlog::warn("standing of converted contact {} not refreshed: {}",
                       who.id, e.message);
          c->reply_json(201, answer);
        },
        refresh_atom::value, contact->ref);
  });
}

} // namespace

void add_convert_route(router& r) {
  r.add({"POST", "/api/v1/leads/{id}/convert", convert_lead, true, false,
         "Converts a lead into a contact with its social profiles, notes, "
         "tasks and e-mails"});
}

} // namespace socialcrm::web
