#include "actors/registry_actor.hpp"

#include <caf/send.hpp>
#include <caf/typed_event_based_actor.hpp>

#include <algorithm>
#include <deque>
#include <unordered_map>

namespace socialcrm {

namespace {

/// The longest window a rate is reported over (actor_info::rate_60s); older
/// samples are dropped.
constexpr unix_ms rate_horizon_ms = 60'000;
/// Samples kept per actor at most: reports come at most a few a second
/// (a source reports per poll cycle and state change), and a bounded
/// deque keeps 10,000 actors' history small whatever an actor does.
constexpr std::size_t max_samples = 128;

struct sample {
  unix_ms at;
  std::int64_t handled;
};

struct entry {
  actor_info info;
  caf::actor handle;
  std::deque<sample> samples; // handled over time, oldest first
};

// What an actor handled: its own count, else polls or batches.
std::int64_t handled_of(const actor_info& i) {
  return std::max(i.handled, i.polls + i.batches);
}

// Messages per second over the last `window` ms, from the samples.
double rate(const entry& e, unix_ms now, unix_ms window) {
  if (e.samples.empty())
    return 0;
  const auto& last = e.samples.back();
  // The newest sample at or before the window's start, else the oldest.
  const sample* from = &e.samples.front();
  for (const auto& s : e.samples) {
    if (s.at > now - window)
      break;
    from = &s;
  }
  if (from == &last)
    return 0; // nothing reported within the window: idle
  auto span = std::max<unix_ms>(now - from->at, 1);
  return static_cast<double>(last.handled - from->handled) * 1000.0
         / static_cast<double>(span);
}

void record(entry& e, unix_ms now) {
  e.samples.push_back({now, handled_of(e.info)});
  while (e.samples.size() > max_samples
         || (e.samples.size() > 2
             && e.samples[1].at < now - rate_horizon_ms))
    e.samples.pop_front();
}

void set_since(entry& e, actor_state before, unix_ms now) {
  if (e.info.since == 0 || e.info.state != before)
    e.info.since = now;
}

struct registry_state {
  // User-declared so the state is no aggregate: CAF checks whether a state
  // is constructible from `self`, and C++20 aggregates would say yes.
  registry_state() = default;

