// Linked accounts over the REST API (issue 6, SPEC S-1): OAuth against the
// emulator, linking with a token, the page picker, operations, unlinking,
// tokens at rest and the user lookup (S-2.3). A real `socialcrm sim` and a
// real `socialcrm serve` (tests/web/social_fixture).

#include "protocol/types.hpp"
#include "storage/database.hpp"
#include "tests/web/social_accounts_steps.hpp"

#include <SQLiteCpp/Statement.h>
#include <catch2/catch.hpp>

using namespace socialcrm;
using namespace socialcrm::test;

TEST_CASE("the X OAuth dance with PKCE against the emulator links the account",
          "[social][accounts][oauth][integration]") {
  social_env env;
  auto org = env.sim_user("x", "acme_x");
  auto url = start_oauth(env.admin(), "x");
  CHECK(url.find("code_challenge_method=S256") != std::string::npos);
  auto back = consent(env, url, "acme_x");

  auto r = env.admin().get(back);
  INFO(r.raw.body);
  REQUIRE(r.status == 303);
  auto location = r.raw.headers.value("Location");
  CHECK(location.rfind("/#/settings/accounts?linked=", 0) == 0);
  CHECK(location.find("status=active") != std::string::npos);
  REQUIRE(linked(env) == 1);
  auto items = account_list(env.admin());
  REQUIRE(items.size() == 1);
  CHECK(items[0].at("network") == "x");
  CHECK(items[0].at("network_user_id") == org);
  CHECK(items[0].at("handle") == "acme_x");
  CHECK(items[0].at("status") == "active");
  CHECK(items[0].at("linked_at").get<std::int64_t>() > 0);
  CHECK(items[0].at("network_operations").size() == 6);
  {
    // offline.access brought a refresh token; both are kept with the expiry.
    storage::database db(env.server().db_path(), storage::access::read_only);
    SQLite::Statement q(db.handle(), "SELECT length(access_token), "
                                     "length(refresh_token), token_expires_at "
                                     "FROM linked_accounts");
    REQUIRE(q.executeStep());
    CHECK(q.getColumn(0).getInt() > 0);
    CHECK(q.getColumn(1).getInt() > 0);
    CHECK(q.getColumn(2).getInt64() > now_ms());
  }
  // The token works: the account is polled at once.
  auto fan = env.sim_user("x", "fan_x");
  env.sim_post("x", fan, "@acme_x hi", "mention", org);
  CHECK(social_env::eventually(
    [&] { return env.server().count("posts") >= 1; }));

  // The same callback again: the state was used, nothing more is linked.
  auto again = env.admin().get(back);
  CHECK(again.status == 400);
  CHECK(again.code() == "oauth_state_mismatch");
  CHECK(linked(env) == 1);
}

TEST_CASE("an OAuth callback whose state this server did not hand out to "
          "this user links nothing",
          "[social][accounts][oauth][integration]") {
  social_env env;
  env.sim_user("x", "acme_x");
  auto wrong = env.admin().get("/api/v1/social/oauth/callback?state=forged"
                               "&code=abc");
  CHECK(wrong.status == 400);
  CHECK(wrong.code() == "oauth_state_mismatch");
  // A browser is sent back to the settings page with the refusal.
  http::header_list html;
  html.set("Accept", "text/html,application/xhtml+xml");
  auto page = env.admin().send("GET", "/api/v1/social/oauth/callback?"
                               "state=forged&code=abc", std::nullopt, html);
  CHECK(page.status == 303);
  CHECK(page.raw.headers.value("Location").find(
          "error=oauth_state_mismatch") != std::string::npos);

  // A real code with a state swapped for another: refused.
  auto back = consent(env, start_oauth(env.admin(), "x"), "acme_x");
  auto at = back.find("state=");
  REQUIRE(at != std::string::npos);
  auto swapped = back.substr(0, at) + "state=not-the-one"
                 + back.substr(back.find('&', at) == std::string::npos
                                 ? back.size()
                                 : back.find('&', at));
  auto r = env.admin().get(swapped);
  CHECK(r.status == 400);
  CHECK(r.code() == "oauth_state_mismatch");

  // Another administrator cannot finish the first one's authorisation.
  auto other = env.user("other-admin@example.com", "Administrator");
  auto stolen = other.get(back);
  CHECK(stolen.status == 400);
  CHECK(stolen.code() == "oauth_state_mismatch");
  CHECK(linked(env) == 0);

  // Refused on the consent page: oauth_denied, nothing linked.
  auto denied = consent(env, start_oauth(env.admin(), "x"), "acme_x", "deny");
  auto d = env.admin().get(denied);
  CHECK(d.status == 400);
  CHECK(d.code() == "oauth_denied");
  CHECK(linked(env) == 0);
}

