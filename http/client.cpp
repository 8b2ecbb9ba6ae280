#include <utility>

#include "http/client.hpp"

#include "http/url.hpp"

#include <boost/asio/connect.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/asio/ssl/host_name_verification.hpp>
#include <boost/beast/ssl/ssl_stream.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/beast/http/write.hpp>

namespace socialcrm::http {

namespace beast = boost::beast;
namespace bhttp = boost::beast::http;
namespace net = boost::asio;
using tcp = net::ip::tcp;

using tls_stream = beast::ssl_stream<beast::tcp_stream>;

struct client::impl {
  client_options opts;
  net::io_context ioc;
  // Real networks are https: peers are verified against the system's CA
  // store (or opts.ca_file) and the host name, with SNI.
  net::ssl::context tls_ctx{net::ssl::context::tls_client};
  bool tls_ready = false;
  std::optional<beast::tcp_stream> stream; // plain http
  std::optional<tls_stream> secure;        // https
  beast::flat_buffer buffer;
  std::string origin; // "http://host:port" of the open connection
  std::size_t opened = 0;

  // Runs the io_context until the operation started by `start` completes.
  template <class Start>
  beast::error_code run(Start&& start) {
    beast::error_code result = net::error::would_block;
    start(result);
    ioc.restart();
    ioc.run();
    return result;
  }

  std::string connect(const url& u) {
    tcp::resolver resolver{ioc};
    tcp::resolver::results_type endpoints;
    auto ec = run([&](beast::error_code& out) {
      resolver.async_resolve(u.host, std::to_string(u.port),
                             [&](beast::error_code e, auto results) {
                               out = e;
                               endpoints = results;
                             });
    });
    if (ec)
      return "resolve " + u.host + ": " + ec.message();
    stream.emplace(ioc);
    stream->expires_after(opts.connect_timeout);
    ec = run([&](beast::error_code& out) {
      stream->async_connect(endpoints, [&](beast::error_code e, auto) {
        out = e;
      });
    });
    if (ec) {
      stream.reset();
      return "connect " + u.origin() + ": " + ec.message();
    }
    if (u.scheme == "https") {
      if (auto err = handshake(u); !err.empty()) {
        stream.reset();
        secure.reset();
        return err;
      }
    }
    origin = u.origin();
    buffer.clear();
    ++opened;
    return {};
  }

  std::string handshake(const url& u) {
    if (!tls_ready) {
      beast::error_code e;
      tls_ctx.set_verify_mode(net::ssl::verify_peer, e);
      if (opts.ca_file.empty())
        tls_ctx.set_default_verify_paths(e);
      else
        tls_ctx.load_verify_file(opts.ca_file, e);
      if (e)
        return "tls: cannot load trusted certificates: " + e.message();
      tls_ready = true;
    }
    secure.emplace(std::move(*stream), tls_ctx);
    stream.reset();
    // SNI: hosts behind shared front ends pick the certificate by name.
    if (!SSL_set_tlsext_host_name(secure->native_handle(), u.host.c_str()))
      return "tls: cannot set server name " + u.host;
    secure->set_verify_callback(net::ssl::host_name_verification(u.host));
    beast::get_lowest_layer(*secure).expires_after(opts.connect_timeout);
    auto ec = run([&](beast::error_code& out) {
      secure->async_handshake(net::ssl::stream_base::client,
                              [&](beast::error_code e) { out = e; });
    });
    if (ec)
      return "tls handshake with " + u.origin() + ": " + ec.message();
    return {};
  }

  bool open() const { return stream.has_value() || secure.has_value(); }

  beast::tcp_stream& lowest() {
    return secure ? beast::get_lowest_layer(*secure) : *stream;
  }

  void drop() {
    if (open()) {
      beast::error_code ignored;
      lowest().socket().shutdown(tcp::socket::shutdown_both, ignored);
      lowest().close();
    }
    stream.reset();
    secure.reset();
    origin.clear();
  }

