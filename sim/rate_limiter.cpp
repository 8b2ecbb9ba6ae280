#include "sim/rate_limiter.hpp"

namespace socialcrm::sim {

rate_limiter::window_state&
rate_limiter::current(const std::string& key, std::int64_t window_ms,
                      std::int64_t now_ms) {
  auto& w = windows_[key];
  if (w.length_ms != window_ms || now_ms >= w.start_ms + w.length_ms) {
    // Fixed windows aligned on the first request, as X documents them
    // ("15-minute windows"), restarting after reset.
    w.start_ms = now_ms;
    w.length_ms = window_ms;
    w.used = 0;
  }
  return w;
}

rate_window rate_limiter::take(const std::string& key, std::uint32_t limit,
                               std::int64_t window_ms, std::int64_t now_ms) {
  auto& w = current(key, window_ms, now_ms);
  rate_window out;
  out.limit = limit;
  out.violation = now_ms < w.spent_until_ms;
  out.reset_ms = w.start_ms + w.length_ms;
  out.reset_at = (out.reset_ms + 999) / 1000;
  if (w.used >= limit) {
    out.allowed = false;
    out.remaining = 0;
  } else {
    ++w.used;
    out.remaining = limit - w.used;
  }
  if (out.remaining == 0)
    w.spent_until_ms = out.reset_ms; // the client now knows it is spent
  return out;
}

rate_window rate_limiter::spend(const std::string& key, std::uint32_t limit,
                                std::int64_t window_ms, std::int64_t now_ms) {
  auto& w = current(key, window_ms, now_ms);
  rate_window out;
  out.limit = limit;
  out.violation = now_ms < w.spent_until_ms;
  w.used = limit;
  out.allowed = false;
  out.remaining = 0;
  out.reset_ms = w.start_ms + w.length_ms;
  out.reset_at = (out.reset_ms + 999) / 1000;
  w.spent_until_ms = out.reset_ms;
  return out;
}

const rate_override*
rate_limiter::find_override(std::string_view network_id) const {
  auto it = overrides_.find(network_id);
  return it == overrides_.end() ? nullptr : &it->second;
}

} // namespace socialcrm::sim
