// http/ws_session.hpp on its own: a real http::server whose upgrade
// handler hands connections to a ws_endpoint, and a Beast client over
// loopback.

#include "http/server.hpp"
#include "http/ws_session.hpp"

// GCC 12 with the sanitizers reports boost::optional inside Beast's
// response parser (the client's handshake) as maybe uninitialized: a
// known false positive of that header, not of this code.
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core/buffers_to_string.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/websocket/stream.hpp>
#pragma GCC diagnostic pop
#include <catch2/catch.hpp>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <mutex>
#include <set>
#include <thread>

using namespace socialcrm::http;
namespace beast = boost::beast;
namespace net = boost::asio;

namespace {

// The server side: every upgrade is accepted; what the client says and
// whether the connection ended is recorded.
struct ws_fixture {
  explicit ws_fixture(ws_limits limits = {})
    : endpoint(limits),
      http({}, [](request, responder r) {
        r(response::make(404, "text/plain", "no"));
      },
           [this](upgrade& u) {
             auto p = endpoint.take(u);
             ws_callbacks cb;
             cb.on_text = [this](std::string t) {
               std::lock_guard g{mutex};
               text_threads.insert(std::this_thread::get_id());
               texts.push_back(std::move(t));
               changed.notify_all();
             };
             cb.on_closed = [this] {
               std::lock_guard g{mutex};
               ++closed;
               changed.notify_all();
             };
             auto c = endpoint.accept(p, std::move(cb));
             std::lock_guard g{mutex};
             conns.push_back(std::move(c));
             changed.notify_all();
           }) {
    port = http.start("127.0.0.1", 0);
  }

  template <class Pred>
  bool wait(Pred p) {
    std::unique_lock lock{mutex};
    return changed.wait_for(lock, std::chrono::seconds(10), p);
  }

  std::shared_ptr<ws_connection> connection() {
    wait([&] { return !conns.empty(); });
    std::lock_guard g{mutex};
    return conns.back();
  }

  // First: the callbacks use them until the endpoint below has stopped.
  std::mutex mutex;
  std::condition_variable changed;
  std::vector<std::string> texts;
  std::set<std::thread::id> text_threads; // where on_text was called
  std::vector<std::shared_ptr<ws_connection>> conns;
  int closed = 0;
  ws_endpoint endpoint;
  server http;
  std::uint16_t port = 0;
};

struct client {
  client(std::uint16_t port, int receive_buffer = 0) {
    auto& s = ws.next_layer();
    s.open(net::ip::tcp::v4());
    if (receive_buffer)
      s.set_option(net::socket_base::receive_buffer_size(receive_buffer));
    s.connect({net::ip::make_address("127.0.0.1"), port});
    ws.handshake("127.0.0.1", "/live");
  }
  std::string read() {
    beast::flat_buffer b;
    ws.read(b);
    return beast::buffers_to_string(b.data());
  }
  net::io_context ioc;
  beast::websocket::stream<net::ip::tcp::socket> ws{ioc};
};

ws_text text(std::string s) {
  return std::make_shared<const std::string>(std::move(s));
}

} // namespace

TEST_CASE("a WebSocket passes client messages on and sends queued texts in "
          "order",
          "[http][ws]") {
  ws_fixture f;
  client c(f.port);
  c.ws.write(net::buffer(std::string("hello")));
  REQUIRE(f.wait([&] { return f.texts.size() == 1; }));
  CHECK(f.texts[0] == "hello");
  auto conn = f.connection();
  for (auto s : {"a", "b", "c"})
    CHECK(conn->push(text(s)) == ws_connection::push_result::queued);
  CHECK(c.read() == "a");
  CHECK(c.read() == "b");
  CHECK(c.read() == "c");
  c.ws.close(beast::websocket::close_code::normal);
  REQUIRE(f.wait([&] { return f.closed == 1; }));
  CHECK(conn->push(text("late")) == ws_connection::push_result::closed);
}

