#include "storage/access_repository.hpp"
#include "storage/account_repository.hpp"
#include "storage/checkpointer.hpp"
#include "storage/column_repository.hpp"
#include "storage/cursor_repository.hpp"
#include "storage/database.hpp"
#include "storage/migrations.hpp"
#include "storage/oauth_state_repository.hpp"
#include "storage/people_repository.hpp"
#include "storage/writer.hpp"
#include "tests/support/temp_dir.hpp"

#include <SQLiteCpp/Transaction.h>
#include <catch2/catch.hpp>

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <mutex>
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

TEST_CASE("a migration step that fails leaves the database at the version "
          "before it, with nothing of the step",
          "[storage][migrations]") {
  test::temp_dir dir;
  auto path = dir.file("crm.db");
  {
    SQLite::Database old(path, SQLite::OPEN_READWRITE | SQLite::OPEN_CREATE);
    migrate_to(old, 2);
    old.exec("INSERT INTO profiles (id, name, created_at) "
             "VALUES (1, 'Standard', 1)");
    // Version 3 creates unlinked_posts, then id_sequence: with a table of
    // that name in the way, its step fails after writing something.
    old.exec("CREATE TABLE id_sequence (x INTEGER)");
  }
  CHECK_THROWS_WITH(database(path), Catch::Contains("id_sequence"));
  SQLite::Database after(path, SQLite::OPEN_READONLY);
  CHECK(after.execAndGet("PRAGMA user_version").getInt() == 2);
  CHECK_FALSE(after.tableExists("unlinked_posts"));
  CHECK(after.execAndGet("SELECT COUNT(*) FROM profiles").getInt() == 1);
}

namespace {

// What a database of version 1 holds: two linked accounts (one since told
// to link again), their posts and one post whose account was unlinked back
// then, a keyword column with a post filed under it, and a poll cursor.
constexpr const char* version_1_rows = R"SQL(
INSERT INTO profiles (id, name, builtin, created_at)
  VALUES (1, 'Standard', 1, 1);
INSERT INTO users (id, email, name, password_hash, profile_id, created_at)
  VALUES (1, 'ann@example.com', 'Ann', '-', 1, 1);
INSERT INTO linked_accounts (id, network, network_user_id, handle, status,
                             created_at)
  VALUES (1, 'x', 'org', 'acme', 'active', 1),
         (5, 'mastodon', 'm1', 'acme@social', 'reauth_required', 2);
INSERT INTO posts (id, seq, network, external_id, account_id, kind,
                   author_id, text, created_at, stored_at)
  VALUES (1, 1, 'x', 'p1', 1, 'mention', 'fan', 'hello', 10, 10),
         (2, 2, 'mastodon', 'p2', 5, 'dm', 'fan2', 'psst', 11, 11),
         (3, 3, 'x', 'p3', NULL, 'mention', 'fan', 'orphan', 12, 12);
INSERT INTO user_columns (id, user_id, type, title, created_at)
  VALUES (3, 1, 'keyword', 'brand', 1);
INSERT INTO column_terms (column_id, position, term) VALUES (3, 0, 'acme');
INSERT INTO column_posts (column_id, post_id) VALUES (3, 1);
INSERT INTO poll_cursors (source_key, value, updated_at)
  VALUES ('account:1:mentions', 'p1', 10);
)SQL";

// What version 2 added: a profile's operations set by an administrator
// (view only, fewer than the defaults) and an OAuth link under way.
constexpr const char* version_2_rows = R"SQL(
INSERT INTO account_operations (account_id, profile_id, operation)
  VALUES (1, 1, 'view');
INSERT INTO account_operations_set (account_id, profile_id) VALUES (1, 1);
INSERT INTO oauth_states (state, network, user_id, created_at)
  VALUES ('st8', 'x', 1, 20);
)SQL";

// A database file as socialcrm of schema `version` left it: made by that
// version's migration steps and holding the rows of each version.
void make_old_database(const std::string& path, int version) {
  SQLite::Database db(path, SQLite::OPEN_READWRITE | SQLite::OPEN_CREATE);
  db.exec("PRAGMA foreign_keys = ON");
  migrate_to(db, version);
  REQUIRE(db.execAndGet("PRAGMA user_version").getInt() == version);
  db.exec(version_1_rows);
  if (version >= 2)
    db.exec(version_2_rows);
}

} // namespace