  // By id; hashed, as 10,000 sources report every 2 s and each report
  // finds its entry (the console sorts what it lists itself).
  std::unordered_map<std::string, entry> actors;
  std::string node; // which node this registry watches, for the console
  std::vector<caf::actor> watchers; // the console's event streams
  static inline const char* name = "registry";
};

using registry_pointer = registry_actor::stateful_pointer<registry_state>;

// A source's round trip between polling and running is its normal cycle,
// several times a second: not news for a watcher. Every other change is.
bool newsworthy(actor_state before, actor_state after) {
  auto cycling = [](actor_state x) {
    return x == actor_state::running || x == actor_state::polling;
  };
  return before != after && !(cycling(before) && cycling(after));
}

// Gives `ev` to every watcher (nothing is built when nobody watches).
void emit(registry_pointer self, actor_event ev) {
  auto& st = self->state;
  if (st.watchers.empty())
    return;
  if (ev.at == 0)
    ev.at = now_ms();
  ev.node = st.node;
  for (auto& w : st.watchers)
    caf::anon_send(w, ev);
}

actor_event event_of(const entry& e, const char* what) {
  actor_event ev;
  ev.id = e.info.id;
  ev.kind = e.info.kind;
  ev.event = what;
  ev.state = e.info.state;
  return ev;
}

// Sources send their emitted posts only while someone watches: tells them
// when that starts or ends (or one source, when it registers).
void tell_sources(registry_pointer self, bool watched,
                  const entry* only = nullptr) {
  auto tell = [&](const entry& e) {
    if (e.handle && e.info.kind == "source")
      caf::anon_send(e.handle, watched_atom::value, watched);
  };
  if (only)
    return tell(*only);
  for (auto& [id, e] : self->state.actors)
    tell(e);
}

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
  {
    // The registry lists itself: it is one of the actors an operator sees.
    auto& me = self->state.actors["registry"];
    me.info.id = me.info.kind = "registry";
    me.info.node = self->state.node;
    me.info.state = actor_state::running;
    me.info.since = now_ms();
  }
  self->set_down_handler([self](const caf::down_msg& dm) {
    auto now = now_ms();
    auto& ws = self->state.watchers;
    auto gone = std::remove_if(ws.begin(), ws.end(), [&](const caf::actor& w) {
      return w.address() == dm.source;
    });
    if (gone != ws.end()) {
      ws.erase(gone, ws.end());
      if (ws.empty())
        tell_sources(self, false);
      return;
    }
    for (auto& [id, e] : self->state.actors)
      if (e.handle && e.handle.address() == dm.source) {
        auto before = e.info.state;
        e.info.state = dm.reason ? actor_state::failed : actor_state::stopped;
        set_since(e, before, now);
        if (dm.reason) {
          e.info.last_error = self->system().render(dm.reason);
          e.info.last_error_at = now;
          ++e.info.errors;
        }
        e.handle = nullptr;
        auto ev = event_of(e, dm.reason ? "failed" : "stopped");
        ev.previous = before;
        ev.error = dm.reason ? e.info.last_error : std::string();
        emit(self, std::move(ev));
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
      e.info.node = self->state.node;
      if (e.info.state == actor_state::failed
          || e.info.state == actor_state::stopped)
        ++e.info.restarts;
      auto before = e.info.state;
      e.info.state = actor_state::running;
      set_since(e, before, now_ms());
      self->monitor(handle);
      e.handle = std::move(handle);
      auto ev = event_of(e, "registered");
      ev.previous = before;
      emit(self, std::move(ev));
      if (!self->state.watchers.empty())
        tell_sources(self, true, &e);
    },
    [self](status_atom, actor_info& info) {
      auto now = now_ms();
      auto& e = self->state.actors[info.id];
      info.restarts = std::max(info.restarts, e.info.restarts);
      info.node = self->state.node;
      info.since = e.info.since;
      if (info.last_error_at == 0 && info.errors > e.info.errors)
        info.last_error_at = now;
      else if (info.last_error_at == 0)
        info.last_error_at = e.info.last_error_at;
      auto before = e.info.state;
      auto errors_before = e.info.errors;
      e.info = std::move(info);
      set_since(e, before, now);
      record(e, now);
      if (newsworthy(before, e.info.state)) {
        auto ev = event_of(e, "state");
        ev.previous = before;
        emit(self, std::move(ev));
      }
      if (e.info.errors > errors_before) {
        auto ev = event_of(e, "error");
        ev.error = e.info.last_error;
        emit(self, std::move(ev));
      }
    },
    [self](list_atom) {
      auto now = now_ms();
      std::vector<actor_info> out;
      out.reserve(self->state.actors.size());
      for (auto& [id, e] : self->state.actors) {
        out.push_back(e.info);
        auto& i = out.back();
        i.handled = handled_of(e.info);
        i.rate_1s = rate(e, now, 1'000);
        i.rate_10s = rate(e, now, 10'000);
        i.rate_60s = rate(e, now, 60'000);
      }
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
    [self](poll_atom, const std::string& id) {
      return forward<poll_atom>(self, id);
    },
    [self](actor_event& ev) { emit(self, std::move(ev)); },
    [self](watch_atom, caf::actor w) {
      auto& ws = self->state.watchers;
      if (!w)
        return false;
      if (std::find(ws.begin(), ws.end(), w) != ws.end())
        return true;
      self->monitor(w);
      ws.push_back(std::move(w));
      if (ws.size() == 1)
        tell_sources(self, true);
      return true;
    },
    [self](unwatch_atom, const caf::actor& w) {
      auto& ws = self->state.watchers;
      auto it = std::find(ws.begin(), ws.end(), w);
      if (it == ws.end())
        return;
      self->demonitor(w);
      ws.erase(it);
      if (ws.empty())
        tell_sources(self, false);
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
