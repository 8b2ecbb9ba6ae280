// WebSockets over the server's TLS listener (wss://), and the per-address
// cap on open WebSockets: a real http::server and ws_endpoint, Beast
// clients over loopback.

#include "http/certificates.hpp"
#include "http/server.hpp"
#include "http/ws_session.hpp"
#include "tests/support/temp_dir.hpp"

// GCC 12 with the sanitizers reports boost::optional inside Beast's
// response parser (the client's handshake) as maybe uninitialized: a
// known false positive of that header, not of this code.
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/asio/ssl/host_name_verification.hpp>
#include <boost/asio/ssl/stream.hpp>
#include <boost/beast/core/buffers_to_string.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http/empty_body.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/beast/http/write.hpp>
#include <boost/beast/websocket/ssl.hpp>
#include <boost/beast/websocket/stream.hpp>
#pragma GCC diagnostic pop
#include <catch2/catch.hpp>

#include <cctype>
#include <condition_variable>
#include <mutex>
#include <optional>

using namespace socialcrm;
using namespace socialcrm::http;
namespace beast = boost::beast;
namespace net = boost::asio;
namespace ssl = boost::asio::ssl;

namespace {

// A server whose upgrade handler accepts every upgrade into a ws_endpoint;
// with `tls`, on https with that certificate. Texts from clients are
// echoed back in upper case.
struct wss_fixture {
  wss_fixture(ws_limits limits, const certificate_files* tls)
    : endpoint(limits),
      http({}, [](request, responder r) {
        r(response::make(404, "text/plain", "no"));
      },
           [this](upgrade& u) {
             auto p = endpoint.take(u);
             ws_callbacks cb;
             auto conn = std::make_shared<std::weak_ptr<ws_connection>>();
             cb.on_text = [conn](std::string t) {
               for (auto& ch : t)
                 ch = static_cast<char>(std::toupper(ch));
               if (auto c = conn->lock())
                 c->push(std::make_shared<const std::string>(std::move(t)));
             };
             cb.on_closed = [this] {
               std::lock_guard g{mutex};
               ++closed;
               changed.notify_all();
             };
             auto c = endpoint.accept(p, std::move(cb));
             *conn = c;
             std::lock_guard g{mutex};
             if (c)
               conns.push_back(std::move(c));
             changed.notify_all();
           }) {
    if (tls)
      http.use_tls(tls->cert, tls->key);
    port = http.start("127.0.0.1", 0);
  }

  // The WebSockets end first, while the server's threads (which run
  // those on TLS streams) still run.
  ~wss_fixture() {
    endpoint.stop();
    http.stop();
  }

  template <class Pred>
  bool wait(Pred p) {
    std::unique_lock lock{mutex};
    return changed.wait_for(lock, std::chrono::seconds(10), p);
  }

  std::mutex mutex;
  std::condition_variable changed;
  std::vector<std::shared_ptr<ws_connection>> conns;
  int closed = 0;
  ws_endpoint endpoint;
  server http;
  std::uint16_t port = 0;
};

// A wss:// client that trusts only `ca_file` and checks the host name.
struct wss_client {
  wss_client(std::uint16_t port, const std::string& ca_file) {
    // On the stream: it was made from the context before this ran.
    ws.next_layer().set_verify_mode(ssl::verify_peer);
    tls.load_verify_file(ca_file);
    ws.next_layer().set_verify_callback(
      ssl::host_name_verification("127.0.0.1"));
    beast::get_lowest_layer(ws).connect(
      {net::ip::make_address("127.0.0.1"), port});
    ws.next_layer().handshake(ssl::stream_base::client);
    ws.handshake("127.0.0.1", "/api/v1/live");
  }
  std::string read() {
    beast::flat_buffer b;
    ws.read(b);
    return beast::buffers_to_string(b.data());
  }
  net::io_context ioc;
  ssl::context tls{ssl::context::tls_client};
  beast::websocket::stream<ssl::stream<net::ip::tcp::socket>> ws{ioc, tls};
};

// A plain ws:// upgrade from `source` (a loopback address of this host),
// spoken by hand so a refusal's answer can be read whole.
struct ws_client {
  ws_client(std::uint16_t port, const std::string& source) {
    socket.open(net::ip::tcp::v4());
    socket.bind({net::ip::make_address(source), 0});
    socket.connect({net::ip::make_address("127.0.0.1"), port});
  }
  // The server's answer to the upgrade: 101 when it took it.
  unsigned open() {
    namespace bhttp = beast::http;
    bhttp::request<bhttp::empty_body> req{bhttp::verb::get, "/api/v1/live",
                                          11};
    req.set(bhttp::field::host, "127.0.0.1");
    req.set(bhttp::field::connection, "Upgrade");
    req.set(bhttp::field::upgrade, "websocket");
    req.set(bhttp::field::sec_websocket_version, "13");
    req.set(bhttp::field::sec_websocket_key, "dGhlIHNhbXBsZSBub25jZQ==");
    bhttp::write(socket, req);
    bhttp::response_parser<bhttp::string_body> res;
    beast::flat_buffer b;
    beast::error_code ec;
    bhttp::read_header(socket, b, res, ec);
    if (ec)
      return 0;
    if (res.get().result_int() != 101)
      bhttp::read(socket, b, res, ec);
    answer = res.get().body();
    return res.get().result_int();
  }
  net::io_context ioc;
  net::ip::tcp::socket socket{ioc};
  std::string answer;
};

} // namespace

