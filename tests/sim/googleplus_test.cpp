#include "tests/sim/sim_fixture.hpp"

using namespace socialcrm::test;
namespace http = socialcrm::http;

namespace {

struct googleplus_world : sim_fixture {
  std::string owner = add_user("googleplus", "acme_admin");
  std::string fan = add_user("googleplus", "fan");
  std::string page = control("/pages", {{"network", "googleplus"},
                                        {"owner_id", owner},
                                        {"name", "Acme Page"}})
                       .at("page_id");
  std::string tok = token_for("googleplus", owner);
  std::string fan_tok = token_for("googleplus", fan);

  http::response post_activity(const std::string& user_id,
                               const std::string& text,
                               const std::string& bearer) {
    return post_json("/googleplus/plusPages/v2/people/" + user_id
                       + "/activities",
                     {{"object", {{"originalContent", text}}},
                      {"access", {{"items", json::array({{{"type", "public"}}})}}}},
                     bearer);
  }
};

void check_google_error(const http::response& r, unsigned code,
                        const std::string& reason) {
  CHECK(r.status == code);
  auto b = body_of(r);
  CHECK(b.at("error").at("code") == code);
  CHECK(b.at("error").at("errors")[0].at("reason") == reason);
  CHECK(b.at("error").at("message")
        == b.at("error").at("errors")[0].at("message"));
}

} // namespace

TEST_CASE("Google+ OAuth: consent page, code exchange, refresh token grant",
          "[sim][googleplus][integration]") {
  googleplus_world f;
  auto page = f.get("/googleplus/o/oauth2/auth?response_type=code&client_id="
                    "crm.apps.googleusercontent.com&redirect_uri="
                    "https%3A%2F%2Fcrm.example%2Fcb&scope=https%3A%2F%2F"
                    "www.googleapis.com%2Fauth%2Fplus.me&state=s1"
                    "&access_type=offline");
  REQUIRE(page.status == 200);
  auto consent = f.post_form("/googleplus/o/oauth2/auth",
                             {{"response_type", "code"},
                              {"client_id", "crm.apps.googleusercontent.com"},
                              {"redirect_uri", "https://crm.example/cb"},
                              {"scope", "https://www.googleapis.com/auth/plus.me"},
                              {"state", "s1"},
                              {"username", "acme_admin"},
                              {"password", "secret"},
                              {"decision", "allow"}});
  REQUIRE(consent.status == 302);
  auto q = location_query(consent);
  CHECK(q.find("state")->second == "s1");
  auto token = f.post_form("/googleplus/o/oauth2/token",
                           {{"code", q.find("code")->second},
                            {"client_id", "crm.apps.googleusercontent.com"},
                            {"client_secret", "s3cret"},
                            {"redirect_uri", "https://crm.example/cb"},
                            {"grant_type", "authorization_code"}});
  REQUIRE(token.status == 200);
  auto t = body_of(token);
  CHECK(t.at("token_type") == "Bearer");
  CHECK(t.at("expires_in") == 3599);
  CHECK(t.at("access_token").get<std::string>().rfind("ya29.", 0) == 0);
  std::string refresh = t.at("refresh_token");

  auto me = body_of(f.get("/googleplus/plus/v1/people/me", t.at("access_token")));
  CHECK(me.at("kind") == "plus#person");
  CHECK(me.at("id") == f.owner);
  CHECK(me.at("objectType") == "person");

  auto refreshed = body_of(f.post_form("/googleplus/oauth2/v4/token",
                                       {{"refresh_token", refresh},
                                        {"client_id", "crm"},
                                        {"grant_type", "refresh_token"}}));
  CHECK(refreshed.contains("access_token"));
  CHECK(!refreshed.contains("refresh_token"));
  auto reused = f.post_form("/googleplus/o/oauth2/token",
                            {{"code", q.find("code")->second},
                             {"client_id", "crm.apps.googleusercontent.com"},
                             {"redirect_uri", "https://crm.example/cb"},
                             {"grant_type", "authorization_code"}});
  CHECK(reused.status == 400);
  CHECK(body_of(reused).at("error") == "invalid_grant");
}

