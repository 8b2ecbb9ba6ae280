#include "http/session.hpp"
#include "protocol/thread_name.hpp"

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/address.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/strand.hpp>

#include <algorithm>
#include <condition_variable>
#include <system_error>
#include <thread>
#include <vector>

namespace socialcrm::http {

namespace net = boost::asio;
using tcp = net::ip::tcp;
using detail::session_base;

/// How long stop() waits for the final closes to run before stopping the
/// I/O threads regardless.
constexpr std::chrono::milliseconds close_wait{500};

// Handlers and I/O threads refer to the impl by raw pointer: it outlives
// both (stop() joins the threads; the io_context, with any handlers still
// queued, is one of its members). Shared ownership here would make a cycle
// through those queued handlers.
struct server::impl {
  // Declared before `ioc` so sessions destroyed with the io_context's
  // pending handlers can still reach it.
  detail::server_state state;
  std::mutex sessions_mutex;
  std::vector<std::weak_ptr<session_base>> sessions;
  net::io_context ioc;
  tcp::acceptor acceptor{ioc};
  std::vector<std::thread> threads;
  bool started = false;
  bool stopped = false;

  void do_accept() {
    acceptor.async_accept(net::make_strand(ioc),
                          [this](boost::system::error_code ec,
                                 tcp::socket s) {
                            on_accept(ec, std::move(s));
                          });
  }

  void on_accept(boost::system::error_code ec, tcp::socket socket) {
    if (ec == net::error::operation_aborted || state.stopping)
      return;
    if (!ec) {
      boost::system::error_code peer_ec;
      auto peer = socket.remote_endpoint(peer_ec);
      std::string key = peer_ec ? std::string() : peer.address().to_string();
      bool loopback = !peer_ec && peer.address().is_loopback();
      bool counted = !loopback || state.limits.limit_loopback;
      if (peer_ec || state.open >= state.limits.max_connections
          || !state.admit.admit(key, loopback,
                                std::chrono::steady_clock::now())) {
        ++state.refused;
        boost::system::error_code ignored;
        socket.close(ignored);
      } else {
        std::shared_ptr<session_base> s;
        if (auto tls = state.tls_context())
          s = std::make_shared<detail::session<detail::tls_stream>>(
            std::move(socket), state, std::move(tls),
            counted ? key : std::string());
        else
          s = std::make_shared<detail::session<detail::plain_stream>>(
            std::move(socket), state, nullptr, counted ? key : std::string());
        {
          std::lock_guard guard{sessions_mutex};
          std::erase_if(sessions, [](auto& w) { return w.expired(); });
          sessions.push_back(s);
        }
        s->run();
      }
    }
    // Accept errors (EMFILE, ECONNABORTED) concern one socket: keep going.
    do_accept();
  }

