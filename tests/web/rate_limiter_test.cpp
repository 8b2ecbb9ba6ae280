#include "web/rate_limiter.hpp"
#include "web/static_files.hpp"

#include <catch2/catch.hpp>

using namespace socialcrm::web;
using namespace std::chrono_literals;

TEST_CASE("the rate limiter allows a burst per client, then refills",
          "[web][rate]") {
  rate_limiter limiter(3, 1, 100);
  auto t0 = rate_limiter::clock::time_point{} + 1h;
  CHECK(limiter.allow("a", t0));
  CHECK(limiter.allow("a", t0));
  CHECK(limiter.allow("a", t0));
  CHECK_FALSE(limiter.allow("a", t0));
  CHECK(limiter.retry_after("a", t0) == 1);
  CHECK(limiter.allow("b", t0)); // per client
  CHECK(limiter.allow("a", t0 + 1s));
  CHECK_FALSE(limiter.allow("a", t0 + 1s));
}

TEST_CASE("the rate limiter forgets clients rather than grow without bound",
          "[web][rate]") {
  rate_limiter limiter(1, 1, 10);
  auto t0 = rate_limiter::clock::time_point{} + 1h;
  for (int i = 0; i < 1000; ++i)
    CHECK(limiter.allow("client" + std::to_string(i), t0));
}

TEST_CASE("static paths that leave the directory are recognised",
          "[web][static]") {
  CHECK(static_files::is_traversal("/../etc/passwd"));
  CHECK(static_files::is_traversal("/a/../../b"));
  CHECK(static_files::is_traversal("/a/.."));
  CHECK(static_files::is_traversal("/a\\..\\b"));
  CHECK(static_files::is_traversal(std::string("/a\0b", 4)));
  CHECK_FALSE(static_files::is_traversal("/index.html"));
  CHECK_FALSE(static_files::is_traversal("/assets/app..js"));
}
