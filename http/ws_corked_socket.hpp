#pragma once

// Internal to socialcrm_http: the TCP socket under a live WebSocket, able
// to gather a burst of messages into one send.
//
// Beast writes one WebSocket message per async_write, and each becomes a
// sendmsg of its own. The live feed pushes a connection the posts of one
// classifier batch at a time (one or two at 5,000 posts/s, many more once
// it is behind), and most of the I/O thread's time went into those system
// calls and their TCP segments. While the writer says more
// messages wait (cork(true)), a write is copied into a buffer and
// completes at once; the next write made uncorked sends the buffer and
// its own bytes together, in order, in one gathered write. Beast's own
// frames (pong, ping, close) take the same path, so nothing overtakes what
// is buffered, and Beast's write lock keeps one write at a time.
//
// The writer must end every burst with an uncorked write (ws_session.cpp:
// a message is corked only while another one waits behind it, and a close
// is never corked), so nothing stays in the buffer; a teardown sends what
// is there first all the same.

#include <boost/asio/async_result.hpp>
#include <boost/asio/buffer.hpp>
#include <boost/asio/compose.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core/buffers_cat.hpp>
#include <boost/beast/core/error.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/role.hpp>
#include <boost/beast/websocket/teardown.hpp>

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <utility>

namespace socialcrm::http {

class corked_socket {
public:
  // On the io_context's own executor type, not tcp::socket's type-erased
  // any_io_executor: every operation of Beast and Asio copies the stream's
  // executor, and the type-erased copies cost the WebSocket thread about
  // 6% of its time (perf, bench/fanout). One thread runs these sockets, so
  // no strand is needed.
  using socket_type =
    boost::asio::basic_stream_socket<boost::asio::ip::tcp,
                                     boost::asio::io_context::executor_type>;
  using executor_type = socket_type::executor_type;
  using error_code = boost::beast::error_code;

  /// Bytes a burst may gather before a write goes out anyway: the
  /// connection's socket send buffer holds about this much, so a larger
  /// burst would only wait in the kernel instead of here.
  static constexpr std::size_t max_held = 64 * 1024;

  explicit corked_socket(socket_type s) : socket_(std::move(s)) {}

  executor_type get_executor() noexcept { return socket_.get_executor(); }
  /// The socket itself (beast::get_lowest_layer finds it through this).
  socket_type& next_layer() noexcept { return socket_; }
  const socket_type& next_layer() const noexcept { return socket_; }

  /// Whether writes are gathered (see above). On the I/O thread.
  void cork(bool on) noexcept { corked_ = on; }
  /// Counts each send to the socket in `*n` (which must outlive this).
  void count_sends_in(std::atomic<std::uint64_t>* n) noexcept { sends_ = n; }

  template <class MutableBuffers, class ReadHandler>
  auto async_read_some(const MutableBuffers& buffers, ReadHandler&& handler) {
    return socket_.async_read_some(buffers,
                                   std::forward<ReadHandler>(handler));
  }

  template <class ConstBuffers, class WriteHandler>
  auto async_write_some(const ConstBuffers& buffers, WriteHandler&& handler) {
    return boost::asio::async_compose<WriteHandler,
                                      void(error_code, std::size_t)>(
      write_op<ConstBuffers>{*this, buffers}, handler, socket_);
  }

  /// Sends what is held, then does Beast's teardown of the socket.
  template <class Handler>
  void async_teardown(boost::beast::role_type role, Handler&& handler) {
    boost::asio::async_compose<Handler, void(error_code)>(
      teardown_op{*this, role}, handler, socket_);
  }

private:
  template <class ConstBuffers>
  struct write_op {
    corked_socket& s;
    ConstBuffers buffers;
    enum { start, sending, done } at = start;
    std::size_t size = 0;

    template <class Self>
    void operator()(Self& self, error_code ec = {}, std::size_t = 0) {
      namespace net = boost::asio;
      switch (at) {
        case start:
          size = net::buffer_size(buffers);
          if (s.corked_ && s.held_.size() + size <= max_held) {
            auto n = net::buffer_copy(s.held_.prepare(size), buffers);
            s.held_.commit(n);
            at = done;
            // Never from within the initiating call.
            return net::post(s.socket_.get_executor(), std::move(self));
          }
          at = sending;
          if (s.sends_)
            s.sends_->fetch_add(1, std::memory_order_relaxed);
          if (s.held_.size() == 0)
            return net::async_write(s.socket_, buffers, std::move(self));
          return net::async_write(
            s.socket_, boost::beast::buffers_cat(s.held_.data(), buffers),
            std::move(self));
        case sending:
          s.held_.clear();
          return self.complete(ec, ec ? 0 : size);
        case done:
          return self.complete(error_code{}, size);
      }
    }
  };

  struct teardown_op {
    corked_socket& s;
    boost::beast::role_type role;
    enum { start, flushing, tearing_down } at = start;

    template <class Self>
    void operator()(Self& self, error_code ec = {}, std::size_t = 0) {
      namespace net = boost::asio;
      switch (at) {
        case start:
          if (s.held_.size() > 0) {
            at = flushing;
            if (s.sends_)
              s.sends_->fetch_add(1, std::memory_order_relaxed);
            return net::async_write(s.socket_, s.held_.data(),
                                    std::move(self));
          }
          [[fallthrough]];
        case flushing:
          // The end of the connection either way: a failed send shows up
          // in the teardown's own error.
          s.held_.clear();
          at = tearing_down;
          return boost::beast::websocket::async_teardown(role, s.socket_,
                                                         std::move(self));
        case tearing_down:
          return self.complete(ec);
      }
    }
  };

  socket_type socket_;
  boost::beast::flat_buffer held_;
  bool corked_ = false;
  std::atomic<std::uint64_t>* sends_ = nullptr;
};

// Found by Beast through argument-dependent lookup.

// The synchronous close (unused: the sessions are asynchronous) drops what
// is held.
inline void teardown(boost::beast::role_type role, corked_socket& s,
                     boost::beast::error_code& ec) {
  boost::beast::websocket::teardown(role, s.next_layer(), ec);
}

template <class Handler>
void async_teardown(boost::beast::role_type role, corked_socket& s,
                    Handler&& handler) {
  s.async_teardown(role, std::forward<Handler>(handler));
}

} // namespace socialcrm::http
