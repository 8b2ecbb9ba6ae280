#pragma once

#include "protocol/types.hpp"

#include <map>
#include <mutex>
#include <string>

namespace socialcrm::networks {

/// What a network's rate-limit headers said about one window.
struct rate_reading {
  long limit = -1;     // requests per window; -1 = not said
  long remaining = -1; // left in the window; -1 = not said
  unix_ms reset_at = 0;
};

/// The rate-limit windows of every token in the process, shared by all
/// source actors that use the same token (they run on their own threads,
/// hence the mutex). A window is keyed by token and endpoint family, as X
/// and Mastodon count per endpoint.
///
/// The policy: never send into a spent window (wait for its reset), and
/// slow polling down smoothly once less than half the window is left,
/// spreading the remaining requests evenly over the time to the reset, so
/// polling never hits the wall and then stalls. What a person asked for (a
/// post, a reply, a lookup) is not paced: it goes while the window has
/// anything left, so polling cannot make a user's action wait.
class rate_budgets {
public:
  /// Asks to send one request on `key` at `now`. Returns 0 and counts the
  /// request when it may go now; otherwise returns the time at which to ask
  /// again (the window's reset, or, when `paced`, the next paced slot).
  unix_ms reserve(const std::string& key, unix_ms now, bool paced = true);

  /// Feeds what the network's headers said after a call.
  void update(const std::string& key, const rate_reading& r, unix_ms now);

  /// The network answered "too many requests": the window is spent until
  /// `retry_at`.
  void throttled(const std::string& key, unix_ms retry_at);

  /// The window as last known, for the console and tests.
  rate_reading reading(const std::string& key);

  /// Of the windows whose key starts with `prefix` (one token's, with
  /// budget_prefix), the one with the fewest requests left that the network
  /// told about; a reading of -1s when it told nothing yet. What the
  /// console shows as a source's rate budget.
  rate_reading tightest(const std::string& prefix);

private:
  struct window {
    rate_reading r;
    unix_ms last_sent = 0;
  };
  std::mutex mtx_;
  std::map<std::string, window> windows_;
};

/// The key of a window: "network|token-fingerprint|family". The token is
/// not kept in memory longer than needed: only a hash of it.
std::string budget_key(network net, const std::string& token,
                       const std::string& family);

/// What every window key of one token starts with.
inline std::string budget_prefix(network net, const std::string& token) {
  return budget_key(net, token, "");
}

} // namespace socialcrm::networks