TEST_CASE("a connection's queue is bounded and replace_queue leaves one "
          "message behind the one being written",
          "[http][ws]") {
  ws_limits limits;
  limits.queue_max_messages = 5;
  ws_fixture f(limits);
  client c(f.port, 4096); // reads nothing until the end
  auto conn = f.connection();
  // Large texts fill the socket buffers after a few; then the queue.
  auto big = text(std::string(200 * 1024, 'x'));
  int pushed = 0;
  while (pushed < 100 && conn->push(big) == ws_connection::push_result::queued)
    ++pushed;
  // Refused once the queue held its bound (the writer may take one more
  // off it meanwhile).
  CHECK(pushed < 100);
  CHECK(pushed >= static_cast<int>(limits.queue_max_messages));
  CHECK(conn->queued() <= limits.queue_max_messages);
  conn->replace_queue(text("resync"));
  CHECK(conn->queued() <= 1);
  // What was written before still arrives, then the replacement last.
  std::string m;
  int big_ones = 0;
  while ((m = c.read()) != "resync")
    big_ones += m.size() == big->size();
  CHECK(big_ones < pushed);
}

TEST_CASE("a message over read_message_max closes the connection",
          "[http][ws]") {
  ws_limits limits;
  limits.read_message_max = 1024;
  ws_fixture f(limits);
  client c(f.port);
  beast::error_code ec;
  c.ws.write(net::buffer(std::string(4096, 'y')), ec);
  REQUIRE(f.wait([&] { return f.closed == 1; }));
  CHECK(f.texts.empty());
}

TEST_CASE("stopping the endpoint closes every connection and reports each "
          "one closed",
          "[http][ws]") {
  ws_fixture f;
  client a(f.port);
  client b(f.port);
  REQUIRE(f.wait([&] { return f.conns.size() == 2; }));
  f.endpoint.stop();
  CHECK(f.closed == 2);
  CHECK(f.endpoint.connections() == 0);
  beast::flat_buffer buf;
  beast::error_code ec;
  a.ws.read(buf, ec);
  CHECK(ec); // closed by the server
}

TEST_CASE("connections are spread over io_threads I/O threads, and each "
          "gets its own messages in order",
          "[http][ws]") {
  ws_limits limits;
  limits.io_threads = 3;
  CHECK(limits.threads() == 3);
  ws_fixture f(limits);
  std::vector<std::unique_ptr<client>> clients;
  for (int i = 0; i < 6; ++i) {
    clients.push_back(std::make_unique<client>(f.port));
    REQUIRE(f.wait([&] { return f.conns.size() == clients.size(); }));
  }
  // Each client says something, so every connection's callback runs.
  for (auto& c : clients)
    c->ws.write(net::buffer(std::string("hi")));
  REQUIRE(f.wait([&] { return f.texts.size() == 6; }));
  // Given in turn: three threads, two connections each.
  CHECK(f.text_threads.size() == 3);
  for (std::size_t i = 0; i < 6; ++i)
    for (int m = 0; m < 3; ++m)
      REQUIRE(f.conns[i]->push(text(std::to_string(i) + "." + std::to_string(m)))
              == ws_connection::push_result::queued);
  for (std::size_t i = 0; i < 6; ++i)
    for (int m = 0; m < 3; ++m)
      CHECK(clients[i]->read() == std::to_string(i) + "." + std::to_string(m));
  f.endpoint.stop();
  CHECK(f.closed == 6);
  CHECK(f.endpoint.connections() == 0);
}

namespace {

// Small socket buffers on both sides.
ws_limits small_buffers() {
  ws_limits l;
  l.socket_send_buffer = 4096;
  return l;
}

// One message larger than both sockets' buffers and the client does not
// read yet: once it is being written, what is pushed next waits in the
// queue, all of it. It is under 64 KiB, so Beast hands it to the socket
// layer in one write (counted as one send).
struct stalled {
  explicit stalled(ws_fixture& f)
    : c(f.port, 4096), conn(f.connection()),
      big(text(std::string(60 * 1024, 'x'))) {
    REQUIRE(conn->push(big) == ws_connection::push_result::queued);
    auto until = std::chrono::steady_clock::now() + std::chrono::seconds(10);
    while (f.endpoint.sent().messages == 0
           && std::chrono::steady_clock::now() < until)
      std::this_thread::sleep_for(std::chrono::milliseconds(1));
    REQUIRE(f.endpoint.sent().messages == 1);
  }
  // Queues "m0" to "m<n-1>" behind the large message.
  void push_numbered(int n) {
    for (int i = 0; i < n; ++i)
      REQUIRE(conn->push(text("m" + std::to_string(i)))
              == ws_connection::push_result::queued);
  }
  // Reads the large message, then "m0" to "m<n-1>" in order.
  void read_numbered(int n) {
    CHECK(c.read() == *big);
    for (int i = 0; i < n; ++i)
      REQUIRE(c.read() == "m" + std::to_string(i));
  }
  client c;
  std::shared_ptr<ws_connection> conn;
  ws_text big;
};

} // namespace

