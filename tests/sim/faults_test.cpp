#include "tests/sim/sim_fixture.hpp"

#include <chrono>
#include <map>

using namespace socialcrm::test;

namespace {

struct x_faults : sim_fixture {
  std::string org = add_user("x", "acme");
  std::string fan = add_user("x", "fan");
  std::string tok = token_for("x", org);

  void fault(const json& extra) {
    json body = {{"network", "x"}};
    body.update(extra);
    control("/faults", body);
  }
};

} // namespace

TEST_CASE("error_5xx faults answer the network's 5xx shape for the next "
          "count requests",
          "[sim][faults][integration]") {
  x_faults f;
  f.fault({{"kind", "error_5xx"}, {"count", 2}});
  auto a = f.get("/x/2/users/me", f.tok);
  CHECK(a.status == 503);
  CHECK(body_of(a).at("title") == "Service Unavailable");
  CHECK(f.get("/x/2/users/me", f.tok).status == 503);
  CHECK(f.get("/x/2/users/me", f.tok).status == 200);
  CHECK(f.stats("x").at("faults_served") == 2);

  f.control("/faults", {{"network", "facebook"}, {"kind", "error_5xx"}});
  auto fb = f.get("/facebook/v19.0/me?access_token=x");
  CHECK(fb.status == 500);
  CHECK(body_of(fb).at("error").at("is_transient") == true);
}

TEST_CASE("a rate_limit storm answers 429 whatever the budget",
          "[sim][faults][integration]") {
  x_faults f;
  f.fault({{"kind", "rate_limit"}, {"count", 1}});
  auto storm = f.get("/x/2/users/me", f.tok);
  CHECK(storm.status == 429);
  CHECK(storm.headers.value("x-rate-limit-remaining") == "0");
  CHECK(f.stats("x").at("rate_limit_violations") == 0);
  // A client that ignores the reset it was given is counted.
  CHECK(f.get("/x/2/users/me", f.tok).status == 429);
  CHECK(f.stats("x").at("rate_limit_violations") == 1);
}

TEST_CASE("a fault with duration_s lasts until the simulated clock passes it",
          "[sim][faults][integration]") {
  x_faults f;
  f.fault({{"kind", "error_5xx"}, {"duration_s", 30}});
  CHECK(f.get("/x/2/users/me", f.tok).status == 503);
  CHECK(f.get("/x/2/users/me", f.tok).status == 503);
  f.control("/clock", {{"advance_s", 31}});
  CHECK(f.get("/x/2/users/me", f.tok).status == 200);
}

TEST_CASE("slow faults delay the answer", "[sim][faults][integration]") {
  x_faults f;
  f.fault({{"kind", "slow"}, {"count", 1}, {"delay_ms", 300}});
  auto start = std::chrono::steady_clock::now();
  CHECK(f.get("/x/2/users/me", f.tok).status == 200);
  CHECK(std::chrono::steady_clock::now() - start
        >= std::chrono::milliseconds(300));
}

TEST_CASE("revoke_token makes the network answer with its own revoked-token "
          "error",
          "[sim][faults][integration]") {
  x_faults f;
  auto owner = f.add_user("facebook", "owner");
  auto fb_tok = f.token_for("facebook", owner);
  auto revoked = f.control("/faults", {{"network", "x"},
                                       {"kind", "revoke_token"},
                                       {"user_id", f.org}});
  CHECK(revoked.at("revoked") == 1);
  CHECK(f.get("/x/2/users/me", f.tok).status == 401);

  f.control("/faults", {{"network", "facebook"}, {"kind", "revoke_token"}});
  auto e = body_of(f.get("/facebook/v19.0/me?access_token=" + fb_tok))
             .at("error");
  CHECK(e.at("code") == 190);
  CHECK(e.at("error_subcode") == 460);
}

TEST_CASE("duplicate faults repeat the previous page's last item on the next "
          "page",
          "[sim][faults][integration]") {
  x_faults f;
  for (int i = 0; i < 10; ++i)
    f.add_post("x", f.fan, "@acme " + std::to_string(i), "mention", f.org);
  auto path = "/x/2/users/" + f.org + "/mentions?max_results=5";
  auto first = body_of(f.get(path, f.tok));
  f.fault({{"kind", "duplicate"}, {"count", 1}});
  auto second = body_of(f.get(path + "&pagination_token="
                                + first.at("meta")
                                    .at("next_token")
                                    .get<std::string>(),
                              f.tok));
  REQUIRE(second.at("data").size() == 6);
  CHECK(second.at("data")[0].at("id") == first.at("data")[4].at("id"));
}

TEST_CASE("out_of_order faults serve a page in the wrong order",
          "[sim][faults][integration]") {
  x_faults f;
  std::vector<std::string> ids;
  for (int i = 0; i < 3; ++i)
    ids.push_back(
      f.add_post("x", f.fan, "@acme " + std::to_string(i), "mention", f.org));
  f.fault({{"kind", "out_of_order"}, {"count", 1}});
  auto page = body_of(f.get("/x/2/users/" + f.org + "/mentions", f.tok));
  CHECK(page.at("data")[0].at("id") == ids[0]);
  CHECK(page.at("meta").at("newest_id") == ids[2]);
  auto normal = body_of(f.get("/x/2/users/" + f.org + "/mentions", f.tok));
  CHECK(normal.at("data")[0].at("id") == ids[2]);
}

