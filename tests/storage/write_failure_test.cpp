// A write refused for want of space: the error it answers, what the writer
// keeps, and how often the log says so.

#include "storage/database.hpp"
#include "storage/people_repository.hpp"
#include "storage/write_failure.hpp"
#include "storage/writer.hpp"
#include "tests/storage/fixtures.hpp"

#include <SQLiteCpp/Exception.h>
#include <catch2/catch.hpp>

using namespace socialcrm;
using namespace socialcrm::storage;
using socialcrm::test::make_post;
using namespace std::chrono_literals;

namespace {

constexpr unix_ms now = 1772323200000;

// Caps the database at its present size plus `spare` pages: the next
// write that needs more fails with SQLITE_FULL, as a full disk does.
void cap(database& db, int spare) {
  auto pages = db.handle().execAndGet("PRAGMA page_count").getInt();
  db.handle().exec("PRAGMA max_page_count = " + std::to_string(pages + spare));
}

// The exception SQLite throws when a write needs more pages than allowed.
SQLite::Exception full_exception() {
  database db(":memory:");
  db.handle().exec("CREATE TABLE big (x)");
  cap(db, 0);
  try {
    db.handle().exec("INSERT INTO big VALUES (zeroblob(100000))");
  } catch (const SQLite::Exception& e) {
    return e;
  }
  FAIL("the capped database took the write");
  throw std::logic_error("unreachable");
}

} // namespace

TEST_CASE("SQLite out of space answers storage_full, other failures "
          "storage_failure",
          "[storage][write_failure]") {
  auto full = full_exception();
  CHECK(is_storage_full(full));
  auto e = storage_error(full);
  CHECK(e.code == "storage_full");
  CHECK_THAT(e.message, Catch::Contains("full"));

  database db(":memory:");
  db.handle().exec("CREATE TABLE one (x UNIQUE); INSERT INTO one VALUES (1)");
  try {
    db.handle().exec("INSERT INTO one VALUES (1)");
    FAIL("the duplicate was taken");
  } catch (const SQLite::Exception& dup) {
    CHECK_FALSE(is_storage_full(dup));
    CHECK(storage_error(dup).code == "storage_failure");
  }
  CHECK(storage_error(std::runtime_error("other")).code == "storage_failure");
}

TEST_CASE("a group commit refused for want of space stores nothing and "
          "answers storage_full in every slot",
          "[storage][write_failure]") {
  database db(":memory:");
  db.handle().exec("INSERT INTO linked_accounts (id, network, "
                   "network_user_id, status, created_at) VALUES (1, 'x', "
                   "'org', 'active', 0)");
  writer w(db);
  w.ingest({{1, 0}, {make_post(network::x, "1", "a")}, {}}, now);
  cap(db, 0);
  std::vector<ingest_batch> batches(2);
  for (int b = 0; b < 2; ++b) {
    batches[b].source = {1, 0};
    for (int i = 0; i < 50; ++i) {
      auto p = make_post(network::x, std::to_string(b * 100 + i + 10), "a");
      p.text = std::string(2000, 'x');
      batches[b].posts.push_back(p);
    }
    batches[b].cursors.push_back({"account:1:mentions", "after"});
  }
  auto seq = w.last_seq();
  auto out = w.ingest_group({&batches[0], &batches[1]}, now);
  REQUIRE(out.size() == 2);
  for (auto& r : out) {
    REQUIRE_FALSE(r);
    CHECK(r.error().code == "storage_full");
  }
  CHECK(w.posts().count() == 1);
  CHECK_FALSE(w.cursors().get("account:1:mentions"));
  CHECK(w.last_seq() == seq);
  CHECK(db.integrity_check() == "ok");
  // Space back: the same batches go in whole, at the first try (a
  // statement that failed does not repeat its stale error).
  db.handle().exec("PRAGMA max_page_count = 1000000");
  auto again = w.ingest_group({&batches[0], &batches[1]}, now);
  INFO((again[0] ? std::string() : again[0].error().message));
  REQUIRE(again[0]);
  REQUIRE(again[1]);
  CHECK(w.posts().count() == 101);
}

TEST_CASE("failed writes are logged once per burst, with the count of the "
          "rest",
          "[storage][write_failure]") {
  failure_burst log(60s);
  auto t0 = failure_burst::clock::time_point{} + 1h;
  auto first = log.failed("CRM", "database or disk is full", t0);
  REQUIRE(first);
  CHECK_THAT(*first, Catch::Contains("CRM write failed: database or disk "
                                     "is full"));
  CHECK_THAT(*first, Catch::Contains("60 s"));
  // Within the quiet period: counted, not logged.
  for (int i = 1; i <= 5; ++i)
    CHECK_FALSE(log.failed("CRM", "database or disk is full", t0 + i * 1s));
  SECTION("another writer's burst has its own line") {
    CHECK(log.failed("ingest", "database or disk is full", t0 + 2s));
    CHECK_FALSE(log.failed("ingest", "database or disk is full", t0 + 3s));
  }
  SECTION("a burst that goes on gets one line per quiet period") {
    auto next = log.failed("CRM", "database or disk is full", t0 + 61s);
    REQUIRE(next);
    CHECK_THAT(*next, Catch::Contains("5 more failed since the last line"));
    CHECK_FALSE(log.failed("CRM", "database or disk is full", t0 + 62s));
  }
  SECTION("recovery is one line with the counts, then a new burst starts") {
    CHECK_FALSE(log.succeeded("ingest"));
    auto back = log.succeeded("CRM");
    REQUIRE(back);
    CHECK_THAT(*back, Catch::Contains("after 6 failed (5 not logged"));
    CHECK_FALSE(log.succeeded("CRM"));
    CHECK(log.failed("CRM", "database or disk is full", t0 + 10s));
  }
}