TEST_CASE("a burst queued behind a write goes out in one send, complete and "
          "in order",
          "[http][ws]") {
  ws_fixture f(small_buffers());
  stalled s(f);
  auto before = f.endpoint.sent();
  s.push_numbered(100);
  s.read_numbered(100);
  auto after = f.endpoint.sent();
  CHECK(after.messages - before.messages == 100);
  CHECK(after.sends - before.sends == 1);
}

TEST_CASE("a pong due during a burst reaches the client with it",
          "[http][ws]") {
  ws_fixture f(small_buffers());
  stalled s(f);
  s.push_numbered(50);
  int pongs = 0;
  s.c.ws.control_callback(
    [&](beast::websocket::frame_type kind, beast::string_view) {
      pongs += kind == beast::websocket::frame_type::pong;
    });
  s.c.ws.ping({});
  s.read_numbered(50);
  // The connection still works both ways after it, and the pong came
  // before the message sent after it, without breaking a frame.
  s.c.ws.write(net::buffer(std::string("after")));
  REQUIRE(f.wait([&] { return f.texts.size() == 1; }));
  CHECK(s.conn->push(text("last")) == ws_connection::push_result::queued);
  CHECK(s.c.read() == "last");
  CHECK(pongs == 1);
}

TEST_CASE("a close after a burst ends with a closing handshake",
          "[http][ws]") {
  ws_fixture f(small_buffers());
  stalled s(f);
  s.push_numbered(20);
  s.conn->close();
  // What was being written arrives; the queued rest is dropped (close()),
  // then the close frame, not a reset.
  CHECK(s.c.read() == *s.big);
  beast::flat_buffer b;
  beast::error_code ec;
  while (!ec)
    s.c.ws.read(b, ec);
  CHECK(ec == beast::websocket::error::closed);
  REQUIRE(f.wait([&] { return f.closed == 1; }));
}

TEST_CASE("push_all queues a burst whole or, past the bound, not at all",
          "[http][ws]") {
  auto limits = small_buffers();
  limits.queue_max_messages = 5;
  ws_fixture f(limits);
  stalled s(f);
  auto before = f.endpoint.sent();
  std::vector<ws_text> four{text("a"), text("b"), text("c"), text("d")};
  CHECK(s.conn->push_all(four) == ws_connection::push_result::queued);
  CHECK(s.conn->queued() == 4);
  CHECK(s.conn->push_all({text("e"), text("f")})
        == ws_connection::push_result::full);
  CHECK(s.conn->queued() == 4);
  CHECK(s.conn->push_all({text("e")}) == ws_connection::push_result::queued);
  CHECK(s.c.read() == *s.big);
  for (auto m : {"a", "b", "c", "d", "e"})
    CHECK(s.c.read() == m);
  CHECK(f.endpoint.sent().sends - before.sends == 1);
  s.c.ws.close(beast::websocket::close_code::normal);
  REQUIRE(f.wait([&] { return f.closed == 1; }));
  CHECK(s.conn->push_all(four) == ws_connection::push_result::closed);
}