  // Calls f with whichever stream the connection uses.
  template <class F>
  auto with_stream(F&& f) {
    if (secure)
      return f(*secure);
    return f(*stream);
  }

  // One exchange on the open connection. `fresh` is false when nothing was
  // received yet, so a stale kept-alive connection can be retried.
  client_result exchange(const bhttp::request<bhttp::string_body>& req,
                         bool& nothing_received) {
    nothing_received = true;
    lowest().expires_after(opts.request_timeout);
    auto ec = run([&](beast::error_code& out) {
      with_stream([&](auto& s) {
        bhttp::async_write(s, req,
                           [&](beast::error_code e, std::size_t) { out = e; });
      });
    });
    if (ec)
      return {std::nullopt, "write: " + ec.message()};
    bhttp::response_parser<bhttp::string_body> parser;
    parser.body_limit(opts.body_limit);
    if (req.method() == bhttp::verb::head)
      parser.skip(true);
    std::size_t got = 0;
    ec = run([&](beast::error_code& out) {
      with_stream([&](auto& s) {
        bhttp::async_read(s, buffer, parser,
                          [&](beast::error_code e, std::size_t n) {
                            out = e;
                            got = n;
                          });
      });
    });
    if (ec) {
      nothing_received = got == 0 && !parser.got_some();
      return {std::nullopt, "read: " + ec.message()};
    }
    nothing_received = false;
    auto res = parser.release();
    response out;
    out.status = res.result_int();
    for (const auto& f : res)
      out.headers.add(std::string(f.name_string()), std::string(f.value()));
    out.body = std::move(res.body());
    if (!res.keep_alive())
      drop();
    return {std::move(out), {}};
  }
};

client::client(client_options opts) : impl_(std::make_unique<impl>()) {
  impl_->opts = std::move(opts);
}

client::~client() {
  if (impl_)
    impl_->drop();
}

client::client(client&&) noexcept = default;
client& client::operator=(client&&) noexcept = default;

client_result client::send(const std::string& method, const std::string& url_text,
                           const header_list& headers,
                           const std::string& body) {
  auto u = parse_url(url_text);
  if (!u)
    return {std::nullopt, "bad url: " + url_text};
  auto& s = *impl_;
  bhttp::request<bhttp::string_body> req;
  req.method_string(method);
  req.target(u->target);
  req.version(11);
  for (const auto& [name, value] : headers)
    req.insert(name, value);
  bool default_port = u->port == (u->scheme == "https" ? 443 : 80);
  if (!headers.has("Host"))
    req.set(bhttp::field::host, default_port ? u->host
                                             : u->host + ":"
                                                 + std::to_string(u->port));
  if (!headers.has("User-Agent"))
    req.set(bhttp::field::user_agent, s.opts.user_agent);
  req.body() = body;
  req.keep_alive(true);
  req.prepare_payload();

  bool reused = s.open() && s.origin == u->origin();
  if (!reused) {
    s.drop();
    if (auto err = s.connect(*u); !err.empty())
      return {std::nullopt, err};
  }
  bool nothing_received = false;
  auto result = s.exchange(req, nothing_received);
  if (!result.ok()) {
    s.drop();
    // The server may have closed an idle kept-alive connection just as we
    // reused it: try once more on a new one (only if it said nothing).
    if (reused && nothing_received) {
      if (auto err = s.connect(*u); !err.empty())
        return {std::nullopt, err};
      result = s.exchange(req, nothing_received);
      if (!result.ok())
        s.drop();
    }
  }
  return result;
}

client_result client::post(const std::string& url, const std::string& body,
                           const std::string& content_type,
                           header_list headers) {
  if (!headers.has("Content-Type"))
    headers.set("Content-Type", content_type);
  return send("POST", url, headers, body);
}

void client::close() {
  impl_->drop();
}

std::size_t client::connections_opened() const {
  return impl_->opened;
}

} // namespace socialcrm::http
