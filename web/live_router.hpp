#pragma once

// The router of one server's live sessions (SPEC S-9.1). It alone joins the
// hub, and delivers each event to every session's connection:
//
// - a session in step with the feed (subscribed, replay done) hands its
//   connection and subscription to the router, which matches a batch once
//   per distinct filter and pushes the texts to every such connection
//   itself: one actor activation per batch instead of one per session;
// - a session that is reading a subscribe or replaying gets the events
//   forwarded, as the hub would, and holds them in its own buffer.
//
// The handover keeps seq order without locks: the router forwards in
// order, then answers an attach with a `handover` message that reaches the
// session after everything forwarded before it, and holds the session's
// events until the session has pushed those and says `handed` with the
// last seq it sent. A session that starts another subscribe says `follow`
// and gets the events again. Messages between them carry the session's
// subscribe generation, so a stale step is ignored.

#include "http/ws_session.hpp"
#include "protocol/actor_interfaces.hpp"
#include "web/live_views.hpp"

#include <caf/actor.hpp>
#include <caf/allowed_unsafe_message_type.hpp>
#include <caf/atom.hpp>

#include <memory>
#include <vector>

namespace socialcrm::web::live {

class live_shared;

// Session -> router (atoms are at most 10 characters in CAF 0.17).
using follow_atom = caf::atom_constant<caf::atom("lv_follow")>;
using attach_atom = caf::atom_constant<caf::atom("lv_attach")>;
using handed_atom = caf::atom_constant<caf::atom("lv_handed")>;
using rescope_atom = caf::atom_constant<caf::atom("lv_rescope")>;
using idle_atom = caf::atom_constant<caf::atom("lv_idle")>;
// Router -> session.
using handover_atom = caf::atom_constant<caf::atom("lv_handovr")>;
using behind_atom = caf::atom_constant<caf::atom("lv_behind")>;

/// What the router needs to deliver to a session's connection itself.
struct direct_params {
  std::shared_ptr<http::ws_connection> conn;
  std::vector<view> views;
  std::shared_ptr<const user_scope> scope;
};

/// Spawns the router; it joins `shared`'s hub and ends when the hub does.
/// With a registry it shows in the actor console as `live_router`.
caf::actor spawn_router(const std::shared_ptr<live_shared>& shared,
                        registry_actor registry = {});

} // namespace socialcrm::web::live

// Local messages between sessions and the router of one process.
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(
  std::shared_ptr<const socialcrm::web::live::direct_params>)
