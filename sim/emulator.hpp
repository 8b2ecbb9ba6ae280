#pragma once

#include <cstdint>
#include <memory>
#include <string>

namespace socialcrm::sim {

/// Settings of one emulator instance (`socialcrm sim` or embedded by
/// `serve --demo`).
struct options {
  std::string host = "127.0.0.1";
  std::uint16_t port = 0;   // 0 picks a free port
  std::uint64_t seed = 1;   // makes the synthetic population deterministic
  double rate = 0;          // generated posts per second; 0 = no traffic
};

/// The network emulator: one HTTP listener serving X, Facebook, Google+,
/// Mastodon and Bluesky under their path prefixes, plus the /_sim control
/// API. Runs its own I/O thread, so it can live inside another process.
class emulator {
public:
  explicit emulator(options opts);
  ~emulator(); // stops if still running
  emulator(const emulator&) = delete;
  emulator& operator=(const emulator&) = delete;

  /// Binds and starts serving; returns the bound port. Throws
  /// std::system_error when the address cannot be bound.
  std::uint16_t start();

  /// Stops accepting, closes connections and joins the I/O thread.
  void stop();

  /// "http://HOST:PORT", valid after start().
  std::string base_url() const;

private:
  struct impl;
  std::unique_ptr<impl> impl_;
};

} // namespace socialcrm::sim
