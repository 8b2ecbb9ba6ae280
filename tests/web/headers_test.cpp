// Security headers on every answer, and who may scrape /metrics (issue 21,
// findings 4 and 6), through a real `socialcrm serve` process.

#include "http/certificates.hpp"
#include "tests/web/server_fixture.hpp"

#include <catch2/catch.hpp>

#include <arpa/inet.h>
#include <ifaddrs.h>
#include <net/if.h>
#include <netinet/in.h>

#include <filesystem>
#include <fstream>
#include <memory>

using namespace socialcrm;
using namespace socialcrm::test;

namespace {

// An IPv4 address of this machine that is not loopback, so a request to it
// reaches the server from a non-loopback peer (Linux uses the destination
// address as the source of a connection to one of its own addresses).
std::string non_loopback_ipv4() {
  ifaddrs* list = nullptr;
  if (::getifaddrs(&list) != 0)
    return {};
  std::unique_ptr<ifaddrs, decltype(&::freeifaddrs)> guard(list,
                                                           &::freeifaddrs);
  for (auto* i = list; i; i = i->ifa_next) {
    if (!i->ifa_addr || i->ifa_addr->sa_family != AF_INET
        || !(i->ifa_flags & IFF_UP) || (i->ifa_flags & IFF_LOOPBACK))
      continue;
    char text[INET_ADDRSTRLEN] = {};
    auto* in = reinterpret_cast<sockaddr_in*>(i->ifa_addr);
    if (::inet_ntop(AF_INET, &in->sin_addr, text, sizeof text))
      return text;
  }
  return {};
}

// The base URL of `server` (listening on 0.0.0.0) from outside loopback;
// fails the test, never passes it, on a machine without such an address.
std::string remote_base(const server_process& server) {
  auto ip = non_loopback_ipv4();
  if (ip.empty())
    FAIL("this machine has no non-loopback IPv4 interface that is up, so "
         "no request can reach the server from a non-loopback peer");
  return "http://" + ip + ":" + std::to_string(server.port());
}

std::string loopback_base(const server_process& server) {
  return "http://127.0.0.1:" + std::to_string(server.port());
}

constexpr const char* metrics_token = "scrape-7c1f9a0e5b2d4e8f";

// One serve per kind for the whole file: the default (no metrics token)
// and one with `[server] metrics_token_file`, both on 0.0.0.0.
server_process& open_server() {
  static auto server = [] {
    serve_setup s;
    s.listen = "0.0.0.0:0";
    return std::make_unique<server_process>(s);
  }();
  return *server;
}

server_process& token_server() {
  static temp_dir dir;
  static auto server = [] {
    auto token_file = dir.file("metrics.token");
    std::ofstream(token_file) << metrics_token << "\n";
    std::filesystem::permissions(token_file,
                                 std::filesystem::perms::owner_read
                                   | std::filesystem::perms::owner_write);
    auto config = dir.file("socialcrm.toml");
    std::ofstream(config) << "[server]\nmetrics_token_file = \"" << token_file
                          << "\"\n";
    serve_setup s;
    s.listen = "0.0.0.0:0";
    s.extra_args = {"--config", config};
    return std::make_unique<server_process>(s);
  }();
  return *server;
}

std::string header(const api_result& r, const char* name) {
  return r.raw.headers.value(name);
}

bool has(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

// What every answer of the service carries, whatever answered it.
void check_common(const api_result& r, const std::string& what) {
  INFO(what << " -> " << r.status);
  CHECK(header(r, "X-Content-Type-Options") == "nosniff");
  CHECK(header(r, "Referrer-Policy") == "same-origin");
  CHECK(header(r, "X-Frame-Options") == "DENY");
  auto csp = header(r, "Content-Security-Policy");
  CHECK(has(csp, "frame-ancestors 'none'"));
  CHECK_FALSE(has(csp, "unsafe-inline"));
  CHECK_FALSE(has(csp, "unsafe-eval"));
  CHECK(header(r, "Strict-Transport-Security").empty()); // plain HTTP
}

} // namespace

TEST_CASE("the UI's files carry a strict Content-Security-Policy and nosniff",
          "[web][headers][integration]") {
  auto c = open_server().client();
  for (auto path : {"/", "/index.html", "/js/main.js", "/css/base.css"}) {
    auto r = c.get(path);
    INFO(path);
    REQUIRE(r.status == 200);
    check_common(r, path);
    CHECK(has(header(r, "Content-Security-Policy"), "default-src 'self'"));
    // Static files revalidate (ETag); they hold no one's data.
    CHECK(header(r, "Cache-Control") == "no-cache");
  }
  SECTION("a revalidated file too") {
    auto first = c.get("/js/main.js");
    http::header_list h;
    h.set("If-None-Match", header(first, "ETag"));
    auto again = c.send("GET", "/js/main.js", std::nullopt, h);
    REQUIRE(again.status == 304);
    check_common(again, "304 /js/main.js");
  }
}

TEST_CASE("API answers, errors and /healthz carry the security headers and "
          "are never stored",
          "[web][headers][integration]") {
  auto& server = open_server();
  auto admin = server.admin();
  auto anonymous = server.client();
  struct probe {
    const char* what;
    api_result result;
    unsigned status;
  };
  std::vector<probe> probes{
    {"signed-in GET /api/v1/leads", admin.get("/api/v1/leads"), 200},
    {"signed-in POST /api/v1/leads",
     admin.post("/api/v1/leads", {{"last_name", "Headers"}}), 201},
    {"signed-in 404", admin.get("/api/v1/leads/999999"), 404},
    {"signed-in 422",
     admin.post("/api/v1/leads", {{"last_name", "x"}, {"nope", 1}}), 422},
    {"unauthenticated", anonymous.get("/api/v1/leads"), 401},
    {"no such route", anonymous.get("/api/v1/nothing-here"), 404},
    {"method not allowed", anonymous.send("PUT", "/healthz"), 405},
    {"no such file", anonymous.get("/no-such-file.js"), 404},
    {"/healthz", anonymous.get("/healthz"), 200},
    {"/api/v1/openapi.json", anonymous.get("/api/v1/openapi.json"), 200},
    {"a refused live WebSocket upgrade",
     anonymous.send("GET", "/api/v1/live", std::nullopt,
                    [] {
                      http::header_list h;
                      h.set("Connection", "Upgrade");
                      h.set("Upgrade", "websocket");
                      h.set("Sec-WebSocket-Version", "13");
                      h.set("Sec-WebSocket-Key", "dGhlIHNhbXBsZSBub25jZQ==");
                      return h;
                    }()),
     401},
  };
  for (auto& p : probes) {
    INFO(p.what);
    CHECK(p.result.status == p.status);
    check_common(p.result, p.what);
    CHECK(header(p.result, "Cache-Control") == "no-store");
    // Data, never a page: nothing may load under it.
    if (std::string(p.what) != "no such file")
      CHECK(has(header(p.result, "Content-Security-Policy"),
                "default-src 'none'"));
  }
}

TEST_CASE("an answer the HTTP layer makes itself is data, never a page",
          "[web][headers][integration]") {
  auto& server = open_server();
  auto anonymous = server.client();
  http::header_list h;
  h.set("X-Padding", std::string(20 * 1024, 'a')); // beyond the header limit
  auto r = anonymous.send("GET", "/healthz", std::nullopt, h);
  CHECK(r.status == 431);
  CHECK(header(r, "X-Content-Type-Options") == "nosniff");
  CHECK(has(header(r, "Content-Security-Policy"), "default-src 'none'"));
  CHECK(header(r, "Cache-Control") == "no-store");
}

TEST_CASE("/metrics answers loopback scrapers and refuses other peers when "
          "no token is configured",
          "[web][headers][metrics][integration]") {
  auto& server = open_server();
  api_client local(loopback_base(server));
  auto ok = local.get("/metrics");
  CHECK(ok.status == 200);
  CHECK(has(ok.raw.body, "socialcrm_http_requests_total"));
  check_common(ok, "loopback /metrics");

  api_client remote(remote_base(server));
  // The same server answers that peer otherwise: only /metrics is closed.
  CHECK(remote.get("/healthz").status == 200);
  auto refused = remote.get("/metrics");
  CHECK(refused.status == 403);
  CHECK(refused.code() == "metrics_forbidden");
  CHECK(has(refused.raw.body, "metrics_token_file"));
  CHECK_FALSE(has(refused.raw.body, "socialcrm_http_requests_total"));
  check_common(refused, "refused /metrics");

  SECTION("a bearer token does not open it when none is configured") {
    remote.use_token(metrics_token);
    auto r = remote.get("/metrics");
    CHECK(r.status == 403);
    CHECK(r.code() == "metrics_forbidden");
  }
}

TEST_CASE("/metrics with a configured token answers only scrapers that send "
          "it",
          "[web][headers][metrics][integration]") {
  auto& server = token_server();
  for (auto base : {remote_base(server), loopback_base(server)}) {
    INFO(base);
    api_client scraper(base);
    auto missing = scraper.get("/metrics");
    CHECK(missing.status == 401);
    CHECK(missing.code() == "metrics_unauthorized");
    CHECK(has(header(missing, "WWW-Authenticate"), "Bearer"));
    CHECK_FALSE(has(missing.raw.body, "socialcrm_http_requests_total"));

    for (auto wrong : {std::string("scrape-7c1f9a0e5b2d4e8e"),
                       std::string("scrape-7c1f9a0e5b2d4e8f0"),
                       std::string("scrape"), std::string("x")}) {
      INFO("wrong token " << wrong);
      scraper.use_token(wrong);
      auto r = scraper.get("/metrics");
      CHECK(r.status == 401);
      CHECK(r.code() == "metrics_unauthorized");
    }

    scraper.use_token(metrics_token);
    auto ok = scraper.get("/metrics");
    CHECK(ok.status == 200);
    CHECK(has(ok.raw.body, "socialcrm_http_requests_total"));
    check_common(ok, "/metrics with the token");
  }
}

TEST_CASE("over TLS every answer also carries Strict-Transport-Security",
          "[web][headers][tls][integration]") {
  temp_dir dir;
  auto files =
    http::ensure_certificate(dir.file("tls"), "server", {"127.0.0.1"});
  REQUIRE(files);
  serve_setup s;
  s.extra_args = {"--tls-cert", files->cert, "--tls-key", files->key};
  server_process server(s);
  REQUIRE(server.base().rfind("https://", 0) == 0);
  http::client_options trust;
  trust.ca_file = files->ca_cert;
  http::client tls(trust);
  for (auto path : {"/", "/js/main.js", "/healthz", "/api/v1/leads",
                    "/metrics"}) {
    INFO(path);
    auto r = tls.get(server.base() + path);
    REQUIRE(r.ok());
    CHECK(r->headers.value("Strict-Transport-Security") == "max-age=31536000");
    CHECK(r->headers.value("X-Content-Type-Options") == "nosniff");
  }
  // Served over TLS, the session cookie is Secure (finding 5), though the
  // config names no https public URL.
  auto signed_in =
    tls.post(server.base() + "/api/v1/session",
             json{{"email", admin_email}, {"password", admin_password}}.dump(),
             "application/json");
  REQUIRE(signed_in.ok());
  CHECK(signed_in->status == 200);
  CHECK(has(signed_in->headers.value("Set-Cookie"), "; Secure"));
}
