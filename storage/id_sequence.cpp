#include "storage/id_sequence.hpp"

#include <SQLiteCpp/Statement.h>

#include <stdexcept>

namespace socialcrm::storage {

namespace {

const char* name_of(id_table t) {
  switch (t) {
    case id_table::linked_accounts:
      return "linked_accounts";
    case id_table::user_columns:
      return "user_columns";
  }
  return "";
}

} // namespace

std::int64_t next_id(SQLite::Database& db, id_table table) {
  SQLite::Statement st(db, "UPDATE id_sequence SET last = last + 1 "
                           "WHERE name = ? RETURNING last");
  st.bind(1, name_of(table));
  if (!st.executeStep())
    throw std::runtime_error(std::string("no id sequence for ")
                             + name_of(table));
  auto id = st.getColumn(0).getInt64();
  // SQLite makes the change on the first step; stepping on to the end
  // finishes the statement now rather than when it is destroyed.
  while (st.executeStep()) {
  }
  return id;
}

} // namespace socialcrm::storage