TEST_CASE("Google+ lists an account's pages, and an account without pages "
          "gets a feed without items",
          "[sim][googleplus][integration]") {
  googleplus_world f;
  auto pages = body_of(f.get("/googleplus/plusPages/v2/people/me/people/pages",
                             f.tok));
  CHECK(pages.at("kind") == "plus#peopleFeed");
  CHECK(pages.at("totalItems") == 1);
  CHECK(pages.at("items")[0].at("id") == f.page);
  CHECK(pages.at("items")[0].at("objectType") == "page");
  CHECK(pages.at("items")[0].at("displayName") == "Acme Page");
  CHECK(f.page.size() == 21);

  auto none = body_of(f.get("/googleplus/plusPages/v2/people/me/people/pages",
                            f.fan_tok));
  CHECK(none.at("totalItems") == 0);
  CHECK(!none.contains("items"));
  auto page = body_of(f.get("/googleplus/plus/v1/people/" + f.page, f.fan_tok));
  CHECK(page.at("objectType") == "page");
}

TEST_CASE("Google+ pages post activities, list them with pageToken and "
          "read and write comments",
          "[sim][googleplus][integration]") {
  googleplus_world f;
  std::vector<std::string> ids;
  for (int i = 0; i < 3; ++i) {
    auto r = f.post_activity(f.page, "Update " + std::to_string(i), f.tok);
    REQUIRE(r.status == 200);
    auto a = body_of(r);
    CHECK(a.at("kind") == "plus#activity");
    CHECK(a.at("verb") == "post");
    CHECK(a.at("actor").at("id") == f.page);
    CHECK(a.at("object").at("originalContent") == "Update " + std::to_string(i));
    ids.push_back(a.at("id"));
  }
  check_google_error(f.post_activity(f.page, "not mine", f.fan_tok), 403,
                     "forbidden");
  check_google_error(f.post_activity(f.owner, "as a person", f.tok), 403,
                     "forbidden");

  auto first = body_of(f.get("/googleplus/plus/v1/people/" + f.page
                               + "/activities/public?maxResults=2",
                             f.fan_tok));
  CHECK(first.at("kind") == "plus#activityFeed");
  REQUIRE(first.at("items").size() == 2);
  CHECK(first.at("items")[0].at("id") == ids[2]);
  auto second = body_of(f.get("/googleplus/plus/v1/people/" + f.page
                                + "/activities/public?maxResults=2&pageToken="
                                + first.at("nextPageToken").get<std::string>(),
                              f.fan_tok));
  REQUIRE(second.at("items").size() == 1);
  CHECK(second.at("items")[0].at("id") == ids[0]);
  CHECK(!second.contains("nextPageToken"));

  // A fan comments (control API), the page answers through the Pages API.
  f.add_post("googleplus", f.fan, "Nice update", "comment", "", ids[2]);
  auto answer = f.post_json("/googleplus/plusPages/v2/activities/" + ids[2]
                              + "/comments?onBehalfOf=" + f.page,
                            {{"object", {{"originalContent", "Thanks!"}}}},
                            f.tok);
  REQUIRE(answer.status == 200);
  auto c = body_of(answer);
  CHECK(c.at("kind") == "plus#comment");
  CHECK(c.at("actor").at("id") == f.page);
  CHECK(c.at("inReplyTo")[0].at("id") == ids[2]);
  auto comments = body_of(f.get("/googleplus/plus/v1/activities/" + ids[2]
                                  + "/comments?maxResults=1",
                                f.tok));
  CHECK(comments.at("kind") == "plus#commentFeed");
  REQUIRE(comments.at("items").size() == 1);
  CHECK(comments.at("items")[0].at("object").at("content") == "Nice update");
  auto more = body_of(f.get("/googleplus/plus/v1/activities/" + ids[2]
                              + "/comments?pageToken="
                              + comments.at("nextPageToken").get<std::string>(),
                            f.tok));
  CHECK(more.at("items")[0].at("id") == c.at("id"));
  auto activity = body_of(f.get("/googleplus/plus/v1/activities/" + ids[2],
                                f.tok));
  CHECK(activity.at("object").at("replies").at("totalItems") == 2);

  auto published = f.control_get("/published?network=googleplus").at("published");
  REQUIRE(published.size() == 4);
  CHECK(published[0].at("action") == "post");
  CHECK(published[0].at("actor_id") == f.page);
  CHECK(published[3].at("action") == "comment");
  CHECK(published[3].at("target_id") == ids[2]);
}

