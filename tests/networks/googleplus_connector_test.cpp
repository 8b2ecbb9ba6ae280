#include "networks/googleplus_connector.hpp"
#include "tests/networks/connector_checks.hpp"
#include "tests/sim/sim_fixture.hpp"

#include <catch2/catch.hpp>

#include <set>

using namespace socialcrm;
using namespace socialcrm::networks;
using socialcrm::test::sim_fixture;

namespace {

struct googleplus_world : sim_fixture {
  std::shared_ptr<rate_budgets> budgets = std::make_shared<rate_budgets>();
  googleplus_connector gp{{emu.network_url("googleplus"), budgets, "crm-client",
                           "s3cret"}};
  std::string owner = add_user("googleplus", "acme_admin");
  std::string fan = add_user("googleplus", "fan");
  std::string page = control("/pages", {{"network", "googleplus"},
                                        {"owner_id", owner},
                                        {"name", "Acme Page"}})
                       .at("page_id");
  credentials creds{token_for("googleplus", owner), "", 0, owner, "acme",
                    page};

  outcome<poll_page> poll(feed f, std::string cursor = {}) {
    return gp.poll(creds, {f, std::move(cursor), {}, {}});
  }

  /// A refresh token through Google's consent page and code exchange, as
  /// linking gets one.
  std::string refresh_token() {
    auto consent = post_form("/googleplus/o/oauth2/auth",
                             {{"response_type", "code"},
                              {"client_id", "crm-client"},
                              {"redirect_uri", "https://crm.example/cb"},
                              {"scope", "https://www.googleapis.com/auth/plus.me"},
                              {"state", "s"},
                              {"username", "acme_admin"},
                              {"password", "secret"},
                              {"decision", "allow"}});
    REQUIRE(consent.status == 302);
    auto q = test::location_query(consent);
    auto token = post_form("/googleplus/o/oauth2/token",
                           {{"code", q.find("code")->second},
                            {"client_id", "crm-client"},
                            {"client_secret", "s3cret"},
                            {"redirect_uri", "https://crm.example/cb"},
                            {"grant_type", "authorization_code"}});
    REQUIRE(token.status == 200);
    return test::body_of(token).at("refresh_token");
  }
};

std::set<std::string> ids_of(const std::vector<post>& posts) {
  std::set<std::string> out;
  for (auto& p : posts)
    out.insert(p.external_id);
  return out;
}

} // namespace

TEST_CASE("the Google+ connector reads the page's own posts, newest last",
          "[googleplus_connector][integration]") {
  googleplus_world w;
  auto first_id = w.add_post("googleplus", w.page, "hello <world> & co",
                             "post");
  auto second_id = w.add_post("googleplus", w.page, "second", "post");
  w.add_post("googleplus", w.fan, "not the page's", "post");
  auto page = w.poll(feed::own_posts);
  REQUIRE(page);
  REQUIRE(page.value->posts.size() == 2);
  auto& p = page.value->posts[0];
  CHECK(p.net == network::googleplus);
  CHECK(p.external_id == first_id);
  CHECK(p.kind == post_kind::post);
  CHECK(p.from.network_user_id == w.page);
  CHECK(p.from.name == "Acme Page");
  // Google+ sends HTML; the CRM stores the text.
  CHECK(p.text == "hello <world> & co");
  CHECK(p.created_at > 0);
  CHECK(page.value->posts[1].external_id == second_id);

  SECTION("the cursor returns only what is new") {
    auto again = w.poll(feed::own_posts, page.value->cursor);
    REQUIRE(again);
    CHECK(again.value->posts.empty());
    auto third = w.add_post("googleplus", w.page, "third", "post");
    auto next = w.poll(feed::own_posts, again.value->cursor);
    REQUIRE(next);
    REQUIRE(next.value->posts.size() == 1);
    CHECK(next.value->posts[0].external_id == third);
  }
  SECTION("Google+ pages have no search, timelines or messages") {
    CHECK_FALSE(w.gp.can_search());
    CHECK_FALSE(w.gp.has_timelines());
    auto dm = w.poll(feed::direct_messages);
    REQUIRE_FALSE(dm);
    CHECK(dm.error.kind == failure_kind::rejected);
  }
}

TEST_CASE("the Google+ connector pages through a backlog of posts",
          "[googleplus_connector][integration]") {
  googleplus_world w;
  std::set<std::string> ids;
  for (int i = 0; i < googleplus_activities_page * 2 + 17; ++i)
    ids.insert(w.add_post("googleplus", w.page, "#" + std::to_string(i),
                          "post"));
  w.control("/faults",
            {{"network", "googleplus"}, {"kind", "duplicate"}, {"count", 2}});
  auto page = w.poll(feed::own_posts);
  REQUIRE(page);
  CHECK(page.value->posts.size() == ids.size());
  CHECK(ids_of(page.value->posts) == ids);
  auto again = w.poll(feed::own_posts, page.value->cursor);
  REQUIRE(again);
  CHECK(again.value->posts.empty());
}

