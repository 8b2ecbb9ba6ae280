#include "tests/web/server_fixture.hpp"

#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>

using namespace socialcrm;
using namespace socialcrm::test;

TEST_CASE("hostile bodies get clean errors and change nothing",
          "[web][hostile][integration]") {
  server_process server;
  auto c = server.admin();
  auto lead = id_of(c.post("/api/v1/leads", {{"last_name", "Target"}}));
  auto before = server.counts();
  struct attempt {
    const char* what;
    std::string method;
    std::string path;
    std::string body;
    std::string type;
    unsigned status;
    const char* code;
  };
  std::string deep =
      "{\"last_name\":\"x\",\"company\":" + std::string(5000, '[') +
      std::string(5000, ']') + "}";
  std::string huge =
      "{\"last_name\":\"" + std::string(1536 * 1024, 'a') + "\"}";
  std::string too_long = "{\"last_name\":\"" + std::string(5000, 'a') + "\"}";
  std::vector<attempt> attempts{
      {"malformed JSON", "POST", "/api/v1/leads",
       "{\"last_name\": ", "application/json", 400, "malformed_json"},
      {"trailing garbage", "POST", "/api/v1/leads", "{\"last_name\":\"x\"} x",
       "application/json", 400, "malformed_json"},
      {"invalid UTF-8", "POST", "/api/v1/leads", "{\"last_name\":\"\xff\xfe\"}",
       "application/json", 400, "malformed_json"},
      {"deep nesting", "POST", "/api/v1/leads", deep, "application/json", 400,
       "json_too_deep"},
      {"not an object", "POST", "/api/v1/leads", "[1,2,3]", "application/json",
       400, "expected_object"},
      {"huge body", "POST", "/api/v1/leads", huge, "application/json", 413,
       "body_too_large"},
      {"over-long string", "POST", "/api/v1/leads", too_long,
       "application/json", 422, "string_too_long"},
      {"wrong content type", "POST", "/api/v1/leads", "{\"last_name\":\"x\"}",
       "text/plain", 415, "unsupported_media_type"},
      {"form body", "POST", "/api/v1/leads", "last_name=x",
       "application/x-www-form-urlencoded", 415, "unsupported_media_type"},
      {"wrong type", "PATCH", "/api/v1/leads/" + lead, "{\"email\":[1]}",
       "application/json", 422, "wrong_type"},
      {"unknown field", "PATCH", "/api/v1/leads/" + lead, "{\"created_at\":1}",
       "application/json", 422, "unknown_field"},
      {"huge number", "POST", "/api/v1/deals",
       "{\"contact_id\":\"1\",\"name\":\"x\",\"amount\":1e400}",
       "application/json", 400, "malformed_json"},
      {"escalation by body", "POST", "/api/v1/users",
       "{\"email\":\"e@x.org\",\"name\":\"n\",\"password\":\"0123456789\","
       "\"profile_id\":\"1\",\"super_admin\":true}",
       "application/json", 422, "unknown_field"},
  };
  for (auto& a : attempts) {
    INFO(a.what);
    auto r = c.send_raw(a.method, a.path, a.body, a.type);
    CHECK(r.status == a.status);
    CHECK(r.code() == a.code);
    CHECK(r.raw.headers.value("Content-Type") == "application/json");
  }
  // Bodies beyond what the transport reads at all are cut off there.
  // The server answers 413 and closes while the client may still be
  // writing, so the client sees either the 413 or a reset connection.
  try {
    auto flood =
        c.send_raw("POST", "/api/v1/leads", std::string(5 * 1024 * 1024, ' '),
                   "application/json");
    CHECK(flood.status == 413);
  } catch (const std::runtime_error& e) {
    CHECK_THAT(e.what(), Catch::Contains("request failed"));
  }
  CHECK(server.counts() == before);
  CHECK(c.get("/api/v1/leads/" + lead).body["last_name"] == "Target");
}

TEST_CASE("static files: the UI and its caching headers",
          "[web][hostile][integration]") {
  server_process server;
  auto c = server.client();
  auto index = c.get("/");
  REQUIRE(index.status == 200);
  CHECK_THAT(index.raw.body, Catch::Contains("<title>"));
  CHECK_THAT(index.raw.body, Catch::Contains("type=\"module\""));
  CHECK(index.raw.headers.value("Content-Type") == "text/html; charset=utf-8");
  CHECK(index.raw.headers.value("Cache-Control") == "no-cache");
  auto etag = index.raw.headers.value("ETag");
  REQUIRE_FALSE(etag.empty());
  http::header_list h;
  h.set("If-None-Match", etag);
  CHECK(c.send("GET", "/index.html", std::nullopt, h).status == 304);

  CHECK(c.get("/no-such-file.js").status == 404);
  CHECK(c.get("/api/v1/nothing-here").code() == "not_found");
}

