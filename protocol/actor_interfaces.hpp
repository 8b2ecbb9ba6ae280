#pragma once

// Typed interfaces of the long-lived actors (DESIGN.md, "Processes and
// actors"). A handler's signature here is the whole contract between two
// components; the actors behind them may live on other nodes.

#include "protocol/type_ids.hpp"

#include <caf/replies_to.hpp>
#include <caf/typed_actor.hpp>

namespace socialcrm {

/// Owns the SQLite write connection. Every request is one transaction.
using store_actor = caf::typed_actor<
  // Stores the new posts of a batch and its cursors atomically.
  caf::replies_to<ingest_atom, ingest_batch>::with<ingest_result>,
  // Recomputes a person's standing from the CRM; when it changed, stores a
  // standing event (seq > 0) and returns it, else returns seq == 0.
  caf::replies_to<refresh_atom, person_ref>::with<standing_event>,
  // Associates a social profile with a person and stores the move event.
  caf::replies_to<link_atom, profile_link>::with<standing_event>,
  // Every associated social profile with its person and standing.
  caf::replies_to<people_atom>::with<std::vector<profile_entry>>,
  // A source actor changes its account: reauth_required, refreshed tokens.
  caf::replies_to<account_atom, account_update>::with<bool>,
  // Internal: freezes the day's top-10 deals (sent to itself hourly).
  caf::reacts_to<tick_atom>,
  // Internal: commits the ingest batches gathered so far (sent to itself).
  caf::reacts_to<flush_atom>>;

/// One per gateway node: fans events out to the session actors there.
/// Sessions receive each event, or several posts in seq order as one
/// std::vector<post_event>, in a message all of them share.
using hub_actor = caf::typed_actor<
  caf::reacts_to<post_event>, caf::reacts_to<standing_event>,
  // The posts of one ingested batch, in seq order.
  caf::reacts_to<std::vector<post_event>>,
  // A session (dynamic actor receiving post_event / standing_event) joins
  // or leaves; join answers with the number of sessions.
  caf::replies_to<join_atom, caf::actor>::with<std::int64_t>,
  caf::reacts_to<leave_atom, caf::actor>,
  caf::replies_to<info_atom>::with<actor_info>,
  // Internal: sends the posts gathered so far (sent to itself).
  caf::reacts_to<flush_atom>>;

/// Dedupes, matches authors to people, stores, and publishes events.
using classifier_actor = caf::typed_actor<
  caf::replies_to<ingest_atom, ingest_batch>::with<ingest_ack>,
  caf::replies_to<link_atom, profile_link>::with<standing_event>,
  caf::replies_to<refresh_atom, person_ref>::with<standing_event>,
  caf::reacts_to<add_hub_atom, hub_actor>,
  caf::replies_to<info_atom>::with<actor_info>,
  // Its own: sends the posts gathered for the hubs.
  caf::reacts_to<flush_atom>>;

/// Knows every actor of the node, watches them and answers the console.
using registry_actor = caf::typed_actor<
  // Registers an actor under a stable id and kind, and monitors it.
  caf::reacts_to<register_atom, std::string, std::string, caf::actor>,
  // An actor reports its state and counters.
  caf::reacts_to<status_atom, actor_info>,
  caf::replies_to<list_atom>::with<std::vector<actor_info>>,
  // Console commands by actor id; false when the id is unknown.
  caf::replies_to<pause_atom, std::string>::with<bool>,
  caf::replies_to<resume_atom, std::string>::with<bool>,
  caf::replies_to<restart_atom, std::string>::with<bool>,
  // Poll now (a source): false when the id is unknown.
  caf::replies_to<poll_atom, std::string>::with<bool>,
  // Something happened that the actor itself knows best (a source's
  // emitted posts): passed on to the watchers.
  caf::reacts_to<actor_event>,
  // A watcher (the console's event stream) gets every actor_event from the
  // answer on, until it leaves or dies.
  caf::replies_to<watch_atom, caf::actor>::with<bool>,
  caf::reacts_to<unwatch_atom, caf::actor>>;

} // namespace socialcrm
