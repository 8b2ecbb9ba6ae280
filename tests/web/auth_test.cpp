#include "http/url.hpp"
#include "tests/web/server_fixture.hpp"

#include <boost/asio/connect.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/read.hpp>
#include <boost/asio/write.hpp>
#include <catch2/catch.hpp>

#include <csignal>

using namespace socialcrm;
using namespace socialcrm::test;

namespace {

std::string set_cookie_of(const api_result& r) {
  return r.raw.headers.value("Set-Cookie");
}

json a_lead() {
  return {{"first_name", "Ada"}, {"last_name", "Lovelace"}};
}

// The status of a sign-in sent from `source`, another loopback address
// (Linux routes all of 127.0.0.0/8 to the loopback interface), to the
// server's 127.0.0.1 listener.
unsigned sign_in_from(const std::string& base, const std::string& source,
                      const std::string& email, const std::string& password) {
  namespace net = boost::asio;
  auto u = http::parse_url(base);
  REQUIRE(u);
  net::io_context ioc;
  net::ip::tcp::socket s(ioc);
  s.open(net::ip::tcp::v4());
  s.bind({net::ip::make_address(source), 0});
  s.connect({net::ip::make_address(u->host), u->port});
  auto body = json{{"email", email}, {"password", password}}.dump();
  auto req = "POST /api/v1/session HTTP/1.1\r\nHost: " + u->host +
             "\r\nContent-Type: application/json\r\nContent-Length: " +
             std::to_string(body.size()) + "\r\nConnection: close\r\n\r\n" +
             body;
  net::write(s, net::buffer(req));
  std::string answer;
  boost::system::error_code ec;
  net::read(s, net::dynamic_buffer(answer), ec); // to the close
  REQUIRE(answer.rfind("HTTP/1.1 ", 0) == 0);
  return static_cast<unsigned>(std::stoul(answer.substr(9, 3)));
}

} // namespace

TEST_CASE("signing in sets an HttpOnly SameSite cookie and answers the "
          "CSRF token",
          "[web][auth][integration]") {
  server_process server;
  auto c = server.client();
  auto r = c.sign_in(admin_email, admin_password);
  REQUIRE(r.status == 200);
  auto cookie = set_cookie_of(r);
  CHECK_THAT(cookie, Catch::Contains("HttpOnly") &&
                         Catch::Contains("SameSite=Lax") &&
                         Catch::Contains("Path=/"));
  CHECK(r.body["user"]["email"] == admin_email);
  CHECK(r.body["user"]["super_admin"] == true);
  CHECK(r.body["profile"]["name"] == "Administrator");
  CHECK_FALSE(c.csrf.empty());
  auto me = c.get("/api/v1/session");
  CHECK(me.status == 200);
  CHECK(me.body["csrf_token"] == c.csrf);
}

TEST_CASE("a wrong password or an unknown e-mail is refused with 401",
          "[web][auth][integration]") {
  server_process server;
  auto c = server.client();
  SECTION("wrong password") {
    auto r = c.sign_in(admin_email, "not the password");
    CHECK(r.status == 401);
    CHECK(r.code() == "invalid_credentials");
    CHECK(set_cookie_of(r).empty());
  }
  SECTION("unknown e-mail") {
    auto r = c.sign_in("nobody@example.com", "whatever it is");
    CHECK(r.status == 401);
    CHECK(r.code() == "invalid_credentials");
  }
  SECTION("no credentials at all") {
    auto r = c.get("/api/v1/leads");
    CHECK(r.status == 401);
    CHECK(r.code() == "unauthenticated");
  }
  SECTION("a made-up session cookie") {
    c.cookie = "made-up";
    auto r = c.get("/api/v1/leads");
    CHECK(r.status == 401);
    CHECK(r.code() == "unauthenticated");
  }
}

