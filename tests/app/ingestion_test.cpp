#include "tests/app/ingest_env.hpp"

#include <SQLiteCpp/Statement.h>
#include <catch2/catch.hpp>

#include <csignal>
#include <set>

using namespace socialcrm;
using socialcrm::test::ingest_env;

namespace {

struct stored_row {
  std::string kind;
  std::string author;
  std::int64_t account_id;
};

stored_row row_of(ingest_env& env, const std::string& net,
                  const std::string& external_id) {
  storage::database db(env.db_path, storage::access::read_only);
  SQLite::Statement st(db.handle(),
                       "SELECT kind, author_id, COALESCE(account_id, 0) "
                       "FROM posts WHERE network = ? AND external_id = ?");
  st.bind(1, net);
  st.bind(2, external_id);
  REQUIRE(st.executeStep());
  return {st.getColumn(0).getString(), st.getColumn(1).getString(),
          st.getColumn(2).getInt64()};
}

const std::string count_posts = "SELECT COUNT(*) FROM posts";

// Where the stored posts differ from each of `ids` stored once and nothing
// else: empty when they do not.
std::vector<std::string> not_once_each(ingest_env& env,
                                       const std::set<std::string>& ids) {
  std::vector<std::string> out;
  auto stored = env.stored_ids();
  for (auto& id : ids)
    if (auto i = stored.find(id); i == stored.end())
      out.push_back(id + " missing");
    else if (i->second != 1)
      out.push_back(id + " stored " + std::to_string(i->second) + " times");
  for (auto& [id, rows] : stored)
    if (!ids.count(id))
      out.push_back(id + " never injected");
  return out;
}

std::int64_t size_of(const std::set<std::string>& ids) {
  return static_cast<std::int64_t>(ids.size());
}

} // namespace

TEST_CASE("X mentions, DMs and replies reach the store with kind and author",
          "[ingestion][integration]") {
  ingest_env env;
  auto org = env.add_user("x", "acme");
  auto fan = env.add_user("x", "fan");
  auto lead_author = env.add_user("x", "prospect");
  auto account = env.link(network::x, org, "acme");
  // A lead associated before anything is polled (S-2.4).
  std::int64_t lead = 0;
  {
    storage::database db(env.db_path);
    storage::people_repository people(db.handle());
    lead = people.create(record_type::lead, {.last_name = "Prospect"}, 1);
    REQUIRE(people.link_profile({{record_type::lead, lead},
                                 {network::x, lead_author}, "prospect"},
                                1));
  }
  auto ours = env.post("x", org, "we launched", "post");
  auto mention = env.post("x", fan, "@acme hello", "mention", org);
  auto dm = env.post("x", fan, "a private question", "dm", org);
  auto reply = env.post("x", lead_author, "congrats!", "reply", "", ours);
  env.start_server();
  REQUIRE(env.wait_count(count_posts, 4) == 4);

  auto m = row_of(env, "x", mention);
  CHECK(m.kind == "mention");
  CHECK(m.author == fan);
  CHECK(m.account_id == account);
  CHECK(row_of(env, "x", "dm:" + dm).kind == "dm");
  CHECK(row_of(env, "x", reply).kind == "reply");
  CHECK(row_of(env, "x", ours).kind == "post");
  // The reply's author is the lead: the feed joins through this profile.
  CHECK(env.count("SELECT COUNT(*) FROM posts p JOIN social_profiles s ON "
                  "s.network = p.network AND s.network_user_id = p.author_id "
                  "WHERE s.record_type = 'lead' AND s.record_id = "
                  + std::to_string(lead) + " AND p.external_id = '" + reply
                  + "'")
        == 1);

  SECTION("what arrives later is polled too, and the cursor moves") {
    auto later = env.post("x", fan, "@acme still there?", "mention", org);
    REQUIRE(env.wait_count(count_posts, 5) == 5);
    CHECK(row_of(env, "x", later).kind == "mention");
    CHECK(env.count("SELECT COUNT(*) FROM poll_cursors WHERE source_key = "
                    "'account:" + std::to_string(account) + ":mentions'")
          == 1);
  }
}

TEST_CASE("duplicate and out-of-order pages store every post once",
          "[ingestion][integration]") {
  ingest_env env;
  auto org = env.add_user("x", "acme");
  auto fan = env.add_user("x", "fan");
  env.link(network::x, org, "acme");
  std::set<std::string> ids;
  // More than one page (100) so the faults cross pages.
  for (int i = 0; i < 230; ++i)
    ids.insert(env.post("x", fan, "@acme #" + std::to_string(i), "mention", org));
  env.control("/faults", {{"network", "x"}, {"kind", "duplicate"}, {"count", 5}});
  env.control("/faults", {{"network", "x"}, {"kind", "out_of_order"}, {"count", 5}});
  env.start_server();
  REQUIRE(env.wait_count(count_posts, 230) == 230);
  CHECK(not_once_each(env, ids).empty());
  // A post after the faults is stored once too, and nothing else came.
  ids.insert(env.post("x", fan, "@acme last", "mention", org));
  REQUIRE(env.wait_count(count_posts, 231) == 231);
  CHECK(not_once_each(env, ids).empty());
}

