#include "http/client.hpp"
#include "http/server.hpp"

#include <catch2/catch.hpp>

using namespace socialcrm::http;

TEST_CASE("the client reuses one keep-alive connection per origin",
          "[http][client][integration]") {
  server s({}, [](request req, responder respond) {
    respond(response::make(200, "text/plain", req.target));
  });
  auto port = s.start("127.0.0.1", 0);
  client c;
  auto base = "http://127.0.0.1:" + std::to_string(port);
  for (int i = 0; i < 5; ++i)
    REQUIRE(c.get(base + "/n" + std::to_string(i)).ok());
  CHECK(c.connections_opened() == 1);
  c.close();
  REQUIRE(c.get(base + "/again").ok());
  CHECK(c.connections_opened() == 2);
}

TEST_CASE("the client reconnects when the server closed the kept-alive "
          "connection",
          "[http][client][integration]") {
  server_limits limits;
  auto make = [&] {
    return std::make_unique<server>(limits, [](request, responder respond) {
      respond(response::make(200, "text/plain", "ok"));
    });
  };
  auto s = make();
  auto port = s->start("127.0.0.1", 0);
  client c;
  auto u = "http://127.0.0.1:" + std::to_string(port) + "/";
  REQUIRE(c.get(u).ok());
  s->stop();
  s = make();
  s->start("127.0.0.1", port);
  auto r = c.get(u);
  REQUIRE(r.ok());
  CHECK(r->body == "ok");
}

TEST_CASE("the client reports errors as values", "[http][client][integration]") {
  client_options o;
  o.request_timeout = std::chrono::milliseconds(200);
  client c(o);
  CHECK(!c.get("not a url").ok());
  CHECK(c.get("https://127.0.0.1/").error.find("https") != std::string::npos);

  // Responders kept without answering, so the client times out.
  auto held = std::make_shared<std::vector<responder>>();
  server never({}, [held](request, responder respond) {
    held->push_back(std::move(respond));
  });
  auto port = never.start("127.0.0.1", 0);
  auto r = c.get("http://127.0.0.1:" + std::to_string(port) + "/");
  CHECK(!r.ok());
  CHECK(!r.error.empty());
  never.stop();
  held->clear();
}
