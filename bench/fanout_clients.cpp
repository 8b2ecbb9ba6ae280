#include "bench/fanout_clients.hpp"
#include "protocol/thread_name.hpp"

#include <boost/asio/connect.hpp>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/websocket/stream.hpp>

#include <atomic>
#include <algorithm>
#include <charconv>
#include <mutex>
#include <optional>
#include <string_view>
#include <thread>

namespace socialcrm::bench {

namespace beast = boost::beast;
namespace websocket = boost::beast::websocket;
namespace net = boost::asio;
using tcp = net::ip::tcp;

/// Clients connecting at once: below the listen backlog and the HTTP
/// server's connection limit while handshakes are in progress.
constexpr std::size_t connect_wave = 200;
/// Latency samples kept: 16 bytes each, 160 MB at most.
constexpr std::size_t max_samples = 10'000'000;

std::int64_t steady_ns() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(
           std::chrono::steady_clock::now().time_since_epoch())
    .count();
}

std::optional<latency_sample> sample_of(std::string_view text,
                                        std::int64_t now_ns) {
  auto at = text.find("T@");
  std::int64_t stamp = 0;
  if (at == std::string_view::npos
      || std::from_chars(text.data() + at + 2, text.data() + text.size(),
                         stamp)
           .ec != std::errc())
    return std::nullopt;
  return latency_sample{
    stamp, static_cast<std::uint32_t>(
             std::clamp<std::int64_t>((now_ns - stamp) / 1000, 0, UINT32_MAX))};
}

namespace {

class client;

} // namespace

struct fanout_clients::impl {
  net::io_context ioc;
  std::optional<net::executor_work_guard<net::io_context::executor_type>>
    work{ioc.get_executor()};
  std::thread thread;
  std::vector<std::shared_ptr<client>> clients;
  std::atomic<std::uint64_t> subscribed{0}, posts{0}, resyncs{0}, errors{0};
  std::atomic<std::int64_t> last_post_ns{0};
  std::atomic<std::size_t> handshakes{0};
  mutable std::mutex mutex;
  std::vector<latency_sample> samples;

  void on_message(std::string_view m);
};

namespace {

class client : public std::enable_shared_from_this<client> {
public:
  client(fanout_clients::impl& owner, client_spec spec)
    : owner_(owner), spec_(std::move(spec)), ws_(owner.ioc.get_executor()) {}

  void start(const tcp::endpoint& ep) {
    ws_.next_layer().async_connect(
      ep, [self = shared_from_this()](beast::error_code ec) {
        if (ec)
          return self->failed();
        self->handshake();
      });
  }

  void close() {
    net::post(ws_.get_executor(), [self = shared_from_this()] {
      beast::error_code ignored;
      self->ws_.next_layer().close(ignored);
    });
  }

private:
  void failed() {
    ++owner_.errors;
    ++owner_.handshakes;
  }

  void handshake() {
    ws_.set_option(websocket::stream_base::decorator(
      [cookie = spec_.cookie](websocket::request_type& req) {
        if (!cookie.empty())
          req.set("Cookie", "socialcrm_session=" + cookie);
      }));
    ws_.async_handshake("127.0.0.1", "/api/v1/live",
                        [self = shared_from_this()](beast::error_code ec) {
                          ++self->owner_.handshakes;
                          if (ec)
                            return self->failed();
                          self->ws_.text(true);
                          self->ws_.async_write(
                            net::buffer(self->spec_.subscribe),
                            [self](beast::error_code e, std::size_t) {
                              if (e)
                                return self->failed();
                              self->read();
                            });
                        });
  }

  void read() {
    ws_.async_read(buf_, [self = shared_from_this()](beast::error_code ec,
                                                     std::size_t) {
      if (ec)
        return;
      auto data = self->buf_.cdata();
      self->owner_.on_message(
        {static_cast<const char*>(data.data()), data.size()});
      self->buf_.consume(self->buf_.size());
      self->read();
    });
  }

