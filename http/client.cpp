#include <utility>

#include "http/client.hpp"

#include "http/url.hpp"

#include <boost/asio/connect.hpp>
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

struct client::impl {
  client_options opts;
  net::io_context ioc;
  std::optional<beast::tcp_stream> stream;
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
    origin = u.origin();
    buffer.clear();
    ++opened;
    return {};
  }

  void drop() {
    if (stream) {
      beast::error_code ignored;
      stream->socket().shutdown(tcp::socket::shutdown_both, ignored);
      stream->close();
    }
    stream.reset();
    origin.clear();
  }

  // One exchange on the open connection. `fresh` is false when nothing was
  // received yet, so a stale kept-alive connection can be retried.
  client_result exchange(const bhttp::request<bhttp::string_body>& req,
                         bool& nothing_received) {
    nothing_received = true;
    stream->expires_after(opts.request_timeout);
    auto ec = run([&](beast::error_code& out) {
      bhttp::async_write(*stream, req,
                         [&](beast::error_code e, std::size_t) { out = e; });
    });
    if (ec)
      return {std::nullopt, "write: " + ec.message()};
    bhttp::response_parser<bhttp::string_body> parser;
    parser.body_limit(opts.body_limit);
    if (req.method() == bhttp::verb::head)
      parser.skip(true);
    std::size_t got = 0;
    ec = run([&](beast::error_code& out) {
      bhttp::async_read(*stream, buffer, parser,
                        [&](beast::error_code e, std::size_t n) {
                          out = e;
                          got = n;
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
  if (u->scheme != "http")
    return {std::nullopt, "https is not supported yet: " + url_text};
  auto& s = *impl_;
  bhttp::request<bhttp::string_body> req;
  req.method_string(method);
  req.target(u->target);
  req.version(11);
  for (const auto& [name, value] : headers)
    req.insert(name, value);
  if (!headers.has("Host"))
    req.set(bhttp::field::host, u->port == 80 ? u->host
                                              : u->host + ":"
                                                  + std::to_string(u->port));
  if (!headers.has("User-Agent"))
    req.set(bhttp::field::user_agent, s.opts.user_agent);
  req.body() = body;
  req.keep_alive(true);
  req.prepare_payload();

  bool reused = s.stream.has_value() && s.origin == u->origin();
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