TEST_CASE("Facebook via OAuth: the pages are listed and the picked one is "
          "linked, and no pages or a closed picker leave nothing",
          "[social][accounts][oauth][pages][integration]") {
  social_env env;
  auto owner = env.sim_user("facebook", "brand");
  auto shop = env.sim_page("facebook", owner, "Brand Shop");
  env.sim_page("facebook", owner, "Brand News");

  auto url = start_oauth(env.admin(), "facebook",
                         {{"return_to", "/#/settings/accounts"}});
  auto r = callback_json(env.admin(), consent(env, url, "brand"));
  INFO(r.body.dump());
  REQUIRE(r.status == 201);
  CHECK(r.body.at("status") == "pending_page");
  CHECK(r.body.at("pages").size() == 2);
  auto id = r.body.at("id").get<std::string>();
  auto pages = env.admin().get(std::string(accounts) + "/" + id + "/pages");
  REQUIRE(pages.status == 200);
  CHECK(pages.body.at("pages").size() == 2);

  auto bad = env.admin().post(std::string(accounts) + "/" + id + "/page",
                              {{"page_id", "424242"}});
  CHECK(bad.status == 422);
  CHECK(bad.code() == "page_not_found");
  auto picked = env.admin().post(std::string(accounts) + "/" + id + "/page",
                                 {{"page_id", shop}});
  INFO(picked.body.dump());
  REQUIRE(picked.status == 200);
  CHECK(picked.body.at("status") == "active");
  CHECK(picked.body.at("page_id") == shop);
  CHECK(picked.body.at("page_name") == "Brand Shop");
  CHECK(linked(env) == 1);

  // An account that manages no page is not kept (S-1.4).
  env.sim_user("facebook", "pageless");
  auto none = callback_json(env.admin(), consent(env,
                              start_oauth(env.admin(), "facebook"),
                              "pageless"));
  CHECK(none.status == 422);
  CHECK(none.code() == "page_not_found");
  CHECK(linked(env) == 1);

  // A picker closed without a choice removes the pending account.
  auto third = env.sim_user("facebook", "undecided");
  env.sim_page("facebook", third, "Maybe");
  auto pending = callback_json(env.admin(), consent(env,
                                 start_oauth(env.admin(), "facebook"),
                                 "undecided"));
  REQUIRE(pending.status == 201);
  auto pid = pending.body.at("id").get<std::string>();
  CHECK(linked(env) == 2);
  auto closed = env.admin().del(std::string(accounts) + "/" + pid
                                + "/page-choice");
  CHECK(closed.status == 200);
  CHECK(linked(env) == 1);
  // The active one has its page: no picker to close.
  auto active_close = env.admin().del(std::string(accounts) + "/" + id
                                      + "/page-choice");
  CHECK(active_close.status == 409);
  CHECK(linked(env) == 1);
}

TEST_CASE("Mastodon and Google+ link through their OAuth flows",
          "[social][accounts][oauth][integration]") {
  social_env env;
  env.sim_user("mastodon", "toots");
  auto m = callback_json(env.admin(), consent(env,
                           start_oauth(env.admin(), "mastodon"), "toots"));
  INFO(m.body.dump());
  CHECK(m.status == 201);
  CHECK(m.body.value("status", "") == "active");

  auto owner = env.sim_user("googleplus", "plusbrand");
  auto page = env.sim_page("googleplus", owner, "Plus Page");
  auto g = callback_json(env.admin(), consent(env,
                           start_oauth(env.admin(), "googleplus"),
                           "plusbrand"));
  INFO(g.body.dump());
  REQUIRE(g.status == 201);
  CHECK(g.body.at("status") == "pending_page");
  auto picked = env.admin().post(std::string(accounts) + "/"
                                   + g.body.at("id").get<std::string>()
                                   + "/page",
                                 {{"page_id", page}});
  CHECK(picked.status == 200);
  CHECK(picked.body.value("status", "") == "active");

  auto bsky = env.admin().post("/api/v1/social/accounts/authorize",
                               {{"network", "bluesky"}});
  CHECK(bsky.status == 422);
  CHECK(bsky.code() == "action_not_supported");
  CHECK(linked(env) == 2);
}

