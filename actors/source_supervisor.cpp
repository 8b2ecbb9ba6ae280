#include "actors/source_supervisor.hpp"

#include "storage/account_repository.hpp"
#include "storage/column_repository.hpp"
#include "storage/database.hpp"
#include "storage/people_repository.hpp"

#include <caf/event_based_actor.hpp>
#include <caf/stateful_actor.hpp>
#include <spdlog/spdlog.h>

#include <map>
#include <set>

namespace socialcrm {

namespace {

std::string key_of(const char* owner, std::int64_t id, networks::feed f) {
  return std::string(owner) + ":" + std::to_string(id) + ":"
         + std::string(networks::to_string(f));
}

// The first active account per network: whose credentials a column uses.
std::map<network, storage::linked_account>
first_account_per_network(const std::vector<storage::linked_account>& all) {
  std::map<network, storage::linked_account> out;
  for (auto& a : all)
    out.emplace(a.net, a);
  return out;
}

void add_account_sources(const source_context& ctx,
                         storage::account_repository& accounts,
                         const std::vector<storage::linked_account>& active,
                         std::vector<source_spec>& out) {
  for (auto& a : active) {
    auto opts = connector_options_for(ctx, a.net);
    auto conn = opts ? networks::make_connector(a.net, *opts) : nullptr;
    if (!conn)
      continue;
    source_spec spec;
    spec.id = "source:account:" + std::to_string(a.id);
    spec.ref = {a.id, 0};
    for (auto f : conn->account_feeds())
      spec.tasks.push_back({a.id, a.net, {f, "", "", {}},
                            key_of("account", a.id, f)});
    if (conn->has_timelines())
      for (auto& uid : accounts.associated_user_ids(a.net))
        spec.tasks.push_back({a.id, a.net,
                              {networks::feed::timeline, "", uid, {}},
                              key_of("account", a.id, networks::feed::timeline)
                                + ":" + uid});
    out.push_back(std::move(spec));
  }
}

void add_column_sources(const source_context& ctx, storage::database& db,
                        const std::vector<storage::linked_account>& active,
                        std::vector<source_spec>& out) {
  storage::column_repository columns(db.handle());
  storage::people_repository people(db.handle());
  auto by_net = first_account_per_network(active);
  for (auto& c : columns.all()) {
    if (c.type == storage::column_type::my_posts)
      continue; // shows the account sources' own posts; nothing to poll
    source_spec spec;
    spec.id = "source:column:" + std::to_string(c.id);
    spec.ref = {0, c.id};
    for (auto& [net, a] : by_net) {
      auto opts = connector_options_for(ctx, net);
      auto conn = opts ? networks::make_connector(net, *opts) : nullptr;
      if (!conn)
        continue;
      if (c.type == storage::column_type::keyword && conn->can_search())
        spec.tasks.push_back({a.id, net,
                              {networks::feed::search, "", "", c.terms},
                              key_of("column", c.id, networks::feed::search)
                                + ":" + std::string(to_string(net))});
      if (c.type == storage::column_type::custom && conn->has_timelines())
        for (auto& p : c.people)
          for (auto& key : people.profiles_of(p))
            if (key.net == net)
              spec.tasks.push_back(
                {a.id, net, {networks::feed::timeline, "", key.user_id, {}},
                 key_of("column", c.id, networks::feed::timeline) + ":"
                   + std::string(to_string(net)) + ":" + key.user_id});
    }
    if (!spec.tasks.empty())
      out.push_back(std::move(spec));
  }
}

struct running_source {
  source_spec spec;
  caf::actor handle;
  int crashes = 0;
};

struct supervisor_state {
  supervisor_state() = default;
  std::shared_ptr<const source_context> ctx;
  std::map<std::string, running_source> running;
  // Every source ever spawned: its exit message may arrive after its down
  // message cleared `running`, and must not stop the supervisor.
  std::set<caf::actor_addr> children;
  static inline const char* name = "source_supervisor";
};

using supervisor_pointer = caf::stateful_actor<supervisor_state>*;

void start(supervisor_pointer self, running_source& r) {
  r.handle = spawn_source(self->system(), self->state.ctx, r.spec);
  self->monitor(r.handle);
  self->link_to(r.handle);
  self->state.children.insert(r.handle.address());
}

void reconcile(supervisor_pointer self) {
  std::vector<source_spec> want;
  try {
    want = desired_sources(*self->state.ctx);
  } catch (const std::exception& e) {
    spdlog::error("source supervisor cannot read the database: {}", e.what());
    return;
  }
  auto& running = self->state.running;
  std::map<std::string, source_spec> wanted;
  for (auto& s : want)
    wanted.emplace(s.id, s);
  for (auto i = running.begin(); i != running.end();) {
    auto w = wanted.find(i->first);
    if (w == wanted.end() || !(w->second == i->second.spec)) {
      if (i->second.handle) {
        self->demonitor(i->second.handle);
        self->unlink_from(i->second.handle);
        self->state.children.erase(i->second.handle.address());
        self->send_exit(i->second.handle, caf::exit_reason::user_shutdown);
      }
      i = running.erase(i);
    } else {
      ++i;
    }
  }
  for (auto& [id, spec] : wanted)
    if (!running.count(id)) {
      auto& r = running[id];
      r.spec = spec;
      start(self, r);
      spdlog::info("{} started with {} task(s)", id, spec.tasks.size());
    }
}

caf::behavior supervisor_behavior(supervisor_pointer self,
                                  std::shared_ptr<const source_context> ctx) {
  self->state.ctx = std::move(ctx);
  // Sources are linked: when the supervisor stops they stop with it, so a
  // stopping node polls nothing. Their own exits are handled as down
  // messages (restart with backoff), not as a reason to stop.
  self->set_exit_handler([self](caf::exit_msg& em) {
    if (self->state.children.erase(em.source) > 0)
      return;
    self->quit(em.reason);
  });
  self->set_down_handler([self](const caf::down_msg& dm) {
    for (auto& [id, r] : self->state.running)
      if (r.handle && r.handle.address() == dm.source) {
        r.handle = nullptr;
        if (!dm.reason || dm.reason == caf::exit_reason::user_shutdown)
          return;
        ++r.crashes;
        auto delay = backoff_delay_ms(r.crashes,
                                      self->state.ctx->poll_interval_s);
        spdlog::warn("{} crashed ({}); restarting in {} ms", id,
                     self->system().render(dm.reason), delay);
        self->delayed_send(self, std::chrono::milliseconds(delay),
                           restart_atom::value, id);
        return;
      }
  });
  reconcile(self);
  self->delayed_send(self, rescan_interval, tick_atom::value);
  return {
    [self](rescan_atom) {
      reconcile(self);
      return static_cast<std::int64_t>(self->state.running.size());
    },
    [self](tick_atom) {
      reconcile(self);
      self->delayed_send(self, rescan_interval, tick_atom::value);
    },
    [self](restart_atom, const std::string& id) {
      auto i = self->state.running.find(id);
      if (i != self->state.running.end() && !i->second.handle)
        start(self, i->second);
    },
  };
}

} // namespace

std::vector<source_spec> desired_sources(const source_context& ctx) {
  storage::database db(ctx.db_path, storage::access::read_only);
  storage::account_repository accounts(db.handle());
  auto active = accounts.pollable();
  std::vector<source_spec> out;
  add_account_sources(ctx, accounts, active, out);
  add_column_sources(ctx, db, active, out);
  return out;
}

caf::actor spawn_source_supervisor(caf::actor_system& sys,
                                   std::shared_ptr<const source_context> ctx) {
  return sys.spawn<caf::detached>(supervisor_behavior, std::move(ctx));
}

} // namespace socialcrm
