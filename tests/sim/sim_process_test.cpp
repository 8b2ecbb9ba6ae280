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
