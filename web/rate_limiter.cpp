#include "web/rate_limiter.hpp"

#include <algorithm>
#include <cmath>

namespace socialcrm::web {

rate_limiter::rate_limiter(double burst, double per_second,
                           std::size_t max_clients)
    : burst_(burst)
    , per_second_(per_second)
    , max_clients_(max_clients) {}

void rate_limiter::refill(bucket& b, clock::time_point now) const {
  std::chrono::duration<double> elapsed = now - b.updated;
  if (elapsed.count() > 0) {
    b.tokens = std::min(burst_, b.tokens + elapsed.count() * per_second_);
    b.updated = now;
  }
}

void rate_limiter::forget_idle(clock::time_point now) {
  // Full buckets carry no information: forgetting them changes nothing.
  for (auto i = buckets_.begin(); i != buckets_.end();) {
    refill(i->second, now);
    if (i->second.tokens >= burst_)
      i = buckets_.erase(i);
    else
      ++i;
  }
  // Still too many (a flood from many addresses): start over rather than
  // grow without bound; the flood's own clients get fresh buckets too.
  if (buckets_.size() >= max_clients_)
    buckets_.clear();
}

bool rate_limiter::allow(const std::string& client, clock::time_point now) {
  std::lock_guard guard{mutex_};
  auto i = buckets_.find(client);
  if (i == buckets_.end()) {
    if (buckets_.size() >= max_clients_)
      forget_idle(now);
    i = buckets_.emplace(client, bucket{burst_, now}).first;
  }
  refill(i->second, now);
  if (i->second.tokens < 1)
    return false;
  i->second.tokens -= 1;
  return true;
}

int rate_limiter::retry_after(const std::string& client,
                              clock::time_point now) {
  std::lock_guard guard{mutex_};
  auto i = buckets_.find(client);
  if (i == buckets_.end())
    return 1;
  refill(i->second, now);
  auto missing = std::max(0.0, 1 - i->second.tokens);
  return std::max(1, static_cast<int>(std::ceil(missing / per_second_)));
}

} // namespace socialcrm::web
