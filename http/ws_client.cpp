#include "http/ws_client.hpp"

#include "http/url.hpp"

// GCC 12 reports boost::optional inside Beast's response parser (the
// client's handshake) as maybe uninitialized: a known false positive of
// that header (tests/web/ws_client.hpp says the same).
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/asio/ssl/host_name_verification.hpp>
#include <boost/beast/core/buffers_to_string.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/ssl/ssl_stream.hpp>
#include <boost/beast/websocket/ssl.hpp>
#include <boost/beast/websocket/stream.hpp>
#pragma GCC diagnostic pop

#include <variant>

namespace socialcrm::http {

namespace beast = boost::beast;
namespace websocket = boost::beast::websocket;
namespace net = boost::asio;
using tcp = net::ip::tcp;

using plain_ws = websocket::stream<beast::tcp_stream>;
using tls_ws = websocket::stream<beast::ssl_stream<beast::tcp_stream>>;

struct ws_client::impl {
  ws_client_options opts;
  net::io_context ioc;
  net::ssl::context tls_ctx{net::ssl::context::tls_client};
  std::variant<std::monostate, plain_ws, tls_ws> ws;
  beast::flat_buffer buffer;
  bool is_open = false;
  bool reading = false; // an async_read is pending
  bool read_done = false;
  beast::error_code read_error;
  std::string reason;

  // Runs the io_context until `done` or the deadline; false on timeout.
  template <class Done>
  bool run_until(Done&& done, std::chrono::steady_clock::time_point end) {
    ioc.restart();
    while (!done()) {
      auto now = std::chrono::steady_clock::now();
      if (now >= end)
        return false;
      if (ioc.run_one_for(end - now) == 0 && !done())
        return false;
    }
    return true;
  }

  template <class F>
  auto with_ws(F&& f) {
    if (auto* t = std::get_if<tls_ws>(&ws))
      return f(*t);
    return f(std::get<plain_ws>(ws));
  }