TEST_CASE("a WebSocket over the TLS listener exchanges messages with a "
          "client that verifies the certificate",
          "[http][ws][tls]") {
  test::temp_dir tmp;
  auto files = ensure_certificate(tmp.file("tls"), "server", {"127.0.0.1"});
  REQUIRE(files);
  wss_fixture f({}, &*files);
  wss_client c(f.port, files->ca_cert);
  REQUIRE(f.wait([&] { return f.conns.size() == 1; }));
  CHECK(f.endpoint.connections() == 1);

  // The client speaks, the server answers on the same connection.
  c.ws.write(net::buffer(std::string("subscribe")));
  CHECK(c.read() == "SUBSCRIBE");
  // Texts pushed by the server arrive in order.
  for (auto s : {"a", "b", "c"})
    REQUIRE(f.conns[0]->push(std::make_shared<const std::string>(s))
            == ws_connection::push_result::queued);
  CHECK(c.read() == "a");
  CHECK(c.read() == "b");
  CHECK(c.read() == "c");
  CHECK(f.endpoint.sent().messages == 4);

  // The server's close is a closing handshake inside the TLS session.
  f.conns[0]->close();
  beast::flat_buffer b;
  beast::error_code ec;
  c.ws.read(b, ec);
  CHECK(ec == beast::websocket::error::closed);
  REQUIRE(f.wait([&] { return f.closed == 1; }));
  CHECK(f.endpoint.connections() == 0);

  // The client does check: trusting another CA, it refuses the server.
  auto other = ensure_certificate(tmp.file("other"), "server", {"127.0.0.1"});
  REQUIRE(other);
  CHECK_THROWS(wss_client(f.port, other->ca_cert));
}

TEST_CASE("stopping the endpoint ends WebSockets on the TLS listener",
          "[http][ws][tls]") {
  test::temp_dir tmp;
  auto files = ensure_certificate(tmp.file("tls"), "server", {"127.0.0.1"});
  REQUIRE(files);
  wss_fixture f({}, &*files);
  wss_client a(f.port, files->ca_cert);
  wss_client b(f.port, files->ca_cert);
  REQUIRE(f.wait([&] { return f.conns.size() == 2; }));
  f.endpoint.stop();
  CHECK(f.closed == 2);
  CHECK(f.endpoint.connections() == 0);
  beast::flat_buffer buf;
  beast::error_code ec;
  a.ws.read(buf, ec);
  CHECK(ec); // closed by the server
}

TEST_CASE("one address holds at most max_connections_per_address "
          "WebSockets while another address still connects",
          "[http][ws][limits]") {
  ws_limits limits;
  limits.max_connections_per_address = 2;
  limits.limit_loopback = true; // every test client is on loopback
  wss_fixture f(limits, nullptr);

  ws_client first(f.port, "127.0.0.1");
  ws_client second(f.port, "127.0.0.1");
  REQUIRE(first.open() == 101);
  REQUIRE(second.open() == 101);
  ws_client third(f.port, "127.0.0.1");
  CHECK(third.open() == 429);
  CHECK_THAT(third.answer, Catch::Contains("\"too_many_live_connections\""));
  CHECK(f.endpoint.refused() == 1);

  // Another address has its own allowance.
  ws_client other(f.port, "127.0.0.2");
  CHECK(other.open() == 101);
  CHECK(f.endpoint.connections() == 3);

  // A closed connection gives its place back.
  first.socket.close();
  REQUIRE(f.wait([&] { return f.closed >= 2; })); // third and first
  ws_client again(f.port, "127.0.0.1");
  CHECK(again.open() == 101);
  CHECK(f.endpoint.refused() == 1);
}

TEST_CASE("WebSockets from loopback peers are not limited per address "
          "unless asked",
          "[http][ws][limits]") {
  ws_limits limits;
  limits.max_connections_per_address = 1;
  wss_fixture f(limits, nullptr);
  ws_client a(f.port, "127.0.0.1");
  ws_client b(f.port, "127.0.0.1");
  CHECK(a.open() == 101);
  CHECK(b.open() == 101);
  CHECK(f.endpoint.refused() == 0);
}
