#pragma once

// A small asynchronous HTTP/1.1 server on Boost.Beast: a listener and one
// session per connection (keep-alive, at most one response in flight),
// limits in one struct, graceful stop. This header is Beast-free; only
// server.cpp and session.cpp include Beast.

#include "http/message.hpp"

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>

namespace socialcrm::http {

/// Every limit of the server in one place.
struct server_limits {
  /// Largest request body: media uploads of the networks the emulator
  /// speaks go up to 36 MB (Google+), plus multipart framing.
  std::uint64_t body_limit = 40 * 1024 * 1024;
  /// Largest request line + headers; 16 KiB fits long OAuth query strings
  /// and cookies, and stops header floods early.
  std::uint32_t header_limit = 16 * 1024;
  /// A connection with no request in progress for this long is closed
  /// (also bounds how long a slow client can hold a read).
  std::chrono::milliseconds idle_timeout{std::chrono::seconds(30)};
  /// Connections beyond this are closed right after accept, so a flood of
  /// sockets cannot exhaust file descriptors.
  std::size_t max_connections = 1024;
  /// Open connections one address may hold: a browser keeps at most 6 per
  /// origin, an office behind one NAT a few dozen; one address cannot take
  /// the server's capacity (an eighth at most) from everyone else.
  std::size_t max_connections_per_address = 128;
  /// New connections one address may open in a burst, and how fast that
  /// allowance comes back: keep-alive clients rarely reconnect, a socket
  /// flood that reconnects as it is closed is slowed to this rate.
  std::size_t connection_burst_per_address = 64;
  double connections_per_second_per_address = 32;
  /// Whether loopback peers are limited per address too. Off by default:
  /// behind a reverse proxy on the same host every client is 127.0.0.1,
  /// and the proxy limits its own clients.
  bool limit_loopback = false;
  /// A new connection must send its first request head (and finish a TLS
  /// handshake) within this, separate from the keep-alive idle timeout, so
  /// silent sockets cannot hold capacity for long.
  std::chrono::milliseconds first_request_timeout{std::chrono::seconds(5)};
  /// How long stop() lets in-flight responses finish before closing.
  std::chrono::milliseconds stop_grace{std::chrono::seconds(2)};
  /// I/O threads; handlers of one connection never run concurrently.
  unsigned threads = 1;
};

/// Answers one request. May be called from any thread, at most once; a
/// responder dropped without being called closes the connection.
using responder = std::function<void(response)>;

/// Handles one request; answers now or later through `respond` (for
/// example when an actor replies).
using handler = std::function<void(request, responder)>;

struct upgrade; // http/upgrade.hpp: the socket and the Beast request

/// Takes over a connection that asked for a WebSocket upgrade: the handler
/// moves `upgrade::socket` and `upgrade::request` into its own session. When
/// no upgrade handler is set, such requests reach the normal handler.
using upgrade_handler = std::function<void(upgrade&)>;

/// Loads a PEM certificate chain and its private key the way
/// server::use_tls() does, without serving them: whether both can be read
/// and the key matches the certificate. Throws std::system_error naming
/// the file at fault.
void check_tls_files(const std::string& cert_chain_file,
                     const std::string& key_file);

class server {
public:
  server(server_limits limits, handler h, upgrade_handler u = {});
  ~server(); // stop()s
  server(const server&) = delete;
  server& operator=(const server&) = delete;

  /// Serves HTTPS with this PEM certificate chain and key (OpenSSL). Before
  /// start(), or again later: connections accepted afterwards use the new
  /// files (a renewed certificate needs no restart), open ones keep theirs.
  /// Throws std::system_error naming the file that cannot be loaded; the
  /// files in use stay in use then.
  void use_tls(const std::string& cert_chain_file, const std::string& key_file);
  /// Whether use_tls() succeeded.
  bool tls() const;

  /// Binds host:port (port 0 picks a free one), starts the I/O threads and
  /// returns the bound port. Throws std::system_error when binding fails.
  std::uint16_t start(const std::string& host, std::uint16_t port);

  /// Stops accepting, lets responses in flight finish within
  /// `limits.stop_grace`, closes every connection and joins the threads.
  /// Safe to call twice; must not be called from a handler thread.
  void stop();

  /// Connections open right now.
  std::size_t connections() const;
  /// Connections closed at accept because of a limit, since start.
  std::size_t refused() const;

private:
  struct impl;
  std::shared_ptr<impl> impl_;
};

} // namespace socialcrm::http
