#include "networks/mastodon_connector.hpp"
#include "tests/networks/connector_checks.hpp"
#include "tests/sim/sim_fixture.hpp"

#include <catch2/catch.hpp>

#include <set>

using namespace socialcrm;
using namespace socialcrm::networks;
using socialcrm::test::sim_fixture;

namespace {

struct mastodon_world : sim_fixture {
  std::shared_ptr<rate_budgets> budgets = std::make_shared<rate_budgets>();
  mastodon_connector m{{emu.network_url("mastodon"), budgets, "", ""}};
  std::string org = add_user("mastodon", "acme");
  std::string fan = add_user("mastodon", "fan");
  credentials creds{token_for("mastodon", org), "", 0, org, "acme", ""};

  outcome<poll_page> poll(feed f, std::string cursor = {},
                          std::string user_id = {},
                          std::vector<std::string> terms = {}) {
    return m.poll(creds, {f, std::move(cursor), std::move(user_id),
                          std::move(terms)});
  }
};

std::set<std::string> ids_of(const std::vector<post>& posts) {
  std::set<std::string> out;
  for (auto& p : posts)
    out.insert(p.external_id);
  return out;
}

} // namespace

TEST_CASE("the Mastodon connector reads mentions, replies and direct "
          "messages from notifications, once each",
          "[mastodon_connector][integration]") {
  mastodon_world w;
  auto ours = w.add_post("mastodon", w.org, "we launched", "post");
  auto mention = w.add_post("mastodon", w.fan, "@acme hello & welcome",
                            "mention", w.org);
  auto reply = w.add_post("mastodon", w.fan, "congrats", "reply", "", ours);
  auto dm = w.add_post("mastodon", w.fan, "a private question", "dm", w.org);
  auto page = w.poll(feed::mentions);
  REQUIRE(page);
  REQUIRE(page.value->posts.size() == 3);
  auto& posts = page.value->posts;
  CHECK(posts[0].external_id == mention);
  CHECK(posts[0].kind == post_kind::mention);
  CHECK(posts[0].from.network_user_id == w.fan);
  CHECK(posts[0].from.handle == "fan");
  CHECK(posts[0].from.name == "fan Inc");
  CHECK(posts[0].text == "@acme hello & welcome");
  CHECK(posts[0].created_at > 0);
  CHECK(posts[1].external_id == reply);
  CHECK(posts[1].kind == post_kind::reply);
  CHECK(posts[1].in_reply_to == ours);
  CHECK(posts[2].external_id == dm);
  CHECK(posts[2].kind == post_kind::dm);
  // One source of DMs: the DM feed is not polled.
  auto feeds = w.m.account_feeds();
  CHECK(std::find(feeds.begin(), feeds.end(), feed::direct_messages)
        == feeds.end());

  SECTION("the cursor returns only what is new") {
    auto again = w.poll(feed::mentions, page.value->cursor);
    REQUIRE(again);
    CHECK(again.value->posts.empty());
    auto later = w.add_post("mastodon", w.fan, "@acme still there?",
                            "mention", w.org);
    auto next = w.poll(feed::mentions, again.value->cursor);
    REQUIRE(next);
    REQUIRE(next.value->posts.size() == 1);
    CHECK(next.value->posts[0].external_id == later);
  }
}

TEST_CASE("the Mastodon connector reads a backlog forward, page by page, "
          "without doubles or gaps",
          "[mastodon_connector][integration]") {
  mastodon_world w;
  std::set<std::string> ids;
  for (int i = 0; i < mastodon_notifications_page + 30; ++i)
    ids.insert(w.add_post("mastodon", w.fan, "@acme #" + std::to_string(i),
                          "mention", w.org));
  w.control("/faults",
            {{"network", "mastodon"}, {"kind", "duplicate"}, {"count", 2}});
  w.control("/faults",
            {{"network", "mastodon"}, {"kind", "out_of_order"}, {"count", 2}});
  std::string cursor;
  int polls = 0;
  auto all = test::walk_backlog(w, feed::mentions, cursor, polls);
  CHECK(polls == 2);
  CHECK(all.size() == ids.size());
  CHECK(ids_of(all) == ids);
  auto after = w.poll(feed::mentions, cursor);
  REQUIRE(after);
  CHECK(after.value->posts.empty());
}

