#include <utility>

#include "http/client.hpp"
#include "http/server.hpp"
#include "http/upgrade.hpp"

#include <boost/asio/write.hpp>
#include <catch2/catch.hpp>

#include <atomic>
#include <chrono>
#include <future>
#include <thread>

using namespace socialcrm::http;

namespace {

std::string url(std::uint16_t port, const std::string& path) {
  return "http://127.0.0.1:" + std::to_string(port) + path;
}

} // namespace

TEST_CASE("the server hands requests to the handler and sends its answer",
          "[http][server][integration]") {
  server s({}, [](request req, responder respond) {
    auto r = response::make(200, "text/plain",
                            req.method + " " + req.target + " " + req.body);
    r.headers.set("X-Echo", req.headers.value("X-In"));
    respond(std::move(r));
  });
  auto port = s.start("127.0.0.1", 0);
  client c;
  header_list h;
  h.set("X-In", "42");
  auto r = c.send("POST", url(port, "/a?b=c"), h, "body");
  REQUIRE(r.ok());
  CHECK(r->status == 200);
  CHECK(r->body == "POST /a?b=c body");
  CHECK(r->headers.value("x-echo") == "42");
}

TEST_CASE("a handler may answer later from another thread",
          "[http][server][integration]") {
  std::vector<std::thread> workers;
  std::mutex m;
  server s({}, [&](request req, responder respond) {
    std::lock_guard g{m};
    workers.emplace_back([req = std::move(req), respond] {
      respond(response::make(202, "text/plain", "later " + req.target));
    });
  });
  auto port = s.start("127.0.0.1", 0);
  client c;
  for (int i = 0; i < 3; ++i) {
    auto r = c.get(url(port, "/" + std::to_string(i)));
    REQUIRE(r.ok());
    CHECK(r->status == 202);
    CHECK(r->body == "later /" + std::to_string(i));
  }
  CHECK(c.connections_opened() == 1); // keep-alive across async answers
  s.stop();
  for (auto& t : workers)
    t.join();
}

TEST_CASE("a responder dropped without answering closes the connection",
          "[http][server][integration]") {
  server s({}, [](request, responder) {});
  auto port = s.start("127.0.0.1", 0);
  client c;
  auto r = c.get(url(port, "/"));
  CHECK(!r.ok());
}

TEST_CASE("bodies over the limit get 413 and the connection closes",
          "[http][server][integration]") {
  server_limits limits;
  limits.body_limit = 1024;
  server s(limits, [](request, responder respond) {
    respond(response::make(200, "text/plain", "ok"));
  });
  auto port = s.start("127.0.0.1", 0);
  client c;
  auto r = c.send("POST", url(port, "/"), {}, std::string(4096, 'x'));
  REQUIRE(r.ok());
  CHECK(r->status == 413);
  // The API's error envelope, not a bare reason phrase.
  CHECK(r->headers.value("Content-Type") == "application/json");
  CHECK(r->body == R"({"error":{"code":"body_too_large","message":"Payload Too Large"}})");
  auto small = c.send("POST", url(port, "/"), {}, "tiny");
  REQUIRE(small.ok());
  CHECK(small->status == 200);
}

TEST_CASE("a WebSocket upgrade hands the socket and request to the upgrade "
          "handler",
          "[http][server][integration]") {
  std::promise<std::string> got;
  server s(
    {}, [](request, responder respond) { respond(response::make(200, "t", "")); },
    [&](upgrade& u) {
      got.set_value(std::string(u.request.target()));
      // The new owner speaks on the socket itself.
      std::string reply = "HTTP/1.1 418 I'm a teapot\r\nContent-Length: 0\r\n"
                          "Connection: close\r\n\r\n";
      boost::system::error_code ec;
      boost::asio::write(u.socket, boost::asio::buffer(reply), ec);
      u.socket.close(ec);
    });
  auto port = s.start("127.0.0.1", 0);
  client c;
  header_list h;
  h.set("Connection", "Upgrade");
  h.set("Upgrade", "websocket");
  h.set("Sec-WebSocket-Version", "13");
  h.set("Sec-WebSocket-Key", "dGhlIHNhbXBsZSBub25jZQ==");
  auto r = c.send("GET", url(port, "/api/v1/live"), h);
  REQUIRE(r.ok());
  CHECK(r->status == 418);
  CHECK(got.get_future().get() == "/api/v1/live");
}

TEST_CASE("stop lets an answer in flight finish and closes idle connections",
          "[http][server][integration]") {
  std::promise<responder> pending;
  server_limits limits;
  limits.stop_grace = std::chrono::seconds(5);
  auto s =
      std::make_unique<server>(limits, [&](request req, responder respond) {
        if (req.target == "/slow")
          pending.set_value(respond);
        else
          respond(response::make(200, "text/plain", "quick"));
      });
  auto port = s->start("127.0.0.1", 0);
  // A kept-alive connection with nothing in flight: stop closes it at once.
  client idle;
  REQUIRE(idle.get(url(port, "/quick")).ok());
  auto answer = std::async(std::launch::async, [&] {
    client c;
    return c.get(url(port, "/slow"));
  });
  auto respond = pending.get_future().get();
  REQUIRE(s->connections() == 2);
  auto stopper = std::async(std::launch::async, [&] { s->stop(); });
  // The idle connection gone proves stop() began: only then is the answer
  // given, so it is the grace period that lets it out.
  auto until = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  while (s->connections() == 2 && std::chrono::steady_clock::now() < until)
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  REQUIRE(s->connections() < 2);
  respond(response::make(200, "text/plain", "done"));
  stopper.get();
  auto r = answer.get();
  REQUIRE(r.ok());
  CHECK(r->body == "done");
  CHECK(s->connections() == 0);
  client after;
  CHECK(!after.get(url(port, "/")).ok());
}

TEST_CASE("connections beyond max_connections are refused",
          "[http][server][integration]") {
  server_limits limits;
  limits.max_connections = 1;
  server s(limits, [](request, responder respond) {
    respond(response::make(200, "text/plain", "ok"));
  });
  auto port = s.start("127.0.0.1", 0);
  client first;
  REQUIRE(first.get(url(port, "/")).ok()); // holds the one connection
  client second;
  CHECK(!second.get(url(port, "/")).ok());
}

TEST_CASE("binding a port in use throws std::system_error",
          "[http][server][integration]") {
  server a({}, [](request, responder) {});
  auto port = a.start("127.0.0.1", 0);
  server b({}, [](request, responder) {});
  CHECK_THROWS_AS(b.start("127.0.0.1", port), std::system_error);
  CHECK_THROWS_AS(b.start("not-an-ip", 0), std::system_error);
}
