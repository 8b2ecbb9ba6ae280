#pragma once

// bench/fanout_clients: many WebSocket clients on one I/O thread, as the
// fan-out benchmark runs them against either server. Each connects with
// its user's cookie, sends one subscribe, then reads everything, counting
// posts and taking the latency of each from the injection time stamped in
// its text ("T@<steady-clock ns>").

#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace socialcrm::bench {

/// One client to open.
struct client_spec {
  std::string cookie;    // the session cookie's value ("" for none)
  std::string subscribe; // the subscribe message's text
};

/// One post received: when it was injected and how long it took.
struct latency_sample {
  std::int64_t stamp_ns = 0;   // steady_ns() at injection
  std::uint32_t latency_us = 0;
};

/// What the clients saw, summed.
struct client_totals {
  std::uint64_t subscribed = 0;
  std::uint64_t posts = 0;
  std::uint64_t resyncs = 0;
  std::uint64_t errors = 0; // error messages and failed connections
  std::chrono::steady_clock::time_point last_post{};
};

class fanout_clients {
public:
  fanout_clients();
  ~fanout_clients(); // closes and joins

  /// Opens every client against 127.0.0.1:`port` (in waves, so the
  /// server's accept backlog is never the bottleneck).
  void open(std::uint16_t port, const std::vector<client_spec>& specs);

  client_totals totals() const;
  /// Forgets the latencies and counts so far (after warm-up).
  void reset();
  /// Latencies of the posts received since reset().
  std::vector<latency_sample> latencies() const;

  void close();

  struct impl;

private:
  std::shared_ptr<impl> impl_;
};

/// The steady clock in nanoseconds, as stamped into post texts.
std::int64_t steady_ns();

/// The latency of a post whose text is `text`, received at `now_ns`: from
/// the stamp ("T@<steady_ns>") in it; nullopt when it carries none.
std::optional<latency_sample> sample_of(std::string_view text,
                                        std::int64_t now_ns);

} // namespace socialcrm::bench
