#include "tests/app/ingest_env.hpp"

#include <catch2/catch.hpp>

using namespace socialcrm;
using socialcrm::test::ingest_env;

namespace {

std::int64_t add_crm_user(storage::database& db) {
  db.handle().exec("INSERT INTO profiles (id, name, created_at) "
                   "VALUES (100, 'Test', 0)");
  db.handle().exec("INSERT INTO users (id, email, name, password_hash, "
                   "profile_id, created_at) VALUES (100, 'u@example.com', "
                   "'U', 'x', 100, 0)");
  return 100;
}

} // namespace

TEST_CASE("a keyword column with 5 terms polls search and files its hits",
          "[ingestion][columns][integration]") {
  ingest_env env;
  auto org = env.add_user("x", "acme");
  auto fan = env.add_user("x", "fan");
  env.link(network::x, org, "acme");
  std::int64_t column = 0;
  {
    storage::database db(env.db_path);
    auto user = add_crm_user(db);
    storage::column_repository columns(db.handle());
    auto id = columns.add({0, user, storage::column_type::keyword, "crm",
                           {"crm", "pipeline", "churn", "renewal", "quota"},
                           {}},
                          1);
    REQUIRE(id);
    column = *id;
  }
  auto hit1 = env.post("x", fan, "our churn is up", "post");
  auto hit5 = env.post("x", fan, "quota met!", "post");
  env.post("x", fan, "nothing relevant", "post");
  env.start_server();
  auto sql = "SELECT COUNT(*) FROM column_posts WHERE column_id = "
             + std::to_string(column);
  REQUIRE(env.wait_count(sql, 2) == 2);
  CHECK(env.count("SELECT COUNT(*) FROM column_posts c JOIN posts p ON "
                  "p.id = c.post_id WHERE p.external_id IN ('"
                  + hit1 + "', '" + hit5 + "')")
        == 2);
  // Keyword hits are the column's, not the CRM view's.
  CHECK(env.count("SELECT COUNT(*) FROM posts WHERE external_id = '" + hit1
                  + "' AND account_id IS NULL")
        == 1);
}

TEST_CASE("a custom column with 5 people polls their timelines",
          "[ingestion][columns][integration]") {
  ingest_env env;
  auto org = env.add_user("x", "acme");
  env.link(network::x, org, "acme");
  std::vector<std::string> authors;
  std::int64_t column = 0;
  {
    storage::database db(env.db_path);
    auto user = add_crm_user(db);
    storage::people_repository people(db.handle());
    std::vector<person_ref> followed;
    for (int i = 0; i < 5; ++i) {
      auto uid = env.add_user("x", "person" + std::to_string(i));
      authors.push_back(uid);
      auto id = people.create(record_type::contact,
                              {.last_name = "P" + std::to_string(i)}, 1);
      people.link_profile({{record_type::contact, id}, {network::x, uid}, ""}, 1);
      followed.push_back({record_type::contact, id});
    }
    storage::column_repository columns(db.handle());
    auto id = columns.add({0, user, storage::column_type::custom, "vip", {},
                           followed},
                          1);
    REQUIRE(id);
    column = *id;
  }
  for (auto& a : authors)
    env.post("x", a, "thoughts of " + a, "post");
  env.start_server();
  REQUIRE(env.wait_count("SELECT COUNT(*) FROM column_posts WHERE column_id = "
                           + std::to_string(column),
                         5)
          == 5);
}

TEST_CASE("a sixth term, a sixth person or the 21st follow is refused and "
          "nothing is stored",
          "[ingestion][columns]") {
  storage::database db(":memory:");
  db.handle().exec("INSERT INTO profiles (id, name, created_at) VALUES (1, 'p', 0)");
  db.handle().exec("INSERT INTO users (id, email, name, password_hash, "
                   "profile_id, created_at) VALUES (1, 'a@b', 'a', 'x', 1, 0)");
  storage::column_repository columns(db.handle());
  storage::people_repository people(db.handle());
  std::vector<person_ref> six;
  for (int i = 0; i < 6; ++i)
    six.push_back({record_type::lead,
                   people.create(record_type::lead, {.last_name = "L"}, 1)});
  auto rows = [&] {
    return db.handle().execAndGet("SELECT (SELECT COUNT(*) FROM user_columns) + "
                                  "(SELECT COUNT(*) FROM column_terms) + "
                                  "(SELECT COUNT(*) FROM column_people)")
      .getInt64();
  };
  SECTION("six terms") {
    auto r = columns.add({0, 1, storage::column_type::keyword, "",
                          {"a", "b", "c", "d", "e", "f"}, {}},
                         1);
    REQUIRE_FALSE(r);
    CHECK(r.error().code == "too_many_terms");
  }
  SECTION("six people") {
    auto r = columns.add({0, 1, storage::column_type::custom, "", {}, six}, 1);
    REQUIRE_FALSE(r);
    CHECK(r.error().code == "too_many_people");
  }
  SECTION("the 21st term or person over all columns") {
    for (int i = 0; i < 4; ++i)
      REQUIRE(columns.add({0, 1, storage::column_type::keyword, "",
                           {"a", "b", "c", "d", "e"}, {}},
                          1));
    auto before = rows();
    auto r = columns.add({0, 1, storage::column_type::custom, "", {},
                          {six[0]}},
                         1);
    REQUIRE_FALSE(r);
    CHECK(r.error().code == "follow_limit");
    CHECK(rows() == before);
    return;
  }
  CHECK(rows() == 0);
}
