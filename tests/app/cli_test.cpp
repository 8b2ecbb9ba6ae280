#include "http/certificates.hpp"
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

TEST_CASE("TLS settings serve cannot use exit 2 naming the problem, before "
          "anything is written",
          "[cli][tls][integration]") {
  test::temp_dir dir;
  auto a = http::ensure_certificate(dir.file("a"), "server", {"127.0.0.1"});
  auto b = http::ensure_certificate(dir.file("b"), "server", {"127.0.0.1"});
  REQUIRE(a);
  REQUIRE(b);
  auto data = dir.file("data");
  auto serve = [&](std::vector<std::string> tls) {
    std::vector<std::string> argv{SOCIALCRM_BINARY, "serve", "--data", data,
                                  "--listen", "127.0.0.1:0"};
    argv.insert(argv.end(), tls.begin(), tls.end());
    return run(argv, {"SOCIALCRM_ADMIN_EMAIL=admin@example.com",
                      "SOCIALCRM_ADMIN_PASSWORD=correct horse battery"});
  };

  SECTION("a certificate without its key") {
    auto r = serve({"--tls-cert", a->cert});
    CHECK(r.code == 2);
    CHECK_THAT(r.err, Catch::Contains("--tls-key") && Catch::Contains("bad_tls"));
  }
  SECTION("a certificate file that does not exist") {
    auto missing = dir.file("missing.pem");
    auto r = serve({"--tls-cert", missing, "--tls-key", a->key});
    CHECK(r.code == 2);
    CHECK_THAT(r.err, Catch::Contains(missing) && Catch::Contains("bad_tls_cert"));
  }
  SECTION("a key group or other may read") {
    std::filesystem::permissions(a->key, std::filesystem::perms::group_read,
                                 std::filesystem::perm_options::add);
    auto r = serve({"--tls-cert", a->cert, "--tls-key", a->key});
    CHECK(r.code == 2);
    CHECK_THAT(r.err, Catch::Contains(a->key) && Catch::Contains("0640")
                        && Catch::Contains("bad_tls_key"));
  }
  SECTION("a key that is not the certificate's") {
    auto r = serve({"--tls-cert", a->cert, "--tls-key", b->key});
    CHECK(r.code == 2);
    CHECK_THAT(r.err, Catch::Contains("cannot load TLS key " + b->key)
                        && Catch::Contains("bad_tls"));
  }
  SECTION("a certificate file that holds no certificate") {
    std::ofstream(dir.file("junk.pem")) << "not a certificate\n";
    auto r = serve({"--tls-cert", dir.file("junk.pem"), "--tls-key", a->key});
    CHECK(r.code == 2);
    CHECK_THAT(r.err, Catch::Contains("cannot load TLS certificate "
                                      + dir.file("junk.pem")));
  }
  SECTION("[server] tls_cert in the config file without tls_key") {
    std::ofstream(dir.file("c.toml"))
      << "[server]\ntls_cert = \"" << a->cert << "\"\n";
    auto r = serve({"--config", dir.file("c.toml")});
    CHECK(r.code == 2);
    CHECK_THAT(r.err, Catch::Contains("tls_key") && Catch::Contains("bad_tls"));
  }
  CHECK_FALSE(std::filesystem::exists(data));
}
