#include "networks/x_connector.hpp"
#include "tests/networks/connector_checks.hpp"
#include "tests/sim/sim_fixture.hpp"

#include <catch2/catch.hpp>

#include <set>

using namespace socialcrm;
using namespace socialcrm::networks;
using socialcrm::test::sim_fixture;

namespace {

struct x_world : sim_fixture {
  std::shared_ptr<rate_budgets> budgets = std::make_shared<rate_budgets>();
  x_connector x{{emu.network_url("x"), budgets, "", ""}};
  std::string org = add_user("x", "acme");
  std::string fan = add_user("x", "fan");
  credentials creds{token_for("x", org), "", 0, org, "acme", ""};

  outcome<poll_page> poll(feed f, std::string cursor = {},
                          std::string user_id = {},
                          std::vector<std::string> terms = {}) {
    return x.poll(creds, {f, std::move(cursor), std::move(user_id),
                          std::move(terms)});
  }
};

} // namespace

TEST_CASE("the X connector reads mentions with author and kind",
          "[x_connector][integration]") {
  x_world w;
  auto id = w.add_post("x", w.fan, "@acme my order is late", "mention", w.org);
  auto page = w.poll(feed::mentions);
  REQUIRE(page);
  REQUIRE(page.value->posts.size() == 1);
  auto& p = page.value->posts[0];
  CHECK(p.external_id == id);
  CHECK(p.kind == post_kind::mention);
  CHECK(p.from.network_user_id == w.fan);
  CHECK(p.from.handle == "fan");
  CHECK(p.text == "@acme my order is late");
  CHECK(p.created_at > 0);

  SECTION("the cursor returns only what is new") {
    auto again = w.poll(feed::mentions, page.value->cursor);
    REQUIRE(again);
    CHECK(again.value->posts.empty());
    auto second = w.add_post("x", w.fan, "@acme hello again", "mention", w.org);
    auto next = w.poll(feed::mentions, page.value->cursor);
    REQUIRE(next);
    REQUIRE(next.value->posts.size() == 1);
    CHECK(next.value->posts[0].external_id == second);
  }
}

TEST_CASE("the X connector walks a backlog page by page before moving since",
          "[x_connector][integration]") {
  x_world w;
  std::vector<std::string> ids;
  for (int i = 0; i < x_max_results + 30; ++i)
    ids.push_back(w.add_post("x", w.fan, "@acme #" + std::to_string(i),
                             "mention", w.org));
  std::set<std::string> seen;
  std::string cursor;
  int polls = 0;
  bool more = true;
  while (more && polls < 10) {
    auto page = w.poll(feed::mentions, cursor);
    REQUIRE(page);
    for (auto& p : page.value->posts)
      CHECK(seen.insert(p.external_id).second); // never twice
    cursor = page.value->cursor;
    more = page.value->more;
    ++polls;
  }
  CHECK(polls == 2);
  CHECK(seen.size() == ids.size());
  // The finished walk remembers the newest id: nothing comes back.
  auto after = w.poll(feed::mentions, cursor);
  REQUIRE(after);
  CHECK(after.value->posts.empty());
}

TEST_CASE("the X connector reads direct messages, not its own answers",
          "[x_connector][integration]") {
  x_world w;
  auto dm = w.add_post("x", w.fan, "psst", "dm", w.org);
  auto page = w.poll(feed::direct_messages);
  REQUIRE(page);
  REQUIRE(page.value->posts.size() == 1);
  CHECK(page.value->posts[0].kind == post_kind::dm);
  CHECK(page.value->posts[0].from.network_user_id == w.fan);
  auto answer = w.x.act(w.creds, {action::kind::message, "hi!", w.fan});
  REQUIRE(answer);
  auto next = w.poll(feed::direct_messages, page.value->cursor);
  REQUIRE(next);
  CHECK(next.value->posts.empty());
}

TEST_CASE("the X connector searches up to five terms OR-ed",
          "[x_connector][integration]") {
  CHECK(x_connector::search_query({"a"}) == "a");
  CHECK(x_connector::search_query({"a", "b c"}) == "(a OR \"b c\")");
  x_world w;
  auto hit = w.add_post("x", w.fan, "I love socialcrm", "post");
  w.add_post("x", w.fan, "nothing to see", "post");
  auto page = w.poll(feed::search, "", "",
                     {"socialcrm", "crm tool", "x3", "x4", "x5"});
  REQUIRE(page);
  REQUIRE(page.value->posts.size() == 1);
  CHECK(page.value->posts[0].external_id == hit);
}