TEST_CASE("repeated failed sign-ins are throttled with 429, even with the "
          "right password",
          "[web][auth][integration]") {
  server_process server;
  auto admin = server.admin();
  auto profiles = admin.get("/api/v1/profiles");
  std::string standard;
  for (auto& p : profiles.body["items"])
    if (p["name"] == "Standard")
      standard = p["id"];
  REQUIRE(admin
              .post("/api/v1/users", {{"email", "bob@example.com"},
                                      {"name", "Bob"},
                                      {"password", "bob's password"},
                                      {"profile_id", standard}})
              .status == 201);
  auto c = server.client();
  for (int i = 0; i < 5; ++i)
    CHECK(c.sign_in("bob@example.com", "guess " + std::to_string(i)).status ==
          401);
  auto r = c.sign_in("bob@example.com", "bob's password");
  CHECK(r.status == 429);
  CHECK(r.code() == "too_many_attempts");
  CHECK_FALSE(r.raw.headers.value("Retry-After").empty());
  // The throttle is per account: another account still signs in.
  CHECK(server.client().sign_in(admin_email, admin_password).status == 200);
}

TEST_CASE("failed sign-ins from one address throttle every account from "
          "that address, and that address alone",
          "[web][auth][integration]") {
  // The rule today (crm_limits::max_failures_per_address): from 20 failed
  // sign-ins of one address within the window on, that address is refused.
  constexpr int address_limit = 20;
  server_process server;
  auto c = server.client();
  // One failure per (unknown) account, so no account's own limit counts.
  auto fail_once = [&](int i) {
    CHECK(c.sign_in("nobody" + std::to_string(i) + "@example.com", "guess")
              .status == 401);
  };
  for (int i = 1; i < address_limit; ++i)
    fail_once(i);
  // One failure short: the right password still signs in, and its success
  // does not wipe the address's failures.
  CHECK(server.client().sign_in(admin_email, admin_password).status == 200);
  fail_once(address_limit);
  auto r = server.client().sign_in(admin_email, admin_password);
  CHECK(r.status == 429);
  CHECK(r.code() == "too_many_attempts");
  CHECK_FALSE(r.raw.headers.value("Retry-After").empty());
  // The same account from another address is not throttled.
  CHECK(sign_in_from(server.base(), "127.0.0.2", admin_email, admin_password) ==
        200);
}

TEST_CASE("signing in again rotates the session and the old cookie stops "
          "working",
          "[web][auth][integration]") {
  server_process server;
  auto c = server.admin();
  auto first = c.cookie;
  auto r = c.sign_in(admin_email, admin_password); // sends the old cookie
  REQUIRE(r.status == 200);
  CHECK(c.cookie != first);
  CHECK(c.get("/api/v1/session").status == 200);
  auto old = server.client();
  old.cookie = first;
  CHECK(old.get("/api/v1/session").status == 401);
}

TEST_CASE("signing out ends the session", "[web][auth][integration]") {
  server_process server;
  auto c = server.admin();
  auto r = c.del("/api/v1/session");
  CHECK(r.status == 204);
  CHECK_THAT(set_cookie_of(r), Catch::Contains("Max-Age=0"));
  auto after = c.get("/api/v1/session");
  CHECK(after.status == 401);
  CHECK(after.code() == "unauthenticated");
  CHECK(server.count("sessions") == 0);
}

TEST_CASE("mutations with the cookie need the right X-CSRF-Token",
          "[web][auth][integration]") {
  server_process server;
  auto c = server.admin();
  auto before = server.count("leads");
  SECTION("missing") {
    c.send_csrf = false;
    auto r = c.post("/api/v1/leads", a_lead());
    CHECK(r.status == 403);
    CHECK(r.code() == "csrf_failed");
    CHECK(server.count("leads") == before);
    // Reads need no CSRF header.
    CHECK(c.get("/api/v1/leads").status == 200);
  }
  SECTION("wrong") {
    c.csrf = "wrong-token";
    auto r = c.post("/api/v1/leads", a_lead());
    CHECK(r.status == 403);
    CHECK(r.code() == "csrf_failed");
    auto d = c.del("/api/v1/session");
    CHECK(d.status == 403);
    CHECK(server.count("leads") == before);
  }
  SECTION("right") {
    CHECK(c.post("/api/v1/leads", a_lead()).status == 201);
    CHECK(server.count("leads") == before + 1);
  }
}

