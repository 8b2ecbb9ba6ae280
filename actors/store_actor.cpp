#include "actors/store_actor.hpp"

#include "protocol/actor_error.hpp"
#include "storage/checkpointer.hpp"
#include "storage/write_failure.hpp"
#include "storage/writer.hpp"

#include <spdlog/spdlog.h>

#include <caf/typed_event_based_actor.hpp>

#include <memory>
#include <vector>

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
  // Ingest batches received since the last group commit, with whom to
  // answer, and whether a flush is waiting in the store's own mailbox.
  std::vector<ingest_batch> pending;
  std::vector<caf::typed_response_promise<ingest_result>> waiting;
  bool flush_due = false;
  static inline const char* name = "store";
};

using store_pointer = store_actor::stateful_pointer<store_state>;

// How often the store checks that today's top-10 snapshot exists: the
// list may be an hour late after midnight, never wrong within a day.
constexpr auto top10_check_interval = std::chrono::hours(1);

// SQLite failures stop at this boundary and travel as error values
// (`storage_full` or `storage_failure`), logged once per burst.
template <class F>
auto guarded(F&& f) -> caf::result<decltype(f())> {
  try {
    auto out = f();
    storage::write_succeeded("store");
    return out;
  } catch (const std::exception& e) {
    return to_caf_error(storage::write_failed("store", e));
  }
}

// Commits every gathered ingest batch in one transaction and answers each
// (storage::writer::ingest_group): batches that arrived together, from
// several sources or while the last commit ran, cost one commit, and the
// classifier gets their answers together, so the hub sends sessions one
// message for all of them instead of one each.
void flush(store_pointer self) {
  auto& st = self->state;
  if (st.pending.empty())
    return;
  auto batches = std::move(st.pending);
  auto waiting = std::move(st.waiting);
  st.pending.clear();
  st.waiting.clear();
  std::vector<const ingest_batch*> refs;
  refs.reserve(batches.size());
  for (auto& b : batches)
    refs.push_back(&b);
  std::vector<expected<ingest_result>> results;
  try {
    results = st.w->ingest_group(refs, now_ms());
  } catch (const std::exception& e) {
    results.assign(batches.size(), storage::write_failed("ingest", e));
  }
  for (std::size_t i = 0; i < waiting.size(); ++i) {
    auto& r = results[i];
    if (r)
      waiting[i].deliver(std::move(*r));
    else
      waiting[i].deliver(to_caf_error(r.error()));
  }
}

// Gathers until the store has read what its mailbox held when the first
// batch arrived (the flush it sends itself queues behind those messages):
// an idle store commits a batch at once, a busy one commits several
// together. No timer, no added delay.
caf::result<ingest_result> gather(store_pointer self, ingest_batch& batch) {
  auto& st = self->state;
  st.pending.push_back(std::move(batch));
  st.waiting.push_back(self->make_response_promise<ingest_result>());
  if (!st.flush_due) {
    st.flush_due = true;
    self->send(self, flush_atom::value);
  }
  return st.waiting.back();
}

store_actor::behavior_type
store_behavior(store_pointer self, std::shared_ptr<storage::database> db) {
  // spawn_store opened the database so that opening errors reach the
  // caller; the actor takes it over.
  self->state.db = std::move(db);
  self->state.w = std::make_unique<storage::writer>(*self->state.db);
  if (auto& path = self->state.db->path(); path != ":memory:") {
    self->state.checkpoints = std::make_unique<storage::checkpointer>(
      path, storage::checkpoint_interval, [](const std::string& error) {
        spdlog::warn("WAL checkpoint failed (retried in {} ms): {}",
                     storage::checkpoint_interval.count(), error);
      });
    self->state.checkpoints->watch(*self->state.db);
  }
  // Batches gathered for a group commit are committed and answered before
  // the store stops: an accepted batch is never dropped unanswered.
  self->set_exit_handler([self](const caf::exit_msg& msg) {
    flush(self);
    // CAF's default: a normal exit of a linked actor is no reason to stop.
    if (msg.reason != caf::exit_reason::normal)
      self->quit(msg.reason);
  });
  // The negotiation column's top-10 filter reads the day's frozen list:
  // make sure it exists now and after each UTC midnight.
  self->send(self, tick_atom::value);
  return {
    [self](tick_atom) {
      guarded([&] { return self->state.w->standings().top10(now_ms()).size(); });
      self->delayed_send(self, top10_check_interval, tick_atom::value);
    },
    [self](ingest_atom, ingest_batch& batch) -> caf::result<ingest_result> {
      return gather(self, batch);
    },
    [self](flush_atom) {
      self->state.flush_due = false;
      flush(self);
    },
    // Other writes commit the batches that arrived before them first, so
    // sequence numbers follow the order requests arrived in.
    [self](refresh_atom, person_ref who) -> caf::result<standing_event> {
      flush(self);
      return guarded([&] { return self->state.w->refresh(who, now_ms()); });
    },
    [self](link_atom, const profile_link& link) -> caf::result<standing_event> {
      flush(self);
      try {
        auto ev = self->state.w->link(link, now_ms());
        if (!ev)
          return to_caf_error(ev.error());
        storage::write_succeeded("store");
        return *ev;
      } catch (const std::exception& e) {
        return to_caf_error(storage::write_failed("store", e));
      }
    },
    [self](people_atom) -> caf::result<std::vector<profile_entry>> {
      return guarded([&] { return self->state.w->people(); });
    },
    [self](account_atom, const account_update& u) -> caf::result<bool> {
      flush(self);
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