TEST_CASE("out_of_order faults move an item of the next page onto this one",
          "[sim][faults][integration]") {
  x_faults f;
  std::vector<std::string> ids;
  for (int i = 0; i < 6; ++i)
    ids.push_back(
      f.add_post("x", f.fan, "@acme " + std::to_string(i), "mention", f.org));
  f.fault({{"kind", "out_of_order"}, {"count", 1}});
  // Newest first, 5 a page: ids[5..1] belong on page one, ids[0] on page two.
  auto first = body_of(f.get("/x/2/users/" + f.org
                               + "/mentions?max_results=5", f.tok));
  REQUIRE(first.at("data").size() == 6);
  CHECK(first.at("data")[0].at("id") == ids[0]); // early, and first
  auto token = first.at("meta").at("next_token").get<std::string>();
  auto second = body_of(f.get("/x/2/users/" + f.org
                                + "/mentions?max_results=5&pagination_token="
                                + token,
                              f.tok));
  REQUIRE(second.at("data").size() == 1);
  CHECK(second.at("data")[0].at("id") == ids[0]); // and again where it belongs
}

TEST_CASE("the fault API refuses unknown kinds", "[sim][faults][integration]") {
  x_faults f;
  auto r = f.post_json("/_sim/faults", {{"network", "x"}, {"kind", "meteor"}});
  CHECK(r.status == 400);
}

namespace {

/// One JSON type name per value: what the garbage's wrong_types variant
/// must change.
std::map<std::string, std::string> member_types(const json& j) {
  std::map<std::string, std::string> out;
  if (j.is_object())
    for (auto& [k, v] : j.items())
      out[k] = v.type_name();
  else if (j.is_array())
    for (std::size_t i = 0; i < j.size(); ++i)
      out[std::to_string(i)] = j[i].type_name();
  return out;
}

} // namespace

TEST_CASE("garbage faults answer 200 with a malformed body of the network's "
          "own answer, each variant in turn, on every network",
          "[sim][faults][integration]") {
  x_faults f;
  auto fb_owner = f.add_user("facebook", "fbowner");
  auto gp_user = f.add_user("googleplus", "gpuser");
  auto bs_user = f.add_user("bluesky", "bsuser");
  auto fb_tok = f.token_for("facebook", fb_owner);
  auto gp_tok = f.token_for("googleplus", gp_user);
  struct probe {
    std::string net;
    std::string path;
    std::string bearer;
  };
  for (const auto& p :
       {probe{"x", "/x/2/users/me", f.tok},
        probe{"facebook", "/facebook/v19.0/me?access_token=" + fb_tok, ""},
        probe{"googleplus", "/googleplus/plus/v1/people/" + gp_user, gp_tok},
        probe{"mastodon", "/mastodon/api/v1/instance", ""},
        probe{"bluesky",
              "/bluesky/xrpc/app.bsky.actor.getProfile?actor=" + bs_user,
              ""}}) {
    INFO(p.net << " " << p.path);
    auto real = f.get(p.path, p.bearer);
    REQUIRE(real.status == 200);
    auto real_json = body_of(real);
    auto served = f.stats(p.net).at("faults_served").get<long>();
    f.control("/faults", {{"network", p.net}, {"kind", "garbage"},
                          {"count", 4}});

    auto truncated = f.get(p.path, p.bearer);
    CHECK(truncated.status == 200);
    CHECK(json::parse(truncated.body, nullptr, false).is_discarded());
    CHECK(real.body.rfind(truncated.body, 0) == 0); // a prefix of the real one
    CHECK(truncated.body.size() < real.body.size());

    auto retyped = f.get(p.path, p.bearer);
    CHECK(retyped.status == 200);
    auto retyped_json = json::parse(retyped.body, nullptr, false);
    REQUIRE_FALSE(retyped_json.is_discarded());
    CHECK(retyped_json.type() == real_json.type());
    auto before = member_types(real_json);
    auto after = member_types(retyped_json);
    REQUIRE(after.size() == before.size());
    for (auto& [k, type] : before)
      CHECK(after[k] != type);

    auto reshaped = f.get(p.path, p.bearer);
    CHECK(reshaped.status == 200);
    auto reshaped_json = json::parse(reshaped.body, nullptr, false);
    REQUIRE_FALSE(reshaped_json.is_discarded());
    CHECK(reshaped_json.is_array() == real_json.is_object());

    auto html = f.get(p.path, p.bearer);
    CHECK(html.status == 200);
    CHECK(html.headers.value("Content-Type").rfind("text/html", 0) == 0);
    CHECK(html.body.find("<html>") != std::string::npos);

    // Four answers, then the network is itself again.
    auto after_fault = f.get(p.path, p.bearer);
    CHECK(after_fault.status == 200);
    CHECK(body_of(after_fault).type() == real_json.type());
    CHECK(f.stats(p.net).at("faults_served").get<long>() == served + 4);
  }
}
