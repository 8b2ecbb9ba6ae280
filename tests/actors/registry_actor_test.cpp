#include "tests/actors/actor_fixture.hpp"

#include <catch2/catch.hpp>

#include <caf/event_based_actor.hpp>

#include <atomic>
#include <thread>

using namespace socialcrm;
using socialcrm::test::actor_fixture;

namespace {

std::vector<actor_info> list(actor_fixture& f) {
  std::vector<actor_info> out;
  f.self->request(f.registry, actor_fixture::timeout, list_atom::value)
    .receive([&](std::vector<actor_info>& xs) { out = std::move(xs); },
             [](caf::error& e) { FAIL(caf::to_string(e)); });
  return out;
}

const actor_info* find(const std::vector<actor_info>& xs, const std::string& id) {
  for (auto& x : xs)
    if (x.id == id)
      return &x;
  return nullptr;
}

} // namespace

TEST_CASE("the registry lists the core actors with their state",
          "[registry][integration]") {
  actor_fixture f;
  // Ask the classifier something first: by its answer it has registered
  // and loaded its index.
  f.self->request(f.classifier, actor_fixture::timeout, info_atom::value)
    .receive([](actor_info&) {}, [](caf::error&) {});
  auto xs = list(f);
  REQUIRE(find(xs, "classifier") != nullptr);
  REQUIRE(find(xs, "hub") != nullptr);
  CHECK(find(xs, "classifier")->state == actor_state::running);
}

TEST_CASE("the registry forwards console commands and refuses unknown ids",
          "[registry][integration]") {
  actor_fixture f;
  // A pollable actor that records the commands it receives.
  std::atomic<int> paused{0};
  auto poller = f.spawn_fn([&](caf::event_based_actor*) -> caf::behavior {
    return {[&](pause_atom) { ++paused; }};
  });
  f.self->send(f.registry, register_atom::value, std::string("source:test"),
               std::string("source"), poller);
  bool ok = false;
  f.self->request(f.registry, actor_fixture::timeout, pause_atom::value,
                  std::string("source:test"))
    .receive([&](bool b) { ok = b; }, [](caf::error&) {});
  CHECK(ok);
  f.self->request(f.registry, actor_fixture::timeout, pause_atom::value,
                  std::string("nope"))
    .receive([&](bool b) { ok = b; }, [](caf::error&) {});
  CHECK_FALSE(ok);

  SECTION("an actor that dies is shown as failed") {
    for (int i = 0; i < 500 && paused.load() == 0; ++i)
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    f.self->send_exit(poller, caf::exit_reason::kill);
    actor_state state = actor_state::running;
    for (int i = 0; i < 100 && state != actor_state::failed; ++i) {
      auto xs = list(f);
      state = find(xs, "source:test")->state;
      if (state != actor_state::failed)
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    CHECK(state == actor_state::failed);
  }
  // The command reached the actor itself.
  for (int i = 0; i < 500 && paused.load() == 0; ++i)
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  CHECK(paused.load() == 1);
  f.self->send_exit(poller, caf::exit_reason::user_shutdown);
}

TEST_CASE("a watcher gets the registry's actor events, without the routine "
          "running and polling, and sources hear they are watched",
          "[registry][integration]") {
  actor_fixture f;
  // A source that records whether it is watched.
  std::atomic<int> watched{-1};
  auto source = f.spawn_fn([&](caf::event_based_actor*) -> caf::behavior {
    return {[&](watched_atom, bool on) { watched = on ? 1 : 0; }};
  });
  f.self->send(f.registry, register_atom::value, std::string("source:w"),
               std::string("source"), source);
  bool taken = false;
  f.self->request(f.registry, actor_fixture::timeout, watch_atom::value,
                  caf::actor_cast<caf::actor>(f.self))
    .receive([&](bool b) { taken = b; }, [](caf::error&) {});
  REQUIRE(taken);
  auto report = [&](actor_state s, std::int64_t errors, std::string error) {
    actor_info info;
    info.id = "source:w";
    info.kind = "source";
    info.state = s;
    info.errors = errors;
    info.last_error = std::move(error);
    f.self->send(f.registry, status_atom::value, info);
  };
  // Registered, it is running: the round trip to polling is routine.
  report(actor_state::polling, 0, "");  // the routine: no event
  report(actor_state::running, 0, "");  // the routine: no event
  report(actor_state::backing_off, 1, "timeout"); // a change and an error
  actor_event posted;
  posted.id = "source:w";
  posted.kind = "source";
  posted.event = "posts";
  posted.stored = 2;
  f.self->send(f.registry, posted);
  std::vector<actor_event> got;
  for (int i = 0; i < 3; ++i)
    f.self->receive([&](const actor_event& e) { got.push_back(e); },
                    caf::after(std::chrono::seconds(10)) >> [] {});
  REQUIRE(got.size() == 3);
  CHECK(got[0].event == "state");
  CHECK(got[0].previous == actor_state::running);
  CHECK(got[0].state == actor_state::backing_off);
  CHECK(got[1].event == "error");
  CHECK(got[1].error == "timeout");
  CHECK(got[2].event == "posts");
  CHECK(got[2].stored == 2);
  CHECK(got[2].node == "local");
  for (auto& e : got)
    CHECK(e.at > 0);
  CHECK(watched == 1);
  // Gone: the source hears nobody watches any more.
  f.self->send(f.registry, unwatch_atom::value,
               caf::actor_cast<caf::actor>(f.self));
  for (int i = 0; i < 200 && watched != 0; ++i)
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  CHECK(watched == 0);
}
