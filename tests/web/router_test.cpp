#include "web/call.hpp"
#include "web/router.hpp"

#include <catch2/catch.hpp>

using namespace socialcrm::web;

namespace {

void noop(const std::shared_ptr<call>&) {}

router sample() {
  router r;
  r.add({"GET", "/api/v1/leads", noop});
  r.add({"POST", "/api/v1/leads", noop});
  r.add({"GET", "/api/v1/leads/{id}", noop});
  r.add({"PATCH", "/api/v1/leads/{id}", noop});
  r.add({"POST", "/api/v1/profiles/{id}/clone", noop});
  return r;
}

} // namespace

TEST_CASE("the router matches method and pattern and decodes parameters",
          "[web][router]") {
  auto r = sample();
  auto m = r.match("PATCH", "/api/v1/leads/42");
  REQUIRE(m.found);
  CHECK(m.found->pattern == "/api/v1/leads/{id}");
  CHECK(m.params.at("id") == "42");
  auto clone = r.match("POST", "/api/v1/profiles/a%20b/clone");
  REQUIRE(clone.found);
  CHECK(clone.params.at("id") == "a b");
}

TEST_CASE("the router tells 404 from 405 and lists the allowed methods",
          "[web][router]") {
  auto r = sample();
  SECTION("a path nobody serves") {
    auto m = r.match("GET", "/api/v1/nothing");
    CHECK_FALSE(m.found);
    CHECK(m.allowed.empty());
  }
  SECTION("a path served with other methods") {
    auto m = r.match("DELETE", "/api/v1/leads");
    CHECK_FALSE(m.found);
    CHECK(m.allowed == std::vector<std::string>{"GET", "POST"});
  }
  SECTION("an empty parameter segment does not match") {
    auto m = r.match("GET", "/api/v1/leads/");
    CHECK_FALSE(m.found);
  }
  SECTION("extra segments do not match") {
    CHECK_FALSE(r.match("GET", "/api/v1/leads/1/2").found);
  }
}

TEST_CASE("the router refuses duplicate and malformed routes",
          "[web][router]") {
  auto r = sample();
  CHECK_THROWS_AS(r.add({"GET", "/api/v1/leads", noop}), std::invalid_argument);
  CHECK_THROWS_AS(r.add({"GET", "no-slash", noop}), std::invalid_argument);
  CHECK_THROWS_AS(r.add({"GET", "/x", nullptr}), std::invalid_argument);
}
