#include "tests/sim/sim_fixture.hpp"

using namespace socialcrm::test;

namespace {

long header_num(const socialcrm::http::response& r, const char* name) {
  auto v = r.headers.get(name);
  INFO("header " << name);
  REQUIRE(v.has_value());
  return std::stol(*v);
}

} // namespace

TEST_CASE("X rate-limit headers count down from the endpoint's limit",
          "[sim][x][rate_limit][integration]") {
  sim_fixture f;
  auto tok = f.token_for("x", f.add_user("x", "acme"));
  auto a = f.get("/x/2/users/me", tok);
  auto b = f.get("/x/2/users/me", tok);
  CHECK(header_num(a, "x-rate-limit-limit") == 75);
  CHECK(header_num(a, "x-rate-limit-remaining") == 74);
  CHECK(header_num(b, "x-rate-limit-remaining") == 73);
  CHECK(header_num(a, "x-rate-limit-reset") >= f.control_get("/stats").at("now"));
  // Another endpoint has its own window.
  auto other = f.get("/x/2/users/by/username/acme", tok);
  CHECK(header_num(other, "x-rate-limit-limit") == 900);
  CHECK(header_num(other, "x-rate-limit-remaining") == 899);
}

TEST_CASE("X answers 429 with a problem body when the window is spent, "
          "counts the violation and recovers after the reset",
          "[sim][x][rate_limit][integration]") {
  sim_fixture f;
  auto tok = f.token_for("x", f.add_user("x", "acme"));
  // A scaled-down window: 3 requests per 60 simulated seconds.
  f.control("/limits", {{"network", "x"}, {"limit", 3}, {"window_s", 60}});
  for (long left : {2, 1, 0}) {
    auto r = f.get("/x/2/users/me", tok);
    REQUIRE(r.status == 200);
    CHECK(header_num(r, "x-rate-limit-remaining") == left);
  }
  CHECK(f.stats("x").at("rate_limit_violations") == 0);
  auto spent = f.get("/x/2/users/me", tok);
  CHECK(spent.status == 429);
  CHECK(header_num(spent, "x-rate-limit-remaining") == 0);
  CHECK(body_of(spent) == json{{"title", "Too Many Requests"},
                               {"detail", "Too Many Requests"},
                               {"type", "about:blank"},
                               {"status", 429}});
  auto s = f.stats("x");
  CHECK(s.at("throttled") == 1);
  CHECK(s.at("rate_limit_violations") == 1);

  f.control("/clock", {{"advance_s", 61}});
  auto fresh = f.get("/x/2/users/me", tok);
  CHECK(fresh.status == 200);
  CHECK(header_num(fresh, "x-rate-limit-remaining") == 2);
  CHECK(f.stats("x").at("rate_limit_violations") == 1);
}

TEST_CASE("Facebook reports X-App-Usage and refuses with code 4 (user) or "
          "32 (page) when the window is spent",
          "[sim][facebook][rate_limit][integration]") {
  sim_fixture f;
  auto owner = f.add_user("facebook", "owner");
  auto page = f.control("/pages", {{"network", "facebook"},
                                   {"owner_id", owner},
                                   {"name", "P"}})
                .at("page_id")
                .get<std::string>();
  auto user_tok = f.token_for("facebook", owner);
  auto page_tok = f.token_for("facebook", owner, page);
  f.control("/limits", {{"network", "facebook"}, {"limit", 2}, {"window_s", 60}});
  auto first = f.get("/facebook/v19.0/me?access_token=" + user_tok);
  auto usage = json::parse(first.headers.value("X-App-Usage"));
  CHECK(usage.at("call_count") == 50);
  CHECK(usage.contains("total_time"));
  CHECK(usage.contains("total_cputime"));
  f.get("/facebook/v19.0/me?access_token=" + user_tok);
  auto spent = f.get("/facebook/v19.0/me?access_token=" + user_tok);
  CHECK(spent.status == 400);
  auto e = body_of(spent).at("error");
  CHECK(e.at("code") == 4);
  CHECK(e.at("is_transient") == true);
  CHECK(f.stats("facebook").at("rate_limit_violations") == 1);

  f.get("/facebook/v19.0/me?access_token=" + page_tok);
  f.get("/facebook/v19.0/me?access_token=" + page_tok);
  auto page_spent = f.get("/facebook/v19.0/me?access_token=" + page_tok);
  CHECK(body_of(page_spent).at("error").at("code") == 32);
}
