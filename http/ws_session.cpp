#include "http/ws_session_core.hpp"

#include <boost/asio/ssl/stream.hpp>
#include <boost/beast/core/buffers_to_string.hpp>
#include <boost/beast/http/write.hpp>
#include <boost/beast/websocket/ssl.hpp>
#include <boost/beast/websocket/stream.hpp>

#include <spdlog/spdlog.h>

namespace socialcrm::http {

namespace {

// How a WebSocket normally ends, which is not worth more than a debug
// line: a closing handshake, the peer going away, a timeout (handshake or
// idle), or our own close cancelling what was pending.
bool normal_end(beast::error_code ec) {
  return !ec || ec == websocket::error::closed || ec == net::error::eof
         || ec == net::error::operation_aborted
         || ec == net::error::connection_reset
         || ec == net::error::broken_pipe || ec == beast::error::timeout;
}

} // namespace

std::vector<ws_text> take_batch(std::deque<ws_text>& queue,
                                const ws_batch_format& format) {
  std::vector<ws_text> out;
  std::size_t size = 0;
  while (!queue.empty()
         && (out.empty() || size + queue.front()->size() <= format.max_bytes)) {
    size += queue.front()->size();
    out.push_back(std::move(queue.front()));
    queue.pop_front();
  }
  return out;
}

std::string join_batch(const ws_batch_format& format,
                       const std::vector<ws_text>& texts) {
  std::size_t size = format.head.size() + format.tail.size();
  for (const auto& t : texts)
    size += t->size() + format.separator.size();
  std::string out;
  out.reserve(size);
  out += format.head;
  for (std::size_t i = 0; i < texts.size(); ++i) {
    if (i)
      out += format.separator;
    out += *texts[i];
  }
  out += format.tail;
  return out;
}

// -- one connection -----------------------------------------------------------

namespace {

using tls_layer = upgrade::tls_stream;

// The WebSocket of one connection on its stream: `corked_socket` for plain
// ones (on a lane), the HTTP server's TLS stream for the others.
template <class Layer>
struct ws_stream_session final : ws_connection::impl {
  static constexpr bool is_tls = std::is_same_v<Layer, tls_layer>;

  // Plain: on `lane`, whose io_context the core owns.
  ws_stream_session(ws_core& c, ws_lane& l, corked_socket::socket_type s)
    requires(!is_tls)
    : impl(c), lane(&l), ws(std::move(s)) {
    ws.next_layer().count_sends_in(&c.socket_sends);
  }

  // TLS: the HTTP server's stream; its io_context and our core stay while
  // the session does (handlers of that io_context may outlive both owners'
  // wish to stop).
  ws_stream_session(std::shared_ptr<ws_core> c, tls_layer&& s,
                    std::shared_ptr<void> owner_of_io)
    requires is_tls
    : impl(*c), keep{std::move(owner_of_io), std::move(c)},
      ws(std::move(s)) {}

  ~ws_stream_session() override { release_address(); }

  // TLS only (plain sessions spend no memory on it): what keeps the
  // stream's io_context and our core. Members go in reverse order: the
  // stream goes before them.
  struct tls_keep {
    std::shared_ptr<void> io_owner;
    std::shared_ptr<ws_core> core;
  };
  struct no_keep {};
  [[no_unique_address]] std::conditional_t<is_tls, tls_keep, no_keep> keep;
  ws_lane* lane = nullptr; // plain only: whose thread runs us
  // Plain: on the socket itself, not on beast::tcp_stream: the WebSocket
  // has timeouts of its own, and tcp_stream's per-operation timer
  // bookkeeping and executor copies cost the thread that writes the live
  // feed 0.07 to 0.13 of its 0.7 cores (bench/fanout, 1,000 clients).
  // Corked while more messages wait, so a burst goes out in one send
  // (ws_corked_socket.hpp).
  websocket::stream<Layer> ws;
  bhttp::request<bhttp::string_body> breq;
  beast::flat_buffer in; // I/O thread only

  std::shared_ptr<ws_stream_session> self() {
    return std::static_pointer_cast<ws_stream_session>(shared_from_this());
  }

  auto& socket() {
    if constexpr (is_tls)
      return beast::get_lowest_layer(ws).socket();
    else
      return ws.next_layer().next_layer();
  }

  net::any_io_executor io_executor() override { return ws.get_executor(); }

