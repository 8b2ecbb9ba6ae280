#pragma once

// What the server hands to an upgrade_handler: the raw socket and the
// parsed upgrade request, ready for
// `websocket::stream<tcp_stream>(std::move(u.socket)).async_accept(u.request)`.
// Include this only where the WebSocket session lives (Beast is heavy).

#include <utility>

#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/http/message.hpp>
#include <boost/beast/http/string_body.hpp>

namespace socialcrm::http {

struct upgrade {
  boost::asio::ip::tcp::socket socket;
  boost::beast::http::request<boost::beast::http::string_body> request;
};

} // namespace socialcrm::http
