#include "networks/bluesky_connector.hpp"
#include "tests/networks/connector_checks.hpp"
#include "tests/sim/sim_fixture.hpp"

#include <catch2/catch.hpp>

#include <set>

using namespace socialcrm;
using namespace socialcrm::networks;
using socialcrm::test::sim_fixture;

namespace {

struct bluesky_world : sim_fixture {
  std::shared_ptr<rate_budgets> budgets = std::make_shared<rate_budgets>();
  bluesky_connector bs{{emu.network_url("bluesky"), budgets, "", ""}};
  std::string org = add_user("bluesky", "acme", "app-pass-1");
  std::string fan = add_user("bluesky", "fan");
  credentials creds{token_for("bluesky", org), "", 0, org, "acme.bsky.social",
                    ""};

  outcome<poll_page> poll(feed f, std::string cursor = {},
                          std::string user_id = {},
                          std::vector<std::string> terms = {}) {
    return bs.poll(creds, {f, std::move(cursor), std::move(user_id),
                           std::move(terms)});
  }

  /// A session as linking creates it: accessJwt and rotating refreshJwt.
  void sign_in() {
    auto r = post_json("/bluesky/xrpc/com.atproto.server.createSession",
                       {{"identifier", "acme.bsky.social"},
                        {"password", "app-pass-1"}});
    REQUIRE(r.status == 200);
    auto s = test::body_of(r);
    creds.access_token = s.at("accessJwt");
    creds.refresh_token = s.at("refreshJwt");
    creds.expires_at = bluesky_connector::jwt_expiry(creds.access_token);
  }
};

std::set<std::string> ids_of(const std::vector<post>& posts) {
  std::set<std::string> out;
  for (auto& p : posts)
    out.insert(p.external_id);
  return out;
}

} // namespace

TEST_CASE("the Bluesky connector reads mentions and replies from "
          "notifications",
          "[bluesky_connector][integration]") {
  bluesky_world w;
  auto ours = w.bs.act(w.creds, {action::kind::post, "launch day"});
  REQUIRE(ours);
  auto mention = w.add_post("bluesky", w.fan, "@acme hello", "mention", w.org);
  auto reply = w.add_post("bluesky", w.fan, "congrats", "reply", "",
                          ours.value->external_id);
  auto page = w.poll(feed::mentions);
  REQUIRE(page);
  REQUIRE(page.value->posts.size() == 2);
  auto& m = page.value->posts[0];
  CHECK(m.net == network::bluesky);
  CHECK(m.external_id == mention);
  CHECK(m.kind == post_kind::mention);
  CHECK(m.from.network_user_id == w.fan);
  CHECK(m.from.handle == "fan.bsky.social");
  CHECK(m.from.name == "fan Inc");
  CHECK(m.text == "@acme.bsky.social hello");
  CHECK(m.created_at > 0);
  auto& r = page.value->posts[1];
  CHECK(r.external_id == reply);
  CHECK(r.kind == post_kind::reply);
  CHECK(r.in_reply_to == ours.value->external_id);

  SECTION("the cursor returns only what is new, even within one second") {
    auto again = w.poll(feed::mentions, page.value->cursor);
    REQUIRE(again);
    CHECK(again.value->posts.empty());
    auto later = w.add_post("bluesky", w.fan, "@acme there?", "mention",
                            w.org);
    auto next = w.poll(feed::mentions, again.value->cursor);
    REQUIRE(next);
    REQUIRE(next.value->posts.size() == 1);
    CHECK(next.value->posts[0].external_id == later);
  }
  SECTION("Bluesky has no direct messages here") {
    auto dm = w.poll(feed::direct_messages);
    REQUIRE_FALSE(dm);
    CHECK(dm.error.kind == failure_kind::rejected);
    auto send = w.bs.act(w.creds, {action::kind::message, "hi", w.fan});
    REQUIRE_FALSE(send);
    CHECK(send.error.kind == failure_kind::rejected);
  }
}