  void start_write() override {
    if constexpr (is_tls)
      net::post(ws.get_executor(), [s = self()] { s->do_write(); });
    else
      lane->start_write(shared_from_this());
  }

  std::string peer_name() override {
    beast::error_code no_peer;
    auto peer = socket().remote_endpoint(no_peer);
    return no_peer ? std::string()
                   : peer.address().to_string() + ":"
                       + std::to_string(peer.port());
  }

  void close_socket() override {
    beast::error_code ignored;
    socket().shutdown(tcp::socket::shutdown_both, ignored);
    socket().close(ignored);
  }

  void refuse(response answer) override;
  void accept(ws_callbacks cb) override;
  void on_accept(beast::error_code ec);
  void do_read();
  void on_read(beast::error_code ec);
  void do_write() override;
  void on_write(beast::error_code ec);
  void close_now() override;
};

template <class Layer>
void ws_stream_session<Layer>::refuse(response answer) {
  if (at != phase::pending)
    return;
  at = phase::closing;
  auto res = std::make_shared<bhttp::response<bhttp::string_body>>(
    static_cast<bhttp::status>(answer.status), breq.version());
  for (const auto& [name, value] : answer.headers)
    res->insert(name, value);
  res->set(bhttp::field::server, "socialcrm");
  res->keep_alive(false);
  res->body() = std::move(answer.body);
  res->prepare_payload();
  if constexpr (is_tls) {
    // Inside the TLS session, with the stream's own timeout.
    beast::get_lowest_layer(ws).expires_after(owner.limits.handshake_timeout);
    bhttp::async_write(ws.next_layer(), *res,
                       [s = self(), res](beast::error_code ec, std::size_t) {
                         s->finish(ec, "upgrade refused");
                       });
  } else {
    // The refusal is plain HTTP and the only write on this socket: it gets
    // the socket and, from tcp_stream, a timeout of its own.
    auto stream = std::make_shared<beast::tcp_stream>(std::move(socket()));
    stream->expires_after(owner.limits.handshake_timeout);
    bhttp::async_write(
      *stream, *res,
      [s = self(), res, stream](beast::error_code ec, std::size_t) {
        stream->close();
        s->finish(ec, "upgrade refused");
      });
  }
}

template <class Layer>
void ws_stream_session<Layer>::accept(ws_callbacks cb) {
  callbacks = std::move(cb);
  if (at != phase::pending)
    return finish({}, "closed before it was accepted");
  at = phase::accepting;
  auto& socket = this->socket();
  beast::error_code ignored;
  socket.set_option(
    net::socket_base::send_buffer_size(owner.limits.socket_send_buffer),
    ignored);
  socket.set_option(tcp::no_delay(true), ignored);
  // The WebSocket's own timeouts (handshake, idle with pings) are the
  // only ones it needs (the HTTP session left tcp_stream's off).
  websocket::stream_base::timeout t;
  t.handshake_timeout = owner.limits.handshake_timeout;
  t.idle_timeout = owner.limits.idle_timeout;
  t.keep_alive_pings = true;
  ws.set_option(t);
  ws.read_message_max(owner.limits.read_message_max);
  // One frame per message: a large message goes to the kernel in one
  // send instead of one per 4 KiB frame.
  ws.auto_fragment(false);
  ws.set_option(websocket::stream_base::decorator(
    [](websocket::response_type& res) {
      res.set(bhttp::field::server, "socialcrm");
    }));
  ws.async_accept(breq,
                  [s = self()](beast::error_code ec) { s->on_accept(ec); });
}

template <class Layer>
void ws_stream_session<Layer>::on_accept(beast::error_code ec) {
  if (ec || at != phase::accepting)
    return finish(ec, "handshake");
  at = phase::open;
  bool start_write = false;
  bool close = false;
  {
    std::lock_guard guard{mutex};
    writable = true;
    if (ended)
      close = true;
    else if (!queue.empty() && !writing)
      start_write = writing = true;
  }
  do_read();
  if (close)
    close_now();
  else if (start_write)
    do_write();
}

template <class Layer>
void ws_stream_session<Layer>::do_read() {
  ws.async_read(in, [s = self()](beast::error_code ec, std::size_t) {
    s->on_read(ec);
  });
}

template <class Layer>
void ws_stream_session<Layer>::on_read(beast::error_code ec) {
  if (ec)
    return finish(ec, "read");
  auto text = beast::buffers_to_string(in.data());
  in.consume(in.size());
  if (callbacks.on_text)
    callbacks.on_text(std::move(text));
  if (at == phase::open || at == phase::closing)
    do_read();
}

template <class Layer>
void ws_stream_session<Layer>::do_write() {
  bool close = false;
  bool drained = false;
  bool more = false;
  std::shared_ptr<const ws_batch_format> format;
  std::vector<ws_text> joined; // texts for one batch message
  {
    std::lock_guard guard{mutex};
    if (queue.empty() || at != phase::open) {
      writing = false;
      close = ended;
    } else if (batch && queue.size() > 1) {
      format = batch;
      joined = take_batch(queue, *format);
      for (const auto& t : joined)
        bytes -= t->size();
      more = !queue.empty();
    } else {
      in_flight = std::move(queue.front());
      queue.pop_front();
      bytes -= in_flight->size();
      more = !queue.empty();
    }
    if (queue.empty() && drain_wanted && !ended) {
      drain_wanted = false;
      drained = true;
    }
  }
  if (drained && callbacks.on_drained)
    callbacks.on_drained();
  std::size_t texts = 1;
  if (!joined.empty()) {
    // Joined outside the lock: pushing threads never wait for it.
    in_flight =
      std::make_shared<const std::string>(join_batch(*format, joined));
    texts = joined.size();
  }
  if (!in_flight) {
    if (close)
      close_now();
    return;
  }
  // Corked while another message waits: the last one of a burst sends
  // them all (ws_corked_socket.hpp). TLS streams gather nothing.
  if constexpr (!is_tls)
    ws.next_layer().cork(more);
  owner.messages_sent.fetch_add(texts, std::memory_order_relaxed);
  if constexpr (is_tls)
    owner.socket_sends.fetch_add(1, std::memory_order_relaxed);
  ws.text(true);
  ws.async_write(net::buffer(*in_flight),
                 [s = self()](beast::error_code ec, std::size_t) {
                   s->on_write(ec);
                 });
}

template <class Layer>
void ws_stream_session<Layer>::on_write(beast::error_code ec) {
  in_flight.reset();
  if (ec)
    return finish(ec, "write");
  do_write();
}

template <class Layer>
void ws_stream_session<Layer>::close_now() {
  if (at != phase::open)
    return;
  at = phase::closing;
  if constexpr (!is_tls)
    ws.next_layer().cork(false); // the close frame sends what is held
  ws.async_close(websocket::close_code::normal,
                 [s = self()](beast::error_code ec) {
                   if (ec)
                     s->finish(ec, "close");
                 });
}

} // namespace

std::shared_ptr<ws_connection::impl>
make_plain_session(ws_core& core, ws_lane& lane,
                   corked_socket::socket_type socket,
                   bhttp::request<bhttp::string_body> req) {
  auto s = std::make_shared<ws_stream_session<corked_socket>>(
    core, lane, std::move(socket));
  s->breq = std::move(req);
  return s;
}

std::shared_ptr<ws_connection::impl>
make_tls_session(std::shared_ptr<ws_core> core,
                 std::unique_ptr<upgrade::tls_stream> stream,
                 std::shared_ptr<void> io_owner,
                 bhttp::request<bhttp::string_body> req) {
  auto s = std::make_shared<ws_stream_session<tls_layer>>(
    std::move(core), std::move(*stream), std::move(io_owner));
  s->breq = std::move(req);
  return s;
}

void ws_connection::impl::hard_close() {
  // finish() closes the socket, once it has logged whose it was.
  finish({}, "closed by the server at once");
}

void ws_connection::impl::release_address() {
  std::string address;
  {
    std::lock_guard guard{owner.mutex};
    address.swap(counted_address);
    if (address.empty())
      return;
    auto it = owner.per_address.find(address);
    if (it != owner.per_address.end() && --it->second == 0)
      owner.per_address.erase(it);
  }
}

void ws_connection::impl::finish(beast::error_code ec, const char* what) {
  if (at == phase::done)
    return;
  auto level = normal_end(ec) ? spdlog::level::debug : spdlog::level::info;
  if (spdlog::should_log(level)) {
    // Before the socket closes, while it still names its peer (a refused
    // plain upgrade gave its socket to the refusal).
    auto who = peer_name();
    spdlog::log(level, "websocket{}{} ended: {}{}{}", who.empty() ? "" : " ",
                who, what, ec ? ": " : "", ec ? ec.message() : "");
  }
  at = phase::done;
  {
    std::lock_guard guard{mutex};
    ended = true;
    queue.clear();
    bytes = 0;
  }
  close_socket();
  if (counted) {
    counted = false;
    --owner.open;
  }
  release_address();
  auto cb = std::move(callbacks);
  callbacks = {};
  if (cb.on_closed)
    cb.on_closed();
}

template <class Add>
ws_connection::push_result ws_connection::impl::enqueue(std::size_t count,
                                                        std::size_t size,
                                                        bool replace,
                                                        Add add) {
  {
    std::lock_guard guard{mutex};
    if (ended)
      return push_result::closed;
    if (replace) {
      queue.clear();
      bytes = 0;
    } else if (queue.size() + count > owner.limits.queue_max_messages
               || bytes + size > owner.limits.queue_max_bytes) {
      return push_result::full;
    }
    bytes += size;
    add();
    if (writing || !writable || count == 0)
      return push_result::queued;
    writing = true;
  }
  start_write();
  return push_result::queued;
}

ws_connection::push_result ws_connection::impl::push(ws_text text,
                                                    bool replace) {
  auto size = text->size();
  return enqueue(1, size, replace,
                 [&] { queue.push_back(std::move(text)); });
}

ws_connection::push_result ws_connection::impl::push_all(
  const std::vector<ws_text>& texts) {
  std::size_t size = 0;
  for (const auto& t : texts)
    size += t->size();
  return enqueue(texts.size(), size, false, [&] {
    queue.insert(queue.end(), texts.begin(), texts.end());
  });
}

void ws_connection::impl::want_drain() {
  {
    std::lock_guard guard{mutex};
    if (ended)
      return;
    drain_wanted = true;
  }
  // An empty queue with nothing being written would never call back.
  on_io_thread([](impl& self) {
    bool now = false;
    {
      std::lock_guard guard{self.mutex};
      now = self.drain_wanted && self.queue.empty() && !self.ended;
      if (now)
        self.drain_wanted = false;
    }
    if (now && self.callbacks.on_drained)
      self.callbacks.on_drained();
  });
}

void ws_connection::impl::request_close() {
  {
    std::lock_guard guard{mutex};
    if (ended)
      return;
    ended = true;
    queue.clear();
    bytes = 0;
  }
  on_io_thread([](impl& self) {
    if (self.at == phase::pending || self.at == phase::accepting)
      return self.hard_close();
    bool idle = false;
    {
      std::lock_guard guard{self.mutex};
      idle = !self.writing;
    }
    // Otherwise do_write closes once the write in flight completes.
    if (idle)
      self.close_now();
  });
}

// -- handles ------------------------------------------------------------------

ws_connection::ws_connection(std::shared_ptr<ws_core> c,
                             std::shared_ptr<impl> i)
  : core_(std::move(c)), impl_(std::move(i)) {
}

ws_connection::~ws_connection() = default;

ws_connection::push_result ws_connection::push(ws_text text) {
  return impl_->push(std::move(text), false);
}

ws_connection::push_result ws_connection::push_all(
  const std::vector<ws_text>& texts) {
  return impl_->push_all(texts);
}

void ws_connection::replace_queue(ws_text text) {
  impl_->push(std::move(text), true);
}

void ws_connection::close() {
  impl_->request_close();
}

void ws_connection::batch_with(std::shared_ptr<const ws_batch_format> format) {
  std::lock_guard guard{impl_->mutex};
  impl_->batch = std::move(format);
}

void ws_connection::notify_when_drained() {
  impl_->want_drain();
}

std::size_t ws_connection::queued() const {
  std::lock_guard guard{impl_->mutex};
  return impl_->queue.size();
}

ws_pending::ws_pending(std::shared_ptr<impl> i) : impl_(std::move(i)) {
}

ws_pending::~ws_pending() {
  if (impl_->session && !impl_->answered.exchange(true))
    impl_->session->on_io_thread(
      [](ws_connection::impl& s) { s.hard_close(); });
}

const request& ws_pending::req() const {
  return impl_->req;
}

} // namespace socialcrm::http
