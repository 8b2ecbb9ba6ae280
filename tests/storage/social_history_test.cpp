#include "storage/activity_repository.hpp"
#include "storage/database.hpp"
#include "storage/idempotency_repository.hpp"

#include <SQLiteCpp/Statement.h>
#include <catch2/catch.hpp>

using namespace socialcrm;
using namespace socialcrm::storage;

namespace {

constexpr unix_ms now = 1772323200000; // 2026-03-01

// A database with two users, as the activity table refers to users.
struct history_db {
  database db{":memory:"};

  history_db() {
    db.handle().exec("INSERT INTO profiles (id, name, created_at) "
                     "VALUES (1, 'Standard', 0)");
    db.handle().exec("INSERT INTO users (id, email, name, password_hash, "
                     "profile_id, created_at) VALUES "
                     "(1, 'a@example.com', 'A', 'x', 1, 0), "
                     "(2, 'b@example.com', 'B', 'x', 1, 0)");
  }

  std::int64_t rows(const char* table) {
    SQLite::Statement st(db.handle(),
                         std::string("SELECT COUNT(*) FROM ") + table);
    st.executeStep();
    return st.getColumn(0).getInt64();
  }
};

activity_entry entry(std::int64_t user, std::string action,
                     std::string detail = "") {
  // Designated initialisers rather than assignments from literals: GCC 12
  // reports a false -Wrestrict on std::string::operator=(const char*)
  // (GCC bug 105329).
  return {.user_id = user,
          .action = std::move(action),
          .network = std::string("x"),
          .account_id = 3,
          .detail = std::move(detail),
          .created_at = now};
}

} // namespace

TEST_CASE("the activity history lists a user's own entries newest first",
          "[storage][activity]") {
  history_db h;
  activity_repository history(h.db.handle());
  auto first = history.add(entry(1, "posted", "hello"));
  history.add(entry(2, "liked"));
  auto second = history.add(entry(1, "replied", "thanks"));
  auto third = history.add(entry(1, "lead_added"));

  auto mine = history.list(1, 0, 10);
  REQUIRE(mine.size() == 3);
  CHECK(mine[0].id == third);
  CHECK(mine[1].id == second);
  CHECK(mine[2].id == first);
  CHECK(mine[2].action == "posted");
  CHECK(mine[2].detail == "hello");
  CHECK(mine[2].account_id == 3);
  CHECK(mine[2].post_id == 0); // stored as NULL, read back as none

  SECTION("paging by id goes on below the last one seen") {
    auto page = history.list(1, second, 10);
    REQUIRE(page.size() == 1);
    CHECK(page[0].id == first);
    CHECK(history.list(1, 0, 2).size() == 2);
  }
  SECTION("another user's entries never show") {
    auto theirs = history.list(2, 0, 10);
    REQUIRE(theirs.size() == 1);
    CHECK(theirs[0].action == "liked");
  }
}

TEST_CASE("activity details are cut to an excerpt on a character boundary",
          "[storage][activity]") {
  history_db h;
  activity_repository history(h.db.handle());
  std::string long_text;
  for (std::size_t i = 0; i < max_activity_detail + 10; ++i)
    long_text += "\xC3\xA9"; // é: two bytes, one character
  history.add(entry(1, "posted", long_text));
  auto got = history.list(1, 0, 1).at(0).detail;
  CHECK(got == excerpt(long_text, max_activity_detail));
  CHECK(got.size() == max_activity_detail * 2 + 3); // + the "…"
  CHECK(excerpt("short", 10) == "short");
  CHECK(excerpt("abcdef", 3) == "abc\xE2\x80\xA6");
}

TEST_CASE("an idempotency key is reserved once, then replays its answer",
          "[storage][idempotency]") {
  history_db h;
  idempotency_repository keys(h.db.handle());
  using st = idempotency_claim::state;

  CHECK(keys.reserve(1, "k1", "{\"text\":\"hi\"}", now).what == st::reserved);
  SECTION("a second request while the first runs is told so") {
    CHECK(keys.reserve(1, "k1", "{\"text\":\"hi\"}", now).what ==
          st::in_progress);
  }
  SECTION("a finished request replays status and body") {
    keys.complete(1, "k1", "{\"text\":\"hi\"}", 200, "{\"results\":[]}");
    auto again = keys.reserve(1, "k1", "{\"text\":\"hi\"}", now + 1000);
    CHECK(again.what == st::replay);
    CHECK(again.status == 200);
    CHECK(again.body == "{\"results\":[]}");
  }
  SECTION("the same key with another request is a mismatch") {
    CHECK(keys.reserve(1, "k1", "{\"text\":\"other\"}", now).what ==
          st::mismatch);
  }
  SECTION("keys belong to one user") {
    CHECK(keys.reserve(2, "k1", "{\"text\":\"hi\"}", now).what ==
          st::reserved);
  }
  SECTION("a released key can be used again, for anything") {
    keys.release(1, "k1");
    CHECK(h.rows("idempotency_keys") == 0);
    CHECK(keys.reserve(1, "k1", "{\"text\":\"other\"}", now).what ==
          st::reserved);
  }
  SECTION("a key is forgotten after the retention time") {
    keys.complete(1, "k1", "{\"text\":\"hi\"}", 200, "{}");
    CHECK(keys.reserve(1, "k1", "{\"text\":\"other\"}",
                       now + idempotency_ttl_ms + 1)
            .what == st::reserved);
    CHECK(h.rows("idempotency_keys") == 1);
  }
}
