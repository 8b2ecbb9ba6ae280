#pragma once

#include "protocol/crm_messages.hpp"
#include "protocol/error.hpp"

#include <SQLiteCpp/Database.h>

namespace socialcrm::storage {

/// Leads, contacts and deals as the REST API reads and writes them (SPEC
/// S-2.1): create, find, update the fields named in `changed`, delete, and
/// list with name search and paging. Each call runs inside the caller's
/// transaction. Refusals: `not_found`, `record_not_found` (a reference to a
/// record that does not exist).
class record_repository {
public:
  explicit record_repository(SQLite::Database& db);

  expected<person_data> create(const person_data& p, unix_ms now);
  expected<person_data> find(const person_data& key);
  expected<person_data> update(const person_data& patch, unix_ms now);
  /// Deletes the person with their deals, notes, tasks and e-mails. Their
  /// social profiles stay until purge_profiles(), so the classifier can
  /// still name the authors whose posts leave the person's column.
  expected<person_data> remove(const person_data& key);
  record_page<person_data> list(const list_query<person_data>& q);

  expected<deal_data> create(const deal_data& d, unix_ms now);
  expected<deal_data> find(const deal_data& key);
  expected<deal_data> update(const deal_data& patch, unix_ms now);
  expected<deal_data> remove(const deal_data& key);
  record_page<deal_data> list(const list_query<deal_data>& q);

  /// Social profiles of a person (`not_found` when the person is not there).
  expected<record_page<social_profile_data>> profiles(person_ref who);
  /// Drops the social profiles of a person that no longer exists.
  std::int64_t purge_profiles(person_ref who);
  /// Posts of the person's social profiles, newest first (S-6.4).
  expected<record_page<stored_post>> interactions(const interactions_query& q);

  /// Posts stored per network and linked accounts per state, for /metrics.
  crm_stats stats();

private:
  SQLite::Database& db_;
};

/// The table of a person type.
const char* person_table(record_type t);

/// The table of a record type name ("lead", "contact", "deal"), or nullptr.
const char* record_table(const std::string& record_type);

} // namespace socialcrm::storage
