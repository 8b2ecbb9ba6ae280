#include "storage/cursor_repository.hpp"

namespace socialcrm::storage {

cursor_repository::cursor_repository(SQLite::Database& db)
  : put_(db, "INSERT INTO poll_cursors (source_key, value, updated_at) "
             "VALUES (?1, ?2, ?3) ON CONFLICT (source_key) DO UPDATE "
             "SET value = ?2, updated_at = ?3"),
    get_(db, "SELECT value FROM poll_cursors WHERE source_key = ?") {
}

void cursor_repository::put(const std::string& key, const std::string& value,
                            unix_ms now) {
  put_.tryReset();
  put_.bind(1, key);
  put_.bind(2, value);
  put_.bind(3, now);
  put_.exec();
}

std::optional<std::string> cursor_repository::get(const std::string& key) {
  get_.tryReset();
  get_.bind(1, key);
  if (!get_.executeStep())
    return std::nullopt;
  auto value = get_.getColumn(0).getString();
  get_.tryReset(); // ends the statement's read transaction now
  return value;
}

} // namespace socialcrm::storage
