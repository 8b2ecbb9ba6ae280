#include "tests/sim/sim_fixture.hpp"

using namespace socialcrm::test;

TEST_CASE("the control API creates users, pages, tokens and posts that the "
          "network APIs then show",
          "[sim][control][integration]") {
  sim_fixture f;
  auto org = f.add_user("x", "acme");
  auto tok = f.token_for("x", org);
  auto me = body_of(f.get("/x/2/users/me", tok));
  CHECK(me.at("data").at("id") == org);
  CHECK(me.at("data").at("username") == "acme");

  auto fan = f.add_user("x", "fan");
  auto id = f.add_post("x", fan, "@acme hello", "mention", org);
  auto tweet = body_of(f.get("/x/2/tweets/" + id, tok));
  CHECK(tweet.at("data").at("text") == "@acme hello");

  auto fb_owner = f.add_user("facebook", "owner");
  auto page = f.control("/pages", {{"network", "facebook"},
                                   {"owner_id", fb_owner},
                                   {"name", "Acme Page"}})
                .at("page_id")
                .get<std::string>();
  auto page_token = f.token_for("facebook", fb_owner, page);
  auto node = body_of(f.get("/facebook/v19.0/me?access_token=" + page_token));
  CHECK(node.at("id") == page);
  CHECK(node.at("name") == "Acme Page");
}

TEST_CASE("the control API refuses bad requests with its error shape",
          "[sim][control][integration]") {
  sim_fixture f;
  SECTION("unknown network") {
    auto r = f.post_json("/_sim/users", {{"network", "myspace"},
                                         {"handle", "a"}});
    CHECK(r.status == 400);
    CHECK(body_of(r).at("error").at("code") == "unknown_network");
  }
  SECTION("body that is not JSON") {
    socialcrm::http::header_list h;
    h.set("Content-Type", "application/json");
    auto r = f.send("POST", "/_sim/posts", h, "{nope");
    CHECK(r.status == 400);
    CHECK(body_of(r).at("error").at("code") == "bad_json");
  }
  SECTION("pages on a network without pages") {
    auto u = f.add_user("x", "acme");
    auto r = f.post_json("/_sim/pages", {{"network", "x"},
                                         {"owner_id", u},
                                         {"name", "P"}});
    CHECK(r.status == 400);
    CHECK(body_of(r).at("error").at("code") == "no_pages");
  }
  SECTION("a reply to an item that does not exist") {
    auto u = f.add_user("x", "acme");
    auto r = f.post_json("/_sim/posts", {{"network", "x"},
                                         {"author_id", u},
                                         {"text", "hi"},
                                         {"kind", "reply"},
                                         {"in_reply_to", "123"}});
    CHECK(r.status == 404);
  }
  SECTION("a kind the network does not have") {
    auto u = f.add_user("x", "acme");
    auto r = f.post_json("/_sim/posts", {{"network", "x"},
                                         {"author_id", u},
                                         {"text", "hi"},
                                         {"kind", "comment"}});
    CHECK(r.status == 400);
    CHECK(body_of(r).at("error").at("code") == "unsupported_kind");
  }
  SECTION("an unknown control endpoint") {
    CHECK(f.get("/_sim/nothing").status == 404);
  }
  SECTION("a duplicate handle") {
    f.add_user("x", "acme");
    auto r = f.post_json("/_sim/users", {{"network", "x"}, {"handle", "acme"}});
    CHECK(r.status == 409);
  }
}

TEST_CASE("every network has a seeded synthetic population that is the "
          "same for the same seed",
          "[sim][control][integration]") {
  sim_fixture a;
  sim_fixture b;
  auto ua = a.control_get("/users?network=x").at("users");
  auto ub = b.control_get("/users?network=x").at("users");
  CHECK(ua.size() == 20);
  CHECK(ua == ub);
}

TEST_CASE("GET /_sim/published lists what the app did on each network",
          "[sim][control][integration]") {
  sim_fixture f;
  auto org = f.add_user("x", "acme");
  auto tok = f.token_for("x", org);
  auto fan = f.add_user("x", "fan");
  auto mention = f.add_post("x", fan, "@acme hi", "mention", org);
  REQUIRE(f.post_json("/x/2/tweets", {{"text", "hello world"}}, tok).status
          == 201);
  REQUIRE(f.post_json("/x/2/tweets",
                      {{"text", "thanks!"},
                       {"reply", {{"in_reply_to_tweet_id", mention}}}},
                      tok)
            .status
          == 201);
  REQUIRE(f.post_json("/x/2/users/" + org + "/likes", {{"tweet_id", mention}},
                      tok)
            .status
          == 200);
  auto pub = f.control_get("/published?network=x").at("published");
  REQUIRE(pub.size() == 3);
  CHECK(pub[0].at("action") == "post");
  CHECK(pub[1].at("action") == "reply");
  CHECK(pub[1].at("target_id") == mention);
  CHECK(pub[2].at("action") == "like");
  CHECK(f.control_get("/published?network=facebook").at("published").empty());
}

TEST_CASE("GET /_sim/stats counts requests and items per network",
          "[sim][control][integration]") {
  sim_fixture f;
  auto org = f.add_user("x", "acme");
  auto tok = f.token_for("x", org);
  f.add_post("x", org, "one", "post");
  f.add_post("x", org, "two", "post");
  f.get("/x/2/users/me", tok);
  f.get("/x/2/users/me", "bad-token");
  auto s = f.stats("x");
  CHECK(s.at("requests") == 2);
  CHECK(s.at("items") == 2);
  CHECK(s.at("by_status").at("200") == 1);
  CHECK(s.at("by_status").at("401") == 1);
  CHECK(s.at("rate_limit_violations") == 0);
  CHECK(f.stats("facebook").at("requests") == 0);
}
