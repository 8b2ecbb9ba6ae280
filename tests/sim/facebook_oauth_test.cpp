#include "tests/sim/sim_fixture.hpp"

using namespace socialcrm::test;
using socialcrm::http::url_encode;

namespace {

const std::string redirect = "http://127.0.0.1:9/fb";

/// Runs the dialog as `handle` and exchanges the code; returns the user
/// access token.
std::string login(sim_fixture& f, const std::string& handle) {
  auto dialog = f.get("/facebook/v19.0/dialog/oauth?client_id=42&redirect_uri="
                      + url_encode(redirect) + "&state=abc&scope="
                      + url_encode("pages_show_list,pages_manage_posts"));
  REQUIRE(dialog.status == 200);
  auto back = f.post_form("/facebook/v19.0/dialog/oauth",
                          {{"client_id", "42"},
                           {"redirect_uri", redirect},
                           {"state", "abc"},
                           {"scope", "pages_show_list,pages_manage_posts"},
                           {"username", handle},
                           {"password", "pw"},
                           {"decision", "allow"}});
  REQUIRE(back.status == 302);
  auto q = location_query(back);
  CHECK(q.find("state")->second == "abc");
  auto code = q.find("code")->second;
  auto tok = f.get("/facebook/v19.0/oauth/access_token?client_id=42"
                   "&client_secret=s3cret&redirect_uri="
                   + url_encode(redirect) + "&code=" + code);
  REQUIRE(tok.status == 200);
  auto t = body_of(tok);
  CHECK(t.at("token_type") == "bearer");
  CHECK(t.at("expires_in").get<long>() > 0);
  // The code is single-use.
  auto again = f.get("/facebook/v19.0/oauth/access_token?client_id=42"
                     "&client_secret=s3cret&redirect_uri="
                     + url_encode(redirect) + "&code=" + code);
  CHECK(again.status == 400);
  CHECK(body_of(again).at("error").at("code") == 100);
  return t.at("access_token");
}

} // namespace

TEST_CASE("Facebook login: dialog, code, access token, then /me/accounts "
          "lists pages with page tokens to choose from",
          "[sim][facebook][oauth][integration]") {
  sim_fixture f;
  auto owner = f.add_user("facebook", "owner", "pw");
  auto p1 = f.control("/pages", {{"network", "facebook"},
                                 {"owner_id", owner},
                                 {"name", "First"}})
              .at("page_id");
  auto p2 = f.control("/pages", {{"network", "facebook"},
                                 {"owner_id", owner},
                                 {"name", "Second"}})
              .at("page_id");
  auto user_token = login(f, "owner");
  auto me = body_of(f.get("/facebook/v19.0/me?access_token=" + user_token));
  CHECK(me.at("id") == owner);
  auto accounts = body_of(f.get("/facebook/v19.0/me/accounts?access_token="
                                + user_token));
  REQUIRE(accounts.at("data").size() == 2);
  CHECK(accounts.at("data")[0].at("id") == p1);
  CHECK(accounts.at("data")[1].at("name") == "Second");
  CHECK(accounts.at("paging").contains("cursors"));
  // The admin picks the second page: its token acts as that page.
  auto page_token = accounts.at("data")[1].at("access_token").get<std::string>();
  auto as_page = body_of(f.get("/facebook/v19.0/me?access_token=" + page_token));
  CHECK(as_page.at("id") == p2);
  // Asking again hands out the same page token.
  auto again = body_of(f.get("/facebook/v19.0/me/accounts?access_token="
                             + user_token));
  CHECK(again.at("data")[1].at("access_token") == page_token);
}

TEST_CASE("Facebook login of an account without pages gives an empty "
          "/me/accounts",
          "[sim][facebook][oauth][integration]") {
  sim_fixture f;
  f.add_user("facebook", "lonely", "pw");
  auto user_token = login(f, "lonely");
  auto accounts = body_of(f.get("/facebook/v19.0/me/accounts?access_token="
                                + user_token));
  CHECK(accounts == json{{"data", json::array()}});
}

TEST_CASE("Facebook token exchange refuses a redirect_uri that differs from "
          "the dialog's",
          "[sim][facebook][oauth][integration]") {
  sim_fixture f;
  f.add_user("facebook", "owner", "pw");
  auto back = f.post_form("/facebook/v19.0/dialog/oauth",
                          {{"client_id", "42"},
                           {"redirect_uri", redirect},
                           {"username", "owner"},
                           {"password", "pw"},
                           {"decision", "allow"}});
  auto code = location_query(back).find("code")->second;
  auto r = f.get("/facebook/v19.0/oauth/access_token?client_id=42"
                 "&client_secret=x&redirect_uri="
                 + url_encode("http://elsewhere/") + "&code=" + code);
  CHECK(r.status == 400);
  CHECK(body_of(r).at("error").at("error_subcode") == 36008);
}
