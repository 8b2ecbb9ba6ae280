#include "tests/sim/sim_fixture.hpp"

using namespace socialcrm::test;

TEST_CASE("POST /_sim/traffic with a count generates mentions, messages and "
          "posts addressed to the org accounts",
          "[sim][traffic][integration]") {
  sim_fixture f;
  auto org = f.add_user("x", "acme");
  auto tok = f.token_for("x", org);
  auto made = f.control("/traffic", {{"count", 200},
                                     {"mention_ratio", 0.5},
                                     {"dm_ratio", 0.2}});
  CHECK(made.at("generated") == 200);
  auto mentions = body_of(f.get("/x/2/users/" + org
                                  + "/mentions?max_results=100",
                                tok));
  CHECK(mentions.at("meta").at("result_count").get<int>() > 0);
  auto dms = body_of(f.get("/x/2/dm_events", tok));
  CHECK(dms.at("meta").at("result_count").get<int>() > 0);
  auto s = f.control_get("/stats");
  CHECK(s.at("traffic_generated") == 200);
  std::size_t items = 0;
  for (auto& [net, st] : s.at("networks").items())
    items += st.at("items").get<std::size_t>();
  CHECK(items == 200);
}

TEST_CASE("the same seed and the same calls generate the same traffic",
          "[sim][traffic][integration]") {
  auto run = [] {
    sim_fixture f;
    auto org = f.add_user("x", "acme");
    auto tok = f.token_for("x", org);
    f.control("/traffic", {{"count", 60}, {"mention_ratio", 1.0},
                           {"dm_ratio", 0.0}});
    auto page = body_of(f.get("/x/2/users/" + org
                                + "/mentions?max_results=100&tweet.fields="
                                  "author_id",
                              tok));
    page.at("meta").erase("next_token");
    return page;
  };
  CHECK(run() == run());
}

TEST_CASE("traffic settings outside their range are refused",
          "[sim][traffic][integration]") {
  sim_fixture f;
  CHECK(f.post_json("/_sim/traffic", {{"mention_ratio", 2}}).status == 400);
  CHECK(f.post_json("/_sim/traffic", {{"count", -1}}).status == 400);
  CHECK(f.post_json("/_sim/traffic", {{"rate", "fast"}}).status == 400);
}