TEST_CASE("the X connector reads a person's timeline and the org's posts",
          "[x_connector][integration]") {
  x_world w;
  auto theirs = w.add_post("x", w.fan, "just a thought", "post");
  auto ours = w.add_post("x", w.org, "we shipped", "post");
  auto timeline = w.poll(feed::timeline, "", w.fan);
  REQUIRE(timeline);
  REQUIRE(timeline.value->posts.size() == 1);
  CHECK(timeline.value->posts[0].external_id == theirs);
  CHECK(timeline.value->posts[0].kind == post_kind::post);
  auto own = w.poll(feed::own_posts);
  REQUIRE(own);
  REQUIRE(own.value->posts.size() == 1);
  CHECK(own.value->posts[0].external_id == ours);
}

TEST_CASE("the X connector maps X's errors to what a source must do",
          "[x_connector][integration]") {
  x_world w;
  SECTION("a revoked token needs a new link") {
    w.control("/faults", {{"network", "x"}, {"kind", "revoke_token"}, {"count", 1}});
    auto page = w.poll(feed::mentions);
    REQUIRE_FALSE(page);
    CHECK(page.error.kind == failure_kind::reauth_required);
  }
  SECTION("a 5xx is transient") {
    test::check_5xx_is_transient(w, "x", feed::mentions);
  }
  SECTION("a rate-limit storm is waited out, never sent into") {
    test::check_throttle_is_waited_out(w, "x", feed::mentions, feed::mentions);
  }
}

TEST_CASE("the X connector posts, replies, likes and retweets as the org",
          "[x_connector][integration]") {
  x_world w;
  auto theirs = w.add_post("x", w.fan, "@acme hi", "mention", w.org);
  auto posted = w.x.act(w.creds, {action::kind::post, "hello world"});
  REQUIRE(posted);
  CHECK_FALSE(posted.value->external_id.empty());
  CHECK(w.x.act(w.creds, {action::kind::reply, "thanks!", theirs}));
  CHECK(w.x.act(w.creds, {action::kind::like, "", theirs}));
  auto reposted = w.x.act(w.creds, {action::kind::repost, "", theirs});
  REQUIRE(reposted);
  // X answers a retweet with the retweeted post's id: nothing was created
  // under an id of its own.
  CHECK(reposted.value->external_id.empty());
  auto published = w.control_get("/published?network=x").at("published");
  std::set<std::string> actions;
  for (auto& e : published)
    actions.insert(e.at("action").get<std::string>());
  CHECK(actions == std::set<std::string>{"post", "reply", "like", "repost"});
  SECTION("a text over 280 characters is refused by X") {
    auto r = w.x.act(w.creds, {action::kind::post, std::string(281, 'a')});
    REQUIRE_FALSE(r);
    CHECK(r.error.kind == failure_kind::rejected);
  }
}

TEST_CASE("the X connector posts an image through the v2 chunked media "
          "upload",
          "[x_connector][integration]") {
  x_world w;
  std::string png = "\x89PNG\r\n\x1a\n";
  png.resize(300 * 1024, 'p');
  auto requests = [&] { return w.stats("x").at("requests").get<int>(); };
  auto before = requests();
  auto posted = w.x.act(w.creds, {action::kind::post, "our new shop", "", png,
                                  "image/png"});
  REQUIRE(posted);
  // initialize, one append (an image is one segment), finalize, the tweet:
  // v1.1's upload.json would have been one request before the tweet.
  CHECK(requests() - before == 4);
  auto published = w.control_get("/published?network=x").at("published");
  REQUIRE(published.size() == 1);
  CHECK(published[0].at("action") == "post");
  CHECK(published[0].at("external_id") == posted.value->external_id);
  CHECK(published[0].at("media_bytes") == test::json::array({png.size()}));
  // Only a chunked upload has a session that answers STATUS: the media the
  // tweet carries came through initialize, append and finalize.
  auto tweet = test::body_of(w.get("/x/2/tweets/" + posted.value->external_id
                                     + "?tweet.fields=attachments",
                                   w.creds.access_token));
  auto key = tweet.at("data").at("attachments").at("media_keys").at(0)
               .get<std::string>();
  REQUIRE(key.rfind("3_", 0) == 0);
  auto status = w.get("/x/2/media/upload?command=STATUS&media_id="
                        + key.substr(2),
                      w.creds.access_token);
  REQUIRE(status.status == 200);
  CHECK(test::body_of(status).at("data").at("processing_info").at("state")
        == "succeeded");

  SECTION("an image over X's 5 MB is refused at initialize, before any "
          "byte is sent") {
    auto at_start = requests();
    auto big = w.x.act(w.creds, {action::kind::post, "too big", "",
                                 std::string(5 * 1024 * 1024 + 1, 'p'),
                                 "image/png"});
    REQUIRE_FALSE(big);
    CHECK(big.error.kind == failure_kind::rejected);
    CHECK(requests() - at_start == 1);
    CHECK(w.control_get("/published?network=x").at("published").size() == 1);
  }
}