TEST_CASE("a rate-limit storm loses nothing and never sends into a spent "
          "window",
          "[ingestion][integration]") {
  ingest_env env;
  auto org = env.add_user("x", "acme");
  auto fan = env.add_user("x", "fan");
  env.link(network::x, org, "acme");
  // Short windows, so the storm's spent windows reset within the test; a
  // small limit makes the source run into the limit on its own as well.
  env.control("/limits", {{"network", "x"}, {"limit", 4}, {"window_s", 1}});
  env.control("/faults", {{"network", "x"}, {"kind", "rate_limit"}, {"count", 8}});
  for (int i = 0; i < 20; ++i)
    env.post("x", fan, "@acme storm " + std::to_string(i), "mention", org);
  env.start_server();
  REQUIRE(env.wait_count(count_posts, 20) == 20);
  auto stats = env.sim_get("/stats").at("networks").at("x");
  CHECK(stats.at("throttled").get<long>() > 0);
  CHECK(stats.at("rate_limit_violations").get<long>() == 0);
}

TEST_CASE("5xx and slow answers are retried with backoff and lose nothing",
          "[ingestion][integration]") {
  ingest_env env;
  auto org = env.add_user("x", "acme");
  auto fan = env.add_user("x", "fan");
  env.link(network::x, org, "acme");
  env.control("/faults", {{"network", "x"}, {"kind", "error_5xx"}, {"count", 6}});
  env.control("/faults", {{"network", "x"}, {"kind", "slow"}, {"count", 2}});
  for (int i = 0; i < 10; ++i)
    env.post("x", fan, "@acme flaky " + std::to_string(i), "mention", org);
  env.start_server();
  REQUIRE(env.wait_count(count_posts, 10) == 10);
  CHECK(env.sim_get("/stats").at("networks").at("x").at("faults_served").get<long>()
        >= 6);
}

TEST_CASE("a revoked token stops only its own account", "[ingestion][integration]") {
  ingest_env env;
  auto org1 = env.add_user("x", "acme");
  auto org2 = env.add_user("x", "acme_support");
  auto fan = env.add_user("x", "fan");
  auto a1 = env.link(network::x, org1, "acme");
  auto a2 = env.link(network::x, org2, "acme_support");
  env.start_server();
  env.post("x", fan, "@acme one", "mention", org1);
  env.post("x", fan, "@acme_support one", "mention", org2);
  REQUIRE(env.wait_count(count_posts, 2) == 2);

  env.control("/faults", {{"network", "x"}, {"kind", "revoke_token"},
                          {"user_id", org1}, {"count", 1}});
  std::string status;
  for (int i = 0; i < 600 && status != "reauth_required"; ++i) {
    status = env.account_status(a1);
    if (status != "reauth_required")
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  CHECK(status == "reauth_required");
  CHECK(env.account_status(a2) == "active");
  // The other account keeps polling.
  auto later = env.post("x", fan, "@acme_support two", "mention", org2);
  REQUIRE(env.wait_count("SELECT COUNT(*) FROM posts WHERE external_id = '"
                           + later + "'",
                         1) == 1);
}

TEST_CASE("serve killed with SIGKILL while posts arrive stores each exactly "
          "once",
          "[ingestion][integration]") {
  ingest_env env;
  auto org = env.add_user("x", "acme");
  auto fan = env.add_user("x", "fan");
  env.link(network::x, org, "acme");
  std::set<std::string> ids;
  auto inject = [&](int n) {
    for (int i = 0; i < n; ++i)
      ids.insert(env.post("x", fan, "@acme " + std::to_string(ids.size()),
                          "mention", org));
  };
  std::int64_t stored_before = 0;
  for (int round = 1; round <= 4; ++round) {
    INFO("round " << round);
    inject(60);
    env.start_server();
    // Some of this round's posts are stored...
    auto some = size_of(ids) - 40;
    REQUIRE(env.wait_count(count_posts, some) >= some);
    // ...then the server's next request to the network is held (answered
    // 30 s late, long after the kill) while more posts arrive: the kill
    // lands while the network has posts the server has not stored.
    env.control("/faults", {{"network", "x"}, {"kind", "slow"},
                            {"count", 1}, {"delay_ms", 30000}});
    REQUIRE(env.wait_faults_served("x", round) >= round);
    inject(30);
    env.server->signal(SIGKILL);
    env.server->wait();
    auto at_kill = env.count(count_posts);
    CHECK(at_kill > stored_before);
    CHECK(at_kill <= size_of(ids) - 30);
    stored_before = at_kill;
  }
  env.start_server();
  REQUIRE(env.wait_count(count_posts, size_of(ids)) == size_of(ids));
  CHECK(not_once_each(env, ids).empty());
  storage::database db(env.db_path, storage::access::read_only);
  CHECK(db.integrity_check() == "ok");
}
