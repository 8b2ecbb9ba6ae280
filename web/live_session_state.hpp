#pragma once

// Internal to the live session actor (web/live_session.hpp): its state and
// the steps shared by live_session.cpp (events, client messages, life
// cycle) and live_subscribe.cpp (subscribe, replay).

#include "web/live_router.hpp"
#include "web/live_session.hpp"

#include <caf/event_based_actor.hpp>
#include <caf/stateful_actor.hpp>

#include <optional>
#include <variant>
#include <vector>

namespace socialcrm::web::live {

// Atoms of the session's own messages (at most 10 characters, CAF 0.17).
using text_atom = caf::atom_constant<caf::atom("lv_text")>;
using closed_atom = caf::atom_constant<caf::atom("lv_closed")>;
using snap_atom = caf::atom_constant<caf::atom("lv_snap")>;
using scope_atom = caf::atom_constant<caf::atom("lv_scope")>;
using tick_atom = caf::atom_constant<caf::atom("lv_tick")>;
using drained_atom = caf::atom_constant<caf::atom("lv_drained")>;

struct session_state {
  // User-declared so the state is no aggregate (CAF checks whether a state
  // is constructible from `self`, and C++20 aggregates would say yes).
  session_state() = default;

  std::shared_ptr<live_shared> shared;
  std::shared_ptr<http::ws_connection> conn;
  viewer who;
  bool joined = false;

  // The subscription in effect; nothing is sent while none is.
  bool active = false;
  std::vector<view> views;
  std::shared_ptr<const user_scope> scope;
  std::shared_ptr<const crm_sets> sets;
  std::uint64_t sets_version = 0;
  std::int64_t last_seq = 0;
  // The router delivers the live events to the connection itself
  // (web/live_router.hpp); last_seq then stays where the handover was.
  bool direct = false;

  // A subscribe reading the database; live events wait in `buffer`.
  std::uint64_t generation = 0;
  bool loading = false;
  std::vector<view> loading_views;
  std::optional<std::int64_t> loading_from;
  std::optional<subscribe_request> waiting; // the newest one asked since
  std::vector<live_event> buffer;
  bool buffer_overflow = false;
  bool reloading = false;
  backlog_gauge backlog; // the live events received, for overloaded()
  // A replay going out step by step.
  std::shared_ptr<const snapshot> replaying;
  std::size_t replay_post = 0;
  std::size_t replay_standing = 0;

  static inline const char* name = "live_session";
};

using session_actor = caf::stateful_actor<session_state>;

// -- sending (live_session.cpp) -------------------------------------------------

/// Sends an event (post, standing change) while subscribed; a full queue
/// makes the client resync.
void send_event(session_actor* self, ws_text text);
/// Sends an answer (pong, ack, error, resync) whether subscribed or not.
void send_reply(session_actor* self, ws_text text);
void send_error(session_actor* self, const error_info& e);
/// Sends `item` when it belongs to a subscribed view; true if sent.
bool deliver_post(session_actor* self, const stored_post& item,
                  const std::vector<std::int64_t>& columns, bool live);
void handle_live(session_actor* self, const live_event& ev);

/// Tells the router this session sends nothing now (not subscribed, or
/// its client told to resync).
void go_idle(session_actor* self);
/// Hands the subscription in effect to the router once the session is in
/// step with the feed (subscribed, replay done, nothing waiting).
void attach_to_router(session_actor* self);

// -- subscribe (live_subscribe.cpp) ---------------------------------------------

/// Starts `req` now, or after the subscribe in progress.
void request_subscribe(session_actor* self, subscribe_request req);
void start_subscribe(session_actor* self, subscribe_request req);
void on_snapshot(session_actor* self, std::uint64_t gen,
                 const std::shared_ptr<const snapshot>& snap);
void continue_replay(session_actor* self);

} // namespace socialcrm::web::live