TEST_CASE("the Bluesky connector walks a backlog over several polls without "
          "doubles or gaps",
          "[bluesky_connector][integration]") {
  bluesky_world w;
  std::set<std::string> ids;
  int total = bluesky_page_size * bluesky_max_pages + 20;
  for (int i = 0; i < total; ++i)
    ids.insert(w.add_post("bluesky", w.fan, "@acme #" + std::to_string(i),
                          "mention", w.org));
  w.control("/faults",
            {{"network", "bluesky"}, {"kind", "duplicate"}, {"count", 3}});
  w.control("/faults",
            {{"network", "bluesky"}, {"kind", "out_of_order"}, {"count", 3}});
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

TEST_CASE("the Bluesky connector reads own posts, author feeds and search",
          "[bluesky_connector][integration]") {
  bluesky_world w;
  auto ours = w.add_post("bluesky", w.org, "we shipped", "post");
  auto theirs = w.add_post("bluesky", w.fan, "just a thought", "post");
  auto answer = w.add_post("bluesky", w.fan, "nice one", "reply", "", ours);
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
  CHECK(timeline.value->posts[1].external_id == answer);
  CHECK(timeline.value->posts[1].kind == post_kind::reply);
  auto later = w.add_post("bluesky", w.fan, "another thought", "post");
  auto next = w.poll(feed::timeline, timeline.value->cursor, w.fan);
  REQUIRE(next);
  REQUIRE(next.value->posts.size() == 1);
  CHECK(next.value->posts[0].external_id == later);

  std::vector<std::string> terms{"socialcrm", "crm tool", "x3", "x4", "x5"};
  auto hit1 = w.add_post("bluesky", w.fan, "I love socialcrm", "post");
  auto hit2 = w.add_post("bluesky", w.fan, "a crm tool by socialcrm", "post");
  w.add_post("bluesky", w.fan, "nothing to see", "post");
  auto search = w.poll(feed::search, "", "", terms);
  REQUIRE(search);
  CHECK(ids_of(search.value->posts) == std::set<std::string>{hit1, hit2});
  auto hit3 = w.add_post("bluesky", w.fan, "x5 arrives", "post");
  auto more = w.poll(feed::search, search.value->cursor, "", terms);
  REQUIRE(more);
  REQUIRE(more.value->posts.size() == 1);
  CHECK(more.value->posts[0].external_id == hit3);
}

TEST_CASE("the Bluesky connector refreshes sessions with rotating refresh "
          "tokens",
          "[bluesky_connector][integration]") {
  bluesky_world w;
  w.sign_in();
  CHECK(w.creds.expires_at > now_ms());
  REQUIRE(w.poll(feed::mentions));
  auto renewed = w.bs.refresh(w.creds);
  REQUIRE(renewed);
  CHECK(renewed.value->access_token != w.creds.access_token);
  CHECK(renewed.value->refresh_token != w.creds.refresh_token);
  CHECK(renewed.value->expires_at > now_ms());
  CHECK(renewed.value->account_user_id == w.org);
  // A used refresh token works again only for the PDS's grace period (an
  // answer lost on the way), with the same next refresh token; after it,
  // asking with it needs a new sign-in.
  auto retried = w.bs.refresh(w.creds);
  REQUIRE(retried);
  CHECK(retried.value->refresh_token == renewed.value->refresh_token);
  w.control("/clock", {{"advance_s", 2 * 3600 + 1}});
  auto reused = w.bs.refresh(w.creds);
  REQUIRE_FALSE(reused);
  CHECK(reused.error.kind == failure_kind::reauth_required);
  auto next = w.bs.refresh(*renewed.value);
  REQUIRE(next);
  w.creds = *next.value;
  CHECK(w.poll(feed::mentions));
}

TEST_CASE("the Bluesky connector maps XRPC errors to what a source must do",
          "[bluesky_connector][integration]") {
  bluesky_world w;
  SECTION("a revoked token needs new tokens") {
    test::check_revoked_token_needs_relink(w, "bluesky", w.org, feed::mentions);
  }
  SECTION("an unknown token needs new tokens") {
    w.creds.access_token = "not-a-jwt";
    auto page = w.poll(feed::own_posts);
    REQUIRE_FALSE(page);
    CHECK(page.error.kind == failure_kind::reauth_required);
  }
  SECTION("a 5xx is transient") {
    test::check_5xx_is_transient(w, "bluesky", feed::mentions);
  }
  SECTION("a rate-limit storm is waited out, never sent into") {
    test::check_throttle_is_waited_out(w, "bluesky", feed::mentions, feed::own_posts);
  }
}

TEST_CASE("the Bluesky connector posts, replies, likes and reposts",
          "[bluesky_connector][integration]") {
  bluesky_world w;
  auto root = w.add_post("bluesky", w.fan, "a thread", "post");
  auto theirs = w.add_post("bluesky", w.fan, "@acme hi", "reply", "", root);
  auto posted = w.bs.act(w.creds, {action::kind::post, "hello sky"});
  REQUIRE(posted);
  CHECK(posted.value->external_id.rfind("at://" + w.org + "/", 0) == 0);
  auto replied = w.bs.act(w.creds, {action::kind::reply, "thanks!", theirs});
  REQUIRE(replied);
  CHECK(w.bs.act(w.creds, {action::kind::like, "", theirs}));
  CHECK(w.bs.act(w.creds, {action::kind::repost, "", theirs}));
  auto image = w.bs.act(w.creds, {action::kind::post, "look", "",
                                  std::string(1000, 'j'), "image/jpeg"});
  REQUIRE(image);
  auto published = w.control_get("/published?network=bluesky").at("published");
  std::multiset<std::string> actions;
  for (auto& e : published)
    actions.insert(e.at("action").get<std::string>());
  CHECK(actions == std::multiset<std::string>{"post", "reply", "like",
                                              "repost", "media", "post"});
  for (auto& e : published)
    if (e.at("action") == "reply")
      CHECK(e.at("target_id") == theirs);
  // The reply names the thread's root as well as its parent.
  auto feed = w.poll(feed::own_posts);
  REQUIRE(feed);
  bool found = false;
  for (auto& p : feed.value->posts)
    if (p.external_id == replied.value->external_id) {
      found = true;
      CHECK(p.in_reply_to == theirs);
    }
  CHECK(found);
  SECTION("a post getPosts does not know cannot be answered") {
    auto gone = w.bs.act(w.creds, {action::kind::like, "",
                                   "at://" + w.fan
                                     + "/app.bsky.feed.post/3kzzzzzzzzzzz"});
    REQUIRE_FALSE(gone);
    CHECK(gone.error.kind == failure_kind::rejected);
  }
  SECTION("an image up to the lexicon's 2,000,000 bytes is posted") {
    CHECK(bluesky_max_image_bytes == 2000000);
    CHECK(w.bs.act(w.creds, {action::kind::post, "large", "",
                             std::string(bluesky_max_image_bytes, 'j'),
                             "image/jpeg"}));
  }
  SECTION("an image over Bluesky's limit is refused before upload") {
    auto big = w.bs.act(w.creds, {action::kind::post, "big", "",
                                  std::string(bluesky_max_image_bytes + 1, 'j'),
                                  "image/jpeg"});
    REQUIRE_FALSE(big);
    CHECK(big.error.kind == failure_kind::rejected);
  }
}
