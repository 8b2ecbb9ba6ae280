#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <vector>

namespace socialcrm::sim {

/// Where one listener binds.
struct listen_address {
  std::string host;
  std::uint16_t port = 0; // 0 picks a free port
};

/// Settings of one emulator instance (`socialcrm sim` or embedded by
/// `serve --demo`).
struct options {
  std::string host = "127.0.0.1";
  std::uint16_t port = 0;   // 0 picks a free port
  std::uint64_t seed = 1;   // makes the synthetic population deterministic
  double rate = 0;          // generated posts per second; 0 = no traffic
  /// Each network also at the root of a listener of its own. Networks not
  /// named in `network_listen` bind `host` at `port + 1 + i` (i their
  /// place in x, facebook, googleplus, mastodon, bluesky), or at a free
  /// port when `port` is 0.
  bool root_listeners = true;
  std::map<std::string, listen_address> network_listen;
  /// When set, the root listeners serve https with a certificate of a
  /// private CA kept in this directory (made on first start; clients trust
  /// DIR/ca.pem). The prefixed listener stays plain http.
  std::string tls_dir;
};

/// One network's root listener.
struct network_endpoint {
  std::string network; // "x"
  std::string url;     // "https://127.0.0.1:8091": the host root
};

/// The network emulator: one HTTP listener serving X, Facebook, Google+,
/// Mastodon and Bluesky under their path prefixes, one listener per network
/// serving it at the root as the real host does, and the /_sim control API
/// on every listener. Runs its own I/O threads, so it can live inside
/// another process.
class emulator {
public:
  explicit emulator(options opts);
  ~emulator(); // stops if still running
  emulator(const emulator&) = delete;
  emulator& operator=(const emulator&) = delete;

  /// Binds and starts serving; returns the prefixed listener's port.
  /// Throws std::system_error when an address cannot be bound, and
  /// std::runtime_error when the TLS directory cannot be used or a
  /// `network_listen` name is no network's.
  std::uint16_t start();

  /// Stops accepting, closes connections and joins the I/O thread.
  void stop();

  /// "http://HOST:PORT" of the prefixed listener, valid after start().
  std::string base_url() const;

  /// The root URL of one network ("https://127.0.0.1:8091"), or "" when
  /// root listeners are off or `network` is no network's id.
  std::string network_url(const std::string& network) const;

  /// Every root listener, in registration order.
  std::vector<network_endpoint> network_endpoints() const;

  /// The CA certificate the https listeners' certificates chain to ("" on
  /// plain http).
  std::string ca_file() const;

private:
  struct impl;
  std::unique_ptr<impl> impl_;
};

} // namespace socialcrm::sim
