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
