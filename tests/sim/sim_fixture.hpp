#pragma once

// An in-process emulator on a real loopback socket plus a keep-alive
// client, for tests that speak HTTP to it the way connectors do.

#include "http/client.hpp"
#include "http/url.hpp"
#include "sim/emulator.hpp"

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include <string>

namespace socialcrm::test {

using nlohmann::json;

struct sim_fixture {
  sim::emulator emu{sim::options{"127.0.0.1", 0, 7, 0}};
  http::client client;
  std::string base;

  sim_fixture() {
    emu.start();
    base = emu.base_url();
  }

  /// The response, failing the test when there is none.
  http::response send(const std::string& method, const std::string& path,
                      const http::header_list& headers = {},
                      const std::string& body = {}) {
    auto r = client.send(method, base + path, headers, body);
    INFO(method << " " << path << ": " << r.error);
    REQUIRE(r.ok());
    return *r.response;
  }

  http::response get(const std::string& path, const std::string& bearer = {}) {
    http::header_list h;
    if (!bearer.empty())
      h.set("Authorization", "Bearer " + bearer);
    return send("GET", path, h);
  }

  http::response post_json(const std::string& path, const json& body,
                           const std::string& bearer = {}) {
    http::header_list h;
    h.set("Content-Type", "application/json");
    if (!bearer.empty())
      h.set("Authorization", "Bearer " + bearer);
    return send("POST", path, h, body.dump());
  }

  http::response post_form(
    const std::string& path,
    const std::vector<std::pair<std::string, std::string>>& fields,
    const http::header_list& extra = {}) {
    http::header_list h = extra;
    h.set("Content-Type", "application/x-www-form-urlencoded");
    return send("POST", path, h, http::build_query(fields));
  }

  /// POST to the control API; requires a 2xx answer.
  json control(const std::string& path, const json& body) {
    auto r = post_json("/_sim" + path, body);
    INFO(path << " -> " << r.status << " " << r.body);
    REQUIRE(r.status / 100 == 2);
    return json::parse(r.body);
  }

  json control_get(const std::string& path) {
    auto r = get("/_sim" + path);
    REQUIRE(r.status == 200);
    return json::parse(r.body);
  }

  std::string add_user(const std::string& network, const std::string& handle,
                       const std::string& password = "secret") {
    return control("/users", {{"network", network},
                              {"handle", handle},
                              {"name", handle + " Inc"},
                              {"password", password}})
      .at("user_id");
  }

  std::string token_for(const std::string& network, const std::string& user,
                        const std::string& page = {}) {
    json body = {{"network", network}, {"user_id", user}};
    if (!page.empty())
      body["page_id"] = page;
    return control("/tokens", body).at("access_token");
  }

  std::string add_post(const std::string& network, const std::string& author,
                       const std::string& text, const std::string& kind,
                       const std::string& to = {},
                       const std::string& parent = {}) {
    json body = {{"network", network}, {"author_id", author},
                 {"text", text},       {"kind", kind}};
    if (!to.empty())
      body["to_account"] = to;
    if (!parent.empty())
      body["in_reply_to"] = parent;
    return control("/posts", body).at("external_id");
  }

  json stats(const std::string& network) {
    return control_get("/stats").at("networks").at(network);
  }
};

inline json body_of(const http::response& r) {
  auto j = json::parse(r.body, nullptr, false);
  INFO("body: " << r.body);
  REQUIRE(!j.is_discarded());
  return j;
}

/// Query parameters of a redirect's Location.
inline http::query_params location_query(const http::response& r) {
  auto loc = r.headers.value("Location");
  auto u = http::parse_url(loc);
  REQUIRE(u.has_value());
  return http::parse_query(u->query());
}

} // namespace socialcrm::test
