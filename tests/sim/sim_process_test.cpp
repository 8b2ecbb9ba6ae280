// The real `socialcrm sim` process, as a user or script starts it.

#include "http/client.hpp"
#include "tests/support/child_process.hpp"

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include <csignal>

using nlohmann::json;
using socialcrm::test::child_process;

TEST_CASE("socialcrm sim listens on the port it prints, serves the control "
          "API and the networks, and stops cleanly on SIGTERM",
          "[sim][process][integration]") {
  child_process sim({SOCIALCRM_BINARY, "sim", "--listen", "127.0.0.1:0",
                     "--seed", "3"});
  auto line = sim.wait_for_line("listening on");
  INFO("stdout: " << sim.out() << "\nstderr: " << sim.err());
  REQUIRE(line.has_value());
  auto at = line->find("http://");
  REQUIRE(at != std::string::npos);
  auto base = line->substr(at);
  while (!base.empty() && std::isspace(static_cast<unsigned char>(base.back())))
    base.pop_back();

  socialcrm::http::client client;
  socialcrm::http::header_list json_type;
  json_type.set("Content-Type", "application/json");
  auto user = client.send("POST", base + "/_sim/users", json_type,
                          json{{"network", "x"}, {"handle", "acme"}}.dump());
  REQUIRE(user.ok());
  REQUIRE(user->status == 201);
  auto id = json::parse(user->body).at("user_id").get<std::string>();
  auto tok = client.send("POST", base + "/_sim/tokens", json_type,
                         json{{"network", "x"}, {"user_id", id}}.dump());
  REQUIRE(tok.ok());
  socialcrm::http::header_list auth;
  auth.set("Authorization",
           "Bearer " + json::parse(tok->body).at("access_token").get<std::string>());
  auto me = client.get(base + "/x/2/users/me", auth);
  REQUIRE(me.ok());
  CHECK(me->status == 200);
  CHECK(json::parse(me->body).at("data").at("username") == "acme");

  sim.signal(SIGTERM);
  CHECK(sim.wait() == 0);
}

TEST_CASE("socialcrm sim prints where each network is served at its root, "
          "honours --network-listen, and refuses a network it does not know",
          "[sim][process][root][integration]") {
  auto port = socialcrm::test::free_port();
  child_process sim({SOCIALCRM_BINARY, "sim", "--listen", "127.0.0.1:0",
                     "--network-listen",
                     "mastodon=127.0.0.1:" + std::to_string(port)});
  // One line per network, in the order they are registered.
  auto mastodon = "http://127.0.0.1:" + std::to_string(port);
  for (std::string id : {"x", "facebook", "googleplus", "mastodon", "bluesky"}) {
    INFO(id << " stdout: " << sim.out() << "\nstderr: " << sim.err());
    REQUIRE(sim.wait_for_line("socialcrm sim " + id + " at "
                              + (id == "mastodon" ? mastodon
                                                  : "http://127.0.0.1:")));
  }
  // Mastodon's own instance endpoint, at the root of the port asked for.
  auto r = socialcrm::http::client().get(mastodon + "/api/v2/instance");
  REQUIRE(r.ok());
  CHECK(r->status == 200);
  sim.signal(SIGTERM);
  CHECK(sim.wait() == 0);

  for (std::vector<std::string> bad :
       {std::vector<std::string>{"--network-listen", "myspace=127.0.0.1:0"},
        {"--network-listen", "x=nowhere"},
        {"--network-listen", "x"},
        {"--network-listen", "x=127.0.0.1:0", "--network-listen",
         "x=127.0.0.1:0"}}) {
    std::vector<std::string> argv{SOCIALCRM_BINARY, "sim", "--listen",
                                  "127.0.0.1:0"};
    argv.insert(argv.end(), bad.begin(), bad.end());
    auto refused = socialcrm::test::run(argv);
    INFO(bad.back() << ": " << refused.err);
    CHECK(refused.code == 2);
    CHECK_THAT(refused.err, Catch::Contains("--network-listen"));
  }
}
