#pragma once

// WebSocket sessions on Boost.Beast behind a Beast-free header: the web
// layer takes over an upgrade request (http/upgrade.hpp), looks at it,
// then either refuses it with a normal HTTP answer or accepts it and gets
// a connection to push text messages into.
//
// The sockets run on an io_context of their own (ws_endpoint), not on the
// HTTP server's: the endpoint's owner decides when WebSockets end, and a
// connection handle kept by another thread (an actor) never outlives the
// io_context its socket belongs to. Each connection is given to one of a
// few I/O threads (`scrm.ws`, ws_limits::io_threads), each with an
// io_context of its own that only it runs: a connection's handlers are
// serial without strands, and a round of writes to many connections is
// walked by every thread in parallel.
//
// Connections on a TLS listener keep their TLS stream, which cannot leave
// the HTTP server's io_context: their handlers run on the HTTP server's
// threads (a strand each), and they stay out of the lanes' write rounds.
//
// Per connection: one read loop (messages over `read_message_max` close
// the connection, as RFC 6455 allows), at most one write in flight, and a
// bounded queue of shared immutable strings (one message text may be
// shared by many connections). Idle connections get control-frame pings
// and are closed when the peer stays silent (Beast's stream timeout).

#include "http/message.hpp"

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <string>
#include <vector>

namespace socialcrm::http {

struct upgrade; // http/upgrade.hpp
struct ws_core; // ws_session_core.hpp: the I/O threads and sessions

/// Every limit of the WebSocket side in one place.
struct ws_limits {
  /// Largest message a client may send. Clients send subscriptions and
  /// pings: a subscribe naming every view and column a user can have fits
  /// in a few KiB, so 64 KiB refuses nothing real and bounds what one
  /// frame can make the server buffer.
  std::size_t read_message_max = 64 * 1024;
  /// Messages waiting to be written to one client. A browser that keeps
  /// up holds a handful; 1,000 covers a burst of several seconds at the
  /// rates one organisation sees. A client beyond it is behind for good
  /// and is told to resync rather than holding server memory.
  std::size_t queue_max_messages = 1000;
  /// The same queue in bytes (message texts are counted whole even when
  /// shared), so large posts cannot make 1,000 messages expensive: 1 MiB
  /// per connection keeps 1,000 stuck clients under about 1 GiB.
  std::size_t queue_max_bytes = 1024 * 1024;
  /// The kernel's send buffer per WebSocket (Linux doubles it). Fixed
  /// rather than autotuned (which grows to 4 MiB) so a client that stops
  /// reading is noticed by the queue bound instead of parking megabytes
  /// in the kernel: 64 KiB holds a hundred posts, more than a live feed
  /// sends one reader in a round trip.
  int socket_send_buffer = 64 * 1024;
  /// The send cadence. A write to an idle connection that comes within
  /// this long of the last round of writes waits this long for company:
  /// what is pushed meanwhile (the feed's next batch, 10 ms later under
  /// load) goes out in the same round, so each connection gets one send
  /// for two or three batches (fewer system calls and wake-ups on both
  /// ends). After a quiet spell a write goes out at once. This is the
  /// longest a message waits; 0 starts every write immediately. 15 ms
  /// catches the next 10 ms batch with room for jitter, and is far under
  /// what a person notices and under the feed's 50 ms latency target.
  std::chrono::milliseconds flush_interval{std::chrono::milliseconds(15)};
  /// I/O threads writing WebSockets; each connection stays on the one it
  /// was given (in turn). One thread writes about 127,000 messages a
  /// second to a thousand sockets with 0.5 to 0.7 of a core (bench/fanout), so
  /// more cores need more of them. 0: one per two cores (the others are
  /// the actors' and the HTTP server's), at least 1 and at most
  /// max_auto_io_threads.
  std::size_t io_threads = 0;
  static constexpr std::size_t max_auto_io_threads = 4;
  /// The I/O threads io_threads asks for on this machine.
  std::size_t threads() const;
  /// Opening and closing handshakes must finish within this.
  std::chrono::milliseconds handshake_timeout{std::chrono::seconds(10)};
  /// A connection that receives nothing for half of this is pinged; with
  /// still nothing (not even the pong) by the end it is closed. 60 s is
  /// above browsers' throttling of background tabs.
  std::chrono::milliseconds idle_timeout{std::chrono::seconds(60)};
  /// Open WebSockets at once; beyond it new ones are refused with 503,
  /// so a flood of sockets cannot exhaust file descriptors.
  std::size_t max_connections = 10000;
  /// Open WebSockets one peer address may hold; beyond it new ones are
  /// refused with 429 `too_many_live_connections`. A person has a tab or
  /// two per device, an office behind one NAT a few hundred people: 500
  /// fits them, and one address (a script opening sockets in a loop)
  /// cannot take more than a twentieth of max_connections from everyone
  /// else.
  std::size_t max_connections_per_address = 500;
  /// Whether loopback peers are limited per address too. Off by default,
  /// as http::server_limits::limit_loopback: behind a reverse proxy on the
  /// same host every client is 127.0.0.1, and the proxy limits its own.
  bool limit_loopback = false;
  /// On stop, how long closing handshakes may take before sockets are
  /// closed hard.
  std::chrono::milliseconds stop_grace{std::chrono::milliseconds(500)};
};

/// A message text shared by every connection it goes to.
using ws_text = std::shared_ptr<const std::string>;

/// How a connection that asked for it joins the texts waiting for one
/// write into one message: head, the texts with separator between them,
/// tail (for JSON objects: `{"events":[`, `,`, `]}`). At most `max_bytes`
/// of texts go into one message (always at least one text).
struct ws_batch_format {
  std::string head;
  std::string separator;
  std::string tail;
  std::size_t max_bytes = 64 * 1024;
};

/// Takes texts from the front of `queue` for one batch: at least one,
/// then as many as keep the batch within format.max_bytes.
std::vector<ws_text> take_batch(std::deque<ws_text>& queue,
                                const ws_batch_format& format);

/// head + texts joined by separator + tail, as one message.
std::string join_batch(const ws_batch_format& format,
                       const std::vector<ws_text>& texts);

/// What a connection reports, on its I/O thread. None is called after
/// `on_closed`, which is called exactly once.
struct ws_callbacks {
  std::function<void(std::string)> on_text;
  std::function<void()> on_closed;
  /// The queue became empty after notify_when_drained() asked.
  std::function<void()> on_drained;
};

/// An accepted WebSocket. Safe to use from any thread.
class ws_connection {
public:
  enum class push_result { queued, full, closed };