  fanout_clients::impl& owner_;
  client_spec spec_;
  // On the socket, without tcp_stream's timers, and on the io_context's
  // own executor type rather than the type-erased one (whose copies were
  // 5% of this thread, perf): the clients share the two cores with the
  // server they measure, so they cost as little as they can.
  websocket::stream<
    net::basic_stream_socket<tcp, net::io_context::executor_type>>
    ws_;
  beast::flat_buffer buf_;
};

} // namespace

// Only the types and the stamps are looked at, in one pass: a client
// parsing every post fully would measure the JSON library on the same two
// cores. A batch is its events joined by commas; inside a JSON string the
// quotes of "type":" would be escaped, so each "type":" found is a
// message's own or a nested object's (which names none of these).
void fanout_clients::impl::on_message(std::string_view m) {
  static constexpr std::string_view type_key = "\"type\":\"";
  // A message on its own has one type to find.
  bool batch = m.starts_with("{\"type\":\"batch\"");
  std::optional<std::int64_t> now;
  for (auto at = m.find(type_key); at != std::string_view::npos;
       at = batch ? m.find(type_key, at + type_key.size())
                  : std::string_view::npos) {
    auto rest = m.substr(at + type_key.size());
    if (rest.starts_with("batch\"")) {
      continue;
    } else if (rest.starts_with("post\"")) {
      if (!now)
        now = steady_ns();
      ++posts;
      last_post_ns = *now;
      // The first stamp after the type is this post's.
      if (auto s = sample_of(rest, *now)) {
        std::lock_guard guard{mutex};
        if (samples.size() < max_samples)
          samples.push_back(*s);
      }
    } else if (rest.starts_with("subscribed\"")) {
      ++subscribed;
    } else if (rest.starts_with("resync\"")) {
      ++resyncs;
    } else if (rest.starts_with("error\"")) {
      ++errors;
    }
  }
}

fanout_clients::fanout_clients() : impl_(std::make_shared<impl>()) {
  impl_->thread = std::thread([i = impl_.get()] {
    name_this_thread("bench.clients");
    i->ioc.run();
  });
}

fanout_clients::~fanout_clients() {
  close();
}

void fanout_clients::open(std::uint16_t port,
                          const std::vector<client_spec>& specs) {
  tcp::endpoint ep{net::ip::make_address("127.0.0.1"), port};
  std::size_t started = 0;
  for (const auto& spec : specs) {
    auto c = std::make_shared<client>(*impl_, spec);
    impl_->clients.push_back(c);
    c->start(ep);
    ++started;
    if (started % connect_wave == 0)
      while (impl_->handshakes + connect_wave / 2 < started)
        std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
}

client_totals fanout_clients::totals() const {
  client_totals t;
  t.subscribed = impl_->subscribed;
  t.posts = impl_->posts;
  t.resyncs = impl_->resyncs;
  t.errors = impl_->errors;
  t.last_post = std::chrono::steady_clock::time_point(
    std::chrono::nanoseconds(impl_->last_post_ns.load()));
  return t;
}

void fanout_clients::reset() {
  impl_->posts = 0;
  std::lock_guard guard{impl_->mutex};
  impl_->samples.clear();
  // Room for every sample before the feed starts: a vector doubling on
  // the clients' thread copied up to 16 MB while it held the lock, a
  // stall of tens of ms at the 4th and 8th second of every run, for both
  // servers. Reserved, not touched: pages are faulted in as they fill.
  impl_->samples.reserve(max_samples);
}

std::vector<latency_sample> fanout_clients::latencies() const {
  std::lock_guard guard{impl_->mutex};
  return impl_->samples;
}

void fanout_clients::close() {
  if (!impl_->thread.joinable())
    return;
  for (auto& c : impl_->clients)
    c->close();
  impl_->work.reset();
  // Pending reads end with the closes; then run() returns.
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(5);
  while (!impl_->ioc.stopped() && std::chrono::steady_clock::now() < deadline)
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  impl_->ioc.stop();
  impl_->thread.join();
  impl_->clients.clear();
}

} // namespace socialcrm::bench
