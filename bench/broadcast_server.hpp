#pragma once

// bench/broadcast_server: the floor the live feed is measured against. A
// bare Boost.Beast WebSocket server with nothing but what any broadcast
// needs: accept, read the client's subscribe once, and send each message
// to the clients subscribed to its tag, one write in flight per client
// and a queue (joined into one batch message when the subscribe asked
// for batches, as the live feed does). No auth, no database, no actors,
// no per-user filtering.

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

namespace socialcrm::bench {

class broadcast_server {
public:
  broadcast_server();
  ~broadcast_server(); // stop()s
  broadcast_server(const broadcast_server&) = delete;
  broadcast_server& operator=(const broadcast_server&) = delete;

  /// Listens on 127.0.0.1 (any free port) with one I/O thread, like the
  /// live feed's WebSockets on two cores (ws_limits::io_threads); returns
  /// the port.
  std::uint16_t start();
  void stop();

  /// Clients that sent their subscribe.
  std::size_t subscribed() const;

  /// Sends `text` once to every client whose subscribe named one of
  /// `tags` (a view's JSON + "|" + an account id). Thread-safe.
  void broadcast(const std::vector<std::string>& tags,
                 std::shared_ptr<const std::string> text);

  struct impl;

private:
  std::shared_ptr<impl> impl_;
};

} // namespace socialcrm::bench
