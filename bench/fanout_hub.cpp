#include "bench/fanout_hub.hpp"

#include <caf/send.hpp>
#include <caf/event_based_actor.hpp>
#include <caf/stateful_actor.hpp>

#include <algorithm>

namespace socialcrm::bench {

namespace {

using flush_atom = caf::atom_constant<caf::atom("bn_flush")>;

struct shared_hub_state {
  shared_hub_state() = default; // not an aggregate (CAF 0.17 + C++20)

  std::vector<caf::actor> sessions;
  bool batched = false;
  std::vector<post_event> pending;
  bool flush_due = false;
  static inline const char* name = "hub";
};

// A dynamically typed actor answering hub_actor's messages (and its own
// flush timer, which the typed interface has no room for).
using shared_hub = caf::stateful_actor<shared_hub_state>*;

void send_all(shared_hub self, const caf::message& msg) {
  for (auto& s : self->state.sessions)
    caf::anon_send(s, msg);
}

void flush(shared_hub self) {
  auto& st = self->state;
  if (st.pending.empty())
    return;
  send_all(self, caf::make_message(std::move(st.pending)));
  st.pending.clear();
}

caf::behavior shared_hub_behavior(shared_hub self, bool batched) {
  self->state.batched = batched;
  self->set_down_handler([self](const caf::down_msg& dm) {
    std::erase_if(self->state.sessions,
                  [&](const caf::actor& s) { return s.address() == dm.source; });
  });
  return {
    [self](const post_event& ev) {
      auto& st = self->state;
      if (!st.batched)
        return send_all(self, caf::make_message(ev));
      st.pending.push_back(ev);
      if (st.pending.size() >= batch_max)
        return flush(self);
      if (!st.flush_due) {
        st.flush_due = true;
        self->delayed_send(self, batch_window, flush_atom::value);
      }
    },
    [self](flush_atom) {
      self->state.flush_due = false;
      flush(self);
    },
    [self](const standing_event& ev) {
      flush(self);
      send_all(self, caf::make_message(ev));
    },
    [self](join_atom, caf::actor session) {
      self->monitor(session);
      self->state.sessions.push_back(std::move(session));
      return static_cast<std::int64_t>(self->state.sessions.size());
    },
    [self](leave_atom, const caf::actor& session) {
      self->demonitor(session);
      std::erase(self->state.sessions, session);
    },
    [self](info_atom) {
      auto info = make_info("hub");
      info.polls = static_cast<std::int64_t>(self->state.sessions.size());
      return info;
    },
  };
}

} // namespace

hub_actor spawn_shared_message_hub(caf::actor_system& sys, bool batched) {
  return caf::actor_cast<hub_actor>(sys.spawn(shared_hub_behavior, batched));
}

} // namespace socialcrm::bench
