#pragma once

// Internal to socialcrm_http: the Beast side of http/ws_session.hpp, shared
// by ws_session.cpp (one connection) and ws_session_endpoint.cpp (the
// io_context, its thread and the open connections).

#include "http/upgrade.hpp"
#include "http/ws_corked_socket.hpp"
#include "http/ws_session.hpp"

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/string_body.hpp>

#include <atomic>
#include <deque>
#include <mutex>
#include <optional>
#include <thread>
#include <unordered_map>
#include <vector>

namespace socialcrm::http {

namespace beast = boost::beast;
namespace bhttp = boost::beast::http;
namespace websocket = boost::beast::websocket;
namespace net = boost::asio;
using tcp = net::ip::tcp;

struct ws_core;

/// One I/O thread, its io_context and the connections assigned to it.
/// Every handler of a connection runs on its lane's one thread: no strand.
struct ws_lane {
  explicit ws_lane(ws_core& c) : core(c) {}

  ws_core& core;
  std::thread thread; // runs ioc
  // Concurrency hint 1: only `thread` runs it, so Asio keeps the handlers
  // its own thread posts (every immediate write completion) in a private
  // queue; other threads still post safely.
  net::io_context ioc{1};
  std::optional<net::executor_work_guard<net::io_context::executor_type>>
    work{ioc.get_executor()};

  // Connections whose queue got a message while no write was running.
  // Pushing threads gather them here and post one handler for all, so a
  // post fanned out to a thousand connections wakes the I/O thread once
  // instead of a thousand times.
  std::mutex ready_mutex;
  std::vector<std::shared_ptr<ws_connection::impl>> ready;
  bool ready_posted = false;
  // I/O thread only: when run_ready last ran, and the wait of a round
  // that started within the flush interval of it.
  std::chrono::steady_clock::time_point last_flush{};
  net::steady_timer flush_timer{ioc};

  /// Any thread: `s` (with `writing` set) starts writing soon.
  void start_write(std::shared_ptr<ws_connection::impl> s);
  /// On the I/O thread: runs run_ready now after a quiet spell, else one
  /// flush interval from now (ws_limits::flush_interval).
  void flush_soon();
  /// On the I/O thread: starts every gathered write.
  void run_ready();
};

struct ws_core {
  ws_limits limits;
  std::mutex mutex;
  std::vector<std::weak_ptr<ws_connection::impl>> sessions;
  std::atomic<std::size_t> open{0};
  std::atomic<bool> stopped{false};
  std::atomic<std::uint64_t> messages_sent{0}; // ws_endpoint::sent()
  std::atomic<std::uint64_t> socket_sends{0};
  std::atomic<std::size_t> next_lane{0}; // round robin over lanes
  std::atomic<std::uint64_t> refused{0};  // ws_endpoint::refused()
  /// Open connections per peer address (limits.max_connections_per_address),
  /// under `mutex`; addresses with none are erased.
  std::unordered_map<std::string, std::size_t> per_address;
  // Last: destroying an io_context destroys queued handlers, which may
  // end sessions that still touch the members above.
  std::vector<std::unique_ptr<ws_lane>> lanes;

  ~ws_core() { stop(); }
  void stop();
  std::vector<std::shared_ptr<ws_connection::impl>> live();
  /// The lane a new connection goes to: each in turn.
  ws_lane& pick_lane();
};

// One WebSocket from upgrade to close, whatever its stream: the queue
// and the state every stream shares. Everything but the queue runs on the
// connection's I/O thread (its lane's, or for TLS its strand on the HTTP
// server's threads); the queue is shared with pushing threads. The stream
// and what runs on it are in ws_session.cpp (ws_stream_session<Layer>), the
// one translation unit that instantiates Beast's WebSocket.
struct ws_connection::impl : std::enable_shared_from_this<impl> {
  enum class phase { pending, accepting, open, closing, done };

