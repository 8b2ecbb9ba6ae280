#pragma once

// What the server hands to an upgrade_handler: the connection and the
// parsed upgrade request. On a plain listener `socket` is the connection,
// ready for
// `websocket::stream<tcp_stream>(std::move(u.socket)).async_accept(u.request)`;
// on a TLS listener `tls` is (with its TLS session, which cannot leave the
// stream) and `socket` is not open. Include this only where the WebSocket
// session lives (Beast is heavy).

#include <memory>
#include <utility>

#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/message.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/beast/ssl/ssl_stream.hpp>

namespace socialcrm::http {

struct upgrade {
  using tls_stream = boost::beast::ssl_stream<boost::beast::tcp_stream>;

  boost::asio::ip::tcp::socket socket;
  boost::beast::http::request<boost::beast::http::string_body> request;
  /// TLS connections: the stream, still on the server's I/O threads.
  std::unique_ptr<tls_stream> tls;
  /// TLS connections: keeps the server's io_context (which `tls` belongs
  /// to) until whoever takes `tls` lets it go.
  std::shared_ptr<void> io_owner;
};

} // namespace socialcrm::http
