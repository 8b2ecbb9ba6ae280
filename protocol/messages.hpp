#pragma once

#include "protocol/post.hpp"

#include <caf/meta/type_name.hpp>

#include <cstdint>
#include <string>
#include <vector>

namespace socialcrm {

/// Where a batch of posts was polled from: a linked account or a user column
/// (keyword or custom). Exactly one of the two ids is set.
struct source_ref {
  std::int64_t account_id = 0;
  std::int64_t column_id = 0;
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, source_ref& x) {
  return f(caf::meta::type_name("source_ref"), x.account_id, x.column_id);
}

/// A poll cursor (since_id, pagination token, ...) of one source. It is
/// stored in the same transaction as the posts it covers, so a crash re-polls
/// and never skips.
struct cursor_update {
  std::string source_key; // e.g. "account:3:mentions"
  std::string value;
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, cursor_update& x) {
  return f(caf::meta::type_name("cursor_update"), x.source_key, x.value);
}

/// What a source actor hands the classifier after one poll.
struct ingest_batch {
  source_ref source;
  std::vector<post> posts;
  std::vector<cursor_update> cursors;
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, ingest_batch& x) {
  return f(caf::meta::type_name("ingest_batch"), x.source, x.posts, x.cursors);
}

/// The store's answer to a batch: what was new (with sequence numbers, in
/// order) and how many were already there.
struct ingest_result {
  std::vector<stored_post> stored;
  std::int64_t duplicates = 0;
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, ingest_result& x) {
  return f(caf::meta::type_name("ingest_result"), x.stored, x.duplicates);
}

/// The classifier's acknowledgement to a source: the batch is durable.
struct ingest_ack {
  std::int64_t stored = 0;
  std::int64_t duplicates = 0;
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, ingest_ack& x) {
  return f(caf::meta::type_name("ingest_ack"), x.stored, x.duplicates);
}

/// Live event: a post was stored. `column_ids` are the user columns that
/// polled it (keyword/custom), empty for the CRM view only.
struct post_event {
  std::int64_t seq = 0;
  stored_post item;
  std::vector<std::int64_t> column_ids;
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, post_event& x) {
  return f(caf::meta::type_name("post_event"), x.seq, x.item, x.column_ids);
}

/// Live event: a person's standing changed (a deal moved, or a social
/// profile was associated), so the posts of `authors` move from `from` to
/// `to` in every open view.
struct standing_event {
  std::int64_t seq = 0;
  person_ref person;
  standing from = standing::unknown;
  standing to = standing::unknown;
  std::vector<author_key> authors;
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, standing_event& x) {
  return f(caf::meta::type_name("standing_event"), x.seq, x.person, x.from,
           x.to, x.authors);
}

/// A social profile to associate with a lead or contact (SPEC S-2.2). A
/// profile belongs to one person at a time; `move` must be set to take it
/// from another person.
struct profile_link {
  person_ref person;
  author_key key;
  std::string handle;
  bool move = false;
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, profile_link& x) {
  return f(caf::meta::type_name("profile_link"), x.person, x.key, x.handle,
           x.move);
}

/// A change to a linked account made by its source actor: a new status
/// (reauth_required) and/or refreshed tokens, already sealed.
struct account_update {
  std::int64_t account_id = 0;
  bool new_status = false;   // whether `status` applies
  account_status status = account_status::active;
  bool tokens = false;       // whether the three token fields apply
  std::string access_token;  // sealed
  std::string refresh_token; // sealed
  unix_ms expires_at = 0;
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, account_update& x) {
  return f(caf::meta::type_name("account_update"), x.account_id,
           x.new_status, x.status, x.tokens, x.access_token, x.refresh_token,
           x.expires_at);
}

/// Lifecycle state of a polling actor, as the admin console shows it.
enum class actor_state : std::uint8_t {
  starting,
  running,
  polling,
  paused,
  backing_off,
  reauth_required,
  stopped,
  failed,
};

std::string_view to_string(actor_state x);

/// What the registry knows of one actor (admin console, S-9.2).
struct actor_info {
  std::string id;   // stable name, e.g. "classifier", "source:account:3"
  std::string kind; // classifier, store, hub, registry, source
  actor_state state = actor_state::starting;
  // What it handled, by kind of actor: each counts for one kind only.
  std::int64_t polls = 0;    // source: requests made to the network
  std::int64_t batches = 0;  // classifier: ingest batches stored
  std::int64_t sessions = 0; // hub: sessions joined now (not a total)
  std::int64_t posts = 0;
  std::int64_t errors = 0;
  std::string last_error;
  unix_ms next_poll = 0;
  std::int64_t restarts = 0;
  std::int64_t mailbox = 0; // messages waiting when it last reported
  // Set by the registry: where it runs, since when in `state`, messages
  // handled (polls, batches...) and their rates per second over the last
  // 1, 10 and 60 s, from the reports it received.
  std::string node;
  unix_ms since = 0;
  std::int64_t handled = 0;
  double rate_1s = 0;
  double rate_10s = 0;
  double rate_60s = 0;
  unix_ms last_error_at = 0;
  // Sources: the network(s) they poll, what for ("account:3", "column:7"),
  // their tasks, the last request, the last poll that succeeded (the age
  // of that is the source's freshness), and posts the store already had.
  std::string network;
  std::string target;
  std::int64_t tasks = 0;
  unix_ms last_poll = 0;
  unix_ms last_success = 0;
  std::int64_t duplicates = 0;
  // Sources: the rate-limit window of the token they last polled with that
  // has the fewest requests left, as the network's headers said (-1: the
  // network said nothing yet).
  std::int64_t budget_limit = -1;
  std::int64_t budget_remaining = -1;
  unix_ms budget_reset = 0;
};

/// Something that happened to an actor, for the console's `tail` and `top`
/// (GET /api/v1/admin/actors/events): the registry makes "registered",
/// "state", "error", "stopped" and "failed" events from what actors report
/// and from their deaths; a source sends "posts" after a batch it emitted
/// was stored, while anyone watches (the registry tells it).
struct actor_event {
  unix_ms at = 0;
  std::string id;
  std::string kind;
  std::string node;
  std::string event;    // registered, state, error, stopped, failed, posts
  actor_state state = actor_state::starting;
  actor_state previous = actor_state::starting; // "state": the one before
  std::string error;    // "error", "failed": the last error's text
  std::vector<post> posts; // "posts": what was emitted (bounded, see source)
  std::int64_t stored = 0;     // "posts": new to the store
  std::int64_t duplicates = 0; // "posts": the store had them already
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, actor_event& x) {
  return f(caf::meta::type_name("actor_event"), x.at, x.id, x.kind, x.node,
           x.event, x.state, x.previous, x.error, x.posts, x.stored,
           x.duplicates);
}

/// An actor_info whose id and kind are both `name`, starting.
inline actor_info make_info(const std::string& name) {
  actor_info info;
  info.id = name;
  info.kind = name;
  return info;
}

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, actor_info& x) {
  return f(caf::meta::type_name("actor_info"), x.id, x.kind, x.state, x.polls,
           x.batches, x.sessions, x.posts, x.errors, x.last_error, x.next_poll,
           x.restarts, x.mailbox, x.node, x.since, x.handled, x.rate_1s,
           x.rate_10s, x.rate_60s, x.last_error_at, x.network, x.target,
           x.tasks, x.last_poll, x.last_success, x.duplicates, x.budget_limit,
           x.budget_remaining, x.budget_reset);
}

} // namespace socialcrm
