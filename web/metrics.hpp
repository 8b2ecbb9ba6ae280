#pragma once

#include "protocol/crm_messages.hpp"
#include "protocol/messages.hpp"

#include <array>
#include <chrono>
#include <cstdint>
#include <map>
#include <mutex>
#include <string>
#include <tuple>
#include <vector>

namespace socialcrm::web {

/// What the live WebSocket endpoint reports (http::ws_endpoint).
struct live_figures {
  std::uint64_t connections = 0;
  std::uint64_t messages = 0; // text messages written to clients
  std::uint64_t sends = 0;    // socket sends that carried them
};

/// Request counters and latency histograms by route, method and status,
/// kept by the web layer; rendered with figures from the database and the
/// registry in the Prometheus text format (version 0.0.4).
class metrics {
public:
  void observe(const std::string& route, const std::string& method,
               unsigned status, std::chrono::nanoseconds latency);

  /// The whole /metrics page.
  std::string render(const crm_stats& db,
                     const std::vector<actor_info>& actors,
                     const live_figures& live = {}) const;

  /// Upper bounds of the latency buckets, in seconds: from a cached read
  /// (1 ms) to a password hash under load (2.5 s).
  static constexpr std::array<double, 9> buckets{
      0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1, 2.5};

private:
  struct series {
    std::uint64_t count = 0;
    double sum = 0;
    std::array<std::uint64_t, buckets.size()> in_bucket{};
  };
  using key = std::tuple<std::string, std::string, unsigned>;
  mutable std::mutex mutex_;
  std::map<key, series> series_;
};

} // namespace socialcrm::web