TEST_CASE("linking with a token works on every network, relinking updates "
          "the same account, a bad credential stores nothing",
          "[social][accounts][integration]") {
  social_env env;
  for (std::string net : {"x", "facebook", "googleplus", "mastodon",
                          "bluesky"}) {
    auto l = env.link(net, "org_" + net);
    CHECK_FALSE(l.account_id.empty());
  }
  CHECK(linked(env) == 5);
  for (auto& a : account_list(env.admin()))
    CHECK(a.at("status") == "active");

  // Linking the same X user again: same account, fresh token, 200.
  auto user = env.sim_user("x", "again_x");
  auto first = env.admin().post(accounts, {{"network", "x"},
                                           {"access_token",
                                            env.sim_token("x", user)}});
  REQUIRE(first.status == 201);
  auto second = env.admin().post(accounts, {{"network", "x"},
                                            {"access_token",
                                             env.sim_token("x", user)}});
  CHECK(second.status == 200);
  CHECK(second.body.at("id") == first.body.at("id"));
  CHECK(second.body.at("relinked") == true);
  auto blue = env.admin().post(accounts, {{"network", "bluesky"},
                                          {"identifier", "org_bluesky"},
                                          {"app_password", "pw"}});
  CHECK(blue.status == 200);
  CHECK(linked(env) == 6);

  auto bad = env.admin().post(accounts, {{"network", "x"},
                                         {"access_token", "not-a-token"}});
  CHECK(bad.status == 422);
  CHECK(bad.code() == "credentials_rejected");
  auto bad_pw = env.admin().post(accounts, {{"network", "bluesky"},
                                            {"identifier", "org_bluesky"},
                                            {"app_password", "wrong"}});
  CHECK(bad_pw.status == 422);
  CHECK(bad_pw.code() == "credentials_rejected");
  auto missing = env.admin().post(accounts, {{"network", "mastodon"}});
  CHECK(missing.status == 422);
  CHECK(missing.code() == "missing_field");
  auto unknown = env.admin().post(accounts, {{"network", "myspace"},
                                             {"access_token", "t"}});
  CHECK(unknown.status == 422);
  auto stray = env.admin().post(accounts, {{"network", "x"},
                                           {"access_token", "t"},
                                           {"page_id", "1"}});
  CHECK(stray.status == 422);
  // A Facebook page of somebody else: refused, nothing kept.
  auto fb = env.sim_user("facebook", "fb_other");
  auto foreign = env.admin().post(accounts,
                                  {{"network", "facebook"},
                                   {"access_token", env.sim_token("facebook",
                                                                  fb)},
                                   {"page_id", "999"}});
  CHECK(foreign.status == 422);
  CHECK(foreign.code() == "page_not_found");
  CHECK(linked(env) == 6);
}

TEST_CASE("tokens are stored sealed, never as sent",
          "[social][accounts][integration]") {
  social_env env;
  auto user = env.sim_user("x", "sealed_x");
  auto token = env.sim_token("x", user);
  auto r = env.admin().post(accounts, {{"network", "x"},
                                       {"access_token", token},
                                       {"refresh_token", "refresh-" + token}});
  REQUIRE(r.status == 201);
  CHECK(r.body.dump().find(token) == std::string::npos);
  storage::database db(env.server().db_path(), storage::access::read_only);
  SQLite::Statement q(db.handle(), "SELECT access_token, refresh_token FROM "
                                   "linked_accounts");
  REQUIRE(q.executeStep());
  for (int i = 0; i < 2; ++i) {
    auto c = q.getColumn(i);
    std::string stored(static_cast<const char*>(c.getBlob()),
                       static_cast<std::size_t>(c.getBytes()));
    CHECK(stored.size() > token.size()); // nonce and MAC around it
    CHECK(stored.find(token) == std::string::npos);
  }
}

TEST_CASE("administrators set which operations each profile may do on an "
          "account, and others may not touch the settings",
          "[social][accounts][operations][integration]") {
  social_env env;
  auto l = env.link("x", "ops_x");
  auto path = std::string(accounts) + "/" + l.account_id + "/operations";
  auto standard = profile_id(env, "Standard");
  auto admin_profile = profile_id(env, "Administrator");

  auto before = env.admin().get(path);
  REQUIRE(before.status == 200);
  CHECK(before.body.at(standard) == json({"view", "reply", "like"}));
  CHECK(before.body.at(admin_profile).size() == 6);

  auto set = env.admin().send("PUT", path,
                              json{{standard, {"view", "post"}}});
  INFO(set.body.dump());
  REQUIRE(set.status == 200);
  CHECK(set.body.at(standard) == json({"view", "post"}));
  CHECK(env.admin().get(path).body.at(standard) == json({"view", "post"}));

  auto bad_op = env.admin().send("PUT", path, json{{standard, {"dance"}}});
  CHECK(bad_op.status == 422);
  CHECK(bad_op.code() == "invalid_value");
  auto bad_profile = env.admin().send("PUT", path,
                                      json{{"987654", {"view"}}});
  CHECK(bad_profile.status == 422);
  CHECK(bad_profile.code() == "profile_not_found");
  CHECK(env.admin().get(path).body.at(standard) == json({"view", "post"}));

  // A Standard user sees the account with its operations, and nothing of
  // the administration.
  auto user = env.user("std@example.com", "Standard");
  auto mine = account_list(user);
  REQUIRE(mine.size() == 1);
  CHECK(mine[0].at("operations") == json({"view", "post"}));
  auto id = std::string(accounts) + "/" + l.account_id;
  std::vector<api_result> refused{
    user.post(accounts, {{"network", "x"}, {"access_token", "t"}}),
    user.post("/api/v1/social/accounts/authorize", {{"network", "x"}}),
    user.get("/api/v1/social/oauth/callback?state=s&code=c"),
    user.get(path),
    user.send("PUT", path, json{{standard, {"view"}}}),
    user.del(id + "?confirm=true"),
    user.get(id + "/pages"),
    user.post(id + "/page", {{"page_id", "1"}}),
    user.del(id + "/page-choice")};
  for (auto& r : refused) {
    INFO(r.body.dump());
    CHECK(r.status == 403);
  }
  CHECK(linked(env) == 1);
  CHECK(env.admin().get(path).body.at(standard) == json({"view", "post"}));
}