TEST_CASE("a write after a quiet spell starts at once, one within the flush "
          "interval waits for it, and what follows shares its send",
          "[http][ws]") {
  // Every step below must fall within one flush interval of the first
  // write. Timers never fire early, so once the steps are measured to have
  // taken less than the interval, what the checks see is decided by the
  // rule alone. A machine too slow for that (measured, not assumed) runs
  // the steps again with twice the interval; on a run whose premise failed
  // only what holds whatever the timing is checked.
  bool decided = false;
  for (auto interval = std::chrono::milliseconds(500);
       !decided && interval <= std::chrono::seconds(16); interval *= 2) {
    ws_limits limits;
    limits.flush_interval = interval;
    ws_fixture f(limits);
    client c(f.port);
    std::size_t said = 0;
    // A round trip through the I/O thread: the client's text is read after
    // every handler posted before it was sent, such as the one a push
    // posts to start its write.
    auto sync = [&] {
      c.ws.write(net::buffer(std::string("sync")));
      ++said;
      REQUIRE(f.wait([&] { return f.texts.size() == said; }));
    };
    sync(); // the handshake is done: pushes take the flush path
    auto conn = f.connection();
    auto start = f.endpoint.sent();
    auto began = std::chrono::steady_clock::now();
    REQUIRE(conn->push(text("first")) == ws_connection::push_result::queued);
    sync();
    auto first_sent = f.endpoint.sent().messages - start.messages;
    auto first = c.read();
    auto before = f.endpoint.sent();
    REQUIRE(conn->push(text("x")) == ws_connection::push_result::queued);
    sync();
    auto x_sent = f.endpoint.sent().messages - before.messages;
    for (auto s : {"y", "z"})
      REQUIRE(conn->push(text(s)) == ws_connection::push_result::queued);
    // A write after a quiet spell starts at once, whatever the timing.
    CHECK(first_sent == 1);
    CHECK(first == "first");
    if (std::chrono::steady_clock::now() - began >= interval) {
      WARN("the steps took longer than the flush interval of "
           << interval.count() << " ms; again with twice the interval");
      continue;
    }
    decided = true;
    CHECK(x_sent == 0); // x waits
    for (auto s : {"x", "y", "z"})
      CHECK(c.read() == s);
    auto after = f.endpoint.sent();
    CHECK(after.messages - before.messages == 3);
    CHECK(after.sends - before.sends == 1);
  }
  REQUIRE(decided);
}

TEST_CASE("the server pings a quiet connection: a client that answers stays "
          "open, one that says nothing is closed at the idle timeout",
          "[http][ws]") {
  ws_limits limits;
  // Short, so the test waits a fraction of a second for each ping; the
  // pings come at half of it.
  limits.idle_timeout = std::chrono::milliseconds(400);
  ws_fixture f(limits);
  client c(f.port);
  auto conn = f.connection();

  SECTION("a client that answers pings stays") {
    int pings = 0;
    c.ws.control_callback(
        [&](beast::websocket::frame_type kind, beast::string_view) {
          if (kind == beast::websocket::frame_type::ping && ++pings == 3)
            CHECK(conn->push(text("three pings")) ==
                  ws_connection::push_result::queued);
        });
    // Reading answers each ping with a pong. Three pings are a timeout and
    // a half apart from the first: only the pongs kept the socket open.
    CHECK(c.read() == "three pings");
    CHECK(pings == 3);
    {
      std::lock_guard g{f.mutex};
      CHECK(f.closed == 0);
    }
    c.ws.write(net::buffer(std::string("still here")));
    REQUIRE(f.wait([&] { return f.texts.size() == 1; }));
  }
  SECTION("a client that reads and sends nothing is closed") {
    // No read runs, so no pong answers the server's ping.
    REQUIRE(f.wait([&] { return f.closed == 1; }));
    CHECK(conn->push(text("late")) == ws_connection::push_result::closed);
  }
}

TEST_CASE("a connection that batches joins the texts waiting for one write "
          "into one message, up to max_bytes, and sends a lone text as it is",
          "[http][ws]") {
  ws_fixture f;
  client c(f.port);
  auto conn = f.connection();
  auto format = std::make_shared<const ws_batch_format>(
    ws_batch_format{"[", ",", "]", 25});
  conn->batch_with(format);
  auto before = f.endpoint.sent();
  REQUIRE(conn->push_all({text("\"a\""), text("\"b\""), text("\"c\"")})
          == ws_connection::push_result::queued);
  CHECK(c.read() == R"(["a","b","c"])");
  CHECK(f.endpoint.sent().messages - before.messages == 3); // texts count
  REQUIRE(conn->push(text("\"lone\"")) == ws_connection::push_result::queued);
  CHECK(c.read() == R"("lone")");
  // Ten bytes each: two fit in 25, the fifth is left alone.
  std::vector<ws_text> five;
  for (int i = 1; i <= 5; ++i)
    five.push_back(text("\"" + std::string(8, static_cast<char>('0' + i))
                        + "\""));
  REQUIRE(conn->push_all(five) == ws_connection::push_result::queued);
  CHECK(c.read() == R"(["11111111","22222222"])");
  CHECK(c.read() == R"(["33333333","44444444"])");
  CHECK(c.read() == R"("55555555")");
  // Without a format, every text is a message again.
  conn->batch_with(nullptr);
  REQUIRE(conn->push_all({text("\"d\""), text("\"e\"")})
          == ws_connection::push_result::queued);
  CHECK(c.read() == R"("d")");
  CHECK(c.read() == R"("e")");
  CHECK(conn->queued() == 0);
}