  /// Queues `text` behind what is waiting; `full` when the queue is at its
  /// bound (nothing is queued then), `closed` once the connection ended.
  push_result push(ws_text text);

  /// Queues every text of `texts`, in order, behind what is waiting, or
  /// none of them (`full`) when they would not all fit: a burst costs one
  /// lock and at most one wake-up of the I/O thread, and goes out together.
  push_result push_all(const std::vector<ws_text>& texts);

  /// Drops every queued message not yet being written and queues `text`
  /// alone, whatever the bound: the way to tell a client that fell behind.
  void replace_queue(ws_text text);

  /// Closing handshake after the message being written; queued messages
  /// are dropped.
  void close();

  /// From the next write on, texts that wait together go as one message
  /// joined by `format` (a lone text still goes as it is); null sends
  /// every text as a message of its own (the default). Fewer, larger
  /// messages cost both ends less per event; the receiver must know the
  /// format, so it is the receiver's choice.
  void batch_with(std::shared_ptr<const ws_batch_format> format);

  /// Messages waiting (not counting the one being written).
  std::size_t queued() const;

  /// Calls `on_drained` once, when the queue is next empty (at once if it
  /// is now): how a sender paces a long series without hitting the bound.
  void notify_when_drained();

  struct impl;
  ws_connection(std::shared_ptr<ws_core> c, std::shared_ptr<impl> i);
  ~ws_connection();

private:
  // The core first: members go in reverse order, so the session (and its
  // socket) is released while its io_context still exists.
  std::shared_ptr<ws_core> core_;
  std::shared_ptr<impl> impl_;
};

class ws_endpoint;

/// A connection that asked for an upgrade and is not answered yet. Dropped
/// without accept() or refuse(), its socket is closed.
class ws_pending {
public:
  /// The upgrade request (method, target, headers, peer address).
  const request& req() const;

  struct impl;
  explicit ws_pending(std::shared_ptr<impl> i);
  ~ws_pending();

private:
  friend class ws_endpoint;
  std::shared_ptr<impl> impl_;
};

/// Owns the WebSockets' I/O threads, their io_contexts and open connections.
class ws_endpoint {
public:
  explicit ws_endpoint(ws_limits limits = {});
  ~ws_endpoint(); // stop()s
  ws_endpoint(const ws_endpoint&) = delete;
  ws_endpoint& operator=(const ws_endpoint&) = delete;

  const ws_limits& limits() const;

  /// Takes the socket and request out of `u` (called by the HTTP server's
  /// upgrade handler, on its thread). After stop() the socket is closed
  /// and a pending that refuses everything is returned.
  std::shared_ptr<ws_pending> take(upgrade& u);

  /// Answers with `answer` (an HTTP response: the request is not upgraded)
  /// and closes.
  void refuse(const std::shared_ptr<ws_pending>& p, response answer);

  /// Completes the handshake and starts reading. `callbacks` are called on
  /// the connection's I/O thread (different connections' callbacks may run
  /// at once, on different threads). Returns null (and calls on_closed)
  /// when it refuses instead: 503 `too_many_connections` beyond
  /// `max_connections` or after stop(), 429 `too_many_live_connections`
  /// beyond `max_connections_per_address`.
  std::shared_ptr<ws_connection> accept(const std::shared_ptr<ws_pending>& p,
                                        ws_callbacks callbacks);

  /// Open connections right now.
  std::size_t connections() const;

  /// Upgrades accept() refused because of a limit, since the start.
  std::uint64_t refused() const;

  /// Since the start: texts written to clients (each text of a batch
  /// counts), and the sends to their sockets that carried them (with
  /// Beast's control frames). A burst queued for one client goes out in
  /// one send, so under load sends grow slower than messages.
  struct counters {
    std::uint64_t messages = 0;
    std::uint64_t sends = 0;
  };
  counters sent() const;

  /// Closes every connection (closing handshake within `stop_grace`, then
  /// hard), calls their `on_closed`, and joins the I/O threads. Safe to call
  /// twice; must not be called from a callback.
  void stop();

private:
  std::shared_ptr<ws_core> core_;
};

} // namespace socialcrm::http
