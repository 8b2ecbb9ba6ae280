// Every route that takes a JSON body, as make_api_router() registers it,
// refuses a body that is valid JSON but not an object, in the one decoding
// step all bodies pass through, before any handler reads a field of it
// (three handlers answered 500 to `[]` before).

#include "tests/web/server_fixture.hpp"
#include "web/routes.hpp"

#include <catch2/catch.hpp>

#include <regex>

using namespace socialcrm;
using namespace socialcrm::test;

TEST_CASE("a JSON body that is not an object is refused with "
          "expected_object on every route that takes one",
          "[web][hostile][integration]") {
  server_process server;
  auto c = server.admin();
  auto before = server.counts();
  std::size_t with_body = 0;
  auto router = web::make_api_router();
  for (const auto& r : router.routes()) {
    // Compose reads its own body (it keeps the raw text for its
    // Idempotency-Key check) and refuses the same way.
    if (!r.takes_body && r.pattern != "/api/v1/social/posts")
      continue;
    ++with_body;
    auto path = std::regex_replace(r.pattern, std::regex(R"(\{[^}]+\})"), "1");
    for (const char* body : {"[]", "1", "\"x\"", "true", "null"}) {
      INFO(r.method << " " << r.pattern << " with " << body);
      auto res = c.send_raw(r.method, path, body, "application/json");
      CHECK(res.status == 400);
      CHECK(res.code() == "expected_object");
    }
  }
  CHECK(with_body > 30); // the walk saw the routes, not an empty table
  CHECK(server.counts() == before);
}
