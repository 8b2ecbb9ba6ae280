#include "actors/source_supervisor.hpp"
#include "networks/rate_budget.hpp"
#include "storage/account_repository.hpp"
#include "storage/secret_box.hpp"
#include "tests/actors/actor_fixture.hpp"

#include <caf/scoped_actor.hpp>
#include <caf/typed_event_based_actor.hpp>
#include <catch2/catch.hpp>

#include <chrono>

using namespace socialcrm;
using socialcrm::test::actor_fixture;

TEST_CASE("backoff doubles from a second up to a minute, shrunk with the "
          "poll interval",
          "[source][backoff]") {
  std::vector<unix_ms> at_default;
  for (int failures = 1; failures <= 9; ++failures)
    at_default.push_back(backoff_delay_ms(failures, 15));
  CHECK(at_default
        == std::vector<unix_ms>{1001, 2001, 4001, 8001, 16001, 32001, 60001,
                                60001, 60001});
  CHECK(backoff_delay_ms(1000, 15) == 60001);
  // Slower polling does not wait longer; faster polling waits less.
  CHECK(backoff_delay_ms(3, 300) == 4001);
  CHECK(backoff_delay_ms(3, 1.5) == 401);
  CHECK(backoff_delay_ms(3, 0) == 1);
}

namespace {

// A registry that tells `watcher` what the actors report to it: the
// source's registration, with its handle, on every start.
registry_actor::behavior_type watching_registry(registry_actor::pointer,
                                                caf::actor watcher) {
  return {
    [watcher](register_atom, const std::string& id, const std::string&,
              caf::actor handle) {
      caf::anon_send(watcher, register_atom::value, id, std::move(handle));
    },
    [watcher](status_atom, const actor_info& info) {
      caf::anon_send(watcher, status_atom::value, info);
    },
    [](list_atom) { return std::vector<actor_info>{}; },
    [](pause_atom, const std::string&) { return false; },
    [](resume_atom, const std::string&) { return false; },
    [](restart_atom, const std::string&) { return false; },
    [](poll_atom, const std::string&) { return false; },
    [](const actor_event&) {},
    [](watch_atom, const caf::actor&) { return false; },
    [](unwatch_atom, const caf::actor&) {},
  };
}

// One linked X account whose network refuses every connection: its source
// starts, polls, fails and backs off, and never stops on its own.
struct supervised_source {
  actor_fixture f;
  caf::scoped_actor watcher{f.sys};
  std::shared_ptr<source_context> ctx = std::make_shared<source_context>();
  caf::actor supervisor;

  explicit supervised_source(double poll_interval_s) {
    ctx->db_path = f.path;
    ctx->box = std::make_shared<storage::secret_box>(
      f.dir.file(storage::secret_box::file_name));
    ctx->budgets = std::make_shared<networks::rate_budgets>();
    // Port 1 on loopback: nothing listens, every poll fails at once.
    ctx->base_urls = {{network::x, "http://127.0.0.1:1"}};
    ctx->poll_interval_s = poll_interval_s;
    ctx->classifier = f.classifier;
    ctx->store = f.store;
    ctx->registry = f.sys.spawn(watching_registry, caf::actor{watcher});
    auto db = f.open_db();
    storage::account_repository accounts(db.handle());
    storage::linked_account a;
    a.network_user_id = "org";
    a.handle = "acme";
    a.access_token = ctx->box->seal("token");
    REQUIRE(accounts.add(a, 0, now_ms()) == 1);
  }

  ~supervised_source() {
    if (supervisor)
      watcher->send_exit(supervisor, caf::exit_reason::user_shutdown);
    watcher->send_exit(ctx->registry, caf::exit_reason::user_shutdown);
  }

  // The next start of the account's source: its handle.
  caf::actor next_start() {
    caf::actor started;
    while (!started)
      watcher->receive(
        [&](register_atom, const std::string& id, caf::actor handle) {
          if (id == "source:account:1")
            started = std::move(handle);
        },
        [](status_atom, const actor_info&) {},
        caf::after(actor_fixture::timeout) >> [] {
          FAIL("the source was not started again");
        });
    return started;
  }

  // Waits for the first report after a poll of the running source.
  actor_info next_poll() {
    actor_info polled;
    while (polled.polls == 0)
      watcher->receive(
        [&](status_atom, const actor_info& info) {
          if (info.id == "source:account:1")
            polled = info;
        },
        caf::after(actor_fixture::timeout) >> [] {
          FAIL("the restarted source did not poll");
        });
    return polled;
  }
};

} // namespace

TEST_CASE("the source supervisor restarts a crashed source, each time after "
          "a longer backoff",
          "[source][supervisor][integration]") {
  // Backoffs of 101, 201 and 401 ms: long enough for a restart that did
  // not wait to show, short enough for a quick test.
  constexpr double poll_interval_s = 1.5;
  supervised_source env(poll_interval_s);
  env.supervisor = spawn_source_supervisor(env.f.sys, env.ctx);
  auto source = env.next_start();
  for (int crash = 1; crash <= 3; ++crash) {
    INFO("crash " << crash);
    auto killed_at = std::chrono::steady_clock::now();
    // What an exception escaping a handler ends it with. (Not `kill`: that
    // reason cannot be trapped, and the link would end the supervisor.)
    env.watcher->send_exit(source, caf::exit_reason::unhandled_exception);
    auto restarted = env.next_start();
    auto waited = std::chrono::steady_clock::now() - killed_at;
    CHECK(restarted != source);
    // A lower bound only, which a slow machine cannot break: the restart
    // waited at least the backoff of this many crashes in a row.
    CHECK(waited >= std::chrono::milliseconds(
            backoff_delay_ms(crash, poll_interval_s)));
    // What was restarted is a working source: it polls again.
    auto info = env.next_poll();
    CHECK(info.errors >= 1); // nothing listens on port 1
    source = restarted;
  }
}
