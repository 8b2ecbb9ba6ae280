#include "bench/broadcast_server.hpp"
#include "http/ws_session.hpp"
#include "protocol/thread_name.hpp"
#include "web/live_messages.hpp"

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/beast/core/buffers_to_string.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/websocket/stream.hpp>
#include <nlohmann/json.hpp>

#include <atomic>
#include <deque>
#include <map>
#include <mutex>
#include <set>
#include <thread>
#include <vector>

namespace socialcrm::bench {

namespace beast = boost::beast;
namespace websocket = boost::beast::websocket;
namespace net = boost::asio;
using tcp = net::ip::tcp;
using text_ptr = std::shared_ptr<const std::string>;

/// The same per-client queue bound as the live feed, so a slow client
/// costs both servers the same.
constexpr std::size_t queue_max = 1000;

namespace {

class session : public std::enable_shared_from_this<session> {
public:
  session(tcp::socket s, broadcast_server::impl& owner)
    : ws_(std::move(s)), owner_(owner) {}

  void run();
  void push(const text_ptr& text);
  std::uint64_t last_broadcast = 0; // owner's mutex

private:
  void on_subscribe(beast::error_code ec);
  void read_rest();
  void do_write();

  // On the socket, as the live endpoint's sessions are.
  websocket::stream<tcp::socket> ws_;
  broadcast_server::impl& owner_;
  beast::flat_buffer in_;
  std::mutex mutex_;
  std::deque<text_ptr> queue_;
  bool writing_ = false;
  bool batch_ = false; // the subscribe asked for batches (I/O thread)
  text_ptr in_flight_;
};

} // namespace

struct broadcast_server::impl {
  net::io_context ioc;
  tcp::acceptor acceptor{ioc};
  std::thread thread;
  std::mutex mutex;
  std::map<std::string, std::vector<std::shared_ptr<session>>> by_tag;
  std::vector<std::shared_ptr<session>> all;
  std::atomic<std::size_t> subscribed{0};
  std::uint64_t broadcasts = 0;

  void accept() {
    acceptor.async_accept(ioc.get_executor(),
                          [this](beast::error_code ec, tcp::socket s) {
                            if (ec)
                              return;
                            auto sess = std::make_shared<session>(std::move(s),
                                                                  *this);
                            {
                              std::lock_guard guard{mutex};
                              all.push_back(sess);
                            }
                            sess->run();
                            accept();
                          });
  }
};

void session::run() {
  net::post(ws_.get_executor(), [self = shared_from_this()] {
    // The socket options of the live endpoint (http/ws_session.cpp), so
    // the two servers differ in what they do, not in how TCP sends it.
    auto& socket = self->ws_.next_layer();
    beast::error_code ignored;
    socket.set_option(net::socket_base::send_buffer_size(
                        http::ws_limits{}.socket_send_buffer),
                      ignored);
    socket.set_option(tcp::no_delay(true), ignored);
    self->ws_.async_accept([self](beast::error_code ec) {
      if (ec)
        return;
      self->ws_.async_read(self->in_, [self](beast::error_code e,
                                             std::size_t) {
        self->on_subscribe(e);
      });
    });
  });
}

// {"type":"subscribe","views":[...],"accounts":[...]}: one tag per view
// and account, as the feeder computes them per post.
void session::on_subscribe(beast::error_code ec) {
  if (ec)
    return;
  auto msg = nlohmann::json::parse(beast::buffers_to_string(in_.data()),
                                   nullptr, false);
  in_.consume(in_.size());
  std::set<std::string> tags;
  batch_ = msg.is_object() && msg.value("batch", false);
  if (msg.is_object() && msg["views"].is_array()
      && msg["accounts"].is_array())
    for (auto& v : msg["views"])
      for (auto& a : msg["accounts"])
        tags.insert(v.dump() + "|" + a.get<std::string>());
  {
    std::lock_guard guard{owner_.mutex};
    for (auto& t : tags)
      owner_.by_tag[t].push_back(shared_from_this());
  }
  push(std::make_shared<const std::string>(
    "{\"type\":\"subscribed\",\"seq\":0}"));
  ++owner_.subscribed;
  read_rest();
}

void session::read_rest() {
  ws_.async_read(in_, [self = shared_from_this()](beast::error_code ec,
                                                  std::size_t) {
    if (ec)
      return;
    self->in_.consume(self->in_.size());
    self->read_rest();
  });
}

void session::push(const text_ptr& text) {
  {
    std::lock_guard guard{mutex_};
    if (queue_.size() >= queue_max)
      return; // dropped, as the live feed would resync
    queue_.push_back(text);
    if (writing_)
      return;
    writing_ = true;
  }
  net::post(ws_.get_executor(),
            [self = shared_from_this()] { self->do_write(); });
}

// With batches asked for, what waits goes as one message, as the live
// feed sends it (http::ws_connection::batch_with).
void session::do_write() {
  static const auto format = web::live::batch_format();
  std::vector<text_ptr> joined;
  {
    std::lock_guard guard{mutex_};
    if (queue_.empty()) {
      writing_ = false;
      return;
    }
    if (batch_ && queue_.size() > 1)
      joined = http::take_batch(queue_, *format);
    if (joined.empty()) {
      in_flight_ = std::move(queue_.front());
      queue_.pop_front();
    }
  }
  if (!joined.empty())
    in_flight_ = std::make_shared<const std::string>(
      http::join_batch(*format, joined));
  ws_.text(true);
  ws_.async_write(net::buffer(*in_flight_),
                  [self = shared_from_this()](beast::error_code ec,
                                              std::size_t) {
                    self->in_flight_.reset();
                    if (!ec)
                      self->do_write();
                  });
}

broadcast_server::broadcast_server() : impl_(std::make_shared<impl>()) {
}

broadcast_server::~broadcast_server() {
  stop();
}

std::uint16_t broadcast_server::start() {
  tcp::endpoint ep{net::ip::make_address("127.0.0.1"), 0};
  impl_->acceptor.open(ep.protocol());
  impl_->acceptor.set_option(net::socket_base::reuse_address(true));
  impl_->acceptor.bind(ep);
  impl_->acceptor.listen(net::socket_base::max_listen_connections);
  impl_->accept();
  impl_->thread = std::thread([i = impl_.get()] {
    name_this_thread("bench.bare");
    i->ioc.run();
  });
  return impl_->acceptor.local_endpoint().port();
}

void broadcast_server::stop() {
  if (!impl_->thread.joinable())
    return;
  impl_->ioc.stop();
  impl_->thread.join();
  std::lock_guard guard{impl_->mutex};
  impl_->by_tag.clear();
  impl_->all.clear();
}

std::size_t broadcast_server::subscribed() const {
  return impl_->subscribed;
}

void broadcast_server::broadcast(const std::vector<std::string>& tags,
                                 std::shared_ptr<const std::string> text) {
  std::vector<std::shared_ptr<session>> to;
  {
    std::lock_guard guard{impl_->mutex};
    auto id = ++impl_->broadcasts;
    for (const auto& tag : tags) {
      auto it = impl_->by_tag.find(tag);
      if (it == impl_->by_tag.end())
        continue;
      for (auto& s : it->second)
        if (s->last_broadcast != id) {
          s->last_broadcast = id;
          to.push_back(s);
        }
    }
  }
  for (auto& s : to)
    s->push(text);
}

} // namespace socialcrm::bench
