#include "storage/account_repository.hpp"
#include "storage/column_repository.hpp"
#include "storage/savepoint.hpp"
#include "storage/writer.hpp"
#include "tests/storage/fixtures.hpp"

#include <catch2/catch.hpp>

using namespace socialcrm;
using namespace socialcrm::storage;
using socialcrm::test::make_post;

namespace {

struct accounts_env {
  database db{":memory:"};
  writer w{db};
  account_repository accounts{db.handle()};

  std::int64_t link(network net, const std::string& user,
                    const std::string& page = "",
                    account_status status = account_status::active) {
    linked_account a;
    a.net = net;
    a.network_user_id = user;
    a.page_id = page;
    a.status = status;
    return accounts.add(a, 0, 1);
  }

  void ingest(std::int64_t account, network net,
              std::vector<std::string> ids) {
    ingest_batch b;
    b.source = {account, 0};
    for (auto& id : ids)
      b.posts.push_back(make_post(net, id, "fan"));
    w.ingest(b, 1);
  }

  std::int64_t count(const std::string& where) {
    return db.handle()
      .execAndGet("SELECT COUNT(*) FROM posts WHERE " + where)
      .getInt64();
  }
};

} // namespace

TEST_CASE("linking an account again takes back the posts its unlink left",
          "[storage][accounts]") {
  accounts_env env;
  auto x = env.link(network::x, "org");
  auto other = env.link(network::x, "someone_else");
  env.ingest(x, network::x, {"1", "2", "3"});
  env.ingest(other, network::x, {"9"});

  REQUIRE(env.accounts.remove(x));
  CHECK(env.count("account_id IS NULL") == 3);
  CHECK(env.accounts.post_count(other) == 1);

  SECTION("a new link of the same identity gets all three") {
    auto again = env.link(network::x, "org");
    CHECK(again != x);
    CHECK(env.accounts.post_count(again) == 3);
    CHECK(env.count("account_id IS NULL") == 0);
    CHECK(env.db.handle()
            .execAndGet("SELECT COUNT(*) FROM unlinked_posts")
            .getInt64()
          == 0);
  }
  SECTION("another identity of the same network gets none") {
    auto stranger = env.link(network::x, "org2");
    CHECK(env.accounts.post_count(stranger) == 0);
    CHECK(env.count("account_id IS NULL") == 3);
  }
  SECTION("unlinking twice and linking again still restores them") {
    auto again = env.link(network::x, "org");
    env.ingest(again, network::x, {"4"});
    REQUIRE(env.accounts.remove(again));
    auto third = env.link(network::x, "org");
    CHECK(env.accounts.post_count(third) == 4);
  }
}

TEST_CASE("a page account takes its posts back only once its page is "
          "picked",
          "[storage][accounts]") {
  accounts_env env;
  auto page = env.link(network::facebook, "owner", "p1");
  env.ingest(page, network::facebook, {"a", "b"});
  REQUIRE(env.accounts.remove(page));

  // Relinking starts with a picker: no page yet, no posts.
  auto pending = env.link(network::facebook, "owner", "",
                          account_status::pending_page);
  CHECK(env.accounts.post_count(pending) == 0);

  // What the page picker stores, then the posts the account has.
  auto pick = [&](const std::string& page_id) {
    auto a = *env.accounts.find(pending);
    a.page_id = page_id;
    a.status = account_status::active;
    REQUIRE(env.accounts.update(a));
    return env.accounts.post_count(pending);
  };
  SECTION("picking another page of the same owner restores nothing") {
    CHECK(pick("p2") == 0);
  }
  SECTION("picking the page it had restores its posts") {
    CHECK(pick("p1") == 2);
  }
}

TEST_CASE("a savepoint left without release undoes its writes and leaves "
          "no transaction open",
          "[storage][accounts]") {
  database db(":memory:");
  db.handle().exec("CREATE TABLE t (v INTEGER)");
  SECTION("on its own") {
    {
      savepoint sp(db.handle(), "work");
      db.handle().exec("INSERT INTO t VALUES (1)");
    }
    CHECK(db.handle().execAndGet("SELECT COUNT(*) FROM t").getInt() == 0);
    // BEGIN fails inside an open transaction ("cannot start a transaction
    // within a transaction"): SQLiteCpp's own Savepoint fails this.
    CHECK_NOTHROW(db.handle().exec("BEGIN IMMEDIATE; COMMIT"));
  }
  SECTION("inside a transaction, only its own part is undone") {
    db.handle().exec("BEGIN");
    db.handle().exec("INSERT INTO t VALUES (1)");
    {
      savepoint sp(db.handle(), "work");
      db.handle().exec("INSERT INTO t VALUES (2)");
    }
    db.handle().exec("COMMIT");
    CHECK(db.handle().execAndGet("SELECT SUM(v) FROM t").getInt() == 1);
  }
  SECTION("released, its writes stay") {
    {
      savepoint sp(db.handle(), "work");
      db.handle().exec("INSERT INTO t VALUES (3)");
      sp.release();
    }
    CHECK(db.handle().execAndGet("SELECT SUM(v) FROM t").getInt() == 3);
  }
}

TEST_CASE("account and column ids are never handed out twice, so no new "
          "one inherits another's poll cursors",
          "[storage][accounts]") {
  accounts_env env;
  auto first = env.link(network::x, "org");
  REQUIRE(env.accounts.remove(first));
  // SQLite alone would give the newest id again (largest + 1).
  auto second = env.link(network::facebook, "owner", "p1");
  CHECK(second > first);

  column_repository columns(env.db.handle());
  user_column c;
  env.db.handle().exec("INSERT INTO profiles (id, name, created_at) "
                       "VALUES (1, 'Standard', 1); INSERT INTO users (id, "
                       "email, name, password_hash, profile_id, created_at) "
                       "VALUES (1, 'a@b.c', 'A', '', 1, 1)");
  c.user_id = 1;
  c.type = column_type::keyword;
  c.terms = {"socialcrm"};
  auto col = columns.add(c, 1);
  REQUIRE(col);
  REQUIRE(columns.remove(*col, c.user_id));
  auto next = columns.add(c, 1);
  REQUIRE(next);
  CHECK(*next > *col);
}