  explicit impl(ws_core& c) : owner(c) {}
  impl(const impl&) = delete;
  impl& operator=(const impl&) = delete;

  virtual ~impl() {
    // A session dropped with its io_context (stop) still says goodbye.
    if (callbacks.on_closed)
      callbacks.on_closed();
  }

  ws_core& owner;
  ws_callbacks callbacks; // I/O thread only
  ws_text in_flight;      // I/O thread only
  phase at = phase::pending; // I/O thread only
  bool counted = false;      // I/O thread only: part of owner.open
  /// The address counted in owner's per-address table ("" = none). Set
  /// before the session is accepted, cleared once released.
  std::string counted_address;

  // Shared with pushing threads.
  mutable std::mutex mutex;
  std::deque<ws_text> queue;
  std::size_t bytes = 0;
  bool writable = false; // handshake done
  bool writing = false;  // a write is in flight or posted
  bool ended = false;    // takes no more messages
  bool drain_wanted = false;
  std::shared_ptr<const ws_batch_format> batch; // null: one text a message

  template <class F>
  void on_io_thread(F f) {
    net::post(io_executor(),
              [self = shared_from_this(), f = std::move(f)]() mutable {
                f(*self);
              });
  }

  // -- the stream's (ws_session.cpp) ------------------------------------------

  /// Where every handler of this connection runs.
  virtual net::any_io_executor io_executor() = 0;
  /// Any thread, with `writing` set: do_write() soon on the I/O thread.
  virtual void start_write() = 0;
  /// The peer, for the log ("" once unknown).
  virtual std::string peer_name() = 0;
  /// Closes the socket at once (no handshake).
  virtual void close_socket() = 0;
  // On the I/O thread:
  virtual void refuse(response answer) = 0;
  virtual void accept(ws_callbacks cb) = 0;
  /// Runs with `writing` set by whoever started the write.
  virtual void do_write() = 0;
  /// The closing handshake; the read loop then ends with `closed`.
  virtual void close_now() = 0;

  // -- on the I/O thread ------------------------------------------------------

  void hard_close();
  /// Ends the session once: closes the socket, calls on_closed. Logs why:
  /// `what` ended it, with `ec` when that failed (debug for the normal
  /// ends of a WebSocket, info for the rest).
  void finish(beast::error_code ec, const char* what);
  /// Gives back the per-address count, once (any thread).
  void release_address();

  // -- any thread -------------------------------------------------------------

  push_result push(ws_text text, bool replace);
  push_result push_all(const std::vector<ws_text>& texts);
  /// Under the lock: `add` queues `count` texts of `size` bytes in all,
  /// unless the connection ended or (without `replace`) they would pass
  /// the bound; then the writer is started if it is idle.
  template <class Add>
  push_result enqueue(std::size_t count, std::size_t size, bool replace,
                      Add add);
  void want_drain();
  void request_close();
};

/// A plain connection, on `lane` (ws_session.cpp).
std::shared_ptr<ws_connection::impl>
make_plain_session(ws_core& core, ws_lane& lane,
                   corked_socket::socket_type socket,
                   bhttp::request<bhttp::string_body> req);

/// A TLS connection, on the stream's own executor (the HTTP server's
/// strand); keeps `io_owner` (that server's io_context) and `core`.
std::shared_ptr<ws_connection::impl>
make_tls_session(std::shared_ptr<ws_core> core,
                 std::unique_ptr<upgrade::tls_stream> stream,
                 std::shared_ptr<void> io_owner,
                 bhttp::request<bhttp::string_body> req);

struct ws_pending::impl {
  // The core first: members go in reverse order, so the session (and its
  // socket) is released while its io_context still exists.
  std::shared_ptr<ws_core> core;
  std::shared_ptr<ws_connection::impl> session;
  request req;
  bool loopback = false; // the peer's address is a loopback one
  std::atomic<bool> answered{false};
};

} // namespace socialcrm::http
