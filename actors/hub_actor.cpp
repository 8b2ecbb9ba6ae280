#include "actors/hub_actor.hpp"

#include <caf/send.hpp>
#include <caf/typed_event_based_actor.hpp>

#include <algorithm>

namespace socialcrm {

namespace {

struct hub_state {
  // User-declared so the state is no aggregate: CAF checks whether a state
  // is constructible from `self`, and C++20 aggregates would say yes.
  hub_state() = default;

  std::vector<caf::actor> sessions;
  // Posts received since the last flush, in seq order, and whether a flush
  // is waiting in the hub's own mailbox.
  std::vector<post_event> pending;
  bool flush_due = false;
  actor_info info = make_info("hub");
  static inline const char* name = "hub";
};

using hub_pointer = hub_actor::stateful_pointer<hub_state>;

// One message for every session: CAF messages are reference-counted and
// copy-on-write, so a thousand sessions read the same event instead of a
// thousand copies of it. Sessions are dynamically typed actors (one per
// WebSocket), so the typed hub uses anon_send (CAF 0.17 does not let a
// typed actor send to them).
void send_all(hub_pointer self, const caf::message& msg) {
  for (auto& s : self->state.sessions)
    caf::anon_send(s, msg);
}

// Sends the posts gathered so far as one message.
void flush(hub_pointer self) {
  auto& st = self->state;
  if (st.pending.empty())
    return;
  auto msg = st.pending.size() == 1 ? caf::make_message(std::move(st.pending[0]))
                                    : caf::make_message(std::move(st.pending));
  st.pending.clear();
  send_all(self, msg);
}

// Posts are gathered until the hub has read what its mailbox held when
// they arrived: the flush it sends itself queues behind those messages.
// An idle hub therefore sends every post at once, and a busy one sends
// fewer, larger messages instead of falling behind. No timer, no added
// delay beyond the hub's own backlog.
void gather(hub_pointer self, const post_event& ev) {
  auto& st = self->state;
  ++st.info.posts;
  st.pending.push_back(ev);
  if (!st.flush_due) {
    st.flush_due = true;
    self->send(self, flush_atom::value);
  }
}

void drop(hub_pointer self, const caf::actor_addr& who) {
  auto& v = self->state.sessions;
  v.erase(std::remove_if(v.begin(), v.end(),
                         [&](const caf::actor& s) { return s.address() == who; }),
          v.end());
}

hub_actor::behavior_type hub_behavior(hub_pointer self, registry_actor registry) {
  self->state.info.state = actor_state::running;
  if (registry)
    self->send(registry, register_atom::value, std::string("hub"),
               std::string("hub"), caf::actor_cast<caf::actor>(self));
  self->set_down_handler(
    [self](const caf::down_msg& dm) { drop(self, dm.source); });
  return {
    [self](const post_event& ev) { gather(self, ev); },
    [self](const std::vector<post_event>& batch) {
      for (const auto& ev : batch)
        gather(self, ev);
    },
    [self](flush_atom) {
      self->state.flush_due = false;
      flush(self);
    },
    [self](const standing_event& ev) {
      // The posts before it go first: sessions see events in seq order.
      flush(self);
      send_all(self, caf::make_message(ev));
    },
    [self](join_atom, caf::actor session) {
      // A join asked again (its answer timed out) must not add it twice:
      // it would get every event twice.
      auto& v = self->state.sessions;
      if (std::find(v.begin(), v.end(), session) == v.end()) {
        self->monitor(session);
        v.push_back(std::move(session));
      }
      return static_cast<std::int64_t>(v.size());
    },
    [self](leave_atom, const caf::actor& session) {
      self->demonitor(session);
      drop(self, session.address());
    },
    [self](info_atom) {
      auto info = self->state.info;
      info.sessions = static_cast<std::int64_t>(self->state.sessions.size());
      return info;
    },
  };
}

} // namespace

hub_actor spawn_hub(caf::actor_system& sys, registry_actor registry) {
  return sys.spawn(hub_behavior, std::move(registry));
}

} // namespace socialcrm