TEST_CASE("the Mastodon connector reads own statuses, timelines and search",
          "[mastodon_connector][integration]") {
  mastodon_world w;
  auto ours = w.add_post("mastodon", w.org, "we shipped", "post");
  auto theirs = w.add_post("mastodon", w.fan, "just a thought", "post");
  auto naming = w.add_post("mastodon", w.fan, "@acme what do you think",
                           "mention", w.org);
  auto own = w.poll(feed::own_posts);
  REQUIRE(own);
  REQUIRE(own.value->posts.size() == 1);
  CHECK(own.value->posts[0].external_id == ours);
  CHECK(own.value->posts[0].kind == post_kind::post);

  auto timeline = w.poll(feed::timeline, "", w.fan);
  REQUIRE(timeline);
  REQUIRE(timeline.value->posts.size() == 2);
  CHECK(timeline.value->posts[0].external_id == theirs);
  CHECK(timeline.value->posts[0].kind == post_kind::post);
  CHECK(timeline.value->posts[1].external_id == naming);
  CHECK(timeline.value->posts[1].kind == post_kind::mention);
  auto later = w.add_post("mastodon", w.fan, "another thought", "post");
  auto next = w.poll(feed::timeline, timeline.value->cursor, w.fan);
  REQUIRE(next);
  REQUIRE(next.value->posts.size() == 1);
  CHECK(next.value->posts[0].external_id == later);

  // Terms are OR-ed; a status found by two terms comes once.
  auto hit1 = w.add_post("mastodon", w.fan, "I love socialcrm", "post");
  auto hit2 = w.add_post("mastodon", w.fan, "a crm tool for socialcrm fans",
                         "post");
  w.add_post("mastodon", w.fan, "nothing to see", "post");
  auto search = w.poll(feed::search, "", "",
                       {"socialcrm", "crm tool", "x3", "x4", "x5"});
  REQUIRE(search);
  CHECK(search.value->posts.size() == 2);
  CHECK(ids_of(search.value->posts) == std::set<std::string>{hit1, hit2});
  auto hit3 = w.add_post("mastodon", w.fan, "x4 is here", "post");
  auto more = w.poll(feed::search, search.value->cursor, "",
                     {"socialcrm", "crm tool", "x3", "x4", "x5"});
  REQUIRE(more);
  REQUIRE(more.value->posts.size() == 1);
  CHECK(more.value->posts[0].external_id == hit3);
  CHECK(mastodon_connector::search_query("crm tool") == "\"crm tool\"");
}

TEST_CASE("the Mastodon connector maps Mastodon's errors to what a source "
          "must do",
          "[mastodon_connector][integration]") {
  mastodon_world w;
  SECTION("a revoked token needs a new link") {
    test::check_revoked_token_needs_relink(w, "mastodon", w.org, feed::mentions);
    auto r = w.m.refresh(w.creds);
    REQUIRE_FALSE(r);
    CHECK(r.error.kind == failure_kind::reauth_required);
  }
  SECTION("a 5xx is transient") {
    test::check_5xx_is_transient(w, "mastodon", feed::mentions);
  }
  SECTION("a rate-limit storm is waited out, never sent into") {
    test::check_throttle_is_waited_out(w, "mastodon", feed::mentions, feed::own_posts);
  }
  SECTION("a small window is spread out and never overrun") {
    w.control("/limits", {{"network", "mastodon"}, {"limit", 6},
                          {"window_s", 60}});
    int sent = 0;
    for (int i = 0; i < 12; ++i)
      sent += w.poll(feed::mentions) ? 1 : 0;
    CHECK(sent >= 3);
    CHECK(sent <= 6);
    auto stats = w.stats("mastodon");
    CHECK(stats.at("throttled").get<long>() == 0);
    CHECK(stats.at("rate_limit_violations").get<long>() == 0);
  }
}

TEST_CASE("the Mastodon connector posts, replies, favourites, boosts and "
          "writes direct messages",
          "[mastodon_connector][integration]") {
  mastodon_world w;
  auto theirs = w.add_post("mastodon", w.fan, "@acme hi", "mention", w.org);
  action post{action::kind::post, "hello fediverse"};
  post.idempotency_key = "compose-1";
  auto posted = w.m.act(w.creds, post);
  REQUIRE(posted);
  // A retry with the same key creates nothing new.
  auto retried = w.m.act(w.creds, post);
  REQUIRE(retried);
  CHECK(retried.value->external_id == posted.value->external_id);
  CHECK(w.m.act(w.creds, {action::kind::reply, "thanks!", theirs}));
  CHECK(w.m.act(w.creds, {action::kind::like, "", theirs}));
  CHECK(w.m.act(w.creds, {action::kind::repost, "", theirs}));
  auto dm = w.m.act(w.creds, {action::kind::message, "let's talk", w.fan});
  REQUIRE(dm);
  auto image = w.m.act(w.creds, {action::kind::post, "look", "",
                                 std::string(1000, 'p'), "image/png"});
  REQUIRE(image);
  auto published = w.control_get("/published?network=mastodon").at("published");
  std::multiset<std::string> actions;
  for (auto& e : published)
    actions.insert(e.at("action").get<std::string>());
  CHECK(actions == std::multiset<std::string>{"post", "reply", "like",
                                              "repost", "message", "media",
                                              "post"});
  for (auto& e : published)
    if (e.at("action") == "message") {
      CHECK(e.at("target_id") == w.fan);
      CHECK(e.at("text") == "@fan let's talk");
    }
  SECTION("a text over 500 characters is refused by Mastodon") {
    auto r = w.m.act(w.creds, {action::kind::post, std::string(501, 'a')});
    REQUIRE_FALSE(r);
    CHECK(r.error.kind == failure_kind::rejected);
  }
}