TEST_CASE("no path leads out of the UI's directory, however it is spelled",
          "[web][hostile][integration]") {
  // A UI directory of our own (SOCIALCRM_STATIC_DIR) with a file of known
  // content beside it: an escape would show that content.
  temp_dir root;
  auto ui = root.path() / "ui";
  std::filesystem::create_directories(ui / "sub");
  const std::string secret = "outside the UI directory: 5f3a9c canary";
  const std::string inside = "inside the UI directory";
  std::ofstream(root.path() / "secret.txt") << secret;
  std::ofstream(ui / "inside.txt") << inside;
  std::ofstream(ui / "index.html") << "<title>test UI</title>";
  // A link inside the directory that leads out of it.
  std::filesystem::create_symlink(root.path() / "secret.txt",
                                  ui / "escape.txt");
  server_process server({"SOCIALCRM_STATIC_DIR=" + ui.string()});
  auto c = server.client();
  // The server serves from that directory: a file in it is reached.
  auto control = c.get("/inside.txt");
  REQUIRE(control.status == 200);
  REQUIRE(control.raw.body == inside);

  for (auto path :
       {"/../secret.txt", "/..%2fsecret.txt", "/..%2Fsecret.txt",
        "/%2e%2e/secret.txt", "/%2e%2e%2fsecret.txt", "/sub/../../secret.txt",
        "/sub/%2e%2e/%2e%2e/secret.txt", "/..\\secret.txt", "/..%5csecret.txt",
        "/%00/../secret.txt", "/escape.txt"}) {
    INFO(path);
    auto r = c.get(path);
    CHECK((r.status == 400 || r.status == 404));
    CHECK_THAT(r.raw.body, !Catch::Contains("5f3a9c"));
    CHECK(r.code() != "");
  }
}

TEST_CASE("health and metrics answer without signing in",
          "[web][integration]") {
  server_process server;
  auto c = server.admin();
  c.get("/api/v1/leads");
  auto health = server.client().get("/healthz");
  CHECK(health.status == 200);
  CHECK(health.body["status"] == "ok");
  auto m = server.client().get("/metrics");
  REQUIRE(m.status == 200);
  CHECK_THAT(m.raw.headers.value("Content-Type"),
             Catch::StartsWith("text/plain"));
  CHECK_THAT(m.raw.body,
             Catch::Contains("socialcrm_http_requests_total{route=\"/api/v1/"
                             "leads\",method=\"GET\",status=\"200\"} 1") &&
                 Catch::Contains("socialcrm_http_request_duration_seconds_"
                                 "bucket") &&
                 Catch::Contains("socialcrm_sessions 1") &&
                 Catch::Contains("socialcrm_actor_up{id=\"classifier\"")
                 && Catch::Contains("socialcrm_actor_mailbox{id=\"classifier\"}")
                 && Catch::Contains("socialcrm_actor_up{id=\"live_router\""));
}

TEST_CASE("ids are canonical decimal: other spellings are refused, not read "
          "as the id they resemble",
          "[web][hostile][integration]") {
  server_process server;
  auto c = server.admin();
  auto lead = id_of(c.post("/api/v1/leads", {{"last_name", "Target"}}));
  REQUIRE(lead == "1"); // so "01", "1.0" and "1e0" resemble it exactly
  REQUIRE(c.get("/api/v1/leads/" + lead).status == 200);
  REQUIRE(c.post("/api/v1/notes", {{"record_type", "lead"},
                                   {"record_id", lead},
                                   {"body", "kept"}})
            .status == 201);
  auto before = server.counts();
  // " 1" and "+1" as a client would send them in a URL.
  const std::vector<std::string> spellings{
      "01", "001", "%2B1", "+1", "%201", "1%20", "1.0", "1e0", "0x1", "-1",
      "0", "1a", "9223372036854775808", "18446744073709551617",
      "99999999999999999999999"};
  SECTION("in a path: 400 bad_path") {
    for (auto& s : spellings) {
      INFO(s);
      for (auto* route : {"/api/v1/leads/", "/api/v1/notes/"}) {
        auto r = c.get(route + s);
        CHECK(r.status == 400);
        CHECK(r.code() == "bad_path");
      }
      CHECK(c.patch("/api/v1/leads/" + s, {{"phone", "1"}}).code() ==
            "bad_path");
      CHECK(c.del("/api/v1/leads/" + s).code() == "bad_path");
    }
    // A well-formed id that names nothing is still a 404.
    for (auto* id : {"2", "9223372036854775807"}) {
      INFO(id);
      auto r = c.get(std::string("/api/v1/leads/") + id);
      CHECK(r.status == 404);
      CHECK(r.code() == "not_found");
    }
  }
  SECTION("in a query: 400 bad_query") {
    for (auto& s : spellings) {
      INFO(s);
      CHECK(c.get("/api/v1/notes?record_type=lead&record_id=" + s).code() ==
            "bad_query");
      CHECK(c.get("/api/v1/deals?contact_id=" + s).code() == "bad_query");
    }
    for (auto* paging : {"limit=010", "limit=%2B5", "offset=00",
                         "offset=1e1", "limit=5.0"}) {
      INFO(paging);
      CHECK(c.get(std::string("/api/v1/leads?") + paging).code() ==
            "bad_query");
    }
    CHECK(c.get("/api/v1/leads?offset=0&limit=10").status == 200);
    auto notes = c.get("/api/v1/notes?record_type=lead&record_id=" + lead);
    REQUIRE(notes.status == 200);
    CHECK(notes.body["items"].size() == 1);
  }
  SECTION("in a JSON body: 422 invalid_value") {
    for (std::string s : {"01", "+1", " 1", "1 ", "1.0", "1e0", "0x1", "-1",
                          "0", "9223372036854775808"}) {
      INFO(s);
      auto r = c.post("/api/v1/notes", {{"record_type", "lead"},
                                        {"record_id", s},
                                        {"body", "refused"}});
      CHECK(r.status == 422);
      CHECK(r.code() == "invalid_value");
    }
    // A JSON number that is no integer is no id either.
    for (auto& raw : {"1.0", "1e0", "1.5"}) {
      INFO(raw);
      auto r = c.send_raw("POST", "/api/v1/notes",
                          std::string("{\"record_type\":\"lead\","
                                      "\"record_id\":") +
                              raw + ",\"body\":\"refused\"}",
                          "application/json");
      CHECK(r.status == 422);
    }
  }
  CHECK(server.counts() == before);
}
