#include "networks/facebook_connector.hpp"
#include "tests/networks/connector_checks.hpp"
#include "tests/sim/sim_fixture.hpp"

#include <catch2/catch.hpp>

#include <set>

using namespace socialcrm;
using namespace socialcrm::networks;
using socialcrm::test::sim_fixture;

namespace {

struct facebook_world : sim_fixture {
  std::shared_ptr<rate_budgets> budgets = std::make_shared<rate_budgets>();
  facebook_connector fb{{emu.network_url("facebook"), budgets, "", ""}};
  std::string owner = add_user("facebook", "acme_admin");
  std::string fan = add_user("facebook", "fan");
  std::string page = control("/pages", {{"network", "facebook"},
                                        {"owner_id", owner},
                                        {"name", "Acme"}})
                       .at("page_id");
  credentials creds{token_for("facebook", owner, page), "", 0, owner, "acme",
                    page};

  outcome<poll_page> poll(feed f, std::string cursor = {}) {
    return fb.poll(creds, {f, std::move(cursor), {}, {}});
  }

  /// Polls until the network says nothing more waits; every post once.
  std::vector<post> drain(feed f, std::string& cursor, int* polls = nullptr) {
    std::vector<post> all;
    bool more = true;
    int n = 0;
    while (more && n < 20) {
      auto page_ = poll(f, cursor);
      REQUIRE(page_);
      for (auto& p : page_.value->posts)
        all.push_back(p);
      cursor = page_.value->cursor;
      more = page_.value->more;
      ++n;
    }
    if (polls)
      *polls = n;
    return all;
  }
};

std::set<std::string> ids_of(const std::vector<post>& posts) {
  std::set<std::string> out;
  for (auto& p : posts)
    out.insert(p.external_id);
  return out;
}

} // namespace

TEST_CASE("the Facebook connector reads posts tagging the page as mentions",
          "[facebook_connector][integration]") {
  facebook_world w;
  auto id = w.add_post("facebook", w.fan, "@Acme my order is late", "mention",
                       w.page);
  auto first = w.poll(feed::mentions);
  REQUIRE(first);
  REQUIRE(first.value->posts.size() == 1);
  auto& p = first.value->posts[0];
  CHECK(p.net == network::facebook);
  CHECK(p.external_id == id);
  CHECK(p.kind == post_kind::mention);
  CHECK(p.from.network_user_id == w.fan);
  CHECK(p.from.name == "fan Inc");
  CHECK(p.text == "@Acme my order is late");
  CHECK(p.created_at > 0);

  SECTION("the cursor returns only what is new, even within one second") {
    auto again = w.poll(feed::mentions, first.value->cursor);
    REQUIRE(again);
    CHECK(again.value->posts.empty());
    auto second = w.add_post("facebook", w.fan, "@Acme hello?", "mention",
                             w.page);
    auto next = w.poll(feed::mentions, again.value->cursor);
    REQUIRE(next);
    REQUIRE(next.value->posts.size() == 1);
    CHECK(next.value->posts[0].external_id == second);
  }
}

TEST_CASE("the Facebook connector walks a long backlog over several polls "
          "without doubles or gaps",
          "[facebook_connector][integration]") {
  facebook_world w;
  // More than one poll's pages, so the walk resumes from Graph's cursor.
  int total = facebook_page_size * facebook_max_pages + 30;
  std::set<std::string> ids;
  for (int i = 0; i < total; ++i)
    ids.insert(w.add_post("facebook", w.fan, "@Acme #" + std::to_string(i),
                          "mention", w.page));
  std::string cursor;
  int polls = 0;
  // Posts arriving in the middle of the walk are read after it.
  auto first = w.poll(feed::mentions);
  REQUIRE(first);
  CHECK(first.value->more);
  cursor = first.value->cursor;
  auto late = w.add_post("facebook", w.fan, "@Acme late", "mention", w.page);
  auto rest = w.drain(feed::mentions, cursor, &polls);
  CHECK(polls == 1);
  auto all = first.value->posts;
  all.insert(all.end(), rest.begin(), rest.end());
  CHECK(all.size() == ids.size());
  auto seen = ids_of(all);
  CHECK(seen.size() == all.size());
  CHECK(seen == ids);
  auto after = w.poll(feed::mentions, cursor);
  REQUIRE(after);
  REQUIRE(after.value->posts.size() == 1);
  CHECK(after.value->posts[0].external_id == late);
  auto quiet = w.poll(feed::mentions, after.value->cursor);
  REQUIRE(quiet);
  CHECK(quiet.value->posts.empty());
}