  beast::tcp_stream& lowest() {
    if (auto* t = std::get_if<tls_ws>(&ws))
      return beast::get_lowest_layer(*t);
    return beast::get_lowest_layer(std::get<plain_ws>(ws));
  }
};

ws_client::ws_client(ws_client_options opts) : impl_(std::make_unique<impl>()) {
  impl_->opts = std::move(opts);
}

ws_client::~ws_client() {
  if (impl_->is_open) {
    beast::error_code ignored;
    impl_->lowest().socket().close(ignored);
  }
}

std::optional<ws_client::refusal>
ws_client::open(const std::string& url_text, const header_list& headers) {
  auto& m = *impl_;
  auto text = url_text;
  for (auto [from, to] : {std::pair{"ws://", "http://"}, {"wss://", "https://"}})
    if (text.rfind(from, 0) == 0)
      text = to + text.substr(std::string(from).size());
  auto u = parse_url(text);
  if (!u)
    return refusal{0, {}, "bad URL " + url_text};
  bool secure = u->scheme == "https";
  auto end = std::chrono::steady_clock::now() + m.opts.connect_timeout;
  auto fail = [&](const std::string& what, const beast::error_code& ec) {
    return refusal{0, {}, what + ": " + (ec ? ec.message() : "timed out")};
  };

  tcp::resolver resolver{m.ioc};
  tcp::resolver::results_type endpoints;
  beast::error_code ec;
  bool done = false;
  resolver.async_resolve(u->host, std::to_string(u->port),
                         [&](beast::error_code e, auto results) {
                           ec = e;
                           endpoints = results;
                           done = true;
                         });
  if (!m.run_until([&] { return done; }, end) || ec)
    return fail("resolve " + u->host, ec);

  if (secure) {
    beast::error_code e;
    m.tls_ctx.set_verify_mode(net::ssl::verify_peer, e);
    if (m.opts.ca_file.empty())
      m.tls_ctx.set_default_verify_paths(e);
    else
      m.tls_ctx.load_verify_file(m.opts.ca_file, e);
    if (e)
      return refusal{0, {}, "tls: cannot load trusted certificates: "
                              + e.message()};
    m.ws.emplace<tls_ws>(m.ioc, m.tls_ctx);
  } else {
    m.ws.emplace<plain_ws>(m.ioc);
  }
  done = false;
  m.lowest().async_connect(endpoints, [&](beast::error_code e, auto) {
    ec = e;
    done = true;
  });
  if (!m.run_until([&] { return done; }, end) || ec)
    return fail("connect " + u->origin(), ec);

  if (auto* t = std::get_if<tls_ws>(&m.ws)) {
    auto& ssl = t->next_layer();
    // SNI: hosts behind shared front ends pick the certificate by name.
    if (!SSL_set_tlsext_host_name(ssl.native_handle(), u->host.c_str()))
      return refusal{0, {}, "tls: cannot set server name " + u->host};
    ssl.set_verify_callback(net::ssl::host_name_verification(u->host));
    done = false;
    ssl.async_handshake(net::ssl::stream_base::client, [&](beast::error_code e) {
      ec = e;
      done = true;
    });
    if (!m.run_until([&] { return done; }, end) || ec)
      return fail("tls handshake with " + u->origin(), ec);
  }

  websocket::response_type res;
  auto target = u->target.empty() ? std::string("/") : u->target;
  auto host = u->host + ":" + std::to_string(u->port);
  done = false;
  m.with_ws([&](auto& ws) {
    ws.set_option(websocket::stream_base::decorator(
      [&headers, agent = m.opts.user_agent](websocket::request_type& req) {
        req.set(boost::beast::http::field::user_agent, agent);
        for (const auto& [name, value] : headers)
          req.set(name, value);
      }));
    // Asynchronous: Beast's blocking handshake drops the body of a refused
    // upgrade, and the refusal says why.
    ws.async_handshake(res, host, target, [&](beast::error_code e) {
      ec = e;
      done = true;
    });
  });
  if (!m.run_until([&] { return done; }, end))
    return fail("websocket handshake with " + u->origin(), {});
  if (ec) {
    if (res.result_int() != 0 && res.result_int() != 101)
      return refusal{res.result_int(), res.body(), {}};
    return fail("websocket handshake with " + u->origin(), ec);
  }
  // From here on a quiet stream is normal: only our reads have limits.
  m.lowest().expires_never();
  m.with_ws([](auto& ws) {
    ws.set_option(
      websocket::stream_base::timeout::suggested(beast::role_type::client));
  });
  m.is_open = true;
  return std::nullopt;
}

ws_client::read_result ws_client::read(std::string& out,
                                       std::chrono::milliseconds limit) {
  auto& m = *impl_;
  if (!m.is_open)
    return read_result::closed;
  if (!m.reading) {
    m.reading = true;
    m.read_done = false;
    m.with_ws([&](auto& ws) {
      ws.async_read(m.buffer, [&m](beast::error_code e, std::size_t) {
        m.read_error = e;
        m.read_done = true;
      });
    });
  }
  if (!m.run_until([&] { return m.read_done; },
                   std::chrono::steady_clock::now() + limit))
    return read_result::timeout;
  m.reading = false;
  if (m.read_error) {
    m.is_open = false;
    m.reason = m.read_error == websocket::error::closed
                 ? std::string(m.with_ws([](auto& ws) {
                     return std::string(ws.reason().reason.c_str());
                   }))
                 : m.read_error.message();
    if (m.reason.empty())
      m.reason = "closed by the server";
    return read_result::closed;
  }
  out = beast::buffers_to_string(m.buffer.data());
  m.buffer.consume(m.buffer.size());
  return read_result::message;
}

bool ws_client::send(const std::string& text) {
  auto& m = *impl_;
  if (!m.is_open)
    return false;
  bool wrote = false;
  beast::error_code ec;
  m.with_ws([&](auto& ws) {
    ws.text(true);
    ws.async_write(net::buffer(text), [&](beast::error_code e, std::size_t) {
      ec = e;
      wrote = true;
    });
  });
  // A pending read may complete meanwhile: it stays done for read().
  if (!m.run_until([&] { return wrote; },
                   std::chrono::steady_clock::now() + m.opts.connect_timeout)
      || ec) {
    m.is_open = false;
    return false;
  }
  return true;
}

void ws_client::close() {
  auto& m = *impl_;
  if (!m.is_open)
    return;
  bool done = false;
  m.with_ws([&](auto& ws) {
    ws.async_close(websocket::close_code::normal,
                   [&](beast::error_code) { done = true; });
  });
  m.run_until([&] { return done; },
              std::chrono::steady_clock::now() + std::chrono::seconds(2));
  beast::error_code ignored;
  m.lowest().socket().close(ignored);
  m.is_open = false;
}

std::string ws_client::close_reason() const {
  return impl_->reason;
}

} // namespace socialcrm::http
