// A full disk through the real server: `[storage] max_size_mb` caps the
// database, and a write beyond the cap fails with SQLITE_FULL exactly as a
// full disk does. REST writes and ingest batches are refused (507
// `storage_full`), logged once per burst, nothing is half-written, reads go
// on, and once there is space again ingestion resumes with nothing lost.

#include "tests/app/ingest_env.hpp"
#include "tests/web/server_fixture.hpp"

#include "storage/write_failure.hpp"

#include <catch2/catch.hpp>

#include <chrono>
#include <csignal>
#include <fstream>
#include <set>

using namespace socialcrm;
using namespace socialcrm::test;

namespace {

// `socialcrm serve` on the environment's data directory and emulator with
// a config file capping the database.
struct capped_server {
  std::unique_ptr<child_process> proc;
  std::string base;

  capped_server(ingest_env& env, int max_size_mb) {
    auto config = env.dir.file("socialcrm-" + std::to_string(max_size_mb)
                               + ".toml");
    std::ofstream(config) << "[storage]\nmax_size_mb = " << max_size_mb
                          << "\n";
    proc = std::make_unique<child_process>(
      std::vector<std::string>{SOCIALCRM_BINARY, "serve", "--data", env.data,
                               "--listen", "127.0.0.1:0", "--sim-url",
                               env.sim_url, "--poll-interval", "0.1",
                               "--config", config},
      std::vector<std::string>{std::string("SOCIALCRM_ADMIN_EMAIL=")
                                 + admin_email,
                               std::string("SOCIALCRM_ADMIN_PASSWORD=")
                                 + admin_password});
    auto line = proc->wait_for_line("socialcrm listening on ");
    REQUIRE(line);
    base = line->substr(line->find("http://"));
    while (!base.empty() && (base.back() == '\n' || base.back() == '\r'))
      base.pop_back();
    REQUIRE(proc->wait_for_line("socialcrm ready"));
  }

  api_client admin() {
    api_client c(base);
    REQUIRE(c.sign_in(admin_email, admin_password).status == 200);
    return c;
  }

  // Reads the server's stderr until `done(stderr)` holds or a generous
  // deadline passes; the answer says which.
  bool log_shows(const std::function<bool(const std::string&)>& done) {
    auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
    while (!done(proc->err())) {
      if (std::chrono::steady_clock::now() > deadline)
        return false;
      // Pumps stdout and stderr for a moment; the needle never comes.
      proc->wait_for_line("\x01 no such line", std::chrono::milliseconds(100));
    }
    return true;
  }

  void stop() {
    proc->signal(SIGTERM);
    REQUIRE(proc->wait() == 0);
  }
};

std::size_t occurrences(const std::string& text, const std::string& needle) {
  std::size_t n = 0;
  for (auto at = text.find(needle); at != std::string::npos;
       at = text.find(needle, at + 1))
    ++n;
  return n;
}

// How many log lines a burst of `elapsed` may have: one, plus one per
// whole quiet period it lasted.
std::size_t lines_allowed(std::chrono::steady_clock::duration elapsed) {
  return 1 + static_cast<std::size_t>(
               elapsed / storage::write_failure_quiet_period);
}

} // namespace

TEST_CASE("a full database refuses writes with 507, logs the burst once and "
          "loses nothing",
          "[web][storage][integration]") {
  ingest_env env;
  auto org = env.add_user("x", "acme");
  auto fan = env.add_user("x", "fan");
  env.link(network::x, org, "acme");
  std::set<std::string> injected;
  injected.insert(env.post("x", fan, "@acme before the disk fills", "mention",
                           org));

  auto server = std::make_unique<capped_server>(env, 1);
  REQUIRE(env.wait_count("SELECT COUNT(*) FROM posts", 1) == 1);
  auto c = server->admin();
  auto lead = id_of(c.post("/api/v1/leads", {{"last_name", "Kept"}}));
  REQUIRE_FALSE(lead.empty());

  // Fill the database with the largest notes a request may carry until a
  // write is refused.
  auto started = std::chrono::steady_clock::now();
  int accepted = 0;
  api_result refused;
  for (int i = 0; i < 200; ++i) {
    auto r = c.post("/api/v1/notes",
                    {{"record_type", "lead"},
                     {"record_id", lead},
                     {"body", std::to_string(i) + std::string(19990, 'n')}});
    if (r.status != 201) {
      refused = r;
      break;
    }
    ++accepted;
  }
  REQUIRE(accepted > 0);
  INFO(refused.raw.body);
  REQUIRE(refused.status == 507);
  CHECK(refused.code() == "storage_full");
  CHECK_THAT(refused.body["error"].value("message", ""),
             Catch::Contains("full"));
  // More refusals in the same burst: each answered, none logged again.
  for (int i = 0; i < 5; ++i)
    CHECK(c.post("/api/v1/notes", {{"record_type", "lead"},
                                   {"record_id", lead},
                                   {"body", std::string(19990, 'm')}})
            .code() == "storage_full");

  // Reads go on.
  CHECK(c.get("/api/v1/leads/" + lead).body.value("last_name", "") == "Kept");
  auto listed = c.get("/api/v1/notes?record_type=lead&record_id=" + lead
                      + "&limit=200");
  REQUIRE(listed.status == 200);
  CHECK(static_cast<int>(listed.body["items"].size()) == accepted);

  // Ingestion while full: enough mentions that their batch needs pages the
  // cap refuses. Each is refused and polled again, never skipped.
  for (int i = 0; i < 40; ++i)
    injected.insert(env.post("x", fan,
                             "@acme while full " + std::to_string(i) + " "
                               + std::string(200, 'p'),
                             "mention", org));
  REQUIRE(server->log_shows([](const std::string& err) {
    return err.find("ingest write failed") != std::string::npos;
  }));
  auto elapsed = std::chrono::steady_clock::now() - started;
  auto log = server->proc->err();
  INFO(log);
  // One line per burst and writer, naming SQLite's error.
  CHECK(occurrences(log, "CRM write failed") >= 1);
  CHECK(occurrences(log, "CRM write failed") <= lines_allowed(elapsed));
  CHECK(occurrences(log, "ingest write failed") <= lines_allowed(elapsed));
  CHECK(occurrences(log, "database or disk is full") >= 2);
  CHECK(env.count("SELECT COUNT(*) FROM posts")
        < static_cast<std::int64_t>(injected.size()));
  server->stop();

  // Nothing half-written: the refused notes are absent, the rest intact.
  {
    storage::database db(env.db_path, storage::access::read_only);
    CHECK(db.integrity_check() == "ok");
  }
  CHECK(env.count("SELECT COUNT(*) FROM notes") == accepted);
  CHECK(env.count("SELECT COUNT(*) FROM leads") == 1);

  // Space back (a larger cap): ingestion resumes where it stopped.
  server = std::make_unique<capped_server>(env, 64);
  CHECK(env.wait_count("SELECT COUNT(*) FROM posts",
                       static_cast<std::int64_t>(injected.size()))
        == static_cast<std::int64_t>(injected.size()));
  auto stored = env.stored_ids();
  for (auto& id : injected) {
    INFO(id);
    CHECK(stored.count(id) == 1);
    CHECK(stored[id] == 1);
  }
  auto again = server->admin();
  CHECK(again.post("/api/v1/notes", {{"record_type", "lead"},
                                     {"record_id", lead},
                                     {"body", "space again"}})
          .status == 201);
  server->stop();
}
