#include "actors/store_actor.hpp"

#include "protocol/actor_error.hpp"
#include "storage/checkpointer.hpp"
#include "storage/writer.hpp"

#include <spdlog/spdlog.h>

#include <caf/typed_event_based_actor.hpp>

#include <memory>

namespace socialcrm {

namespace {

struct store_state {
  // User-declared so the state is no aggregate: CAF checks whether a state
  // is constructible from `self`, and C++20 aggregates would say yes.
  store_state() = default;

  std::shared_ptr<storage::database> db;
  std::unique_ptr<storage::writer> w;
  // Checkpoints the WAL beside the store, so no ingest commit waits for
  // one (storage/checkpointer.hpp). Stopped when the store exits.
  std::unique_ptr<storage::checkpointer> checkpoints;
  static inline const char* name = "store";
};

using store_pointer = store_actor::stateful_pointer<store_state>;

// How often the store checks that today's top-10 snapshot exists: the
// list may be an hour late after midnight, never wrong within a day.
constexpr auto top10_check_interval = std::chrono::hours(1);

// SQLite failures stop at this boundary and travel as error values.
template <class F>
auto guarded(F&& f) -> caf::result<decltype(f())> {
  try {
    return f();
  } catch (const std::exception& e) {
    return to_caf_error({"storage_failure", e.what()});
  }
}

store_actor::behavior_type
store_behavior(store_pointer self, std::shared_ptr<storage::database> db) {
  // spawn_store opened the database so that opening errors reach the
  // caller; the actor takes it over.
  self->state.db = std::move(db);
  self->state.w = std::make_unique<storage::writer>(*self->state.db);
  if (auto& path = self->state.db->path(); path != ":memory:") {
    self->state.db->set_autocheckpoint(0);
    self->state.checkpoints = std::make_unique<storage::checkpointer>(
      path, storage::checkpoint_interval, [](const std::string& error) {
        spdlog::warn("WAL checkpoint failed (retried in {} ms): {}",
                     storage::checkpoint_interval.count(), error);
      });
  }
  // The negotiation column's top-10 filter reads the day's frozen list:
  // make sure it exists now and after each UTC midnight.
  self->send(self, tick_atom::value);
  return {
    [self](tick_atom) {
      guarded([&] { return self->state.w->standings().top10(now_ms()).size(); });
      self->delayed_send(self, top10_check_interval, tick_atom::value);
    },
    [self](ingest_atom, const ingest_batch& batch) -> caf::result<ingest_result> {
      return guarded([&] { return self->state.w->ingest(batch, now_ms()); });
    },
    [self](refresh_atom, person_ref who) -> caf::result<standing_event> {
      return guarded([&] { return self->state.w->refresh(who, now_ms()); });
    },
    [self](link_atom, const profile_link& link) -> caf::result<standing_event> {
      try {
        auto ev = self->state.w->link(link, now_ms());
        if (!ev)
          return to_caf_error(ev.error());
        return *ev;
      } catch (const std::exception& e) {
        return to_caf_error({"storage_failure", e.what()});
      }
    },
    [self](people_atom) -> caf::result<std::vector<profile_entry>> {
      return guarded([&] { return self->state.w->people(); });
    },
    [self](account_atom, const account_update& u) -> caf::result<bool> {
      return guarded([&] { return self->state.w->update_account(u); });
    },
  };
}

} // namespace

store_actor spawn_store(caf::actor_system& sys, const std::string& path) {
  auto db = std::make_shared<storage::database>(path);
  return sys.spawn<caf::detached>(store_behavior, std::move(db));
}

} // namespace socialcrm
