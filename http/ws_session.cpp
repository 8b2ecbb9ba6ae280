#include "http/ws_session_core.hpp"

#include <boost/beast/core/buffers_to_string.hpp>
#include <boost/beast/http/write.hpp>

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

void ws_connection::impl::refuse(response answer) {
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
  // The refusal is plain HTTP and the only write on this socket: it gets
  // the socket and, from tcp_stream, a timeout of its own.
  auto stream = std::make_shared<beast::tcp_stream>(std::move(socket()));
  stream->expires_after(owner.limits.handshake_timeout);
  bhttp::async_write(
    *stream, *res,
    [self = shared_from_this(), res, stream](beast::error_code ec,
                                             std::size_t) {
      stream->close();
      self->finish(ec, "upgrade refused");
    });
}

void ws_connection::impl::accept(ws_callbacks cb) {
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
  // only ones it needs.
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
  ws.async_accept(breq, [self = shared_from_this()](beast::error_code ec) {
    self->on_accept(ec);
  });
}

void ws_connection::impl::on_accept(beast::error_code ec) {
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

void ws_connection::impl::do_read() {
  ws.async_read(in, [self = shared_from_this()](beast::error_code ec,
                                                std::size_t) {
    self->on_read(ec);
  });
}

void ws_connection::impl::on_read(beast::error_code ec) {
  if (ec)
    return finish(ec, "read");
  auto text = beast::buffers_to_string(in.data());
  in.consume(in.size());
  if (callbacks.on_text)
    callbacks.on_text(std::move(text));
  if (at == phase::open || at == phase::closing)
    do_read();
}

void ws_connection::impl::do_write() {
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
  // them all (ws_corked_socket.hpp).
  ws.next_layer().cork(more);
  owner.messages_sent.fetch_add(texts, std::memory_order_relaxed);
  ws.text(true);
  ws.async_write(net::buffer(*in_flight),
                 [self = shared_from_this()](beast::error_code ec,
                                             std::size_t) {
                   self->on_write(ec);
                 });
}

void ws_connection::impl::on_write(beast::error_code ec) {
  in_flight.reset();
  if (ec)
    return finish(ec, "write");
  do_write();
}

void ws_connection::impl::close_now() {
  if (at != phase::open)
    return;
  at = phase::closing;
  ws.next_layer().cork(false); // the close frame sends what is held
  ws.async_close(websocket::close_code::normal,
                 [self = shared_from_this()](beast::error_code ec) {
                   if (ec)
                     self->finish(ec, "close");
                 });
}

void ws_connection::impl::hard_close() {
  // finish() closes the socket, once it has logged whose it was.
  finish({}, "closed by the server at once");
}

void ws_connection::impl::finish(beast::error_code ec, const char* what) {
  if (at == phase::done)
    return;
  auto level = normal_end(ec) ? spdlog::level::debug : spdlog::level::info;
  if (spdlog::should_log(level)) {
    // Before the socket closes, while it still names its peer (a refused
    // upgrade gave its socket to the refusal).
    beast::error_code no_peer;
    auto peer = socket().remote_endpoint(no_peer);
    auto who = no_peer ? std::string()
                       : " " + peer.address().to_string() + ":"
                           + std::to_string(peer.port());
    spdlog::log(level, "websocket{} ended: {}{}{}", who, what,
                ec ? ": " : "", ec ? ec.message() : "");
  }
  at = phase::done;
  {
    std::lock_guard guard{mutex};
    ended = true;
    queue.clear();
    bytes = 0;
  }
  beast::error_code ignored;
  auto& socket = this->socket();
  socket.shutdown(tcp::socket::shutdown_both, ignored);
  socket.close(ignored);
  if (counted) {
    counted = false;
    --owner.open;
  }
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
  lane.start_write(shared_from_this());
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