TEST_CASE("unlinking needs confirmation, keeps the posts, and linking again "
          "restores the tab",
          "[social][accounts][unlink][integration]") {
  social_env env;
  auto l = env.link("x", "bye_x");
  auto fan = env.sim_user("x", "fan_x");
  env.sim_post("x", fan, "@bye_x hello", "mention", l.org_user_id);
  REQUIRE(social_env::eventually(
    [&] { return env.server().count("posts") >= 1; }));
  auto posts = env.server().count("posts");

  auto id = std::string(accounts) + "/" + l.account_id;
  auto ask = env.admin().del(id);
  CHECK(ask.status == 409);
  CHECK(ask.code() == "confirmation_required");
  CHECK(ask.body["error"]["message"].get<std::string>().find("posts")
        != std::string::npos);
  CHECK(linked(env) == 1);

  auto done = env.admin().del(id + "?confirm=true");
  REQUIRE(done.status == 200);
  CHECK(done.body.at("linked_accounts") == 0);
  CHECK(linked(env) == 0);
  CHECK(env.server().count("posts") == posts);
  auto status = env.admin().get("/api/v1/social/status");
  CHECK(status.body.at("linked_accounts") == 0);
  CHECK(status.body.at("welcome") == true);
  CHECK(env.admin().del(id + "?confirm=true").code() == "account_not_found");

  // No account: the feed has no data, the post is only kept.
  auto unknown = [&] {
    auto r = env.admin().get("/api/v1/social/feed?column=unknown");
    REQUIRE(r.status == 200);
    return r.body.at("items");
  };
  CHECK(unknown().empty());

  auto again = env.admin().post(accounts, {{"network", "x"},
                                           {"access_token",
                                            env.sim_token("x",
                                                          l.org_user_id)}});
  REQUIRE(again.status == 201);
  status = env.admin().get("/api/v1/social/status");
  CHECK(status.body.at("linked_accounts") == 1);
  CHECK(status.body.at("welcome") == false);
  // S-1.7: linking again restores the tab with the posts read before,
  // under the new account, and stores none of them twice.
  auto relinked = again.body.at("id").get<std::string>();
  CHECK(relinked != l.account_id);
  auto back = unknown();
  REQUIRE(back.size() == 1);
  CHECK(back[0].at("text") == "@bye_x hello");
  CHECK(back[0].at("account_id") == relinked);
  CHECK(env.server().count("posts") == posts);
  // Polling starts again: a new mention arrives.
  env.sim_post("x", fan, "@bye_x back?", "mention", l.org_user_id);
  CHECK(social_env::eventually(
    [&] { return env.server().count("posts") > posts; }));
}

TEST_CASE("a network user is found by handle through a linked account",
          "[social][accounts][lookup][integration]") {
  social_env env;
  env.link("x", "look_x");
  env.link("bluesky", "look_bsky");
  auto target = env.sim_user("x", "someone_x");
  auto r = env.admin().get("/api/v1/social/lookup?network=x&handle=someone_x");
  INFO(r.body.dump());
  REQUIRE(r.status == 200);
  CHECK(r.body.at("user_id") == target);
  CHECK(r.body.at("handle") == "someone_x");
  CHECK(r.body.at("network") == "x");

  auto sky = env.sim_user("bluesky", "sky_person");
  auto b = env.admin().get("/api/v1/social/lookup?network=bluesky"
                           "&handle=sky_person");
  INFO(b.body.dump());
  REQUIRE(b.status == 200);
  CHECK(b.body.at("user_id") == sky);

  auto missing = env.admin().get("/api/v1/social/lookup?network=x"
                                 "&handle=nobody_here");
  CHECK(missing.status == 422);
  CHECK(missing.code() == "handle_not_found");
  auto unlinked = env.admin().get("/api/v1/social/lookup?network=mastodon"
                                  "&handle=someone");
  CHECK(unlinked.status == 409);
  CHECK(unlinked.code() == "network_not_linked");
  CHECK(env.admin().get("/api/v1/social/lookup?network=x").status == 400);
}
