#include "storage/database.hpp"
#include "storage/migrations.hpp"
#include "storage/people_repository.hpp"
#include "tests/support/temp_dir.hpp"

#include <SQLiteCpp/Transaction.h>
#include <catch2/catch.hpp>

#include <stdexcept>

using namespace socialcrm;
using namespace socialcrm::storage;

TEST_CASE("a new database file is migrated to the latest schema",
          "[storage]") {
  test::temp_dir dir;
  auto path = dir.file("crm.db");
  {
    database db(path);
    CHECK(db.schema_version() == latest_schema_version());
    CHECK(db.handle().tableExists("posts"));
    CHECK(db.handle().tableExists("linked_accounts"));
    CHECK(db.handle().execAndGet("PRAGMA journal_mode").getString() == "wal");
    CHECK(db.handle().execAndGet("PRAGMA foreign_keys").getInt() == 1);
    people_repository people(db.handle());
    people.create(record_type::lead, {.last_name = "Tanaka"}, 1);
  }
  SECTION("reopening keeps the data and does not migrate again") {
    database db(path);
    CHECK(db.schema_version() == latest_schema_version());
    CHECK(db.handle().execAndGet("SELECT last_name FROM leads").getString()
          == "Tanaka");
    CHECK(db.integrity_check() == "ok");
  }
  SECTION("a reader opens beside the writer") {
    database writer(path);
    database reader(path, access::read_only);
    CHECK(reader.handle().execAndGet("SELECT COUNT(*) FROM leads").getInt()
          == 1);
  }
}

TEST_CASE("a database from a newer socialcrm is refused, not downgraded",
          "[storage]") {
  test::temp_dir dir;
  auto path = dir.file("crm.db");
  {
    database db(path);
    db.handle().exec("PRAGMA user_version = "
                     + std::to_string(latest_schema_version() + 1));
  }
  CHECK_THROWS_WITH(database(path), Catch::Contains("newer than this"));
}

TEST_CASE("a transaction that throws rolls back everything it wrote",
          "[storage]") {
  database db(":memory:");
  people_repository people(db.handle());
  try {
    SQLite::Transaction tx(db.handle());
    people.create(record_type::contact, {.last_name = "Sato"}, 1);
    throw std::runtime_error("half-way");
  } catch (const std::runtime_error&) {
  }
  CHECK(db.handle().execAndGet("SELECT COUNT(*) FROM contacts").getInt() == 0);
}

TEST_CASE("the schema refuses values outside the enumerations", "[storage]") {
  database db(":memory:");
  people_repository people(db.handle());
  auto id = people.create(record_type::contact, {.last_name = "Ito"}, 1);
  CHECK_THROWS(db.handle().exec(
    "INSERT INTO deals (contact_id, name, stage, created_at, updated_at) "
    "VALUES (" + std::to_string(id) + ", 'x', 'pending', 0, 0)"));
  CHECK_NOTHROW(db.handle().exec(
    "INSERT INTO deals (contact_id, name, stage, created_at, updated_at) "
    "VALUES (" + std::to_string(id) + ", 'x', 'open', 0, 0)"));
}