TEST_CASE("the Facebook connector reads comments on the page's posts, not "
          "its own answers",
          "[facebook_connector][integration]") {
  facebook_world w;
  auto post1 = w.add_post("facebook", w.page, "our spring sale", "post");
  auto post2 = w.add_post("facebook", w.page, "new store opening", "post");
  auto c1 = w.add_post("facebook", w.fan, "is it online too?", "comment", "",
                       post1);
  auto first = w.poll(feed::comments);
  REQUIRE(first);
  REQUIRE(first.value->posts.size() == 1);
  auto& c = first.value->posts[0];
  CHECK(c.external_id == c1);
  CHECK(c.kind == post_kind::comment);
  CHECK(c.from.network_user_id == w.fan);
  CHECK(c.in_reply_to == post1);
  CHECK(c.text == "is it online too?");

  // The page answers: that is not an incoming comment.
  REQUIRE(w.fb.act(w.creds, {action::kind::comment, "yes!", post1}));
  auto quiet = w.poll(feed::comments, first.value->cursor);
  REQUIRE(quiet);
  CHECK(quiet.value->posts.empty());

  auto c2 = w.add_post("facebook", w.fan, "where?", "comment", "", post2);
  auto c3 = w.add_post("facebook", w.fan, "thanks", "comment", "", post1);
  auto next = w.poll(feed::comments, quiet.value->cursor);
  REQUIRE(next);
  CHECK(ids_of(next.value->posts) == std::set<std::string>{c2, c3});
  auto none = w.poll(feed::comments, next.value->cursor);
  REQUIRE(none);
  CHECK(none.value->posts.empty());

  SECTION("a quiet page costs one request per poll") {
    auto before = w.stats("facebook").at("requests").get<long>();
    REQUIRE(w.poll(feed::comments, none.value->cursor));
    CHECK(w.stats("facebook").at("requests").get<long>() == before + 1);
  }
}

TEST_CASE("the Facebook connector reads page messages, not the page's "
          "answers",
          "[facebook_connector][integration]") {
  facebook_world w;
  auto m1 = w.add_post("facebook", w.fan, "do you ship to Oslo?", "dm",
                       w.page);
  auto first = w.poll(feed::page_messages);
  REQUIRE(first);
  REQUIRE(first.value->posts.size() == 1);
  auto& m = first.value->posts[0];
  CHECK(m.external_id == m1);
  CHECK(m.kind == post_kind::message);
  CHECK(m.from.network_user_id == w.fan);
  CHECK(m.text == "do you ship to Oslo?");

  auto answer = w.fb.act(w.creds, {action::kind::message, "we do", w.fan});
  REQUIRE(answer);
  CHECK_FALSE(answer.value->external_id.empty());
  auto m2 = w.add_post("facebook", w.fan, "great, thanks", "dm", w.page);
  auto other = w.add_user("facebook", "other");
  auto m3 = w.add_post("facebook", other, "hi", "dm", w.page);
  auto next = w.poll(feed::page_messages, first.value->cursor);
  REQUIRE(next);
  CHECK(ids_of(next.value->posts) == std::set<std::string>{m2, m3});
  auto none = w.poll(feed::page_messages, next.value->cursor);
  REQUIRE(none);
  CHECK(none.value->posts.empty());
}

TEST_CASE("the Facebook connector reads the page's feed: own posts and "
          "visitors' posts",
          "[facebook_connector][integration]") {
  facebook_world w;
  auto ours = w.add_post("facebook", w.page, "we shipped", "post");
  auto visitor = w.add_post("facebook", w.fan, "love this page", "post",
                            w.page);
  auto page = w.poll(feed::own_posts);
  REQUIRE(page);
  REQUIRE(page.value->posts.size() == 2);
  // Oldest first.
  CHECK(page.value->posts[0].external_id == ours);
  CHECK(page.value->posts[0].kind == post_kind::post);
  CHECK(page.value->posts[0].from.network_user_id == w.page);
  CHECK(page.value->posts[1].external_id == visitor);
  CHECK(page.value->posts[1].kind == post_kind::mention);
  CHECK_FALSE(w.poll(feed::search));
  CHECK(w.poll(feed::search).error.kind == failure_kind::rejected);
}

