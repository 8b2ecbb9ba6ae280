#include "storage/conversion_repository.hpp"

#include "storage/record_repository.hpp"

#include <SQLiteCpp/Transaction.h>

#include <string>

namespace socialcrm::storage {

namespace {

// Tables whose rows name a person by (record_type, record_id) and go with
// the lead. person_standing is not here: see convert().
constexpr const char* moved_tables[] = {"social_profiles", "notes", "tasks",
                                        "emails", "column_people",
                                        "activity"};

} // namespace

conversion_repository::conversion_repository(SQLite::Database& db)
  : db_(db),
    drop_standing_(db, "DELETE FROM person_standing WHERE "
                       "record_type = 'lead' AND record_id = ?") {
  for (const char* table : moved_tables)
    moves_.emplace_back(db, std::string("UPDATE ") + table
                              + " SET record_type = 'contact', "
                                "record_id = ?1 WHERE record_type = "
                                "'lead' AND record_id = ?2");
}

expected<person_data> conversion_repository::convert(std::int64_t lead_id,
                                                     unix_ms now) {
  SQLite::Transaction tx(db_, SQLite::TransactionBehavior::IMMEDIATE);
  record_repository records(db_);
  auto lead = records.find(person_data{.ref = {record_type::lead, lead_id}});
  if (!lead)
    return lead.error();
  auto fields = *lead;
  fields.ref = {record_type::contact, 0};
  fields.origin = "converted";
  auto contact = records.create(fields, now);
  if (!contact)
    return contact;
  for (auto& move : moves_) {
    move.tryReset();
    move.bind(1, contact->ref.id);
    move.bind(2, lead_id);
    move.exec();
  }
  drop_standing_.tryReset();
  drop_standing_.bind(1, lead_id);
  drop_standing_.exec();
  // Nothing hangs off the lead any more: this deletes the row only.
  auto gone = records.remove(person_data{.ref = {record_type::lead, lead_id}});
  if (!gone)
    return gone.error();
  tx.commit();
  return contact;
}

} // namespace socialcrm::storage
