#pragma once

// Fixed-window rate limits keyed by token and endpoint group, on the
// simulated clock. Networks publish such windows (X: 15 minutes per
// endpoint and token) and tell clients the state in response headers.

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>

namespace socialcrm::sim {

/// What a module puts in its rate-limit headers for one request.
struct rate_window {
  std::uint32_t limit = 0;
  std::uint32_t remaining = 0;
  std::int64_t reset_at = 0; // unix seconds when the window restarts
  std::int64_t reset_ms = 0; // same, in milliseconds (sub-second windows)
  bool allowed = true;       // false: the module answers 429
  bool violation = false;    // the request arrived in a window the client
                             // had been told was spent
};

/// Replaces a network's own limit and window length (POST /_sim/limits),
/// so tests spend a window in a few requests.
struct rate_override {
  std::optional<std::uint32_t> limit;
  std::optional<double> window_s;
};

class rate_limiter {
public:
  /// Takes one request from `key`'s window (`window_ms` long, `limit`
  /// requests) at time `now_ms`.
  rate_window take(const std::string& key, std::uint32_t limit,
                   std::int64_t window_ms, std::int64_t now_ms);

  /// Marks `key`'s window spent until `until_ms` (a rate-limit storm): the
  /// answer is a 429 whatever the count.
  rate_window spend(const std::string& key, std::uint32_t limit,
                    std::int64_t window_ms, std::int64_t now_ms);

  void set_override(std::string network_id, rate_override o) {
    overrides_[std::move(network_id)] = o;
  }
  const rate_override* find_override(std::string_view network_id) const;
  /// Forgets every window (after an override changes).
  void reset() { windows_.clear(); }

private:
  struct window_state {
    std::int64_t start_ms = 0;
    std::int64_t length_ms = 0;
    std::uint32_t used = 0;
    std::int64_t spent_until_ms = 0; // client was told: nothing left until
  };
  window_state& current(const std::string& key, std::int64_t window_ms,
                        std::int64_t now_ms);

  std::map<std::string, window_state, std::less<>> windows_;
  std::map<std::string, rate_override, std::less<>> overrides_;
};

} // namespace socialcrm::sim
