#include "tests/web/server_fixture.hpp"
#include "web/openapi.hpp"
#include "web/routes.hpp"

#include <catch2/catch.hpp>

#include <set>

using namespace socialcrm;
using namespace socialcrm::web;

namespace {

using operation_set = std::set<std::pair<std::string, std::string>>;

operation_set router_operations() {
  operation_set out;
  auto routes = make_api_router();
  for (auto& r : routes.routes()) {
    std::string m = r.method;
    for (auto& ch : m)
      ch = static_cast<char>(std::tolower(ch));
    out.insert({m, r.pattern});
  }
  return out;
}

operation_set document_operations(const nlohmann::json& doc) {
  operation_set out;
  for (auto& [path, ops] : doc.at("paths").items())
    for (auto& [method, op] : ops.items())
      out.insert({method, path});
  return out;
}

} // namespace

TEST_CASE("the OpenAPI document lists exactly the router's routes",
          "[web][openapi]") {
  auto doc = openapi_document(make_api_router());
  CHECK(doc["openapi"] == "3.0.3");
  CHECK(document_operations(doc) == router_operations());
  auto routes = make_api_router();
  for (auto& r : routes.routes()) {
    std::string m = r.method;
    for (auto& ch : m)
      ch = static_cast<char>(std::tolower(ch));
    auto& op = doc["paths"][r.pattern][m];
    INFO(r.method << " " << r.pattern);
    CHECK_FALSE(op["summary"].get<std::string>().empty());
    CHECK(op["responses"].size() >= 1);
    CHECK(op.contains("requestBody") == r.takes_body);
    if (r.pattern.find("{id}") != std::string::npos)
      CHECK(op["parameters"][0]["name"] == "id");
  }
  // Every schema a route points at exists.
  auto text = doc.dump();
  std::size_t at = 0;
  while ((at = text.find("#/components/schemas/", at)) != std::string::npos) {
    at += 21;
    auto name = text.substr(at, text.find('"', at) - at);
    INFO(name);
    CHECK(doc["components"]["schemas"].contains(name));
  }
}

TEST_CASE("the served OpenAPI document matches the router",
          "[web][openapi][integration]") {
  test::server_process server;
  auto r = server.client().get("/api/v1/openapi.json");
  REQUIRE(r.status == 200);
  CHECK(document_operations(r.body) == router_operations());
}
