#pragma once

#include "protocol/crm_messages.hpp"
#include "protocol/error.hpp"

#include <SQLiteCpp/Database.h>

namespace socialcrm::storage {

/// What hangs off a CRM record: notes and tasks (of a lead, contact or
/// deal) and logged e-mails (of a lead or contact). Same shape as
/// record_repository: create, find, update the fields in `changed`, delete,
/// list (optionally of one record) with paging.
class attachment_repository {
public:
  explicit attachment_repository(SQLite::Database& db);

  expected<note_data> create(const note_data& n, unix_ms now);
  expected<note_data> find(const note_data& key);
  expected<note_data> update(const note_data& patch, unix_ms now);
  expected<note_data> remove(const note_data& key);
  record_page<note_data> list(const list_query<note_data>& q);

  expected<task_data> create(const task_data& t, unix_ms now);
  expected<task_data> find(const task_data& key);
  expected<task_data> update(const task_data& patch, unix_ms now);
  expected<task_data> remove(const task_data& key);
  record_page<task_data> list(const list_query<task_data>& q);

  expected<email_data> create(const email_data& e, unix_ms now);
  expected<email_data> find(const email_data& key);
  expected<email_data> update(const email_data& patch, unix_ms now);
  expected<email_data> remove(const email_data& key);
  record_page<email_data> list(const list_query<email_data>& q);

private:
  /// `record_not_found` unless the record a note, task or e-mail names
  /// exists.
  std::optional<error_info> check_record(const std::string& type,
                                         std::int64_t id);
  SQLite::Database& db_;
};

} // namespace socialcrm::storage
