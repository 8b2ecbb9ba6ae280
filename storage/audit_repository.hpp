#pragma once

// The actor console's audit log (issue 22): every pause, resume, restart
// and poll, who asked it and what it touched. Rows are only ever added.

#include "protocol/types.hpp"

#include <SQLiteCpp/Database.h>

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace socialcrm::storage {

struct audit_entry {
  std::int64_t id = 0;
  unix_ms at = 0;
  std::int64_t user_id = 0;
  std::string user_email;
  std::string action; // pause, resume, restart, poll
  std::string target; // the actor id asked for, or the selector as JSON
  std::string ids;    // JSON array of the actor ids acted on
  std::string result; // ok, not_found, none_matched, ...
};

class audit_repository {
public:
  explicit audit_repository(SQLite::Database& db) : db_(db) {}

  /// Adds `e` (its id is assigned) and returns the new id.
  std::int64_t add(const audit_entry& e);

  /// Newest first: at most `limit` entries with an id below `before`
  /// (0: from the newest).
  std::vector<audit_entry> list(std::int64_t before, std::int64_t limit);

private:
  SQLite::Database& db_;
};

} // namespace socialcrm::storage
