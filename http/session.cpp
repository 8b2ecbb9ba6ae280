#include "http/session.hpp"

#include "http/upgrade.hpp"

#include <boost/asio/dispatch.hpp>
#include <boost/asio/post.hpp>
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
  std::weak_ptr<session> owner;
  std::shared_ptr<lifeline> life;
  net::any_io_executor executor;
  std::atomic<bool> answered{false};

  void answer(std::function<void(std::shared_ptr<session>)> fn) {
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
    answer([](std::shared_ptr<session> s) { s->close(); });
  }
};

} // namespace

session::session(net::ip::tcp::socket socket, server_state& state)
  : stream_(std::move(socket)), state_(state) {
  ++state_.open;
}

session::~session() {
  --state_.open;
}

void session::run() {
  net::dispatch(stream_.get_executor(),
                [self = shared_from_this()] { self->do_read(); });
}

void session::stop() {
  net::post(stream_.get_executor(), [self = shared_from_this()] {
    self->keep_alive_ = false;
    if (!self->busy_)
      self->do_close();
  });
}

void session::close() {
  net::post(stream_.get_executor(),
            [self = shared_from_this()] { self->do_close(); });
}

void session::do_read() {
  if (closed_)
    return;
  parser_.emplace();
  parser_->body_limit(state_.limits.body_limit);
  parser_->header_limit(state_.limits.header_limit);
  stream_.expires_after(state_.limits.idle_timeout);
  bhttp::async_read(stream_, buffer_, *parser_,
                    beast::bind_front_handler(&session::on_read,
                                              shared_from_this()));
}

void session::on_read(beast::error_code ec, std::size_t) {
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

void session::dispatch(bhttp::request<bhttp::string_body> req) {
  // The handler decides how long it takes; the idle timeout is for reads.
  stream_.expires_never();
  if (state_.on_upgrade && beast::websocket::is_upgrade(req)) {
    upgrade u{stream_.release_socket(), std::move(req)};
    closed_ = true; // the socket now belongs to the upgrade handler
    state_.on_upgrade(u);
    return;
  }
  request r;
  r.method = std::string(req.method_string());
  r.target = std::string(req.target());
  r.version = req.version();
  for (const auto& f : req)
    r.headers.add(std::string(f.name_string()), std::string(f.value()));
  r.body = std::move(req.body());
  beast::error_code ignored;
  auto peer = stream_.socket().remote_endpoint(ignored);
  if (!ignored)
    r.remote_address = peer.address().to_string();
  version_ = req.version();
  keep_alive_ = keep_alive_ && req.keep_alive();
  busy_ = true;
  // Nothing else keeps the session alive while the handler works: no
  // operation is pending on the socket. Released when the answer is written
  // or the connection closes.
  self_ = shared_from_this();
  auto pending = std::make_shared<pending_answer>();
  pending->owner = weak_from_this();
  pending->life = state_.life;
  pending->executor = stream_.get_executor();
  responder respond = [pending](response res) {
    pending->answer([res = std::move(res)](std::shared_ptr<session> s) mutable {
      s->send(std::move(res));
    });
  };
  state_.on_request(std::move(r), std::move(respond));
}

void session::send(response r) {
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
  stream_.expires_after(state_.limits.idle_timeout);
  bhttp::async_write(stream_, *res,
                     [self = shared_from_this(), res, keep](
                       beast::error_code ec, std::size_t n) {
                       self->on_write(keep, ec, n);
                     });
}

void session::on_write(bool keep_alive, beast::error_code ec, std::size_t) {
  busy_ = false;
  self_.reset(); // the completion handler holds its own reference
  if (ec)
    return fail(ec, "write");
  if (!keep_alive || state_.stopping)
    return do_close();
  do_read();
}

void session::refuse(unsigned status) {
  keep_alive_ = false;
  busy_ = true;
  self_ = shared_from_this();
  // The same error envelope as every API answer (API.md), with a fixed
  // code per refusal: clients parse one shape whatever refused them.
  const char* code = status == 413   ? "body_too_large"
                     : status == 431 ? "headers_too_large"
                                     : "request_refused";
  send(response::make(status, "application/json",
                      std::string("{\"error\":{\"code\":\"") + code
                        + "\",\"message\":\""
                        + std::string(reason_phrase(status)) + "\"}}"));
}

void session::do_close() {
  if (closed_)
    return;
  closed_ = true;
  self_.reset(); // callers hold their own reference
  beast::error_code ignored;
  stream_.socket().shutdown(net::ip::tcp::socket::shutdown_send, ignored);
  stream_.close();
}

void session::fail(beast::error_code ec, const char* what) {
  // Timeouts, resets and aborts are the normal end of a connection; there
  // is nobody to tell, so the connection is just closed.
  (void)ec;
  (void)what;
  do_close();
}

} // namespace socialcrm::http::detail
