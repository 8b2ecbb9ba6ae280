#pragma once

#include <SQLiteCpp/Database.h>

namespace socialcrm::storage {

/// The schema version this binary writes.
int latest_schema_version();

/// Brings the schema from `PRAGMA user_version` to the latest version, each
/// step in its own transaction (a failed step leaves the previous version).
/// Throws std::runtime_error when the database is newer than this binary.
void migrate(SQLite::Database& db);

} // namespace socialcrm::storage
