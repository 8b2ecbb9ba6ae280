#include "storage/migrations.hpp"

#include <SQLiteCpp/Transaction.h>

#include <algorithm>
#include <stdexcept>
#include <string>
#include <vector>

namespace socialcrm::storage {

namespace {

// Index i holds the step from version i to version i+1. Steps are never
// edited once released: a change to the schema is a new step.
const std::vector<const char*>& steps() {
  static const std::vector<const char*> all{
#include "storage/schema_v1.sql.inc"
      ,
#include "storage/schema_v2.sql.inc"
      ,
#include "storage/schema_v3.sql.inc"
      ,
#include "storage/schema_v4.sql.inc"
  };
  return all;
}

} // namespace

int latest_schema_version() {
  return static_cast<int>(steps().size());
}

void migrate(SQLite::Database& db) {
  migrate_to(db, latest_schema_version());
}

void migrate_to(SQLite::Database& db, int version) {
  int current = db.execAndGet("PRAGMA user_version").getInt();
  if (current > latest_schema_version())
    throw std::runtime_error(
      "database schema version " + std::to_string(current)
      + " is newer than this socialcrm (" + std::to_string(latest_schema_version())
      + "); upgrade socialcrm");
  for (int v = current; v < std::min(version, latest_schema_version()); ++v) {
    SQLite::Transaction tx(db, SQLite::TransactionBehavior::IMMEDIATE);
    db.exec(steps()[static_cast<size_t>(v)]);
    db.exec("PRAGMA user_version = " + std::to_string(v + 1));
    tx.commit();
  }
}

} // namespace socialcrm::storage