TEST_CASE("the Facebook connector stores each post once through duplicate "
          "and out-of-order pages",
          "[facebook_connector][integration]") {
  facebook_world w;
  std::set<std::string> ids;
  for (int i = 0; i < 250; ++i)
    ids.insert(w.add_post("facebook", w.fan, "@Acme " + std::to_string(i),
                          "mention", w.page));
  w.control("/faults",
            {{"network", "facebook"}, {"kind", "duplicate"}, {"count", 3}});
  w.control("/faults",
            {{"network", "facebook"}, {"kind", "out_of_order"}, {"count", 3}});
  std::string cursor;
  auto all = w.drain(feed::mentions, cursor);
  CHECK(ids_of(all) == ids);
  CHECK(all.size() == ids.size());
}

TEST_CASE("the Facebook connector maps Graph errors to what a source must do",
          "[facebook_connector][integration]") {
  facebook_world w;
  SECTION("a revoked token needs a new link, and cannot be refreshed") {
    test::check_revoked_token_needs_relink(w, "facebook", w.owner, feed::mentions);
    auto refreshed = w.fb.refresh(w.creds);
    REQUIRE_FALSE(refreshed);
    CHECK(refreshed.error.kind == failure_kind::reauth_required);
  }
  SECTION("a 5xx is transient") {
    test::check_5xx_is_transient(w, "facebook", feed::page_messages);
  }
  SECTION("a throttled page is waited out, never sent into") {
    test::check_throttle_is_waited_out(w, "facebook", feed::mentions, feed::comments);
  }
  SECTION("a usage budget running out slows polling before the wall") {
    w.control("/limits", {{"network", "facebook"}, {"limit", 4}});
    int sent = 0, refused = 0;
    for (int i = 0; i < 10; ++i) {
      auto page = w.poll(feed::mentions);
      if (page)
        ++sent;
      else if (page.error.kind == failure_kind::rate_limited)
        ++refused;
    }
    CHECK(sent >= 1);
    CHECK(refused == 10 - sent);
    auto stats = w.stats("facebook");
    CHECK(stats.at("throttled").get<long>() == 0);
    CHECK(stats.at("rate_limit_violations").get<long>() == 0);
  }
}

TEST_CASE("the Facebook connector posts, comments, likes and answers as the "
          "page",
          "[facebook_connector][integration]") {
  facebook_world w;
  auto theirs = w.add_post("facebook", w.fan, "nice page", "post", w.page);
  auto posted = w.fb.act(w.creds, {action::kind::post, "hello world"});
  REQUIRE(posted);
  CHECK(posted.value->external_id.rfind(w.page + "_", 0) == 0);
  auto photo = w.fb.act(w.creds, {action::kind::post, "our shop",
                                  "", std::string(2048, 'x'), "image/png"});
  REQUIRE(photo);
  CHECK_FALSE(photo.value->external_id.empty());
  CHECK(w.fb.act(w.creds, {action::kind::comment, "thank you!", theirs}));
  CHECK(w.fb.act(w.creds, {action::kind::like, "", theirs}));
  auto dm = w.add_post("facebook", w.fan, "question", "dm", w.page);
  (void)dm;
  CHECK(w.fb.act(w.creds, {action::kind::message, "answer", w.fan}));
  auto published = w.control_get("/published?network=facebook").at("published");
  std::multiset<std::string> actions;
  for (auto& e : published) {
    actions.insert(e.at("action").get<std::string>());
    CHECK(e.at("actor_id") == w.page);
  }
  CHECK(actions == std::multiset<std::string>{"post", "post", "comment",
                                              "like", "message"});
  SECTION("what Facebook cannot do is refused with a reason") {
    auto share = w.fb.act(w.creds, {action::kind::repost, "", theirs});
    REQUIRE_FALSE(share);
    CHECK(share.error.kind == failure_kind::rejected);
    CHECK_FALSE(share.error.message.empty());
    auto huge = w.fb.act(w.creds, {action::kind::post, "big", "",
                                   std::string(facebook_max_photo_bytes + 1,
                                               'x'),
                                   "image/png"});
    REQUIRE_FALSE(huge);
    CHECK(huge.error.kind == failure_kind::rejected);
  }
}
