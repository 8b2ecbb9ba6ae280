#pragma once

#include "http/message.hpp"
#include "protocol/crm_messages.hpp"
#include "protocol/messages.hpp"

#include <array>
#include <chrono>
#include <cstdint>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <tuple>
#include <vector>

namespace socialcrm::web {

/// What the live WebSocket endpoint reports (http::ws_endpoint).
struct live_figures {
  std::uint64_t connections = 0;
  std::uint64_t messages = 0; // text messages written to clients
  std::uint64_t sends = 0;    // socket sends that carried them
  std::uint64_t refused = 0;  // upgrades refused by a connection limit
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

/// Where Prometheus scrapes.
inline constexpr std::string_view metrics_path = "/metrics";

/// Who may read /metrics. Prometheus convention is a plain GET, so no
/// sign-in; the figures (routes, sessions, accounts, actors) are still not
/// for everyone, hence a choice:
/// - no `[server] metrics_token_file` (`token` empty): loopback peers only;
///   others get 403 `metrics_forbidden`;
/// - a token: every scraper sends `Authorization: Bearer TOKEN`, loopback
///   peers too (behind a reverse proxy on the same host every client is
///   loopback); a missing or wrong one gets 401 `metrics_unauthorized` with
///   `WWW-Authenticate: Bearer`. Compared in constant time.
/// nullopt: the request may scrape; otherwise the answer refusing it.
std::optional<http::response> metrics_refusal(const http::request& req,
                                              const std::string& token);

/// Whether `address` (as http::request::remote_address spells it: dotted
/// IPv4, or IPv6 such as "::1" or "::ffff:127.0.0.1") is a loopback address.
bool is_loopback_address(const std::string& address);

} // namespace socialcrm::web
