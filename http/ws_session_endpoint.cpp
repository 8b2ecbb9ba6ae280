#include "http/ws_session_core.hpp"
#include "protocol/thread_name.hpp"

#include "http/upgrade.hpp"

#include <unistd.h>

#include <algorithm>

namespace socialcrm::http {

/// How long stop() waits for hard closes to run before stopping the I/O
/// threads regardless (they normally take microseconds).
constexpr std::chrono::milliseconds hard_close_wait{200};

// -- endpoint -----------------------------------------------------------------

std::vector<std::shared_ptr<ws_connection::impl>> ws_core::live() {
  std::lock_guard guard{mutex};
  std::vector<std::shared_ptr<ws_connection::impl>> out;
  for (auto& w : sessions)
    if (auto s = w.lock())
      out.push_back(std::move(s));
  return out;
}

ws_lane& ws_core::pick_lane() {
  return *lanes[next_lane.fetch_add(1, std::memory_order_relaxed)
                % lanes.size()];
}

void ws_lane::start_write(std::shared_ptr<ws_connection::impl> s) {
  {
    std::lock_guard guard{ready_mutex};
    ready.push_back(std::move(s));
    if (ready_posted)
      return;
    ready_posted = true;
  }
  net::post(ioc, [this] { flush_soon(); });
}

void ws_lane::flush_soon() {
  auto now = std::chrono::steady_clock::now();
  auto interval = core.limits.flush_interval;
  if (interval.count() <= 0 || now >= last_flush + interval)
    return run_ready();
  flush_timer.expires_at(now + interval);
  flush_timer.async_wait([this](boost::system::error_code ec) {
    if (!ec && !core.stopped)
      run_ready();
  });
}

void ws_lane::run_ready() {
  last_flush = std::chrono::steady_clock::now();
  std::vector<std::shared_ptr<ws_connection::impl>> now;
  {
    std::lock_guard guard{ready_mutex};
    now.swap(ready);
    ready_posted = false;
  }
  // On this lane's one I/O thread, which every handler of these
  // connections runs on.
  for (auto& s : now)
    s->do_write();
}

void ws_core::stop() {
  if (stopped.exchange(true))
    return;
  for (auto& s : live())
    s->request_close();
  auto deadline = std::chrono::steady_clock::now() + limits.stop_grace;
  while (open > 0 && std::chrono::steady_clock::now() < deadline)
    std::this_thread::sleep_for(std::chrono::milliseconds(2));
  for (auto& s : live())
    s->on_io_thread([](ws_connection::impl& x) { x.hard_close(); });
  deadline = std::chrono::steady_clock::now() + hard_close_wait;
  while (open > 0 && std::chrono::steady_clock::now() < deadline)
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  for (auto& l : lanes) {
    l->work.reset();
    l->ioc.stop();
  }
  for (auto& l : lanes)
    if (l->thread.joinable())
      l->thread.join();
  // Run what is left here (hard closes, aborted operations), so every
  // session has ended and said so.
  for (auto& l : lanes) {
    l->ioc.restart();
    l->ioc.poll();
  }
}

std::size_t ws_limits::threads() const {
  if (io_threads > 0)
    return io_threads;
  return std::clamp<std::size_t>(std::thread::hardware_concurrency() / 2, 1,
                                 max_auto_io_threads);
}

ws_endpoint::ws_endpoint(ws_limits limits) : core_(std::make_shared<ws_core>()) {
  core_->limits = limits;
  auto n = limits.threads();
  for (std::size_t i = 0; i < n; ++i)
    core_->lanes.push_back(std::make_unique<ws_lane>(*core_));
  for (auto& l : core_->lanes)
    l->thread = std::thread([l = l.get()] {
      name_this_thread("scrm.ws");
      l->ioc.run();
    });
}

ws_endpoint::~ws_endpoint() {
  stop();
}

const ws_limits& ws_endpoint::limits() const {
  return core_->limits;
}

std::shared_ptr<ws_pending> ws_endpoint::take(upgrade& u) {
  auto pending = std::make_shared<ws_pending::impl>();
  pending->core = core_;
  pending->req.method = std::string(u.request.method_string());
  pending->req.target = std::string(u.request.target());
  pending->req.version = u.request.version();
  for (const auto& f : u.request)
    pending->req.headers.add(std::string(f.name_string()),
                             std::string(f.value()));
  auto& socket = u.tls ? boost::beast::get_lowest_layer(*u.tls).socket()
                       : u.socket;
  boost::system::error_code ec;
  auto peer = socket.remote_endpoint(ec);
  if (!ec) {
    pending->req.remote_address = peer.address().to_string();
    pending->loopback = peer.address().is_loopback();
  }
  ec = {};
  std::shared_ptr<ws_connection::impl> s;
  if (core_->stopped) {
  } else if (u.tls) {
    // The TLS session stays in its stream, on the HTTP server's threads.
    s = make_tls_session(core_, std::move(u.tls), std::move(u.io_owner),
                         std::move(u.request));
  } else {
    // The same descriptor, owned from now on by our io_context.
    auto protocol = u.socket.local_endpoint(ec).protocol();
    int fd = -1;
    if (!ec)
      fd = u.socket.release(ec);
    // Its lane's one thread runs the io_context: no strand.
    auto& lane = core_->pick_lane();
    corked_socket::socket_type moved(lane.ioc.get_executor());
    if (!ec) {
      moved.assign(protocol, fd, ec);
      if (ec)
        ::close(fd);
    }
    if (!ec)
      s = make_plain_session(*core_, lane, std::move(moved),
                             std::move(u.request));
  }
  if (s) {
    pending->session = s;
    std::lock_guard guard{core_->mutex};
    std::erase_if(core_->sessions, [](auto& w) { return w.expired(); });
    core_->sessions.push_back(std::move(s));
  } else {
    socket.close(ec);
    pending->answered = true;
  }
  return std::make_shared<ws_pending>(std::move(pending));
}

void ws_endpoint::refuse(const std::shared_ptr<ws_pending>& p,
                         response answer) {
  auto& pi = *p->impl_;
  if (!pi.session || pi.answered.exchange(true))
    return;
  pi.session->on_io_thread(
    [answer = std::move(answer)](ws_connection::impl& s) mutable {
      s.refuse(std::move(answer));
    });
}

std::shared_ptr<ws_connection>
ws_endpoint::accept(const std::shared_ptr<ws_pending>& p,
                    ws_callbacks callbacks) {
  auto& pi = *p->impl_;
  auto closed = [&] {
    if (callbacks.on_closed)
      callbacks.on_closed();
    return nullptr;
  };
  if (!pi.session || pi.answered.exchange(true))
    return closed();
  auto refuse_now = [&](unsigned status, const char* code,
                        const std::string& message) {
    ++core_->refused;
    pi.session->on_io_thread(
      [answer = response::make(status, "application/json",
                               "{\"error\":{\"code\":\"" + std::string(code)
                                 + "\",\"message\":\"" + message + "\"}}")](
        ws_connection::impl& s) mutable { s.refuse(std::move(answer)); });
    return closed();
  };
  if (core_->stopped)
    return refuse_now(503, "too_many_connections",
                      "the server is stopping; try again later");
  if (core_->open >= core_->limits.max_connections)
    return refuse_now(503, "too_many_connections",
                      "the server takes no more live connections now; try "
                      "again later");
  const auto& address = pi.req.remote_address;
  if (!address.empty() && (!pi.loopback || core_->limits.limit_loopback)) {
    std::lock_guard guard{core_->mutex};
    auto& n = core_->per_address[address];
    if (n >= core_->limits.max_connections_per_address) {
      if (n == 0)
        core_->per_address.erase(address);
      return refuse_now(
        429, "too_many_live_connections",
        "this address has " + std::to_string(n)
          + " live connections open, the most one address may; close one "
            "(another tab or client) and try again");
    }
    ++n;
    pi.session->counted_address = address;
  }
  ++core_->open;
  pi.session->on_io_thread(
    [cb = std::move(callbacks)](ws_connection::impl& s) mutable {
      s.counted = true;
      s.accept(std::move(cb));
    });
  return std::make_shared<ws_connection>(core_, pi.session);
}

std::size_t ws_endpoint::connections() const {
  return core_->open;
}

std::uint64_t ws_endpoint::refused() const {
  return core_->refused.load(std::memory_order_relaxed);
}

ws_endpoint::counters ws_endpoint::sent() const {
  return {core_->messages_sent.load(std::memory_order_relaxed),
          core_->socket_sends.load(std::memory_order_relaxed)};
}

void ws_endpoint::stop() {
  core_->stop();
}

} // namespace socialcrm::http
