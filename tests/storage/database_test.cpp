#include "storage/checkpointer.hpp"
#include "storage/database.hpp"
#include "storage/migrations.hpp"
#include "storage/people_repository.hpp"
#include "tests/support/temp_dir.hpp"

#include <SQLiteCpp/Transaction.h>
#include <catch2/catch.hpp>

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <mutex>
#include <stdexcept>
#include <thread>
#include <vector>

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

TEST_CASE("the background checkpointer keeps the WAL of a writer without "
          "automatic checkpoints from growing",
          "[storage][checkpoint]") {
  test::temp_dir dir;
  auto path = dir.file("crm.db");
  database writer(path);
  writer.set_autocheckpoint(0);
  auto wal_bytes = [&] {
    return std::filesystem::file_size(path + "-wal");
  };
  auto write_rows = [&](int n) {
    SQLite::Transaction tx(writer.handle());
    people_repository people(writer.handle());
    for (int i = 0; i < n; ++i)
      people.create(record_type::lead,
                    {.last_name = std::string(400, 'a' + i % 26)}, 1);
    tx.commit();
  };
  std::vector<std::string> errors;
  checkpointer cp(path, std::chrono::milliseconds(10),
                  [&](const std::string& e) { errors.push_back(e); });
  // Each round writes about 2,000 WAL pages and waits until the
  // checkpointer has copied all of them; the writer then starts the WAL
  // over, so its size stays near one round's instead of growing with all
  // ten (without the checkpointer it would: autocheckpoint is off).
  std::uintmax_t largest = 0;
  for (int round = 0; round < 10; ++round) {
    write_rows(2000);
    largest = std::max(largest, wal_bytes());
    auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
    auto caught_up = [&] {
      auto s = cp.snapshot();
      return s.wal_frames > 0 && s.copied_frames == s.wal_frames;
    };
    // A run that began before this round's commit may report the previous
    // WAL; wait for two more runs.
    auto runs = cp.snapshot().runs;
    while ((cp.snapshot().runs < runs + 2 || !caught_up())
           && std::chrono::steady_clock::now() < deadline)
      std::this_thread::sleep_for(std::chrono::milliseconds(5));
    REQUIRE(caught_up());
  }
  CHECK(errors.empty());
  CHECK(cp.snapshot().failures == 0);
  // Ten rounds of about 1 MB each went through a WAL never much larger
  // than two rounds.
  auto total = std::filesystem::file_size(path);
  INFO("largest WAL " << largest << " bytes, database " << total << " bytes");
  CHECK(largest * 4 < total);
  CHECK(writer.integrity_check() == "ok");
  CHECK(writer.handle().execAndGet("SELECT COUNT(*) FROM leads").getInt()
        == 20000);
}

TEST_CASE("a checkpointer that cannot open its database reports it once "
          "and keeps trying",
          "[storage][checkpoint]") {
  test::temp_dir dir;
  std::vector<std::string> errors;
  std::mutex m;
  checkpointer cp(dir.file("missing/dir/crm.db"), std::chrono::milliseconds(5),
                  [&](const std::string& e) {
                    std::lock_guard g{m};
                    errors.push_back(e);
                  });
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
  while (cp.snapshot().failures < 3
         && std::chrono::steady_clock::now() < deadline)
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  auto s = cp.snapshot();
  CHECK(s.failures >= 3);
  CHECK_FALSE(s.last_error.empty());
  std::lock_guard g{m};
  CHECK(errors.size() == 1);
}

namespace {

// One commit of `n` leads of about 3 KB each: a page or so of WAL apiece.
void commit_leads(database& writer, people_repository& people, int n) {
  SQLite::Transaction tx(writer.handle());
  for (int i = 0; i < n; ++i)
    people.create(record_type::lead,
                  {.last_name = std::string(3000, 'a' + i % 26)}, 1);
  tx.commit();
}

} // namespace

TEST_CASE("under writes that never pause the WAL stays bounded: the "
          "writer's backstop checkpoint finishes what the background one "
          "cannot",
          "[storage][checkpoint]") {
  test::temp_dir dir;
  auto path = dir.file("crm.db");
  database writer(path);
  // As the store does, with a smaller backstop so the test stays quick.
  constexpr int backstop = 500;
  checkpointer cp(path, std::chrono::milliseconds(5));
  cp.watch(writer, {.restart_pages = 200, .backstop_pages = backstop});
  std::uintmax_t largest = 0;
  people_repository people(writer.handle());
  // About 10,000 WAL pages, commit after commit with no pause: the
  // background checkpoint always finds frames newer than what it copied.
  for (int commit = 0; commit < 400; ++commit) {
    commit_leads(writer, people, 25);
    largest = std::max(largest, std::filesystem::file_size(path + "-wal"));
  }
  auto page = static_cast<std::uintmax_t>(
    writer.handle().execAndGet("PRAGMA page_size").getInt());
  auto total_pages = std::filesystem::file_size(path) / page;
  INFO("largest WAL " << largest / page << " pages, database " << total_pages
                      << " pages");
  REQUIRE(total_pages > 8 * backstop);
  // Without the backstop the WAL holds every page written (about 50,000
  // here). With it, a few backstops at most: a restart is skipped while
  // the background checkpoint reads, and the next backstop catches it.
  CHECK(largest / page < 8 * backstop);
  CHECK(cp.snapshot().backstops > 0);
  CHECK(writer.integrity_check() == "ok");
}

TEST_CASE("a commit that leaves the WAL past its restart size wakes the "
          "checkpointer, and the writer then starts the WAL over without "
          "checkpointing itself",
          "[storage][checkpoint]") {
  test::temp_dir dir;
  auto path = dir.file("crm.db");
  database writer(path);
  constexpr int restart = 200;
  // No timer runs (an hour) and no backstop: only the wake-ups can keep
  // the WAL small.
  checkpointer cp(path, std::chrono::hours(1));
  cp.watch(writer, {.restart_pages = restart, .backstop_pages = 1'000'000});
  people_repository people(writer.handle());
  std::uintmax_t largest = 0;
  for (int commit = 0; commit < 300; ++commit) {
    commit_leads(writer, people, 10);
    largest = std::max(largest, std::filesystem::file_size(path + "-wal"));
    // A store between two batches: the pass this commit woke, if it woke
    // one, ends before the next commit.
    auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
    while (cp.snapshot().woken < cp.snapshot().wakes
           && std::chrono::steady_clock::now() < deadline)
      std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  auto page = static_cast<std::uintmax_t>(
    writer.handle().execAndGet("PRAGMA page_size").getInt());
  auto s = cp.snapshot();
  INFO("largest WAL " << largest / page << " pages, " << s.woken
                      << " wake-ups, database "
                      << std::filesystem::file_size(path) / page << " pages");
  // About 12,000 pages were written; the WAL kept to the restart size and
  // one commit (some 40 pages) more.
  CHECK(largest / page < 2 * restart);
  CHECK(s.woken > 10);
  CHECK(s.backstops == 0);
  CHECK(s.failures == 0);
  CHECK(writer.integrity_check() == "ok");
}
