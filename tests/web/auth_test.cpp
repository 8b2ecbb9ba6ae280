#include "http/url.hpp"
#include "tests/web/server_fixture.hpp"

#include <boost/asio/connect.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/read.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http.hpp>
#include <catch2/catch.hpp>

#include <chrono>
#include <csignal>
#include <fstream>
#include <thread>

using namespace socialcrm;
using namespace socialcrm::test;

namespace {

std::string set_cookie_of(const api_result& r) {
  return r.raw.headers.value("Set-Cookie");
}

json a_lead() {
  return {{"first_name", "Ada"}, {"last_name", "Lovelace"}};
}

// A sign-in's answer: status, error code and Retry-After.
struct sign_in_answer {
  unsigned status = 0;
  std::string code;
  std::string retry_after;
};

// A sign-in sent from `source`, another loopback address (Linux routes all
// of 127.0.0.0/8 to the loopback interface), to the server's 127.0.0.1
// listener: the server sees `source` as the client's address.
sign_in_answer sign_in_from(const std::string& base, const std::string& source,
                            const std::string& email,
                            const std::string& password) {
  namespace net = boost::asio;
  namespace bhttp = boost::beast::http;
  auto u = http::parse_url(base);
  REQUIRE(u);
  net::io_context ioc;
  net::ip::tcp::socket s(ioc);
  s.open(net::ip::tcp::v4());
  s.bind({net::ip::make_address(source), 0});
  s.connect({net::ip::make_address(u->host), u->port});
  bhttp::request<bhttp::string_body> req{bhttp::verb::post, "/api/v1/session",
                                         11};
  req.set(bhttp::field::host, u->host);
  req.set(bhttp::field::content_type, "application/json");
  req.body() = json{{"email", email}, {"password", password}}.dump();
  req.prepare_payload();
  bhttp::write(s, req);
  boost::beast::flat_buffer buf;
  bhttp::response<bhttp::string_body> res;
  bhttp::read(s, buf, res);
  sign_in_answer out;
  out.status = res.result_int();
  auto body = json::parse(res.body(), nullptr, false);
  if (body.is_object() && body.contains("error"))
    out.code = body["error"].value("code", "");
  out.retry_after = std::string(res[bhttp::field::retry_after]);
  return out;
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
  // Plain HTTP with an http public URL: a Secure cookie would never come
  // back.
  CHECK_THAT(cookie, !Catch::Contains("Secure"));
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

TEST_CASE("a guesser on one address is slowed with growing delays while "
          "the owner signs in from another address at once",
          "[web][auth][integration]") {
  // The rule (crm_limits): three free failures per (account, address), then
  // a wait of 1 s doubling with each failure. The wait depends on the
  // pair's failures alone, so the test asserts it exactly; it waits only as
  // long as the server says, and a slow machine merely takes more rounds.
  constexpr int free_failures = 3;
  const std::string guesser = "127.0.0.3";
  const std::string owner = "127.0.0.2";
  server_process server;
  int failures = 0;
  std::vector<long> waits;
  auto deadline = std::chrono::steady_clock::now() + std::chrono::minutes(2);
  while (waits.size() < 3 && std::chrono::steady_clock::now() < deadline) {
    auto r = sign_in_from(server.base(), guesser, admin_email,
                          "guess " + std::to_string(failures));
    if (r.status == 401) {
      ++failures;
      continue;
    }
    REQUIRE(r.status == 429);
    CHECK(r.code == "too_many_attempts");
    REQUIRE_FALSE(r.retry_after.empty());
    auto wait = std::stol(r.retry_after);
    REQUIRE(failures >= free_failures);
    // REQUIRE: a wrong wait ends the test before it sleeps that long.
    REQUIRE(wait == 1L << (failures - free_failures));
    if (waits.empty() || waits.back() != wait)
      waits.push_back(wait);
    // Whatever the guesser has done, the owner gets in at once.
    CHECK(sign_in_from(server.base(), owner, admin_email, admin_password)
              .status == 200);
    if (waits.size() < 3)
      std::this_thread::sleep_for(std::chrono::seconds(wait));
  }
  // On a machine that answers within a second: 1, 2, 4.
  REQUIRE(waits.size() == 3);
  CHECK(waits[0] < waits[1]);
  CHECK(waits[1] < waits[2]);
  // Every throttled attempt is logged with its address and account, and
  // never with a password.
  server.process().signal(SIGTERM);
  REQUIRE(server.process().wait());
  auto& log = server.process().err();
  CHECK_THAT(log, Catch::Contains("sign-in throttled") &&
                      Catch::Contains(guesser) && Catch::Contains(admin_email));
  CHECK_THAT(log,
             !Catch::Contains("guess ") && !Catch::Contains(admin_password));
}

TEST_CASE("the session cookie is Secure when the public URL is https",
          "[web][auth][integration]") {
  temp_dir dir;
  auto config = dir.file("socialcrm.toml");
  std::ofstream(config)
      << "[server]\npublic_url = \"https://crm.example.com\"\n";
  server_process server({}, true, {"--config", config});
  auto c = server.client();
  auto r = c.sign_in(admin_email, admin_password);
  REQUIRE(r.status == 200);
  CHECK_THAT(set_cookie_of(r),
             Catch::Contains("; Secure") && Catch::Contains("HttpOnly"));
  auto out = c.del("/api/v1/session");
  REQUIRE(out.status == 204);
  CHECK_THAT(set_cookie_of(out),
             Catch::Contains("; Secure") && Catch::Contains("Max-Age=0"));
}

TEST_CASE("failed sign-ins from one address throttle every account from "
          "that address, and that address alone",
          "[web][auth][integration]") {
  // The rule (crm_limits::max_failures_per_address): from 20 failed
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
  // Refused for the window (crm_limits::throttle_window).
  CHECK(r.raw.headers.value("Retry-After") == "900");
  // The same account from another address is not throttled.
  CHECK(sign_in_from(server.base(), "127.0.0.2", admin_email, admin_password)
            .status == 200);
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
