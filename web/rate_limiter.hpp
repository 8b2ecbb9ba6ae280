#pragma once

#include <chrono>
#include <cstddef>
#include <mutex>
#include <string>
#include <unordered_map>

namespace socialcrm::web {

/// A token bucket per client address: `burst` requests at once, refilled at
/// `per_second`. Thread-safe (the I/O threads share it). The clock is a
/// parameter so tests need no sleeping.
class rate_limiter {
public:
  using clock = std::chrono::steady_clock;

  rate_limiter(double burst, double per_second, std::size_t max_clients);

  /// Takes one token for `client`; false when its bucket is empty.
  bool allow(const std::string& client, clock::time_point now = clock::now());

  /// Seconds until `client` has a token again (for Retry-After), at least 1.
  int retry_after(const std::string& client,
                  clock::time_point now = clock::now());

private:
  struct bucket {
    double tokens = 0;
    clock::time_point updated;
  };
  void refill(bucket& b, clock::time_point now) const;
  void forget_idle(clock::time_point now);

  double burst_;
  double per_second_;
  std::size_t max_clients_;
  std::mutex mutex_;
  std::unordered_map<std::string, bucket> buckets_;
};

} // namespace socialcrm::web
