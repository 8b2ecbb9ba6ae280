#include "actors/registry_actor.hpp"

#include <caf/typed_event_based_actor.hpp>

#include <map>

namespace socialcrm {

namespace {

struct entry {
  actor_info info;
  caf::actor handle;
};

struct registry_state {
  // User-declared so the state is no aggregate: CAF checks whether a state
  // is constructible from `self`, and C++20 aggregates would say yes.
  registry_state() = default;

  std::map<std::string, entry> actors; // by id: the console lists them sorted
  std::string node; // which node this registry watches, for the console
  static inline const char* name = "registry";
};

using registry_pointer = registry_actor::stateful_pointer<registry_state>;

// Forwards a console command; false when the id is unknown.
template <class Atom>
bool forward(registry_pointer self, const std::string& id) {
  auto i = self->state.actors.find(id);
  if (i == self->state.actors.end() || !i->second.handle)
    return false;
  caf::anon_send(i->second.handle, Atom::value);
  return true;
}

registry_actor::behavior_type registry_behavior(registry_pointer self,
                                                std::string node) {
  self->state.node = std::move(node);
  self->set_down_handler([self](const caf::down_msg& dm) {
    for (auto& [id, e] : self->state.actors)
      if (e.handle && e.handle.address() == dm.source) {
        e.info.state = dm.reason ? actor_state::failed : actor_state::stopped;
        if (dm.reason)
          e.info.last_error = self->system().render(dm.reason);
        e.handle = nullptr;
      }
  });
  return {
    [self](register_atom, const std::string& id, const std::string& kind,
           caf::actor handle) {
      auto& e = self->state.actors[id];
      if (e.handle) // re-registered after a restart: the old one is gone
        self->demonitor(e.handle);
      e.info.id = id;
      e.info.kind = kind;
      if (e.info.state == actor_state::failed
          || e.info.state == actor_state::stopped)
        ++e.info.restarts;
      e.info.state = actor_state::running;
      self->monitor(handle);
      e.handle = std::move(handle);
    },
    [self](status_atom, actor_info& info) {
      auto& e = self->state.actors[info.id];
      info.restarts = std::max(info.restarts, e.info.restarts);
      e.info = std::move(info);
    },
    [self](list_atom) {
      std::vector<actor_info> out;
      for (auto& [id, e] : self->state.actors)
        out.push_back(e.info);
      return out;
    },
    [self](pause_atom, const std::string& id) {
      return forward<pause_atom>(self, id);
    },
    [self](resume_atom, const std::string& id) {
      return forward<resume_atom>(self, id);
    },
    [self](restart_atom, const std::string& id) {
      return forward<restart_atom>(self, id);
    },
  };
}

} // namespace

registry_actor spawn_registry(caf::actor_system& sys) {
  // At least one spawn argument: with none, CAF 0.17's init_fun_factory
  // dereferences a null argument tuple (UBSan aborts `serve` at start-up).
  return sys.spawn(registry_behavior, std::string("local"));
}

} // namespace socialcrm
