#pragma once

// A lead becomes a contact (SPEC S-2.1, POST /leads/{id}/convert): the
// contact is made from the lead's fields and takes over everything that
// hung off the lead (social profiles, so its past and future posts stay
// matched, S-2.4; notes, tasks, logged e-mails, the custom columns that
// follow it, its activity entries), all in one IMMEDIATE transaction.

#include "protocol/crm_messages.hpp"
#include "protocol/error.hpp"

#include <SQLiteCpp/Database.h>
#include <SQLiteCpp/Statement.h>

#include <cstdint>
#include <vector>

namespace socialcrm::storage {

class conversion_repository {
public:
  explicit conversion_repository(SQLite::Database& db);

  /// Converts lead `lead_id`: either the lead is the returned contact with
  /// all that hung off it, or nothing changed. The lead's stored standing
  /// is dropped, not moved: the contact's is for the classifier to write,
  /// which is what tells it and the open views that these authors are the
  /// contact now. Codes: record_repository's (not_found for no such lead).
  expected<person_data> convert(std::int64_t lead_id, unix_ms now);

private:
  SQLite::Database& db_;
  std::vector<SQLite::Statement> moves_; // one per table that goes along
  SQLite::Statement drop_standing_;
};

} // namespace socialcrm::storage
