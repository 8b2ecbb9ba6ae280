#include "web/live_router.hpp"

#include "web/live_session.hpp"

#include <caf/event_based_actor.hpp>
#include <caf/send.hpp>
#include <caf/stateful_actor.hpp>

#include <spdlog/spdlog.h>

#include <optional>
#include <string_view>
#include <unordered_map>
#include <variant>

namespace socialcrm::web::live {

namespace {

struct entry {
  enum class mode {
    idle,    // not subscribed, or told to resync: nothing goes out
    forward, // the session reads a subscribe or replays: events go to it
    holding, // handing over: events wait here until the session is done
    direct,  // the router pushes to the connection
  };

  caf::actor session;
  mode delivery = mode::idle;
  std::uint64_t generation = 0; // the session's subscribe the rest is of
  std::shared_ptr<const direct_params> params;
  std::int64_t last_seq = 0; // direct: the newest event looked at
  std::vector<live_event> held;
  bool held_overflow = false;
  // filter_key() of the subscription, and the sets version it was made
  // with (a new scope replaces params).
  std::string filter;
  std::uint64_t filter_sets_version = 0;
};

struct router_state {
  // User-declared so the state is no aggregate (CAF checks whether a state
  // is constructible from `self`, and C++20 aggregates would say yes).
  router_state() = default;

