#include "storage/sql_values.hpp"

namespace socialcrm::storage {

void bind_value(SQLite::Statement& st, int index, const sql_value& v) {
  switch (v.type) {
  case sql_value::kind::integer:
    st.bind(index, v.integer);
    break;
  case sql_value::kind::text:
    st.bind(index, v.text);
    break;
  case sql_value::kind::null:
    st.bind(index);
    break;
  }
}

std::int64_t insert_row(SQLite::Database& db, const char* table,
                        const std::vector<column_value>& values) {
  std::string cols;
  std::string marks;
  for (auto& v : values) {
    cols += (cols.empty() ? "" : ", ") + std::string(v.column);
    marks += marks.empty() ? "?" : ", ?";
  }
  SQLite::Statement st(db, std::string("INSERT INTO ") + table + " (" + cols +
                               ") VALUES (" + marks + ")");
  int i = 1;
  for (auto& v : values)
    bind_value(st, i++, v.value);
  st.exec();
  return db.getLastInsertRowid();
}

int update_row(SQLite::Database& db, const char* table, std::int64_t id,
               const std::vector<column_value>& values) {
  if (values.empty())
    return row_exists(db, table, id) ? 1 : 0;
  std::string sets;
  for (auto& v : values)
    sets += (sets.empty() ? "" : ", ") + std::string(v.column) + " = ?";
  SQLite::Statement st(db, std::string("UPDATE ") + table + " SET " + sets +
                               " WHERE id = ?");
  int i = 1;
  for (auto& v : values)
    bind_value(st, i++, v.value);
  st.bind(i, id);
  return st.exec();
}

int delete_row(SQLite::Database& db, const char* table, std::int64_t id) {
  SQLite::Statement st(db,
                       std::string("DELETE FROM ") + table + " WHERE id = ?");
  st.bind(1, id);
  return st.exec();
}

bool row_exists(SQLite::Database& db, const char* table, std::int64_t id) {
  SQLite::Statement st(db,
                       std::string("SELECT 1 FROM ") + table + " WHERE id = ?");
  st.bind(1, id);
  return st.executeStep();
}

std::string like_pattern(const std::string& text) {
  std::string out = "%";
  for (char c : text) {
    if (c == '%' || c == '_' || c == '\\')
      out += '\\';
    out += c;
  }
  return out + "%";
}

} // namespace socialcrm::storage
