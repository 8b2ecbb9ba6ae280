#include "storage/attachment_repository.hpp"

#include "protocol/permission_rules.hpp"
#include "storage/record_repository.hpp"
#include "storage/sql_values.hpp"

#include <SQLiteCpp/Statement.h>

namespace socialcrm::storage {

namespace {

constexpr const char* note_columns =
    "id, record_type, record_id, body, COALESCE(created_by, 0), created_at";
constexpr const char* task_columns =
    "id, record_type, record_id, subject, COALESCE(due_at, 0), status, "
    "COALESCE(created_by, 0), created_at";
constexpr const char* email_columns =
    "id, record_type, record_id, direction, from_addr, to_addr, subject, "
    "body, answered, sent_at";

note_data read_note(SQLite::Statement& st) {
  note_data n;
  n.id = st.getColumn(0).getInt64();
  n.record_type = st.getColumn(1).getString();
  n.record_id = st.getColumn(2).getInt64();
  n.body = st.getColumn(3).getString();
  n.created_by = st.getColumn(4).getInt64();
  n.created_at = st.getColumn(5).getInt64();
  return n;
}

task_data read_task(SQLite::Statement& st) {
  task_data t;
  t.id = st.getColumn(0).getInt64();
  t.record_type = st.getColumn(1).getString();
  t.record_id = st.getColumn(2).getInt64();
  t.subject = st.getColumn(3).getString();
  t.due_at = st.getColumn(4).getInt64();
  t.status = st.getColumn(5).getString();
  t.created_by = st.getColumn(6).getInt64();
  t.created_at = st.getColumn(7).getInt64();
  return t;
}

email_data read_email(SQLite::Statement& st) {
  email_data e;
  e.id = st.getColumn(0).getInt64();
  e.record_type = st.getColumn(1).getString();
  e.record_id = st.getColumn(2).getInt64();
  e.direction = st.getColumn(3).getString();
  e.from_addr = st.getColumn(4).getString();
  e.to_addr = st.getColumn(5).getString();
  e.subject = st.getColumn(6).getString();
  e.body = st.getColumn(7).getString();
  e.answered = st.getColumn(8).getInt() != 0;
  e.sent_at = st.getColumn(9).getInt64();
  return e;
}

sql_value optional_id(std::int64_t id) {
  return id != 0 ? sql_value{id} : sql_value{nullptr};
}

// One find / remove / list for the three tables.
template <class Record, class Read>
expected<Record> find_in(SQLite::Database& db, const char* table,
                         const char* columns, const char* what, std::int64_t id,
                         Read read) {
  SQLite::Statement st(db, std::string("SELECT ") + columns + " FROM " + table +
                               " WHERE id = ?");
  st.bind(1, id);
  if (!st.executeStep())
    return make_error("not_found", std::string(what) + " " +
                                       std::to_string(id) + " does not exist");
  return read(st);
}

// Deletes the row `found` was read from; answers with what was deleted, or
// with `found`'s not_found error when there was nothing to delete.
template <class Record>
expected<Record> remove_found(SQLite::Database& db, const char* table,
                              std::int64_t id, expected<Record> found) {
  if (found)
    delete_row(db, table, id);
  return found;
}

template <class Record, class Read>
record_page<Record> list_in(SQLite::Database& db, const char* table,
                            const char* columns, const record_filter& f,
                            Read read) {
  SQLite::Statement st(db, std::string("SELECT ") + columns + " FROM " + table +
                               " WHERE (?1 = '' OR record_type = ?1) AND "
                               "(?2 = 0 OR record_id = ?2) "
                               "ORDER BY id LIMIT ?3 OFFSET ?4");
  st.bind(1, f.record_type);
  st.bind(2, f.record_id);
  st.bind(3, f.limit + 1);
  st.bind(4, f.offset);
  return read_page<record_page<Record>>(st, f.limit, read);
}

} // namespace

attachment_repository::attachment_repository(SQLite::Database& db)
    : db_(db) {}

std::optional<error_info>
attachment_repository::check_record(const std::string& type, std::int64_t id) {
  auto table = record_table(type);
  if (table && row_exists(db_, table, id))
    return std::nullopt;
  return make_error("record_not_found",
                    type + " " + std::to_string(id) + " does not exist");
}

// -- notes
// ----------------------------------------------------------------------

expected<note_data> attachment_repository::create(const note_data& n,
                                                  unix_ms now) {
  if (auto err = check_record(n.record_type, n.record_id))
    return *err;
  auto id = insert_row(db_, "notes",
                       {{"record_type", n.record_type},
                        {"record_id", n.record_id},
                        {"body", n.body},
                        {"created_by", optional_id(n.created_by)},
                        {"created_at", now}});
  return find(note_data{.id = id});
}

expected<note_data> attachment_repository::find(const note_data& key) {
  return find_in<note_data>(db_, "notes", note_columns, "note", key.id,
                            read_note);
}

expected<note_data> attachment_repository::update(const note_data& patch,
                                                  unix_ms) {
  std::vector<column_value> values;
  if (names(patch.changed, "body"))
    values.push_back({"body", patch.body});
  update_row(db_, "notes", patch.id, values);
  return find(patch); // not_found when there was no such note
}

expected<note_data> attachment_repository::remove(const note_data& key) {
  return remove_found(db_, "notes", key.id, find(key));
}

record_page<note_data>
attachment_repository::list(const list_query<note_data>& q) {
  return list_in<note_data>(db_, "notes", note_columns, q.filter, read_note);
}

// -- tasks
// ----------------------------------------------------------------------

expected<task_data> attachment_repository::create(const task_data& t,
                                                  unix_ms now) {
  if (auto err = check_record(t.record_type, t.record_id))
    return *err;
  auto id = insert_row(db_, "tasks",
                       {{"record_type", t.record_type},
                        {"record_id", t.record_id},
                        {"subject", t.subject},
                        {"due_at", optional_id(t.due_at)},
                        {"status", t.status},
                        {"created_by", optional_id(t.created_by)},
                        {"created_at", now}});
  return find(task_data{.id = id});
}

expected<task_data> attachment_repository::find(const task_data& key) {
  return find_in<task_data>(db_, "tasks", task_columns, "task", key.id,
                            read_task);
}

expected<task_data> attachment_repository::update(const task_data& patch,
                                                  unix_ms) {
  std::vector<column_value> values;
  if (names(patch.changed, "subject"))
    values.push_back({"subject", patch.subject});
  if (names(patch.changed, "due_at"))
    values.push_back({"due_at", optional_id(patch.due_at)});
  if (names(patch.changed, "status"))
    values.push_back({"status", patch.status});
  update_row(db_, "tasks", patch.id, values);
  return find(patch);
}

expected<task_data> attachment_repository::remove(const task_data& key) {
  return remove_found(db_, "tasks", key.id, find(key));
}

record_page<task_data>
attachment_repository::list(const list_query<task_data>& q) {
  return list_in<task_data>(db_, "tasks", task_columns, q.filter, read_task);
}

// -- e-mails
// --------------------------------------------------------------------

expected<email_data> attachment_repository::create(const email_data& e,
                                                   unix_ms now) {
  if (auto err = check_record(e.record_type, e.record_id))
    return *err;
  auto id = insert_row(db_, "emails",
                       {{"record_type", e.record_type},
                        {"record_id", e.record_id},
                        {"direction", e.direction},
                        {"from_addr", e.from_addr},
                        {"to_addr", e.to_addr},
                        {"subject", e.subject},
                        {"body", e.body},
                        {"answered", std::int64_t{e.answered ? 1 : 0}},
                        {"sent_at", e.sent_at != 0 ? e.sent_at : now}});
  return find(email_data{.id = id});
}

expected<email_data> attachment_repository::find(const email_data& key) {
  return find_in<email_data>(db_, "emails", email_columns, "email", key.id,
                             read_email);
}

expected<email_data> attachment_repository::update(const email_data& patch,
                                                   unix_ms) {
  std::vector<column_value> values;
  if (names(patch.changed, "subject"))
    values.push_back({"subject", patch.subject});
  if (names(patch.changed, "body"))
    values.push_back({"body", patch.body});
  if (names(patch.changed, "answered"))
    values.push_back({"answered", std::int64_t{patch.answered ? 1 : 0}});
  update_row(db_, "emails", patch.id, values);
  return find(patch);
}

expected<email_data> attachment_repository::remove(const email_data& key) {
  return remove_found(db_, "emails", key.id, find(key));
}

record_page<email_data>
attachment_repository::list(const list_query<email_data>& q) {
  return list_in<email_data>(db_, "emails", email_columns, q.filter,
                             read_email);
}

} // namespace socialcrm::storage