TEST_CASE("the Google+ connector reads comments on the page's posts",
          "[googleplus_connector][integration]") {
  googleplus_world w;
  auto a1 = w.add_post("googleplus", w.page, "our news", "post");
  auto a2 = w.add_post("googleplus", w.page, "more news", "post");
  auto c1 = w.add_post("googleplus", w.fan, "great!", "comment", "", a1);
  auto first = w.poll(feed::comments);
  REQUIRE(first);
  REQUIRE(first.value->posts.size() == 1);
  auto& c = first.value->posts[0];
  CHECK(c.external_id == c1);
  CHECK(c.kind == post_kind::comment);
  CHECK(c.from.network_user_id == w.fan);
  CHECK(c.from.name == "fan Inc");
  CHECK(c.in_reply_to == a1);
  CHECK(c.text == "great!");

  // The page's own comment is not an incoming one.
  REQUIRE(w.gp.act(w.creds, {action::kind::comment, "thanks", a1}));
  auto c2 = w.add_post("googleplus", w.fan, "when?", "comment", "", a2);
  auto c3 = w.add_post("googleplus", w.fan, "and?", "comment", "", a1);
  auto next = w.poll(feed::comments, first.value->cursor);
  REQUIRE(next);
  CHECK(ids_of(next.value->posts) == std::set<std::string>{c2, c3});
  auto none = w.poll(feed::comments, next.value->cursor);
  REQUIRE(none);
  CHECK(none.value->posts.empty());
}

TEST_CASE("the Google+ connector maps Google's errors and refreshes tokens",
          "[googleplus_connector][integration]") {
  googleplus_world w;
  SECTION("a revoked token needs new tokens") {
    test::check_revoked_token_needs_relink(w, "googleplus", w.owner, feed::own_posts);
    // A refresh token that was revoked too means a new link.
    w.creds.refresh_token = "1//revoked";
    auto r = w.gp.refresh(w.creds);
    REQUIRE_FALSE(r);
    CHECK(r.error.kind == failure_kind::reauth_required);
  }
  SECTION("a refresh gives a working access token and keeps the refresh "
          "token") {
    w.creds.refresh_token = w.refresh_token();
    w.creds.access_token = "expired";
    REQUIRE_FALSE(w.poll(feed::own_posts));
    auto r = w.gp.refresh(w.creds);
    REQUIRE(r);
    CHECK(r.value->access_token.rfind("ya29.", 0) == 0);
    CHECK(r.value->refresh_token == w.creds.refresh_token);
    CHECK(r.value->expires_at > now_ms());
    w.creds = *r.value;
    CHECK(w.poll(feed::own_posts));
  }
  SECTION("a 5xx is transient") {
    test::check_5xx_is_transient(w, "googleplus", feed::comments);
  }
  SECTION("a spent quota is waited out, never sent into") {
    test::check_throttle_is_waited_out(w, "googleplus", feed::own_posts, feed::comments);
  }
}

TEST_CASE("the Google+ connector posts and comments as the page",
          "[googleplus_connector][integration]") {
  googleplus_world w;
  auto theirs = w.add_post("googleplus", w.page, "announcement", "post");
  auto posted = w.gp.act(w.creds, {action::kind::post, "hello circles"});
  REQUIRE(posted);
  CHECK_FALSE(posted.value->external_id.empty());
  auto commented = w.gp.act(w.creds, {action::kind::comment, "more soon",
                                      theirs});
  REQUIRE(commented);
  auto published =
    w.control_get("/published?network=googleplus").at("published");
  REQUIRE(published.size() == 2);
  CHECK(published[0].at("action") == "post");
  CHECK(published[0].at("actor_id") == w.page);
  CHECK(published[0].at("external_id") == posted.value->external_id);
  CHECK(published[1].at("action") == "comment");
  CHECK(published[1].at("actor_id") == w.page);
  CHECK(published[1].at("target_id") == theirs);
  SECTION("what Google+ pages cannot do is refused with a reason") {
    for (auto k : {action::kind::like, action::kind::repost,
                   action::kind::message}) {
      auto r = w.gp.act(w.creds, {k, "x", theirs});
      REQUIRE_FALSE(r);
      CHECK(r.error.kind == failure_kind::rejected);
    }
  }
}
