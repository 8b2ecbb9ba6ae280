#include "tests/sim/pkce.hpp"
#include "tests/sim/sim_fixture.hpp"

using namespace socialcrm::test;
using socialcrm::http::url_encode;

namespace {

const std::string redirect = "http://127.0.0.1:9/callback";
const std::string verifier = "dBjftJeZ4CVP-mJ0z5gNjZhL2OIr3oe1Tf1IwZzQWBI";

struct x_oauth : sim_fixture {
  std::string org = add_user("x", "acme", "hunter2");

  std::string authorize_query(const std::string& challenge,
                              const std::string& scope =
                                "tweet.read users.read offline.access") {
    return "response_type=code&client_id=app1&redirect_uri="
           + url_encode(redirect) + "&scope=" + url_encode(scope)
           + "&state=st4te&code_challenge=" + challenge
           + "&code_challenge_method=S256";
  }

  /// Signs in on the consent form and returns the redirect.
  socialcrm::http::response consent(const std::string& password,
                                    const std::string& decision = "allow",
                                    const std::string& scope =
                                      "tweet.read users.read offline.access") {
    return post_form("/x/i/oauth2/authorize",
                     {{"response_type", "code"},
                      {"client_id", "app1"},
                      {"redirect_uri", redirect},
                      {"scope", scope},
                      {"state", "st4te"},
                      {"code_challenge", s256_challenge(verifier)},
                      {"code_challenge_method", "S256"},
                      {"username", "acme"},
                      {"password", password},
                      {"decision", decision}});
  }

  socialcrm::http::response exchange(const std::string& code,
                                     const std::string& v) {
    return post_form("/x/2/oauth2/token", {{"grant_type", "authorization_code"},
                                           {"code", code},
                                           {"redirect_uri", redirect},
                                           {"code_verifier", v},
                                           {"client_id", "app1"}});
  }
};

} // namespace

TEST_CASE("the S256 challenge is the unpadded base64url SHA-256 of the "
          "verifier",
          "[sim][x][oauth]") {
  // Expected value computed with Python's hashlib + base64, padding dropped.
  CHECK(s256_challenge(verifier)
        == "-JgyX1iQEI-ADi-XOyrjt2W_U_SGwbU-vLDqZ1Ey2Ww");
}

TEST_CASE("X OAuth 2.0 with PKCE: authorize page, consent, code, token, "
          "API call",
          "[sim][x][oauth][integration]") {
  x_oauth f;
  auto page = f.get("/x/i/oauth2/authorize?"
                    + f.authorize_query(s256_challenge(verifier)));
  CHECK(page.status == 200);
  CHECK(page.body.find("<form") != std::string::npos);
  CHECK(page.body.find("name=\"password\"") != std::string::npos);

  auto redirect_back = f.consent("hunter2");
  REQUIRE(redirect_back.status == 302);
  auto q = location_query(redirect_back);
  CHECK(q.find("state")->second == "st4te");
  auto code = q.find("code")->second;

  auto tok = f.exchange(code, verifier);
  REQUIRE(tok.status == 200);
  auto t = body_of(tok);
  CHECK(t.at("token_type") == "bearer");
  CHECK(t.at("expires_in") == 7200);
  CHECK(t.at("scope") == "tweet.read users.read offline.access");
  auto me = body_of(f.get("/x/2/users/me", t.at("access_token")));
  CHECK(me.at("data").at("id") == f.org);

  SECTION("a code works once") {
    auto again = f.exchange(code, verifier);
    CHECK(again.status == 400);
    CHECK(body_of(again).at("error") == "invalid_request");
  }
  SECTION("refresh tokens are single-use") {
    auto refresh = t.at("refresh_token").get<std::string>();
    auto r1 = f.post_form("/x/2/oauth2/token",
                          {{"grant_type", "refresh_token"},
                           {"refresh_token", refresh},
                           {"client_id", "app1"}});
    REQUIRE(r1.status == 200);
    auto fresh = body_of(r1);
    CHECK(fresh.at("refresh_token") != refresh);
    CHECK(f.get("/x/2/users/me", fresh.at("access_token")).status == 200);
    auto r2 = f.post_form("/x/2/oauth2/token",
                          {{"grant_type", "refresh_token"},
                           {"refresh_token", refresh},
                           {"client_id", "app1"}});
    CHECK(r2.status == 400);
  }
  SECTION("a revoked token stops working") {
    REQUIRE(f.post_form("/x/2/oauth2/revoke",
                        {{"token", t.at("access_token")},
                         {"client_id", "app1"}})
              .status
            == 200);
    CHECK(f.get("/x/2/users/me", t.at("access_token")).status == 401);
  }
  SECTION("an expired token stops working") {
    f.control("/clock", {{"advance_s", 7201}});
    CHECK(f.get("/x/2/users/me", t.at("access_token")).status == 401);
  }
}

TEST_CASE("X OAuth refuses a wrong verifier, a missing challenge, a wrong "
          "password and a denied consent",
          "[sim][x][oauth][integration]") {
  x_oauth f;
  SECTION("wrong code_verifier") {
    auto code = location_query(f.consent("hunter2")).find("code")->second;
    auto r = f.exchange(code, "not-the-verifier-not-the-verifier-not-the-v");
    CHECK(r.status == 400);
    CHECK(body_of(r).at("error") == "invalid_request");
  }
  SECTION("no code_challenge") {
    auto r = f.get("/x/i/oauth2/authorize?response_type=code&client_id=app1"
                   "&redirect_uri="
                   + url_encode(redirect) + "&scope=tweet.read&state=s");
    REQUIRE(r.status == 302);
    CHECK(location_query(r).find("error")->second == "invalid_request");
  }
  SECTION("wrong password shows the form again") {
    auto r = f.consent("wrong");
    CHECK(r.status == 200);
    CHECK(r.body.find("Wrong handle or password") != std::string::npos);
  }
  SECTION("the user cancels") {
    auto r = f.consent("hunter2", "deny");
    REQUIRE(r.status == 302);
    CHECK(location_query(r).find("error")->second == "access_denied");
    CHECK(location_query(r).find("state")->second == "st4te");
  }
  SECTION("no offline.access, no refresh token") {
    auto code = location_query(f.consent("hunter2", "allow", "tweet.read"))
                  .find("code")
                  ->second;
    auto t = body_of(f.exchange(code, verifier));
    CHECK(!t.contains("refresh_token"));
  }
}
