#pragma once

// The steps of delivering live events to one client that the session
// actor (web/live_session.hpp, while it reads a subscribe or replays) and
// the router (web/live_router.hpp, once the session handed its connection
// over) both take: holding events back, matching a post, skipping what
// the client has already, keeping up with the shared negotiation sets,
// telling the client to resync, and noticing that the server itself fell
// behind.

#include "http/ws_session.hpp"
#include "web/live_data.hpp"
#include "web/live_messages.hpp"

#include <caf/fwd.hpp>

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string_view>
#include <variant>
#include <vector>

namespace socialcrm::web::live {

class live_shared;

/// Live events a session or the router holds for a client that cannot
/// take them yet (a subscribe being read, a handover); a burst beyond this
/// during one read means the client would get a replay longer than
/// max_replay anyway, so it is told to resync.
inline constexpr std::size_t max_buffered = static_cast<std::size_t>(
  max_replay);

/// Events waiting in a session's mailbox beyond which the server, not the
/// client, has fallen behind (the router forwards to every session whatever
/// it can absorb): the session tells its client to resync and drops what is
/// waiting, which bounds a session's mailbox to about this many events
/// (1 MB or so). Twice the connection's queue: a session this far behind
/// would overflow it anyway. The router judges its own mailbox by it too.
inline constexpr std::size_t max_backlog = 2000;

/// Events received between two looks at the mailbox's size: counting them
/// is cheap, the look is not free, and 64 events is well within
/// max_backlog, so a backlog is still seen long before it grows far past.
inline constexpr std::uint64_t backlog_check_interval = 64;

/// Why a client is told to resync, as its resync message says.
inline constexpr std::string_view client_fell_behind = "client fell behind";
inline constexpr std::string_view server_fell_behind = "server fell behind";

/// A live event as sessions and the router hold it while it cannot go out
/// yet (a subscribe being read, a handover).
using live_event = std::variant<post_event, standing_event>;

/// Adds `ev` to `held` unless it holds max_buffered already: then it drops
/// them all and sets `overflow`, and keeps nothing more while `overflow`
/// stays set (the client is told to resync instead of getting a gap).
void hold_bounded(std::vector<live_event>& held, bool& overflow,
                  live_event ev);

/// The text of live post `item` for a subscription, shared through
/// `cache`, or null when none of `views` takes it.
ws_text live_post_text(message_cache& cache, const std::vector<view>& views,
                       const user_scope& scope, const crm_sets& sets,
                       const stored_post& item,
                       const std::vector<std::int64_t>& columns);

/// Whether event `seq` is newer than the last one the client was sent,
/// `last_seq`, which then moves on to it; false for one it has already
/// (a replay or a forwarded batch overlapping the live feed).
bool advance(std::int64_t& last_seq, std::int64_t seq);

/// The text of standing change `ev` when it is new to the client (see
/// advance), else null. No view filters it: every user of the social tab
/// sees people move (S-3.7).
ws_text standing_text(message_cache& cache, std::int64_t& last_seq,
                      const standing_event& ev);

/// Takes the shared negotiation sets into `sets` when none were taken yet
/// or they were replaced since `version`: the cheap atomic read first, the
/// pair under the lock only when it moved.
void catch_up_sets(live_shared& shared, std::shared_ptr<const crm_sets>& sets,
                   std::uint64_t& version);

/// Replaces everything waiting for `conn` with one resync saying `why`,
/// and drops the events `held` for it: nothing more goes to the client
/// until it subscribes again.
void resync_client(http::ws_connection& conn, std::vector<live_event>& held,
                   std::string_view why);

/// Counts the live events an actor receives and tells, every
/// backlog_check_interval of them, whether more than max_backlog messages
/// wait in its mailbox: then the actor has fallen behind the hub, and its
/// clients are better told to resync than served late.
class backlog_gauge {
public:
  /// Counts `n` more events received by `self`.
  bool behind(caf::scheduled_actor* self, std::size_t n);

private:
  std::uint64_t events_ = 0;
};

} // namespace socialcrm::web::live
