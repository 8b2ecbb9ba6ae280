#include "actors/hub_actor.hpp"

#include <caf/typed_event_based_actor.hpp>

#include <algorithm>

namespace socialcrm {

namespace {

struct hub_state {
  // User-declared so the state is no aggregate: CAF checks whether a state
  // is constructible from `self`, and C++20 aggregates would say yes.
  hub_state() = default;

  std::vector<caf::actor> sessions;
  actor_info info = make_info("hub");
  static inline const char* name = "hub";
};

using hub_pointer = hub_actor::stateful_pointer<hub_state>;

template <class Event>
void fan_out(hub_pointer self, const Event& ev) {
  ++self->state.info.posts;
  // Sessions are dynamically typed actors (one per WebSocket), so the typed
  // hub uses anon_send (CAF 0.17 does not let a typed actor send to them).
  for (auto& s : self->state.sessions)
    caf::anon_send(s, ev);
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
    [self](const post_event& ev) { fan_out(self, ev); },
    [self](const standing_event& ev) { fan_out(self, ev); },
    [self](join_atom, caf::actor session) {
      self->monitor(session);
      self->state.sessions.push_back(std::move(session));
      return static_cast<std::int64_t>(self->state.sessions.size());
    },
    [self](leave_atom, const caf::actor& session) {
      self->demonitor(session);
      drop(self, session.address());
    },
    [self](info_atom) {
      auto info = self->state.info;
      info.polls = static_cast<std::int64_t>(self->state.sessions.size());
      return info;
    },
  };
}

} // namespace

hub_actor spawn_hub(caf::actor_system& sys, registry_actor registry) {
  return sys.spawn(hub_behavior, std::move(registry));
}

} // namespace socialcrm
