#pragma once

// Which new connections a server takes, per peer address: at most so many
// open at once, and new ones at a bounded rate (a token bucket), so one
// address cannot hold or churn the server's capacity away from everyone
// else. Beast-free and thread-safe; the server asks it at accept and tells
// it when a connection ends.

#include "http/server.hpp"

#include <chrono>
#include <mutex>
#include <string>
#include <unordered_map>

namespace socialcrm::http::detail {

class admission {
public:
  using clock = std::chrono::steady_clock;

  explicit admission(const server_limits& limits) : limits_(limits) {}

  /// Whether a connection from `address` (as text) may open now; when it
  /// may, it is counted until release(). `loopback` peers pass uncounted
  /// unless limits.limit_loopback.
  bool admit(const std::string& address, bool loopback, clock::time_point now);

  /// A connection admit() counted has ended.
  void release(const std::string& address);

  /// Addresses tracked now (open connections or a bucket still refilling).
  std::size_t tracked() const;

private:
  struct peer {
    std::size_t open = 0;
    double tokens = 0;
    clock::time_point refilled;
  };

  double refill(peer& p, clock::time_point now) const;
  void sweep(clock::time_point now);

  const server_limits& limits_;
  mutable std::mutex mutex_;
  std::unordered_map<std::string, peer> peers_;
};

} // namespace socialcrm::http::detail