  std::shared_ptr<live_shared> shared;
  std::unordered_map<caf::actor_id, entry> entries;
  std::shared_ptr<const crm_sets> sets;
  std::uint64_t sets_version = 0;
  backlog_gauge backlog; // the events received, for check_backlog()
  static inline const char* name = "live_router";
};

using router_actor = caf::stateful_actor<router_state>;

const std::string& filter_of(router_actor* self, entry& e) {
  auto& st = self->state;
  if (e.filter.empty() || e.filter_sets_version != st.sets_version) {
    e.filter = filter_key(e.params->views, *e.params->scope, st.sets_version);
    e.filter_sets_version = st.sets_version;
  }
  return e.filter;
}

// The client is told to resync (resync_client): nothing more goes out
// until it subscribes again, and the session knows.
void fall_behind(router_actor* self, entry& e, std::string_view why) {
  resync_client(*e.params->conn, e.held, why);
  e.delivery = entry::mode::idle;
  self->send(e.session, behind_atom::value, e.generation);
}

// What a push to the connection answered: a full queue means the client
// did not keep up.
void fall_behind_if_full(router_actor* self, entry& e,
                         http::ws_connection::push_result r) {
  if (r == http::ws_connection::push_result::full)
    fall_behind(self, e, client_fell_behind);
}

void push(router_actor* self, entry& e, ws_text text) {
  fall_behind_if_full(self, e, e.params->conn->push(std::move(text)));
}

// One post to one direct entry, matched on its own (a batch overlapping
// what the session sent before the handover, or held events).
void push_post(router_actor* self, entry& e, const post_event& ev) {
  auto& st = self->state;
  if (!advance(e.last_seq, ev.seq))
    return;
  if (auto text = live_post_text(st.shared->cache, e.params->views,
                                 *e.params->scope, *st.sets, ev.item,
                                 ev.column_ids))
    push(self, e, std::move(text));
}

void push_standing(router_actor* self, entry& e, const standing_event& ev) {
  if (auto text = standing_text(self->state.shared->cache, e.last_seq, ev))
    push(self, e, std::move(text));
}

// When the router is too far behind the hub (backlog_gauge), every client
// it delivers to is told to resync, as a session does; what waits then
// costs nothing for them. Sessions it forwards to still get every event:
// they judge their own backlog.
void check_backlog(router_actor* self, std::size_t n) {
  auto& st = self->state;
  if (!st.backlog.behind(self, n))
    return;
  for (auto& [id, e] : st.entries)
    if (e.delivery == entry::mode::direct
        || e.delivery == entry::mode::holding)
      fall_behind(self, e, server_fell_behind);
}

// `whole` gives the hub's message, to forward it as it is.
template <class Whole>
void on_batch(router_actor* self, const std::vector<post_event>& batch,
              Whole whole) {
  auto& st = self->state;
  if (batch.empty())
    return;
  check_backlog(self, batch.size());
  catch_up_sets(*st.shared, st.sets, st.sets_version);
  std::optional<caf::message> forwarded; // made once, for every session
  // Sessions with the same filter share one match of the batch.
  std::unordered_map<std::string_view, message_cache::batch_match_ptr> local;
  auto first = batch.front().seq;
  for (auto& [id, e] : st.entries) {
    switch (e.delivery) {
      case entry::mode::idle:
        break;
      case entry::mode::forward:
        if (!forwarded)
          forwarded = whole();
        caf::anon_send(e.session, *forwarded);
        break;
      case entry::mode::holding:
        for (const auto& ev : batch)
          hold_bounded(e.held, e.held_overflow, ev);
        break;
      case entry::mode::direct: {
        if (first <= e.last_seq) {
          for (const auto& ev : batch)
            if (e.delivery == entry::mode::direct)
              push_post(self, e, ev);
          break;
        }
        const auto& key = filter_of(self, e);
        auto& match = local[key];
        if (!match)
          match = st.shared->cache.batch(first, batch.size(), key, [&] {
            message_cache::batch_match m;
            for (const auto& ev : batch)
              if (auto text = live_post_text(
                    st.shared->cache, e.params->views, *e.params->scope,
                    *st.sets, ev.item, ev.column_ids))
                m.texts.push_back(std::move(text));
            return m;
          });
        e.last_seq = batch.back().seq;
        // All of them at once: one lock and one wake-up of the writer per
        // connection and batch, and the writer sends them as one burst.
        if (!match->texts.empty())
          fall_behind_if_full(self, e,
                              e.params->conn->push_all(match->texts));
        break;
      }
    }
  }
}

void on_standing(router_actor* self, const standing_event& ev) {
  auto& st = self->state;
  check_backlog(self, 1);
  // A standing change may move contacts in or out of the filters.
  st.shared->refresh(ev.seq);
  auto whole = caf::make_message(ev);
  for (auto& [id, e] : st.entries) {
    if (e.delivery == entry::mode::forward)
      caf::anon_send(e.session, whole);
    else if (e.delivery == entry::mode::holding)
      hold_bounded(e.held, e.held_overflow, ev);
    else if (e.delivery == entry::mode::direct)
      push_standing(self, e, ev);
  }
}

entry* find(router_actor* self, const caf::actor& s) {
  auto it = self->state.entries.find(s.id());
  return it == self->state.entries.end() ? nullptr : &it->second;
}

// The session reads a subscribe: it gets the events again, starting with
// those held for a handover it will not finish.
void on_follow(router_actor* self, const caf::actor& s) {
  auto* e = find(self, s);
  if (!e)
    return;
  if (e->delivery == entry::mode::holding)
    for (auto& ev : e->held)
      std::visit([&](auto& x) { caf::anon_send(e->session, std::move(x)); },
                 ev);
  e->held.clear();
  e->held_overflow = false;
  e->delivery = entry::mode::forward;
}

void on_attach(router_actor* self, const caf::actor& s, std::uint64_t gen,
               const std::shared_ptr<const direct_params>& params) {
  auto* e = find(self, s);
  if (!e || !params || e->delivery != entry::mode::forward)
    return;
  e->delivery = entry::mode::holding;
  e->generation = gen;
  e->params = params;
  e->filter.clear();
  e->held.clear();
  e->held_overflow = false;
  // Behind every event forwarded so far.
  self->send(e->session, handover_atom::value, gen);
}

void on_handed(router_actor* self, const caf::actor& s, std::uint64_t gen,
               std::int64_t last_seq) {
  auto* e = find(self, s);
  if (!e || e->delivery != entry::mode::holding || e->generation != gen)
    return;
  auto& st = self->state;
  catch_up_sets(*st.shared, st.sets, st.sets_version);
  e->delivery = entry::mode::direct;
  e->last_seq = last_seq;
  auto held = std::move(e->held);
  e->held.clear();
  if (e->held_overflow) {
    e->held_overflow = false;
    return fall_behind(self, *e, "more events than can be replayed");
  }
  for (auto& ev : held) {
    if (e->delivery != entry::mode::direct)
      break;
    if (auto* p = std::get_if<post_event>(&ev))
      push_post(self, *e, *p);
    else
      push_standing(self, *e, std::get<standing_event>(ev));
  }
}

void on_rescope(router_actor* self, const caf::actor& s, std::uint64_t gen,
                const std::shared_ptr<const user_scope>& scope) {
  auto* e = find(self, s);
  if (!e || !scope || !e->params || e->generation != gen
      || (e->delivery != entry::mode::direct
          && e->delivery != entry::mode::holding))
    return;
  auto p = std::make_shared<direct_params>(*e->params);
  p->scope = scope;
  e->params = std::move(p);
  e->filter.clear();
}

using rejoin_atom = caf::atom_constant<caf::atom("lv_rejoin")>;

/// Every live session depends on the router's join: a hub too busy to
/// answer in time is asked again this much later (a hub that is gone ends
/// the router through its down message instead). A second lets a busy hub
/// drain its mailbox, and the sessions' own resume covers the gap.
constexpr auto hub_rejoin_delay = std::chrono::seconds(1);

void join_hub(router_actor* self) {
  self->request(self->state.shared->hub, self->state.shared->ask_timeout,
                join_atom::value, caf::actor_cast<caf::actor>(self))
    .then([](std::int64_t) {},
          [self](caf::error& err) {
            spdlog::warn("the live router could not join the hub ({}); "
                         "trying again in {} s",
                         caf::to_string(err), hub_rejoin_delay.count());
            self->delayed_send(self, hub_rejoin_delay, rejoin_atom::value);
          });
}

caf::behavior router(router_actor* self, std::shared_ptr<live_shared> shared,
                     registry_actor registry) {
  auto& st = self->state;
  st.shared = std::move(shared);
  if (registry)
    caf::anon_send(registry, register_atom::value, std::string("live_router"),
                   std::string("live_router"),
                   caf::actor_cast<caf::actor>(self));
  auto hub = st.shared->hub;
  self->monitor(hub);
  self->set_down_handler([self, hub](const caf::down_msg& dm) {
    if (dm.source == hub.address()) {
      self->quit(dm.reason);
      return;
    }
    self->state.entries.erase(dm.source.id());
  });
  join_hub(self);
  return {
    [self](rejoin_atom) { join_hub(self); },
    [self](const std::vector<post_event>& batch) {
      // Forwarded as received: the hub's message is shared, not copied.
      on_batch(self, batch, [self] {
        return self->current_mailbox_element()->copy_content_to_message();
      });
    },
    [self](const post_event& ev) {
      std::vector<post_event> one{ev};
      on_batch(self, one, [&] { return caf::make_message(ev); });
    },
    [self](const standing_event& ev) { on_standing(self, ev); },
    [self](join_atom, const caf::actor& s) {
      self->monitor(s);
      auto& e = self->state.entries[s.id()];
      e.session = s;
      return static_cast<std::int64_t>(self->state.entries.size());
    },
    [self](leave_atom, const caf::actor& s) {
      self->demonitor(s);
      self->state.entries.erase(s.id());
    },
    [self](follow_atom, const caf::actor& s) { on_follow(self, s); },
    [self](idle_atom, const caf::actor& s) {
      if (auto* e = find(self, s)) {
        e->delivery = entry::mode::idle;
        e->held.clear();
      }
    },
    [self](attach_atom, const caf::actor& s, std::uint64_t gen,
           const std::shared_ptr<const direct_params>& p) {
      on_attach(self, s, gen, p);
    },
    [self](handed_atom, const caf::actor& s, std::uint64_t gen,
           std::int64_t last_seq) { on_handed(self, s, gen, last_seq); },
    [self](rescope_atom, const caf::actor& s, std::uint64_t gen,
           const std::shared_ptr<const user_scope>& scope) {
      on_rescope(self, s, gen, scope);
    },
  };
}

} // namespace

caf::actor spawn_router(const std::shared_ptr<live_shared>& shared,
                        registry_actor registry) {
  return shared->sys.spawn(router, shared, std::move(registry));
}

} // namespace socialcrm::web::live
