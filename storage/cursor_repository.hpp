#pragma once

#include "protocol/types.hpp"

#include <SQLiteCpp/Database.h>
#include <SQLiteCpp/Statement.h>

#include <optional>
#include <string>

namespace socialcrm::storage {

/// Poll cursors of source actors (since_id, pagination tokens).
class cursor_repository {
public:
  explicit cursor_repository(SQLite::Database& db);

  void put(const std::string& key, const std::string& value, unix_ms now);
  std::optional<std::string> get(const std::string& key);

private:
  SQLite::Statement put_;
  SQLite::Statement get_;
};

} // namespace socialcrm::storage
