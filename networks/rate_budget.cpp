#include "networks/rate_budget.hpp"

#include <sodium.h>

namespace socialcrm::networks {

unix_ms rate_budgets::reserve(const std::string& key, unix_ms now,
                             bool paced) {
  std::lock_guard<std::mutex> guard(mtx_);
  auto& w = windows_[key];
  auto& r = w.r;
  if (r.reset_at != 0 && now >= r.reset_at) {
    // The window rolled over: the network will tell us the new figures.
    r.remaining = r.limit;
    r.reset_at = 0;
  }
  if (r.remaining == 0 && r.reset_at > now)
    return r.reset_at;
  // Pace once less than half the window is left: the remaining requests
  // are spread over the time to the reset.
  if (paced && r.limit > 0 && r.remaining >= 0 && r.remaining * 2 < r.limit
      && r.reset_at > now) {
    auto gap = (r.reset_at - now) / (r.remaining + 1);
    if (w.last_sent != 0 && now < w.last_sent + gap) // 0: never sent
      return w.last_sent + gap;
  }
  if (r.remaining > 0)
    --r.remaining;
  w.last_sent = now;
  return 0;
}

void rate_budgets::update(const std::string& key, const rate_reading& r,
                          unix_ms now) {
  std::lock_guard<std::mutex> guard(mtx_);
  auto& w = windows_[key].r;
  if (r.limit >= 0)
    w.limit = r.limit;
  bool new_window = r.reset_at > w.reset_at;
  if (r.reset_at > now)
    w.reset_at = r.reset_at;
  if (r.remaining >= 0) {
    // Within one window, requests of other actors may still be in flight:
    // keep the lower of what we counted and what the network says. A new
    // window starts from the network's figure.
    w.remaining = (!new_window && w.remaining >= 0 && w.remaining < r.remaining)
                    ? w.remaining
                    : r.remaining;
  }
}

void rate_budgets::throttled(const std::string& key, unix_ms retry_at) {
  std::lock_guard<std::mutex> guard(mtx_);
  auto& w = windows_[key].r;
  w.remaining = 0;
  w.reset_at = retry_at;
}

rate_reading rate_budgets::reading(const std::string& key) {
  std::lock_guard<std::mutex> guard(mtx_);
  return windows_[key].r;
}

rate_reading rate_budgets::tightest(const std::string& prefix) {
  std::lock_guard<std::mutex> guard(mtx_);
  rate_reading out;
  for (auto it = windows_.lower_bound(prefix);
       it != windows_.end() && it->first.compare(0, prefix.size(), prefix) == 0;
       ++it) {
    const auto& r = it->second.r;
    if (r.remaining >= 0 && (out.remaining < 0 || r.remaining < out.remaining))
      out = r;
  }
  return out;
}

std::string budget_key(network net, const std::string& token,
                       const std::string& family) {
  unsigned char digest[crypto_generichash_BYTES_MIN];
  crypto_generichash(digest, sizeof(digest),
                     reinterpret_cast<const unsigned char*>(token.data()),
                     token.size(), nullptr, 0);
  char hex[sizeof(digest) * 2 + 1];
  sodium_bin2hex(hex, sizeof(hex), digest, sizeof(digest));
  return std::string(to_string(net)) + "|" + hex + "|" + family;
}

} // namespace socialcrm::networks
