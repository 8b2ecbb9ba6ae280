// `socialcrm backup` and `socialcrm restore` as an operator runs them:
// real processes, a real emulator feeding a real `serve`, real files.

#include "tests/app/ingest_env.hpp"

#include <csignal>
#include <fstream>

using namespace socialcrm;
using socialcrm::test::child_process;
using socialcrm::test::ingest_env;

namespace {

test::run_result socialcrm_cli(std::vector<std::string> args) {
  args.insert(args.begin(), SOCIALCRM_BINARY);
  return test::run(args);
}

} // namespace

TEST_CASE("a backup taken while serve ingests holds every post stored before "
          "it began, and restores into an empty directory that serve opens",
          "[app][backup][integration]") {
  ingest_env env;
  auto org = env.add_user("x", "acme");
  auto fan = env.add_user("x", "fan");
  env.link(network::x, org, "acme");
  env.start_server();
  for (int i = 0; i < 30; ++i)
    env.post("x", fan, "@acme before " + std::to_string(i), "mention", org);
  REQUIRE(env.wait_count("SELECT COUNT(*) FROM posts", 30) >= 30);
  auto before = env.stored_ids();

  // Traffic keeps flowing into serve while the copy is taken.
  env.control("/traffic", {{"rate", 200}, {"mention_ratio", 1.0}});
  REQUIRE(env.wait_count("SELECT COUNT(*) FROM posts",
                         static_cast<std::int64_t>(before.size()) + 20)
          > static_cast<std::int64_t>(before.size()));
  auto file = env.dir.file("crm.backup");
  auto made = socialcrm_cli({"backup", "--data", env.data, "--to", file});
  INFO(made.out << made.err);
  REQUIRE(made.code == 0);
  CHECK_THAT(made.out, Catch::Contains("posts") && Catch::Contains(file));
  CHECK_THAT(made.out, Catch::Contains("secret.key"));
  CHECK(test::file_mode(file) == 0600);
  CHECK_FALSE(std::filesystem::exists(file + ".partial"));
  // Still ingesting after the copy: the backup was a snapshot, serve went on.
  auto at_backup = env.count("SELECT COUNT(*) FROM posts");
  REQUIRE(env.wait_count("SELECT COUNT(*) FROM posts", at_backup + 10)
          >= at_backup + 10);
  env.control("/traffic", {{"rate", 0}});

  auto restored = env.dir.file("restored");
  auto key = env.data + "/secret.key";
  auto put = socialcrm_cli({"restore", "--from", file, "--data", restored,
                            "--key", key});
  INFO(put.out << put.err);
  REQUIRE(put.code == 0);
  CHECK(test::file_mode(restored) == 0700);
  CHECK(test::file_mode(restored + "/socialcrm.db") == 0600);
  CHECK(test::file_mode(restored + "/secret.key") == 0600);
  CHECK(test::read_file(restored + "/secret.key") == test::read_file(key));

  {
    storage::database db(restored + "/socialcrm.db", storage::access::read_only);
    CHECK(db.integrity_check() == "ok");
    SQLite::Statement st(db.handle(), "SELECT external_id FROM posts");
    std::map<std::string, int> copy;
    while (st.executeStep())
      ++copy[st.getColumn(0).getString()];
    for (const auto& [id, rows] : before) {
      INFO(id);
      CHECK(copy.count(id) == 1);
      CHECK(copy[id] == 1);
    }
    CHECK(copy.size() > before.size()); // it ran while traffic flowed
    CHECK(static_cast<std::int64_t>(copy.size())
          < env.count("SELECT COUNT(*) FROM posts"));
  }

  // serve opens the restored directory as its own.
  child_process again({SOCIALCRM_BINARY, "serve", "--data", restored,
                       "--listen", "127.0.0.1:0", "--sim-url", env.sim_url});
  INFO(again.err());
  CHECK(again.wait_for_line("socialcrm ready"));
  again.signal(SIGTERM);
  CHECK(again.wait() == 0);
}

TEST_CASE("backup and restore refuse, with a code, what would lose or "
          "overwrite data, and leave nothing behind",
          "[app][backup][integration]") {
  test::temp_dir tmp;
  auto data = tmp.file("data");
  std::filesystem::create_directories(data);
  { storage::database init(data + "/socialcrm.db"); }
  auto file = tmp.file("crm.backup");
  REQUIRE(socialcrm_cli({"backup", "--data", data, "--to", file}).code == 0);
  auto original = test::read_file(file);

  SECTION("a backup never overwrites a file") {
    auto r = socialcrm_cli({"backup", "--data", data, "--to", file});
    CHECK(r.code == 2);
    CHECK_THAT(r.err, Catch::Contains("[target_exists]"));
    CHECK(test::read_file(file) == original);
  }
  SECTION("a directory without a database has nothing to back up") {
    auto empty = tmp.file("empty");
    std::filesystem::create_directories(empty);
    auto r = socialcrm_cli({"backup", "--data", empty, "--to",
                            tmp.file("none.backup")});
    CHECK(r.code == 2);
    CHECK_THAT(r.err, Catch::Contains("[no_database]"));
    CHECK_FALSE(std::filesystem::exists(tmp.file("none.backup")));
  }
  SECTION("a restore never replaces a database") {
    auto r = socialcrm_cli({"restore", "--from", file, "--data", data});
    CHECK(r.code == 2);
    CHECK_THAT(r.err, Catch::Contains("[not_empty]"));
  }
  SECTION("a file that is no socialcrm backup is refused and no directory "
          "is made") {
    auto junk = tmp.file("junk.backup");
    std::ofstream(junk) << "this is not SQLite";
    auto target = tmp.file("from-junk");
    auto r = socialcrm_cli({"restore", "--from", junk, "--data", target});
    CHECK(r.code == 2);
    CHECK_THAT(r.err, Catch::Contains("[not_a_backup]"));
    CHECK_FALSE(std::filesystem::exists(target));
  }
  SECTION("missing flags are a usage error") {
    CHECK(socialcrm_cli({"backup", "--data", data}).code == 2);
    CHECK(socialcrm_cli({"restore", "--data", tmp.file("x")}).code == 2);
  }
}