TEST_CASE("a database of an older version keeps its data when opened, and "
          "what the newer versions add works on it",
          "[storage][migrations]") {
  auto from = GENERATE(1, 2);
  INFO("from version " << from);
  test::temp_dir dir;
  auto path = dir.file("crm.db");
  make_old_database(path, from);
  database db(path);
  REQUIRE(db.schema_version() == latest_schema_version());
  CHECK(db.integrity_check() == "ok");

  account_repository accounts(db.handle());
  auto all = accounts.all();
  REQUIRE(all.size() == 2);
  CHECK(all[0].handle == "acme");
  CHECK(all[0].status == account_status::active);
  CHECK(all[1].net == network::mastodon);
  CHECK(all[1].status == account_status::reauth_required);
  CHECK(accounts.post_count(1) == 1);
  CHECK(accounts.post_count(5) == 1);
  CHECK(cursor_repository(db.handle()).get("account:1:mentions") == "p1");
  auto columns = column_repository(db.handle()).all();
  REQUIRE(columns.size() == 1);
  CHECK(columns[0].id == 3);
  CHECK(columns[0].terms == std::vector<std::string>{"acme"});
  // Live events go on after the newest stored one.
  CHECK(writer(db).last_seq() == 3);

  access_repository access(db.handle());
  if (from >= 2) {
    CHECK(access.operations(1, 1, false) == operation_set{operation::view});
    CHECK(oauth_state_repository(db.handle()).take("st8", 1, 0));
  } else {
    CHECK(access.operations(1, 1, false) == default_operations(false));
  }

  // Version 3: no id is handed out again, counting the rows already there.
  linked_account fresh;
  fresh.net = network::bluesky;
  fresh.network_user_id = "b1";
  CHECK(accounts.add(fresh, 1, 30) == 6);
  // Version 3: an unlinked account's posts come back when it is linked
  // again; the post unlinked under version 1 cannot be traced and stays
  // without an account.
  REQUIRE(accounts.remove(1));
  linked_account relinked;
  relinked.net = network::x;
  relinked.network_user_id = "org";
  auto id = accounts.add(relinked, 1, 40);
  CHECK(accounts.post_count(id) == 1);
  CHECK(db.handle()
          .execAndGet("SELECT COUNT(*) FROM posts WHERE account_id IS NULL")
          .getInt()
        == 1);
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

TEST_CASE("when the background checkpoint cannot run, the writer's "
          "backstop checkpoint keeps the WAL bounded",
          "[storage][checkpoint]") {
  test::temp_dir dir;
  auto path = dir.file("crm.db");
  database writer(path);
  // As the store does, with a smaller backstop so the test stays quick.
  constexpr int backstop = 500;
  // The background pass never runs: its timer is an hour away and no
  // commit wakes it (the restart size lies past the backstop). That is
  // what commits which never pause do to it, made certain here.
  checkpointer cp(path, std::chrono::hours(1));
  cp.watch(writer,
           {.restart_pages = 100 * backstop, .backstop_pages = backstop});
  std::uintmax_t largest = 0;
  people_repository people(writer.handle());
  // About 10,000 WAL pages, commit after commit.
  for (int commit = 0; commit < 400; ++commit) {
    commit_leads(writer, people, 25);
    largest = std::max(largest, std::filesystem::file_size(path + "-wal"));
  }
  auto page = static_cast<std::uintmax_t>(
    writer.handle().execAndGet("PRAGMA page_size").getInt());
  auto total_pages = std::filesystem::file_size(path) / page;
  auto s = cp.snapshot();
  INFO("largest WAL " << largest / page << " pages, database " << total_pages
                      << " pages, " << s.backstops << " backstops");
  REQUIRE(total_pages > 8 * backstop);
  CHECK(s.runs == 0);
  // Without the backstop the WAL holds every page written. With it, the
  // backstop's pages and one commit: nobody else reads the WAL, so each
  // backstop copies all of it and the next commit starts it over.
  CHECK(largest / page < 2 * backstop);
  CHECK(s.backstops > 0);
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
