#include "http/admission.hpp"

#include <algorithm>

namespace socialcrm::http::detail {

namespace {

/// Past this many tracked addresses, idle ones with a full bucket are
/// forgotten: a scan of many sources must not grow the table forever.
constexpr std::size_t sweep_above = 4096;

} // namespace

double admission::refill(peer& p, clock::time_point now) const {
  auto burst = static_cast<double>(limits_.connection_burst_per_address);
  std::chrono::duration<double> gap = now - p.refilled;
  p.tokens = std::min(burst, p.tokens
                               + gap.count()
                                   * limits_.connections_per_second_per_address);
  p.refilled = now;
  return p.tokens;
}

bool admission::admit(const std::string& address, bool loopback,
                      clock::time_point now) {
  if (loopback && !limits_.limit_loopback)
    return true;
  std::lock_guard guard{mutex_};
  if (peers_.size() > sweep_above)
    sweep(now);
  auto [it, fresh] = peers_.try_emplace(address);
  auto& p = it->second;
  if (fresh) {
    p.tokens = static_cast<double>(limits_.connection_burst_per_address);
    p.refilled = now;
  }
  if (p.open >= limits_.max_connections_per_address || refill(p, now) < 1.0)
    return false;
  p.tokens -= 1.0;
  ++p.open;
  return true;
}

void admission::release(const std::string& address) {
  std::lock_guard guard{mutex_};
  if (auto it = peers_.find(address); it != peers_.end() && it->second.open > 0)
    --it->second.open;
}

std::size_t admission::tracked() const {
  std::lock_guard guard{mutex_};
  return peers_.size();
}

void admission::sweep(clock::time_point now) {
  auto burst = static_cast<double>(limits_.connection_burst_per_address);
  for (auto it = peers_.begin(); it != peers_.end();) {
    if (it->second.open == 0 && refill(it->second, now) >= burst)
      it = peers_.erase(it);
    else
      ++it;
  }
}

} // namespace socialcrm::http::detail
