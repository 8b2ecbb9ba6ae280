#include "http/certificates.hpp"
#include "http/client.hpp"
#include "http/server.hpp"
#include "tests/support/child_process.hpp"
#include "tests/support/temp_dir.hpp"

#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>

using namespace socialcrm;

namespace {

/// An https server answering "hello" with the certificate `files` names.
struct tls_server {
  http::server server{http::server_limits{},
                      [](http::request, http::responder respond) {
                        respond(http::response::make(200, "text/plain",
                                                     "hello"));
                      }};
  std::uint16_t port = 0;

  explicit tls_server(const http::certificate_files& files) {
    server.use_tls(files.cert, files.key);
    port = server.start("127.0.0.1", 0);
  }

  std::string url(const std::string& host = "127.0.0.1") const {
    return "https://" + host + ":" + std::to_string(port) + "/";
  }
};

} // namespace

TEST_CASE("a private CA and a certificate are made once, with private keys "
          "only the owner can read",
          "[http][tls]") {
  test::temp_dir tmp;
  auto dir = tmp.file("tls");
  auto made = http::ensure_certificate(dir, "node", {"127.0.0.1", "localhost"});
  INFO((made ? "" : made.error().message));
  REQUIRE(made);
  CHECK(test::file_mode(dir) == 0700);
  CHECK(test::file_mode(made->ca_key) == 0600);
  CHECK(test::file_mode(made->key) == 0600);
  CHECK(test::file_mode(made->ca_cert) == 0644);
  auto ca = test::read_file(made->ca_cert);
  auto cert = test::read_file(made->cert);

  SECTION("a second call with the same hosts keeps both") {
    auto again = http::ensure_certificate(dir, "node", {"localhost"});
    REQUIRE(again);
    CHECK(test::read_file(again->ca_cert) == ca);
    CHECK(test::read_file(again->cert) == cert);
  }
  SECTION("a host the certificate does not name gets a new one from the "
          "same CA") {
    auto again = http::ensure_certificate(dir, "node",
                                          {"127.0.0.1", "sim.example"});
    REQUIRE(again);
    CHECK(test::read_file(again->ca_cert) == ca);
    CHECK(test::read_file(again->cert) != cert);
    // `openssl verify` checks it chains to the CA and names the host.
    auto verified = test::run({"/usr/bin/openssl", "verify", "-CAfile",
                               again->ca_cert, "-verify_hostname",
                               "sim.example", again->cert});
    INFO(verified.out << verified.err);
    CHECK(verified.code == 0);
  }
  SECTION("a key that is not a key is refused by name, nothing replaced") {
    std::ofstream(made->ca_key) << "not a key";
    auto again = http::ensure_certificate(dir, "node", {"localhost"});
    REQUIRE_FALSE(again);
    CHECK(again.error().code == "tls_files");
    CHECK_THAT(again.error().message, Catch::Contains("ca.key"));
    CHECK(test::read_file(made->ca_cert) == ca);
  }
}

TEST_CASE("the server speaks https with its certificate, verified by clients "
          "that trust its CA",
          "[http][tls][integration]") {
  test::temp_dir tmp;
  auto files = http::ensure_certificate(tmp.file("tls"), "server",
                                        {"127.0.0.1", "localhost"});
  REQUIRE(files);
  tls_server s(*files);
  CHECK(s.server.tls());

  SECTION("a client that trusts the CA gets the answer, by IP and by name") {
    http::client c({.ca_file = files->ca_cert});
    for (auto host : {"127.0.0.1", "localhost"}) {
      auto r = c.get(s.url(host));
      INFO(host << ": " << r.error);
      REQUIRE(r.ok());
      CHECK(r->status == 200);
      CHECK(r->body == "hello");
    }
  }
  SECTION("a client with only the system's CA store refuses it") {
    http::client c;
    auto r = c.get(s.url());
    CHECK_FALSE(r.ok());
    CHECK_THAT(r.error, Catch::Contains("certificate"));
  }
  SECTION("plain http to the https port gets no answer") {
    http::client c;
    auto r = c.get("http://127.0.0.1:" + std::to_string(s.port) + "/");
    CHECK_FALSE((r.ok() && r->status == 200));
  }
}

TEST_CASE("new certificate files take effect for new connections without a "
          "restart, and bad ones are refused while the old stay",
          "[http][tls][integration]") {
  test::temp_dir tmp;
  auto first = http::ensure_certificate(tmp.file("a"), "server", {"127.0.0.1"});
  auto second = http::ensure_certificate(tmp.file("b"), "server",
                                         {"127.0.0.1"});
  REQUIRE(first);
  REQUIRE(second);
  tls_server s(*first);
  REQUIRE(http::client({.ca_file = first->ca_cert}).get(s.url()).ok());

  CHECK_THROWS_WITH(s.server.use_tls(tmp.file("missing.pem"), second->key),
                    Catch::Contains("missing.pem"));
  REQUIRE(http::client({.ca_file = first->ca_cert}).get(s.url()).ok());

  s.server.use_tls(second->cert, second->key);
  CHECK_FALSE(http::client({.ca_file = first->ca_cert}).get(s.url()).ok());
  auto r = http::client({.ca_file = second->ca_cert}).get(s.url());
  INFO(r.error);
  CHECK(r.ok());
}
