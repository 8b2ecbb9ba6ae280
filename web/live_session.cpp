#include "web/live_session_state.hpp"

#include "web/json_body.hpp"

#include <caf/event_based_actor.hpp>
#include <caf/send.hpp>

#include <spdlog/spdlog.h>

#include <string_view>

namespace socialcrm::web::live {

namespace {

// The client is told to resync (resync_client): nothing more goes out
// until it subscribes again, and the router knows.
void fall_behind(session_actor* self, std::string_view why) {
  auto& st = self->state;
  resync_client(*st.conn, st.buffer, why);
  st.active = false;
  go_idle(self);
}

} // namespace

void go_idle(session_actor* self) {
  auto& st = self->state;
  st.direct = false;
  if (st.joined)
    self->send(st.shared->router(), idle_atom::value,
               caf::actor_cast<caf::actor>(self));
}

void attach_to_router(session_actor* self) {
  auto& st = self->state;
  if (!st.joined || !st.active || st.loading || st.direct)
    return;
  auto p = std::make_shared<direct_params>();
  p->conn = st.conn;
  p->views = st.views;
  p->scope = st.scope;
  self->send(st.shared->router(), attach_atom::value,
             caf::actor_cast<caf::actor>(self), st.generation,
             std::shared_ptr<const direct_params>(std::move(p)));
}

// -- sending ------------------------------------------------------------------

void send_event(session_actor* self, ws_text text) {
  auto& st = self->state;
  if (st.active && st.conn->push(std::move(text))
                     == http::ws_connection::push_result::full)
    fall_behind(self, client_fell_behind);
}

void send_reply(session_actor* self, ws_text text) {
  auto& st = self->state;
  if (st.conn->push(text) == http::ws_connection::push_result::full) {
    fall_behind(self, client_fell_behind);
    st.conn->push(std::move(text));
  }
}

void send_error(session_actor* self, const error_info& e) {
  send_reply(self, error_message(e.code, e.message));
}

// -- events -------------------------------------------------------------------

bool deliver_post(session_actor* self, const stored_post& item,
                  const std::vector<std::int64_t>& columns, bool live) {
  auto& st = self->state;
  if (live) {
    auto text = live_post_text(st.shared->cache, st.views, *st.scope,
                               *st.sets, item, columns);
    if (text)
      send_event(self, std::move(text));
    return text != nullptr;
  }
  auto views = matched_views(st.views, *st.scope, *st.sets, item, columns);
  if (views.empty())
    return false;
  send_event(self, post_message(item, views));
  return true;
}

namespace {

void handle_post(session_actor* self, const post_event& ev) {
  auto& st = self->state;
  if (!st.active || !advance(st.last_seq, ev.seq))
    return; // not subscribed, replayed already, or from before the subscribe
  catch_up_sets(*st.shared, st.sets, st.sets_version);
  deliver_post(self, ev.item, ev.column_ids, true);
}

void handle_standing(session_actor* self, const standing_event& ev) {
  auto& st = self->state;
  if (!st.active)
    return;
  if (auto text = standing_text(st.shared->cache, st.last_seq, ev))
    send_event(self, std::move(text));
}

} // namespace

void handle_live(session_actor* self, const live_event& ev) {
  if (auto* p = std::get_if<post_event>(&ev))
    handle_post(self, *p);
  else
    handle_standing(self, std::get<standing_event>(ev));
}

namespace {

// Whether the session is too far behind the hub to catch up
// (backlog_gauge): then its client is told to resync and what waits is
// dropped unread (cheaply, so the mailbox drains).
bool overloaded(session_actor* self, std::size_t n = 1) {
  auto& st = self->state;
  if (!st.backlog.behind(self, n))
    return false;
  if (st.active || st.loading) {
    st.loading = false;
    st.replaying.reset();
    st.waiting.reset();
    ++st.generation; // a subscribe read in flight is void
    fall_behind(self, server_fell_behind);
  }
  return true;
}

// Live events wait while a subscribe reads the database; a copy is made
// only then (the hub's message is shared by every session otherwise).
template <class Event>
void on_buffered(session_actor* self, const Event& ev) {
  auto& st = self->state;
  hold_bounded(st.buffer, st.buffer_overflow, ev);
}

template <class Event>
void on_event(session_actor* self, const Event& ev) {
  auto& st = self->state;
  if (overloaded(self))
    return;
  if (st.loading)
    return on_buffered(self, ev);
  if constexpr (std::is_same_v<Event, post_event>)
    handle_post(self, ev);
  else
    handle_standing(self, ev);
}

// Several posts in seq order, as the router forwards them while this
// session reads a subscribe or replays (the router delivers them itself
// once the session is in step).
void on_batch(session_actor* self, const std::vector<post_event>& batch) {
  auto& st = self->state;
  if (batch.empty() || overloaded(self, batch.size()))
    return;
  for (const auto& ev : batch)
    if (st.loading)
      on_buffered(self, ev);
    else
      handle_post(self, ev);
}

// -- client messages ----------------------------------------------------------

void on_client(session_actor* self, const std::string& text) {
  auto parsed = parse_client_message(text);
  if (!parsed)
    return send_error(self, parsed.error());
  auto& name = parsed->type;
  if (name == "ping")
    return send_reply(self, pong_message());
  if (name == "subscribe") {
    auto req = parse_subscribe(parsed->body);
    if (!req)
      return send_error(self, req.error());
    // At once: the acknowledgement and any replay come batched too.
    self->state.conn->batch_with(req->batch ? batch_format() : nullptr);
    return request_subscribe(self, std::move(*req));
  }
  send_error(self, make_error("unknown_type",
                              "unknown message type '" + name.substr(0, 40)
                                + "'; send subscribe or ping"));
}

// -- periodic reload ----------------------------------------------------------

void on_tick(session_actor* self) {
  auto& st = self->state;
  st.shared->refresh(0);
  if (st.active && !st.loading && !st.reloading) {
    st.reloading = true;
    auto me = caf::actor_cast<caf::actor>(self);
    auto gen = st.generation;
    std::weak_ptr<live_shared> weak = st.shared;
    st.shared->post([me, gen, who = st.who, weak](reader_connection& conn) {
      std::shared_ptr<const user_scope> out;
      try {
        // Held weakly: the reader thread must never destroy the shared
        // state (live_shared::refresh).
        if (auto shared = weak.lock())
          out = shared->scope_of(conn, who);
      } catch (const std::exception& e) {
        spdlog::warn("live scope reload failed: {}", e.what());
      }
      caf::anon_send(me, scope_atom::value, gen, std::move(out));
    });
  }
  self->delayed_send(self, reload_interval, tick_atom::value);
}

void end(session_actor* self) {
  auto& st = self->state;
  caf::anon_send(st.shared->router(), leave_atom::value,
                 caf::actor_cast<caf::actor>(self));
  self->quit();
}

caf::behavior session(session_actor* self, std::shared_ptr<live_shared> shared,
                      viewer who, std::shared_ptr<http::ws_pending> pending,
                      std::weak_ptr<http::ws_endpoint> endpoint) {
  auto& st = self->state;
  st.shared = std::move(shared);
  st.who = who;
  auto addr = self->address();
  http::ws_callbacks callbacks;
  callbacks.on_text = [addr](std::string text) {
    if (auto a = caf::actor_cast<caf::actor>(addr))
      caf::anon_send(a, text_atom::value, std::move(text));
  };
  callbacks.on_closed = [addr] {
    if (auto a = caf::actor_cast<caf::actor>(addr))
      caf::anon_send(a, closed_atom::value);
  };
  callbacks.on_drained = [addr] {
    if (auto a = caf::actor_cast<caf::actor>(addr))
      caf::anon_send(a, drained_atom::value);
  };
  if (auto ep = endpoint.lock())
    st.conn = ep->accept(pending, std::move(callbacks));
  pending.reset();
  if (!st.conn) {
    self->quit();
    return {};
  }
  st.shared->enlist(addr);
  self->attach_functor(
    [conn = st.conn, shared = st.shared, addr](const caf::error&) {
      conn->close();
      shared->forget(addr);
    });
  self->monitor(st.shared->router());
  self->set_down_handler([self](const caf::down_msg&) { end(self); });
  self->request(st.shared->router(), st.shared->ask_timeout, join_atom::value,
                caf::actor_cast<caf::actor>(self))
    .then(
      [self](std::int64_t) {
        self->state.joined = true;
        if (auto w = std::move(self->state.waiting)) {
          self->state.waiting.reset();
          start_subscribe(self, std::move(*w));
        }
      },
      [self](caf::error& err) {
        spdlog::warn("live session could not join the router: {}",
                     caf::to_string(err));
        self->quit();
      });
  // Ticks spread over the interval, so sessions opened together do not
  // all read the database in the same millisecond.
  auto first = std::chrono::milliseconds(self->id() % reload_interval.count());
  self->delayed_send(self, first, tick_atom::value);
  return {
    [self](text_atom, const std::string& text) { on_client(self, text); },
    [self](closed_atom) { end(self); },
    [self](const post_event& ev) { on_event(self, ev); },
    // Several posts in one message, in seq order, forwarded by the router.
    [self](const std::vector<post_event>& batch) { on_batch(self, batch); },
    [self](const standing_event& ev) {
      self->state.shared->refresh(ev.seq);
      on_event(self, ev);
    },
    [self](snap_atom, std::uint64_t gen,
           const std::shared_ptr<const snapshot>& snap) {
      on_snapshot(self, gen, snap);
    },
    [self](scope_atom, std::uint64_t gen,
           const std::shared_ptr<const user_scope>& scope) {
      auto& s = self->state;
      s.reloading = false;
      if (scope && gen == s.generation && s.active) {
        s.scope = scope;
        if (s.direct)
          self->send(s.shared->router(), rescope_atom::value,
                     caf::actor_cast<caf::actor>(self), gen, scope);
      }
    },
    // Everything the router forwarded before is handled: the router takes
    // over from the last event this session sent.
    [self](handover_atom, std::uint64_t gen) {
      auto& s = self->state;
      if (gen != s.generation || !s.active || s.loading || s.direct)
        return;
      s.direct = true;
      self->send(s.shared->router(), handed_atom::value,
                 caf::actor_cast<caf::actor>(self), gen, s.last_seq);
    },
    // The router told the client to resync.
    [self](behind_atom, std::uint64_t gen) {
      auto& s = self->state;
      if (gen != s.generation)
        return; // a newer subscribe is being read
      s.active = false;
      s.direct = false;
      s.buffer.clear();
    },
    [self](tick_atom) { on_tick(self); },
    [self](drained_atom) {
      if (self->state.replaying)
        continue_replay(self);
    },
  };
}

} // namespace

caf::actor spawn_session(const std::shared_ptr<live_shared>& shared,
                         viewer who,
                         std::shared_ptr<http::ws_pending> pending,
                         std::weak_ptr<http::ws_endpoint> endpoint) {
  return shared->sys.spawn(session, shared, who, std::move(pending),
                           std::move(endpoint));
}

} // namespace socialcrm::web::live