TEST_CASE("a personal API token works until it is revoked",
          "[web][auth][integration]") {
  server_process server;
  auto admin = server.admin();
  auto created = admin.post("/api/v1/tokens", {{"name", "script"}});
  REQUIRE(created.status == 201);
  std::string token = created.body["token"];
  CHECK(token.rfind("scrm_", 0) == 0);
  // Shown once: the list never carries the secret.
  auto list = admin.get("/api/v1/tokens");
  REQUIRE(list.body["items"].size() == 1);
  CHECK_FALSE(list.body["items"][0].contains("token"));

  auto script = server.client();
  script.use_token(token);
  CHECK(script.get("/api/v1/session").status == 200);
  // Bearer requests need no CSRF header.
  CHECK(script.post("/api/v1/leads", a_lead()).status == 201);
  // Only the digest is stored.
  CHECK(server.count("api_tokens") == 1);

  auto revoked = admin.del("/api/v1/tokens/" + id_of(created));
  CHECK(revoked.status == 200);
  CHECK_FALSE(revoked.body["revoked_at"].is_null());
  auto r = script.get("/api/v1/session");
  CHECK(r.status == 401);
  CHECK(r.code() == "unauthenticated");
  CHECK(script.post("/api/v1/leads", a_lead()).status == 401);
}

TEST_CASE("serve refuses a new database without the administrator "
          "variables and says what to set",
          "[web][auth][integration]") {
  temp_dir dir;
  auto r = run({SOCIALCRM_BINARY, "serve", "--data", dir.file("data"),
                "--listen", "127.0.0.1:0"});
  CHECK(r.code == 2);
  CHECK_THAT(r.err, Catch::Contains("SOCIALCRM_ADMIN_EMAIL") &&
                        Catch::Contains("SOCIALCRM_ADMIN_PASSWORD"));
}

TEST_CASE("serve --demo prints the credentials of a demo administrator and "
          "a standard user",
          "[web][auth][integration]") {
  temp_dir dir;
  child_process p({SOCIALCRM_BINARY, "serve", "--demo", "--data",
                   dir.file("data"), "--listen", "127.0.0.1:0"});
  auto admin = p.wait_for_line("socialcrm demo admin: ");
  REQUIRE(admin);
  auto listening = p.wait_for_line("socialcrm listening on ");
  REQUIRE(listening);
  auto base = listening->substr(listening->find("http://"));
  while (!base.empty() && base.back() == '\n')
    base.pop_back();
  // "socialcrm demo admin: EMAIL PASSWORD"
  auto fields = admin->substr(admin->find(": ") + 2);
  auto email = fields.substr(0, fields.find(' '));
  auto password = fields.substr(fields.find(' ') + 1);
  while (!password.empty() && password.back() == '\n')
    password.pop_back();
  api_client c(base);
  CHECK(c.sign_in(email, password).status == 200);
  p.signal(SIGTERM);
  CHECK(p.wait() == 0);
}

TEST_CASE("serve exits 1 when its listen address is taken, and 0 on a stop "
          "signal",
          "[web][integration]") {
  server_process first;
  auto port = first.base().substr(first.base().rfind(':') + 1);
  temp_dir dir;
  auto r = run({SOCIALCRM_BINARY, "serve", "--data", dir.file("data"),
                "--listen", "127.0.0.1:" + port},
               {"SOCIALCRM_ADMIN_EMAIL=a@example.com",
                "SOCIALCRM_ADMIN_PASSWORD=a long password"});
  CHECK(r.code == 1);
  CHECK_THAT(r.err, Catch::Contains("cannot serve HTTP"));
  // The first server still answers, then stops cleanly.
  CHECK(first.client().get("/healthz").status == 200);
  first.process().signal(SIGTERM);
  CHECK(first.process().wait() == 0);
}