TEST_CASE("Google+ answers errors in Google's error shape: login required, "
          "invalid credentials, not found, bad values, spent quota",
          "[sim][googleplus][integration]") {
  googleplus_world f;
  check_google_error(f.get("/googleplus/plus/v1/people/me"), 401, "required");
  check_google_error(f.get("/googleplus/plus/v1/people/me", "ya29.bogus"), 401,
                     "authError");
  check_google_error(f.get("/googleplus/plus/v1/people/123", f.tok), 404,
                     "notFound");
  check_google_error(f.get("/googleplus/plus/v1/activities/zzz/comments",
                           f.tok),
                     404, "notFound");
  auto bad = f.get("/googleplus/plus/v1/people/" + f.page
                     + "/activities/public?maxResults=500",
                   f.tok);
  check_google_error(bad, 400, "invalid");
  CHECK(body_of(bad).at("error").at("message")
        == "Invalid value '500'. Values must be within the range: [1, 100]");
  check_google_error(f.get("/googleplus/plus/v1/people/" + f.page
                             + "/activities/private",
                           f.tok),
                     400, "invalid");
  check_google_error(f.get("/googleplus/plus/v1/people/" + f.page
                             + "/activities/public?pageToken=%%%",
                           f.tok),
                     400, "invalid");
  check_google_error(f.post_json("/googleplus/plusPages/v2/people/" + f.page
                                   + "/activities",
                                 {{"object", json::object()}}, f.tok),
                     400, "required");

  f.control("/limits", {{"network", "googleplus"}, {"limit", 2},
                        {"window_s", 86400}});
  CHECK(f.get("/googleplus/plus/v1/people/me", f.tok).status == 200);
  CHECK(f.get("/googleplus/plus/v1/people/me", f.tok).status == 200);
  auto spent = f.get("/googleplus/plus/v1/people/me", f.tok);
  check_google_error(spent, 403, "userRateLimitExceeded");
  CHECK(body_of(spent).at("error").at("errors")[0].at("domain") == "usageLimits");
}

TEST_CASE("Google+ works the way the Google+ API reference shows a client "
          "calling it",
          "[sim][googleplus][integration]") {
  // developers.google.com/+/api: GET https://www.googleapis.com/plus/v1/
  // people/userId with an OAuth 2.0 token (here the "OAuth" header scheme
  // and the access_token parameter the old client libraries used), then
  // activities.list with collection "public" and comments.list.
  googleplus_world f;
  auto post = body_of(f.post_activity(f.page, "Hello Google+", f.tok));
  http::header_list h;
  h.set("Authorization", "OAuth " + f.tok);
  auto person = f.send("GET", "/googleplus/plus/v1/people/" + f.page, h);
  REQUIRE(person.status == 200);
  CHECK(body_of(person).at("displayName") == "Acme Page");
  auto feed = body_of(f.get("/googleplus/plus/v1/people/" + f.page
                            + "/activities/public?access_token=" + f.tok));
  REQUIRE(feed.at("items").size() == 1);
  auto item = feed.at("items")[0];
  CHECK(item.at("object").at("objectType") == "note");
  CHECK(item.at("object").at("content") == "Hello Google+");
  CHECK(item.at("access").at("kind") == "plus#acl");
  CHECK(item.at("published").get<std::string>().back() == 'Z');
  auto comments = body_of(f.get("/googleplus/plus/v1/activities/"
                                + post.at("id").get<std::string>()
                                + "/comments?access_token=" + f.tok));
  CHECK(comments.at("kind") == "plus#commentFeed");
  CHECK(!comments.contains("items"));
}
