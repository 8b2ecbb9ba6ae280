#pragma once

#include "actors/classifier_actor.hpp"
#include "actors/hub_actor.hpp"
#include "actors/registry_actor.hpp"
#include "actors/store_actor.hpp"
#include "actors/system_config.hpp"
#include "storage/database.hpp"
#include "tests/support/temp_dir.hpp"

#include <caf/actor_system.hpp>
#include <caf/event_based_actor.hpp>
#include <caf/scoped_actor.hpp>

#include <chrono>

namespace socialcrm::test {

/// A real actor system with store, classifier, hub and registry on a real
/// database file, and a scoped actor joined to the hub as a session.
struct actor_fixture {
  temp_dir dir;
  std::string path = dir.file("crm.db");
  system_config cfg;
  caf::actor_system sys{cfg};
  caf::scoped_actor self{sys};
  registry_actor registry = spawn_registry(sys);
  store_actor store = spawn_store(sys, path);
  hub_actor hub = spawn_hub(sys, registry);
  classifier_actor classifier = spawn_classifier(sys, store, registry);

  static constexpr auto timeout = std::chrono::seconds(10);

  actor_fixture() {
    self->send(classifier, add_hub_atom::value, hub);
    self->request(hub, timeout, join_atom::value, caf::actor{self})
      .receive([](std::int64_t) {},
               [](caf::error& e) { throw std::runtime_error(caf::to_string(e)); });
  }

  ~actor_fixture() {
    // Stop the actors before the database directory goes away.
    self->send_exit(classifier, caf::exit_reason::user_shutdown);
    self->send_exit(hub, caf::exit_reason::user_shutdown);
    self->send_exit(store, caf::exit_reason::user_shutdown);
    self->send_exit(registry, caf::exit_reason::user_shutdown);
  }

  /// Spawns a function-based actor. It always passes one spawn argument:
  /// with none, CAF 0.17 dereferences a null argument tuple (UBSan abort).
  template <class F>
  caf::actor spawn_fn(F f) {
    return sys.spawn(
      [f](caf::event_based_actor* a, int) { return f(a); }, 0);
  }

  /// A second connection to the same file, as another process would have.
  storage::database open_db() { return storage::database(path); }
};

} // namespace socialcrm::test