  std::vector<std::shared_ptr<session_base>> live_sessions() {
    std::lock_guard guard{sessions_mutex};
    std::vector<std::shared_ptr<session_base>> out;
    for (auto& w : sessions)
      if (auto s = w.lock())
        out.push_back(std::move(s));
    return out;
  }
};

server::server(server_limits limits, handler h, upgrade_handler u)
  : impl_(std::make_shared<impl>()) {
  impl_->state.limits = limits;
  impl_->state.on_request = std::move(h);
  if (u)
    impl_->state.on_upgrade = std::make_shared<upgrade_handler>(std::move(u));
  impl_->state.owner = impl_;
}

server::~server() {
  stop();
}

namespace {

// A server context with the certificate chain and key (which OpenSSL
// checks against the certificate); throws naming the file at fault.
std::shared_ptr<net::ssl::context> make_tls_context(
  const std::string& cert_chain_file, const std::string& key_file) {
  namespace ssl = net::ssl;
  auto ctx = std::make_shared<ssl::context>(ssl::context::tls_server);
  boost::system::error_code ec;
  // TLS 1.2 and 1.3 only; the older versions have known breaks.
  ctx->set_options(ssl::context::default_workarounds | ssl::context::no_sslv2
                     | ssl::context::no_sslv3 | ssl::context::no_tlsv1
                     | ssl::context::no_tlsv1_1 | ssl::context::single_dh_use,
                   ec);
  if (!ec)
    ctx->use_certificate_chain_file(cert_chain_file, ec);
  if (ec)
    throw std::system_error(ec, "cannot load TLS certificate " + cert_chain_file);
  ctx->use_private_key_file(key_file, ssl::context::pem, ec);
  if (ec)
    throw std::system_error(ec, "cannot load TLS key " + key_file
                                  + " (for " + cert_chain_file + ")");
  return ctx;
}

} // namespace

void check_tls_files(const std::string& cert_chain_file,
                     const std::string& key_file) {
  make_tls_context(cert_chain_file, key_file);
}

void server::use_tls(const std::string& cert_chain_file,
                     const std::string& key_file) {
  auto ctx = make_tls_context(cert_chain_file, key_file);
  std::lock_guard guard{impl_->state.tls_mutex};
  impl_->state.tls = std::move(ctx);
}

bool server::tls() const {
  return impl_->state.tls_context() != nullptr;
}

std::uint16_t server::start(const std::string& host, std::uint16_t port) {
  boost::system::error_code ec;
  auto address = net::ip::make_address(host, ec);
  if (ec)
    throw std::system_error(ec, "bad listen address " + host);
  tcp::endpoint ep{address, port};
  auto& acc = impl_->acceptor;
  acc.open(ep.protocol(), ec);
  if (!ec)
    acc.set_option(net::socket_base::reuse_address(true), ec);
  if (!ec)
    acc.bind(ep, ec);
  if (!ec)
    acc.listen(net::socket_base::max_listen_connections, ec);
  if (ec)
    throw std::system_error(ec, "cannot listen on " + host + ":"
                                  + std::to_string(port));
  auto bound = acc.local_endpoint().port();
  impl_->do_accept();
  impl_->started = true;
  auto n = std::max(1u, impl_->state.limits.threads);
  for (unsigned i = 0; i < n; ++i)
    impl_->threads.emplace_back([self = impl_.get()] {
      name_this_thread("scrm.http");
      self->ioc.run();
    });
  return bound;
}

void server::stop() {
  auto& s = *impl_;
  if (s.stopped)
    return;
  s.stopped = true;
  if (!s.started)
    return;
  s.state.stopping = true;
  net::post(s.ioc, [self = impl_.get()] {
    boost::system::error_code ignored;
    self->acceptor.close(ignored);
  });
  for (auto& sess : s.live_sessions())
    sess->stop();
  // Let answers in flight reach their clients, within the grace period.
  auto deadline = std::chrono::steady_clock::now() + s.state.limits.stop_grace;
  while (s.state.open > 0 && std::chrono::steady_clock::now() < deadline)
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  for (auto& sess : s.live_sessions())
    sess->close();
  // The upgrade handler's owner ends the WebSockets it took, while the I/O
  // threads still run those on TLS streams (their io_context is ours).
  std::shared_ptr<upgrade_handler> upgrader;
  {
    std::lock_guard guard{s.state.upgrade_mutex};
    upgrader.swap(s.state.on_upgrade);
  }
  upgrader.reset();
  {
    std::lock_guard guard{s.state.life->mutex};
    s.state.life->alive = false;
  }
  // The closes just posted normally finish within microseconds; the bound
  // only matters if an I/O thread is stuck in a handler.
  auto close_deadline = std::chrono::steady_clock::now() + close_wait;
  while (s.state.open > 0 && std::chrono::steady_clock::now() < close_deadline)
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  s.ioc.stop();
  for (auto& t : s.threads)
    if (t.joinable())
      t.join();
  s.threads.clear();
  // Run what stop() left queued (closes, aborted operations) here, so no
  // session is left holding itself when the io_context goes away.
  s.ioc.restart();
  s.ioc.poll();
}

std::size_t server::connections() const {
  return impl_->state.open;
}

std::size_t server::refused() const {
  return impl_->state.refused;
}

} // namespace socialcrm::http
