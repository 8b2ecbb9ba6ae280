#include "storage/database.hpp"
#include "storage/migrations.hpp"
#include "tests/support/child_process.hpp"
#include "tests/support/temp_dir.hpp"

#include <catch2/catch.hpp>

#include <csignal>
#include <filesystem>
#include <fstream>

using namespace socialcrm;
using socialcrm::test::child_process;
using socialcrm::test::run;

TEST_CASE("bad arguments print what is wrong and exit 2",
          "[cli][integration]") {
  SECTION("no subcommand") {
    auto r = run({SOCIALCRM_BINARY});
    CHECK(r.code == 2);
    CHECK_THAT(r.err, Catch::Contains("subcommand"));
  }
  SECTION("an unknown flag") {
    auto r = run({SOCIALCRM_BINARY, "serve", "--data", "x", "--colour"});
    CHECK(r.code == 2);
    CHECK_THAT(r.err, Catch::Contains("--colour"));
  }
  SECTION("serve without a data directory") {
    auto r = run({SOCIALCRM_BINARY, "serve"});
    CHECK(r.code == 2);
    CHECK_THAT(r.err, Catch::Contains("--data") && Catch::Contains("missing_data_dir"));
  }
  SECTION("a listen address that is not HOST:PORT") {
    auto r = run({SOCIALCRM_BINARY, "serve", "--data", "x", "--listen", "8080"});
    CHECK(r.code == 2);
    CHECK_THAT(r.err, Catch::Contains("bad_listen"));
  }
  SECTION("a config file that does not exist") {
    auto r = run({SOCIALCRM_BINARY, "serve", "--data", "x", "--config",
                  "/nonexistent/socialcrm.toml"});
    CHECK(r.code == 2);
    CHECK_THAT(r.err, Catch::Contains("/nonexistent/socialcrm.toml"));
  }
  SECTION("an emulator rate out of range") {
    auto r = run({SOCIALCRM_BINARY, "sim", "--rate", "-5"});
    CHECK(r.code == 2);
  }
}

TEST_CASE("asking for help exits 0 and lists the subcommands", "[cli][integration]") {
  auto r = run({SOCIALCRM_BINARY, "--help"});
  CHECK(r.code == 0);
  CHECK_THAT(r.out, Catch::Contains("serve") && Catch::Contains("sim"));
}

TEST_CASE("serve opens the database and stops cleanly on a signal",
          "[cli][integration]") {
  test::temp_dir dir;
  auto data = dir.file("data");
  auto sig = GENERATE(SIGTERM, SIGINT);
  // A new database needs its super administrator (issue 5).
  child_process p({SOCIALCRM_BINARY, "serve", "--data", data, "--listen",
                   "127.0.0.1:0"},
                  {"SOCIALCRM_ADMIN_EMAIL=admin@example.com",
                   "SOCIALCRM_ADMIN_PASSWORD=a long password"});
  REQUIRE(p.wait_for_line("socialcrm ready"));
  p.signal(sig);
  auto code = p.wait();
  REQUIRE(code);
  CHECK(*code == 0);
  CHECK_THAT(p.err(), Catch::Contains("stopped cleanly"));

  storage::database db((std::filesystem::path(data) / "socialcrm.db").string());
  CHECK(db.schema_version() == storage::latest_schema_version());
  CHECK(db.integrity_check() == "ok");
}

TEST_CASE("serve refuses a data directory it cannot create",
          "[cli][integration]") {
  test::temp_dir dir;
  auto file = dir.file("not-a-dir");
  { std::ofstream(file) << "x"; }
  auto r = run({SOCIALCRM_BINARY, "serve", "--data", file + "/sub"});
  CHECK(r.code == 2);
  CHECK_THAT(r.err, Catch::Contains("cannot create data directory"));
}
