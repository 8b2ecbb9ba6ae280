#pragma once

#include <SQLiteCpp/Database.h>

namespace socialcrm::storage {

/// The schema version this binary writes.
int latest_schema_version();

/// Brings the schema from `PRAGMA user_version` to the latest version, each
/// step in its own transaction (a failed step leaves the previous version).
/// Throws std::runtime_error when the database is newer than this binary.
void migrate(SQLite::Database& db);

/// migrate(), stopping at `version` (at most the latest): the schema an
/// older socialcrm wrote, made with the steps that made it then. For tests
/// of upgrades from a database holding data.
void migrate_to(SQLite::Database& db, int version);

} // namespace socialcrm::storage
