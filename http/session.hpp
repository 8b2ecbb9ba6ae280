#pragma once

// Internal to socialcrm_http: one HTTP connection. Included only by
// server.cpp and session.cpp (the two translation units that pay for
// Beast on the server side).

#include <utility>

#include "http/server.hpp"

#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/string_body.hpp>

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
  upgrade_handler on_upgrade;
  std::shared_ptr<lifeline> life = std::make_shared<lifeline>();
  std::atomic<bool> stopping{false};
  std::atomic<std::size_t> open{0};
};

class session : public std::enable_shared_from_this<session> {
public:
  session(boost::asio::ip::tcp::socket socket, server_state& state);
  ~session();

  void run();
  /// Graceful: closes now when idle, after the response in flight
  /// otherwise. Call on any thread.
  void stop();
  /// Closes at once. Call on any thread.
  void close();

private:
  void do_read();
  void on_read(boost::beast::error_code ec, std::size_t bytes);
  void dispatch(boost::beast::http::request<boost::beast::http::string_body>
                  req);
  void send(response r);
  void on_write(bool keep_alive, boost::beast::error_code ec, std::size_t);
  void do_close();
  void refuse(unsigned status); // answer an unparseable request and close
  void fail(boost::beast::error_code ec, const char* what);

  boost::beast::tcp_stream stream_;
  boost::beast::flat_buffer buffer_;
  std::optional<
    boost::beast::http::request_parser<boost::beast::http::string_body>>
    parser_;
  server_state& state_;
  unsigned version_ = 11;
  bool keep_alive_ = true;
  bool busy_ = false; // a request is being handled or answered
  bool closed_ = false;
  std::shared_ptr<session> self_; // set while a handler owes an answer
};

} // namespace socialcrm::http::detail
