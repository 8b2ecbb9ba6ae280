#include "http/client.hpp"
#include "tests/support/child_process.hpp"
#include "tests/support/temp_dir.hpp"

#include <catch2/catch.hpp>

using namespace socialcrm;
using socialcrm::test::child_process;

namespace {

// A real TLS peer: `openssl s_server -www` answers GET with a status page,
// under a self-signed certificate for "localhost" made for this test.
struct tls_peer {
  test::temp_dir dir;
  std::string cert = dir.file("cert.pem");
  std::string key = dir.file("key.pem");
  unsigned short port = test::free_port();
  std::unique_ptr<child_process> server;

  tls_peer() {
    auto made = test::run({"/usr/bin/openssl", "req", "-x509", "-newkey",
                           "rsa:2048", "-nodes", "-days", "1", "-subj",
                           "/CN=localhost", "-addext",
                           "subjectAltName=DNS:localhost", "-keyout", key,
                           "-out", cert});
    INFO(made.err);
    REQUIRE(made.code == 0);
    server = std::make_unique<child_process>(std::vector<std::string>{
      "/usr/bin/openssl", "s_server", "-accept", std::to_string(port),
      "-cert", cert, "-key", key, "-www"});
    REQUIRE(server->wait_for_line("ACCEPT"));
  }

  std::string url(const std::string& host) const {
    return "https://" + host + ":" + std::to_string(port) + "/";
  }
};

} // namespace

TEST_CASE("the client speaks https to a peer it trusts",
          "[http][tls][integration]") {
  tls_peer peer;
  http::client_options opts;
  opts.ca_file = peer.cert;
  http::client c(opts);
  auto r = c.get(peer.url("localhost"));
  INFO(r.error);
  REQUIRE(r.ok());
  CHECK(r->status == 200);
  CHECK_THAT(r->body, Catch::Contains("s_server"));
}

TEST_CASE("the client refuses a certificate it does not trust or that names "
          "another host",
          "[http][tls][integration]") {
  tls_peer peer;
  SECTION("self-signed, not in the system's CA store") {
    http::client c;
    auto r = c.get(peer.url("localhost"));
    REQUIRE_FALSE(r.ok());
    CHECK_THAT(r.error, Catch::Contains("tls handshake"));
  }
  SECTION("trusted, but issued for localhost and reached as 127.0.0.1") {
    http::client_options opts;
    opts.ca_file = peer.cert;
    http::client c(opts);
    auto r = c.get(peer.url("127.0.0.1"));
    REQUIRE_FALSE(r.ok());
    CHECK_THAT(r.error, Catch::Contains("tls handshake"));
  }
}
