#include "networks/rate_budget.hpp"

#include <catch2/catch.hpp>

using namespace socialcrm;
using namespace socialcrm::networks;

TEST_CASE("a spent window sends nothing until its reset", "[rate_budget]") {
  rate_budgets b;
  auto key = budget_key(network::x, "token", "mentions");
  CHECK(b.reserve(key, 1000) == 0); // nothing known yet: go
  b.update(key, {10, 0, 61000}, 1000);
  CHECK(b.reserve(key, 2000) == 61000);
  CHECK(b.reserve(key, 60999) == 61000);
  CHECK(b.reserve(key, 61000) == 0); // the window rolled over
}

TEST_CASE("polling slows down smoothly as the window empties",
          "[rate_budget]") {
  rate_budgets b;
  auto key = budget_key(network::mastodon, "t", "statuses");
  constexpr unix_ms t0 = 1'700'000'000'000;
  b.update(key, {100, 60, t0 + 100000}, t0);
  SECTION("more than half left: no pacing") {
    CHECK(b.reserve(key, t0) == 0);
    CHECK(b.reserve(key, t0 + 1) == 0);
  }
  SECTION("less than half left: requests are spread to the reset") {
    b.update(key, {100, 9, t0 + 100000}, t0);
    CHECK(b.reserve(key, t0) == 0); // 8 left now
    auto next = b.reserve(key, t0 + 1);
    CHECK(next > t0 + 1);
    CHECK(next <= t0 + 100000 / 9 + 1);
    CHECK(b.reserve(key, next) == 0);
  }
}

TEST_CASE("requests counted locally are not forgotten by an older reading",
          "[rate_budget]") {
  rate_budgets b;
  auto key = budget_key(network::x, "t", "search");
  b.update(key, {450, 3, 90000}, 0);
  CHECK(b.reserve(key, 0) == 0);
  CHECK(b.reserve(key, 30000) == 0);
  // A late answer of the first request still says 3 remaining: we know of
  // two more requests since.
  b.update(key, {450, 3, 90000}, 30001);
  CHECK(b.reading(key).remaining == 1);
}

TEST_CASE("a 429 spends the window until the time the network gave",
          "[rate_budget]") {
  rate_budgets b;
  auto key = budget_key(network::bluesky, "t", "xrpc");
  b.throttled(key, 5000);
  CHECK(b.reserve(key, 10) == 5000);
  CHECK(b.reserve(key, 5000) == 0);
}

TEST_CASE("windows are per token and per endpoint family", "[rate_budget]") {
  rate_budgets b;
  b.update(budget_key(network::x, "a", "mentions"), {10, 0, 9000}, 0);
  CHECK(b.reserve(budget_key(network::x, "a", "mentions"), 1) == 9000);
  CHECK(b.reserve(budget_key(network::x, "b", "mentions"), 1) == 0);
  CHECK(b.reserve(budget_key(network::x, "a", "search"), 1) == 0);
}

TEST_CASE("a person's request is not paced, only stopped by a spent window",
          "[rate_budget]") {
  rate_budgets b;
  auto key = budget_key(network::facebook, "page token", "graph");
  constexpr unix_ms t0 = 1'700'000'000'000;
  b.update(key, {100, 10, t0 + 3'600'000}, t0);
  CHECK(b.reserve(key, t0) == 0); // a poll; 9 left, so the next is paced
  CHECK(b.reserve(key, t0 + 1) > t0 + 1);
  // A post right after it goes, and so does the next one.
  CHECK(b.reserve(key, t0 + 1, false) == 0);
  CHECK(b.reserve(key, t0 + 2, false) == 0);
  // Spent is spent for both.
  b.update(key, {100, 0, t0 + 3'600'000}, t0 + 3);
  CHECK(b.reserve(key, t0 + 4, false) == t0 + 3'600'000);
  CHECK(b.reserve(key, t0 + 4) == t0 + 3'600'000);
}
