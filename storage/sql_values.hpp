#pragma once

// Building INSERT and UPDATE statements from a list of (column, value)
// pairs, for the CRM records whose PATCH touches only the fields a client
// sent. Column names come from the repositories' own tables, never from
// the client.

#include <SQLiteCpp/Database.h>
#include <SQLiteCpp/Statement.h>

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

namespace socialcrm::storage {

/// NULL, an integer or a text. A plain struct rather than std::variant:
/// GCC 12 reports false -Wmaybe-uninitialized warnings for a variant
/// holding a std::string when it is copied around in initializer lists.
struct sql_value {
  enum class kind { null, integer, text };
  kind type = kind::null;
  std::int64_t integer = 0;
  std::string text;

  sql_value(std::nullptr_t = nullptr) {}
  sql_value(std::int64_t i)
      : type(kind::integer)
      , integer(i) {}
  sql_value(std::string s)
      : type(kind::text)
      , text(std::move(s)) {}
  sql_value(const char* s)
      : type(kind::text)
      , text(s) {}
};

struct column_value {
  const char* column;
  sql_value value;
};

void bind_value(SQLite::Statement& st, int index, const sql_value& v);

/// INSERT INTO table (columns...) VALUES (...); returns the new row id.
std::int64_t insert_row(SQLite::Database& db, const char* table,
                        const std::vector<column_value>& values);

/// UPDATE table SET columns... WHERE id = ?; returns the rows changed.
int update_row(SQLite::Database& db, const char* table, std::int64_t id,
               const std::vector<column_value>& values);

/// DELETE FROM table WHERE id = ?; returns the rows deleted.
int delete_row(SQLite::Database& db, const char* table, std::int64_t id);

/// Whether table has a row with this id.
bool row_exists(SQLite::Database& db, const char* table, std::int64_t id);

/// Reads up to `limit` rows with `read` from a statement that was asked
/// for `limit + 1`; the extra row only says that another page exists.
template <class Page, class Read>
Page read_page(SQLite::Statement& st, std::int64_t limit, Read read) {
  Page page;
  while (st.executeStep()) {
    if (static_cast<std::int64_t>(page.items.size()) == limit) {
      page.more = true;
      break;
    }
    page.items.push_back(read(st));
  }
  return page;
}

/// `text` with LIKE's wildcards escaped by '\', wrapped in '%'.
std::string like_pattern(const std::string& text);

} // namespace socialcrm::storage
