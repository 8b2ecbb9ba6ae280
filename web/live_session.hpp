#pragma once

// The session actor of the live WebSocket (SPEC S-9.1): one per
// connection. It joins the router (web/live_router.hpp), keeps the
// client's subscription and what the user may see, replays what a
// reconnecting client missed, and pushes the events the user may see, in
// seq order, to the connection's bounded queue (http/ws_session.hpp). Once
// in step with the feed it hands the subscription to the router, which
// then pushes the live events itself, until the client subscribes again.

#include "http/ws_session.hpp"
#include "protocol/actor_interfaces.hpp"
#include "web/live_data.hpp"
#include "web/live_delivery.hpp"
#include "web/live_messages.hpp"

#include <caf/actor.hpp>
#include <caf/actor_addr.hpp>
#include <caf/actor_system.hpp>

#include <atomic>
#include <chrono>
#include <map>
#include <memory>
#include <mutex>
#include <tuple>
#include <vector>

namespace socialcrm::web::live {

/// How often a session re-reads what its user may see (accounts, filter,
/// columns) and the shared negotiation sets are refreshed at the latest:
/// an administrator's change of operations or a user's new filter takes
/// effect within 5 s (plus scope_reuse) without a query per post.
inline constexpr std::chrono::milliseconds reload_interval{5000};

/// A user's scope read by one of their sessions serves the reloads of
/// their other sessions for this long: a user with 250 open tabs costs
/// about ten reads per reload_interval instead of 250.
inline constexpr std::chrono::milliseconds scope_reuse{500};

/// What every session of one server shares. Thread-safe.
class live_shared : public std::enable_shared_from_this<live_shared> {
public:
  live_shared(caf::actor_system& sys, hub_actor hub, live_reader* reader,
              std::chrono::milliseconds ask_timeout);

  caf::actor_system& sys;
  const hub_actor hub;
  const std::chrono::milliseconds ask_timeout;
  message_cache cache;

  /// Spawns the router every session joins (web/live_router.hpp); once,
  /// right after construction.
  void start(registry_actor registry = {});
  /// The router; sessions join it instead of the hub.
  const caf::actor& router() const { return router_; }

  /// Runs `j` on the reader thread; false once stopped.
  bool post(live_reader::job j);

  /// The negotiation sets and the organisation's accounts, and a number
  /// that changes whenever they are replaced.
  std::shared_ptr<const crm_sets> sets();
  std::uint64_t sets_version() const { return version_; }
  /// The sets and their version number, read together.
  std::pair<std::shared_ptr<const crm_sets>, std::uint64_t> versioned_sets();
  /// Keeps `s` when it was read after the current sets.
  void offer(std::shared_ptr<const crm_sets> s);
  /// Reads the sets again when they are older than `reload_interval` or
  /// than event `seq` (a standing change may move contacts in or out of
  /// the filters); at most one read at a time.
  void refresh(std::int64_t seq);

  /// On the reader thread: what `who` may see, read again unless it was
  /// read less than scope_reuse ago.
  std::shared_ptr<const user_scope> scope_of(reader_connection& conn,
                                             const viewer& who);

  /// Sessions register so stop() can end them.
  void enlist(const caf::actor_addr& a);
  void forget(const caf::actor_addr& a);
  std::size_t sessions();

  /// No more reads; every session is told to exit.
  void stop();

private:
  caf::actor router_;
  std::mutex mutex_;
  live_reader* reader_; // null once stopped
  std::shared_ptr<const crm_sets> sets_;
  std::atomic<std::uint64_t> version_{0};
  bool refreshing_ = false;
  std::vector<caf::actor_addr> sessions_;
  struct cached_scope {
    std::chrono::steady_clock::time_point read_at;
    std::shared_ptr<const user_scope> scope;
  };
  std::mutex scopes_mutex_;
  // By user, profile and rights: a profile change reads anew at once.
  std::map<std::tuple<std::int64_t, std::int64_t, bool>, cached_scope>
    scopes_;
};

/// Spawns the session of an authenticated upgrade: it accepts the
/// connection through `endpoint` and lives until the socket closes, the
/// router (with the hub) goes away or it is told to exit.
caf::actor spawn_session(const std::shared_ptr<live_shared>& shared,
                         viewer who,
                         std::shared_ptr<http::ws_pending> pending,
                         std::weak_ptr<http::ws_endpoint> endpoint);

} // namespace socialcrm::web::live
