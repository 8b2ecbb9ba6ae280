#pragma once

// Internal to socialcrm_http: one HTTP connection, over plain TCP or TLS.
// Included only by server.cpp and session.cpp (the two translation units
// that pay for Beast on the server side).

#include <utility>

#include "http/admission.hpp"
#include "http/server.hpp"

#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/beast/ssl/ssl_stream.hpp>

#include <atomic>
#include <memory>
#include <mutex>
#include <optional>

namespace socialcrm::http::detail {

/// Tells late responders whether the I/O context still runs: a handler may
/// answer from another thread after stop(), and posting to a destroyed
/// io_context would be undefined.
struct lifeline {
  std::mutex mutex;
  bool alive = true;
};

/// What sessions share with the server that owns them.
struct server_state {
  server_limits limits;
  handler on_request;
  /// The upgrade handler; stop() destroys it (whoever owns WebSockets
  /// ends them) while the I/O threads still run, so it is read under
  /// `upgrade_mutex`.
  std::mutex upgrade_mutex;
  std::shared_ptr<upgrade_handler> on_upgrade;
  /// The server's impl, for upgrades that keep its io_context (TLS).
  std::weak_ptr<void> owner;
  std::shared_ptr<lifeline> life = std::make_shared<lifeline>();
  std::atomic<bool> stopping{false};
  std::atomic<std::size_t> open{0};
  std::atomic<std::size_t> refused{0}; // closed at accept by a limit
  admission admit{limits};
  /// The TLS context new connections use; null serves plain HTTP. Replaced
  /// whole on a reload, so connections keep the context they started with.
  std::mutex tls_mutex;
  std::shared_ptr<boost::asio::ssl::context> tls;

  std::shared_ptr<boost::asio::ssl::context> tls_context() {
    std::lock_guard guard{tls_mutex};
    return tls;
  }

  std::shared_ptr<upgrade_handler> upgrader() {
    std::lock_guard guard{upgrade_mutex};
    return on_upgrade;
  }
};

/// What the server and the responders need of a connection, whatever its
/// stream.
class session_base {
public:
  virtual ~session_base() = default;
  virtual void run() = 0;
  /// Graceful: closes now when idle, after the response in flight
  /// otherwise. Call on any thread.
  virtual void stop() = 0;
  /// Closes at once. Call on any thread.
  virtual void close() = 0;
  /// Writes the answer to the request being handled (on the I/O thread).
  virtual void send(response r) = 0;
};

using plain_stream = boost::beast::tcp_stream;
using tls_stream = boost::beast::ssl_stream<boost::beast::tcp_stream>;

template <class Stream>
class session : public session_base,
                public std::enable_shared_from_this<session<Stream>> {
public:
  /// `tls` is the context of a tls_stream session, null for plain ones;
  /// `peer_key` the address admission counted it under ("" = uncounted).
  session(boost::asio::ip::tcp::socket socket, server_state& state,
          std::shared_ptr<boost::asio::ssl::context> tls,
          std::string peer_key);
  ~session() override;

  void run() override;
  void stop() override;
  void close() override;
  void send(response r) override;

private:
  void on_handshake(boost::beast::error_code ec);
  void do_read();
  void on_header(boost::beast::error_code ec, std::size_t bytes);
  void on_read(boost::beast::error_code ec, std::size_t bytes);
  void dispatch(boost::beast::http::request<boost::beast::http::string_body>
                  req);
  void on_write(bool keep_alive, boost::beast::error_code ec, std::size_t);
  void do_close();
  void refuse(unsigned status); // answer an unparseable request and close
  void fail(boost::beast::error_code ec, const char* what);
  boost::beast::tcp_stream& tcp();

  std::shared_ptr<boost::asio::ssl::context> tls_; // keeps tls streams' context
  Stream stream_;
  // stream_'s, kept apart: a TLS upgrade moves the stream away.
  boost::asio::any_io_executor executor_;
  boost::beast::flat_buffer buffer_;
  std::optional<
    boost::beast::http::request_parser<boost::beast::http::string_body>>
    parser_;
  server_state& state_;
  std::string peer_key_;
  bool first_ = true; // no request head read yet
  unsigned version_ = 11;
  bool keep_alive_ = true;
  bool busy_ = false; // a request is being handled or answered
  bool closed_ = false;
  std::shared_ptr<session> self_; // set while a handler owes an answer
};

extern template class session<plain_stream>;
extern template class session<tls_stream>;

} // namespace socialcrm::http::detail
