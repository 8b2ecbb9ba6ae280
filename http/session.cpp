#include "http/session.hpp"

#include "http/upgrade.hpp"

#include <boost/asio/dispatch.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/ssl/stream.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/write.hpp>
#include <boost/beast/websocket/rfc6455.hpp>

namespace socialcrm::http::detail {

namespace beast = boost::beast;
namespace bhttp = boost::beast::http;
namespace net = boost::asio;

namespace {

/// The responder handed to handlers. Answers at most once; when every copy
/// is dropped unanswered, the connection is closed rather than left hanging.
struct pending_answer {
  std::weak_ptr<session_base> owner;
  std::shared_ptr<lifeline> life;
  net::any_io_executor executor;
  std::atomic<bool> answered{false};

  void answer(std::function<void(std::shared_ptr<session_base>)> fn) {
    if (answered.exchange(true))
      return;
    std::lock_guard guard{life->mutex};
    if (!life->alive)
      return;
    net::post(executor, [w = owner, fn = std::move(fn)] {
      if (auto s = w.lock())
        fn(std::move(s));
    });
  }

  ~pending_answer() {
    answer([](std::shared_ptr<session_base> s) { s->close(); });
  }
};

} // namespace

template <class Stream>
Stream open_stream(net::ip::tcp::socket socket, net::ssl::context* tls) {
  if constexpr (std::is_same_v<Stream, tls_stream>)
    return Stream(std::move(socket), *tls);
  else
    return Stream(std::move(socket));
}

template <class Stream>
session<Stream>::session(net::ip::tcp::socket socket, server_state& state,
                         std::shared_ptr<net::ssl::context> tls,
                         std::string peer_key)
  : tls_(std::move(tls)),
    stream_(open_stream<Stream>(std::move(socket), tls_.get())),
    executor_(stream_.get_executor()),
    state_(state),
    peer_key_(std::move(peer_key)) {
  ++state_.open;
}

template <class Stream>
session<Stream>::~session() {
  if (!peer_key_.empty())
    state_.admit.release(peer_key_);
  --state_.open;
}

template <class Stream>
beast::tcp_stream& session<Stream>::tcp() {
  return beast::get_lowest_layer(stream_);
}

template <class Stream>
void session<Stream>::run() {
  net::dispatch(executor_, [self = this->shared_from_this()] {
    if constexpr (std::is_same_v<Stream, tls_stream>) {
      // The handshake shares the first request's deadline: a peer that
      // opens a socket and says nothing must not hold it.
      self->tcp().expires_after(self->state_.limits.first_request_timeout);
      self->stream_.async_handshake(
        net::ssl::stream_base::server,
        beast::bind_front_handler(&session::on_handshake, self));
    } else {
      self->do_read();
    }
  });
}

template <class Stream>
void session<Stream>::on_handshake(beast::error_code ec) {
  if (ec)
    return fail(ec, "handshake");
  do_read();
}

template <class Stream>
void session<Stream>::stop() {
  net::post(executor_, [self = this->shared_from_this()] {
    self->keep_alive_ = false;
    if (!self->busy_)
      self->do_close();
  });
}

template <class Stream>
void session<Stream>::close() {
  net::post(executor_,
            [self = this->shared_from_this()] { self->do_close(); });
}

template <class Stream>
void session<Stream>::do_read() {
  if (closed_)
    return;
  parser_.emplace();
  parser_->body_limit(state_.limits.body_limit);
  parser_->header_limit(state_.limits.header_limit);
  // A new connection gets a short while for its first request head; a
  // kept-alive one the idle timeout for the next.
  tcp().expires_after(first_ ? state_.limits.first_request_timeout
                             : state_.limits.idle_timeout);
  bhttp::async_read_header(stream_, buffer_, *parser_,
                           beast::bind_front_handler(&session::on_header,
                                                     this->shared_from_this()));
}

template <class Stream>
void session<Stream>::on_header(beast::error_code ec, std::size_t bytes) {
  if (ec)
    return on_read(ec, bytes);
  first_ = false;
  if (parser_->is_done())
    return dispatch(parser_->release());
  // The body may be large (media uploads): it has the idle timeout.
  tcp().expires_after(state_.limits.idle_timeout);
  bhttp::async_read(stream_, buffer_, *parser_,
                    beast::bind_front_handler(&session::on_read,
                                              this->shared_from_this()));
}

template <class Stream>
void session<Stream>::on_read(beast::error_code ec, std::size_t) {
  if (ec == bhttp::error::end_of_stream)
    return do_close();
  if (ec == bhttp::error::body_limit)
    return refuse(413);
  if (ec == bhttp::error::header_limit)
    return refuse(431);
  if (ec == bhttp::error::bad_method || ec == bhttp::error::bad_target
      || ec == bhttp::error::bad_version || ec == bhttp::error::bad_field
      || ec == bhttp::error::bad_value || ec == bhttp::error::bad_line_ending
      || ec == bhttp::error::bad_content_length
      || ec == bhttp::error::bad_chunk)
    return refuse(400);
  if (ec)
    return fail(ec, "read");
  dispatch(parser_->release());
}

template <class Stream>
void session<Stream>::dispatch(bhttp::request<bhttp::string_body> req) {
  // The handler decides how long it takes; the idle timeout is for reads.
  tcp().expires_never();
  if (beast::websocket::is_upgrade(req)) {
    if (auto on_upgrade = state_.upgrader()) {
      closed_ = true; // the connection now belongs to the upgrade handler
      if constexpr (std::is_same_v<Stream, plain_stream>) {
        upgrade u{stream_.release_socket(), std::move(req), nullptr, nullptr};
        (*on_upgrade)(u);
      } else {
        // The TLS session cannot leave its stream: the stream goes whole,
        // with what keeps its io_context.
        upgrade u{net::ip::tcp::socket(executor_), std::move(req),
                  std::make_unique<tls_stream>(std::move(stream_)),
                  state_.owner.lock()};
        (*on_upgrade)(u);
      }
      return;
    }
  }
  request r;
  r.method = std::string(req.method_string());
  r.target = std::string(req.target());
  r.version = req.version();
  for (const auto& f : req)
    r.headers.add(std::string(f.name_string()), std::string(f.value()));
  r.body = std::move(req.body());
  beast::error_code ignored;
  auto peer = tcp().socket().remote_endpoint(ignored);
  if (!ignored)
    r.remote_address = peer.address().to_string();
  version_ = req.version();
  keep_alive_ = keep_alive_ && req.keep_alive();
  busy_ = true;
  // Nothing else keeps the session alive while the handler works: no
  // operation is pending on the socket. Released when the answer is written
  // or the connection closes.
  self_ = this->shared_from_this();
  auto pending = std::make_shared<pending_answer>();
  pending->owner = this->weak_from_this();
  pending->life = state_.life;
  pending->executor = executor_;
  responder respond = [pending](response res) {
    pending->answer([res = std::move(res)](std::shared_ptr<session_base> s) mutable {
      s->send(std::move(res));
    });
  };
  state_.on_request(std::move(r), std::move(respond));
}

template <class Stream>
void session<Stream>::send(response r) {
  if (closed_)
    return;
  auto res = std::make_shared<bhttp::response<bhttp::string_body>>(
    static_cast<bhttp::status>(r.status), version_);
  for (const auto& [name, value] : r.headers)
    res->insert(name, value);
  if (!res->count(bhttp::field::server))
    res->set(bhttp::field::server, "socialcrm");
  bool keep = keep_alive_ && !state_.stopping;
  res->keep_alive(keep);
  res->body() = std::move(r.body);
  res->prepare_payload();
  // A client that stops reading must not hold the connection forever.
  tcp().expires_after(state_.limits.idle_timeout);
  bhttp::async_write(stream_, *res,
                     [self = this->shared_from_this(), res, keep](
                       beast::error_code ec, std::size_t n) {
                       self->on_write(keep, ec, n);
                     });
}

template <class Stream>
void session<Stream>::on_write(bool keep_alive, beast::error_code ec, std::size_t) {
  busy_ = false;
  self_.reset(); // the completion handler holds its own reference
  if (ec)
    return fail(ec, "write");
  if (!keep_alive || state_.stopping)
    return do_close();
  do_read();
}

template <class Stream>
void session<Stream>::refuse(unsigned status) {
  keep_alive_ = false;
  busy_ = true;
  self_ = this->shared_from_this();
  // The same error envelope as every API answer (API.md), with a fixed
  // code per refusal: clients parse one shape whatever refused them.
  const char* code = status == 413   ? "body_too_large"
                     : status == 431 ? "headers_too_large"
                                     : "request_refused";
  auto res = response::make(status, "application/json",
                            std::string("{\"error\":{\"code\":\"") + code
                              + "\",\"message\":\""
                              + std::string(reason_phrase(status)) + "\"}}");
  // A refusal is data, never a page, whoever serves it.
  res.headers.set("X-Content-Type-Options", "nosniff");
  res.headers.set("Content-Security-Policy", "default-src 'none'; "
                                             "frame-ancestors 'none'");
  res.headers.set("Cache-Control", "no-store");
  send(std::move(res));
}

template <class Stream>
void session<Stream>::do_close() {
  if (closed_)
    return;
  closed_ = true;
  self_.reset(); // callers hold their own reference
  beast::error_code ignored;
  if constexpr (std::is_same_v<Stream, tls_stream>) {
    // Best effort close_notify, bounded: a peer that never answers it must
    // not keep the socket open.
    tcp().expires_after(std::chrono::seconds(1));
    stream_.async_shutdown([self = this->shared_from_this()](
                             beast::error_code) { self->tcp().close(); });
    return;
  }
  tcp().socket().shutdown(net::ip::tcp::socket::shutdown_send, ignored);
  tcp().close();
}

template <class Stream>
void session<Stream>::fail(beast::error_code ec, const char* what) {
  // Timeouts, resets and aborts are the normal end of a connection; there
  // is nobody to tell, so the connection is just closed.
  (void)ec;
  (void)what;
  do_close();
}

template class session<plain_stream>;
template class session<tls_stream>;

} // namespace socialcrm::http::detail
