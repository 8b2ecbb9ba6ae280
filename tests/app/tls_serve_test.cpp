// `socialcrm serve --tls-cert FILE --tls-key FILE`: one real serve process
// for the file, spoken to over https and wss by clients that trust only
// the test CA; SIGHUP with new files, then with a broken one.

#include "http/certificates.hpp"
#include "http/client.hpp"
#include "tests/support/child_process.hpp"
#include "tests/support/temp_dir.hpp"

// GCC 12 with the sanitizers reports boost::optional inside Beast's
// response parser (the client's handshake) as maybe uninitialized: a
// known false positive of that header, not of this code.
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/asio/ssl/host_name_verification.hpp>
#include <boost/asio/ssl/stream.hpp>
#include <boost/beast/core/buffers_to_string.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/websocket/ssl.hpp>
#include <boost/beast/websocket/stream.hpp>
#pragma GCC diagnostic pop
#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>

#include <chrono>
#include <csignal>
#include <cstdio>
#include <filesystem>
#include <memory>
#include <stdexcept>
#include <thread>

using namespace socialcrm;
namespace beast = boost::beast;
namespace net = boost::asio;
namespace ssl = boost::asio::ssl;
using nlohmann::json;

namespace {

const char* admin_email = "admin@example.com";
const char* admin_password = "correct horse battery";

// SHA-256 of a certificate's DER, as hex.
std::string fingerprint(X509* cert) {
  unsigned char md[EVP_MAX_MD_SIZE];
  unsigned int n = 0;
  X509_digest(cert, EVP_sha256(), md, &n);
  std::string out;
  char hex[3];
  for (unsigned i = 0; i < n; ++i) {
    std::snprintf(hex, sizeof hex, "%02x", md[i]);
    out += hex;
  }
  return out;
}

// The fingerprint of the first certificate of a PEM file (the leaf).
std::string file_fingerprint(const std::string& path) {
  std::unique_ptr<FILE, int (*)(FILE*)> f(std::fopen(path.c_str(), "r"),
                                          &std::fclose);
  REQUIRE(f);
  std::unique_ptr<X509, void (*)(X509*)> cert(
    PEM_read_X509(f.get(), nullptr, nullptr, nullptr), &X509_free);
  REQUIRE(cert);
  return fingerprint(cert.get());
}

// A TLS client of the server that checks its certificate against `ca`
// and the name 127.0.0.1. The WebSocket is opened by open_live().
struct tls_peer {
  tls_peer(std::uint16_t port, const std::string& ca) {
    // On the stream: it was made from the context before this ran.
    ws.next_layer().set_verify_mode(ssl::verify_peer);
    ctx.load_verify_file(ca);
    ws.next_layer().set_verify_callback(
      ssl::host_name_verification("127.0.0.1"));
    beast::get_lowest_layer(ws).connect(
      {net::ip::make_address("127.0.0.1"), port});
    ws.next_layer().handshake(ssl::stream_base::client);
  }

  // The certificate the server presented on this connection.
  std::string presented() {
    std::unique_ptr<X509, void (*)(X509*)> cert(
      SSL_get_peer_certificate(ws.next_layer().native_handle()), &X509_free);
    REQUIRE(cert);
    return fingerprint(cert.get());
  }

  void open_live(const std::string& cookie) {
    ws.set_option(beast::websocket::stream_base::decorator(
      [cookie](beast::websocket::request_type& req) {
        req.set(beast::http::field::cookie, "socialcrm_session=" + cookie);
      }));
    ws.handshake("127.0.0.1", "/api/v1/live");
  }

  // Subscribes to one column and returns the last message of the answer
  // (`subscribed`, or the error).
  json subscribe() {
    json msg{{"type", "subscribe"},
             {"views", json::array({{{"column", "unknown"},
                                     {"view", "conversations"}}})}};
    ws.write(net::buffer(msg.dump()));
    for (;;) {
      beast::flat_buffer b;
      ws.read(b);
      auto m = json::parse(beast::buffers_to_string(b.data()));
      auto type = m.value("type", "");
      if (type == "subscribed" || type == "error" || type == "resync")
        return m;
    }
  }

  net::io_context ioc;
  ssl::context ctx{ssl::context::tls_client};
  beast::websocket::stream<ssl::stream<net::ip::tcp::socket>> ws{ioc, ctx};
};

// Whether a TLS handshake against the server succeeds trusting only `ca`.
std::optional<std::string> presented_to(std::uint16_t port,
                                        const std::string& ca) {
  try {
    tls_peer p(port, ca);
    return p.presented();
  } catch (const std::exception&) {
    return std::nullopt;
  }
}

// Copies `from` over `to`, keeping `to`'s mode (0600 for the key).
void replace_file(const std::string& from, const std::string& to) {
  std::filesystem::copy_file(from, to,
                             std::filesystem::copy_options::overwrite_existing);
}

// One serve process on https for the whole file, with a certificate from
// CA "a" in files the test may replace.
struct tls_serve {
  tls_serve() {
    auto a = http::ensure_certificate(dir.file("a"), "server", {"127.0.0.1"});
    auto b = http::ensure_certificate(dir.file("b"), "server", {"127.0.0.1"});
    if (!a || !b)
      throw std::runtime_error("no test certificates");
    first = *a;
    second = *b;
    cert = dir.file("served.pem");
    key = dir.file("served.key");
    std::filesystem::copy_file(first.cert, cert);
    std::filesystem::copy_file(first.key, key);
    proc = std::make_unique<test::child_process>(
      std::vector<std::string>{SOCIALCRM_BINARY, "serve", "--data", dir.file("data"),
                               "--listen", "127.0.0.1:0", "--tls-cert", cert,
                               "--tls-key", key},
      std::vector<std::string>{std::string("SOCIALCRM_ADMIN_EMAIL=")
                                 + admin_email,
                               std::string("SOCIALCRM_ADMIN_PASSWORD=")
                                 + admin_password});
    auto line = proc->wait_for_line("socialcrm listening on ");
    if (!line)
      throw std::runtime_error("serve did not start: " + proc->err());
    listening = *line;
    port = static_cast<std::uint16_t>(
      std::stoi(line->substr(line->rfind(':') + 1)));
    if (!proc->wait_for_line("socialcrm ready"))
      throw std::runtime_error("serve not ready: " + proc->err());
  }

  ~tls_serve() {
    proc->signal(SIGTERM);
    proc->wait();
  }

  std::string url(const std::string& path) const {
    return "https://127.0.0.1:" + std::to_string(port) + path;
  }

  // Reads serve's stderr until it holds `needle` (generous deadline).
  bool log_has(const std::string& needle) {
    auto until = std::chrono::steady_clock::now() + std::chrono::seconds(30);
    while (proc->err().find(needle) == std::string::npos
           && std::chrono::steady_clock::now() < until)
      proc->wait_for_line("\x01never\x01", std::chrono::milliseconds(50));
    return proc->err().find(needle) != std::string::npos;
  }

  // Waits until a new connection presents `expected`.
  bool presents(const std::string& ca, const std::string& expected) {
    auto until = std::chrono::steady_clock::now() + std::chrono::seconds(30);
    for (;;) {
      if (presented_to(port, ca) == expected)
        return true;
      if (std::chrono::steady_clock::now() >= until)
        return false;
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
  }

  test::temp_dir dir;
  http::certificate_files first, second;
  std::string cert, key;
  std::unique_ptr<test::child_process> proc;
  std::string listening;
  std::uint16_t port = 0;
};

tls_serve& server() {
  static tls_serve s;
  return s;
}

std::string sign_in(tls_serve& s, const std::string& ca) {
  http::client c({.ca_file = ca});
  auto r = c.post(s.url("/api/v1/session"),
                  json{{"email", admin_email}, {"password", admin_password}}
                    .dump(),
                  "application/json");
  INFO(r.error);
  REQUIRE(r.ok());
  REQUIRE(r->status == 200);
  for (auto& [name, value] : r->headers) {
    std::string prefix = "socialcrm_session=";
    if (http::iequals(name, "Set-Cookie") && value.rfind(prefix, 0) == 0)
      return value.substr(prefix.size(), value.find(';') - prefix.size());
  }
  FAIL("no session cookie");
  return {};
}

} // namespace

TEST_CASE("serve with --tls-cert and --tls-key speaks https and wss, and "
          "SIGHUP loads new files for new connections",
          "[app][tls][integration]") {
  auto& s = server();
  CHECK_THAT(s.listening, Catch::Contains("https://127.0.0.1:"));

  // https, verified against the CA.
  http::client c({.ca_file = s.first.ca_cert});
  auto health = c.get(s.url("/healthz"));
  INFO(health.error);
  REQUIRE(health.ok());
  CHECK(health->status == 200);

  // Signed in, the live WebSocket over TLS subscribes.
  auto cookie = sign_in(s, s.first.ca_cert);
  tls_peer live(s.port, s.first.ca_cert);
  CHECK(live.presented() == file_fingerprint(s.first.cert));
  live.open_live(cookie);
  auto ack = live.subscribe();
  INFO(ack.dump());
  CHECK(ack["type"] == "subscribed");

  // New files (another CA), then SIGHUP: new connections get them.
  replace_file(s.second.cert, s.cert);
  replace_file(s.second.key, s.key);
  s.proc->signal(SIGHUP);
  CHECK(s.log_has("TLS certificate reloaded from " + s.cert));
  CHECK(s.presents(s.second.ca_cert, file_fingerprint(s.second.cert)));
  CHECK_FALSE(presented_to(s.port, s.first.ca_cert)); // the old CA's is gone
  // The WebSocket opened before keeps its connection and still answers.
  CHECK(live.subscribe()["type"] == "subscribed");
  // And a new one over the new certificate works end to end.
  tls_peer again(s.port, s.second.ca_cert);
  again.open_live(sign_in(s, s.second.ca_cert));
  CHECK(again.subscribe()["type"] == "subscribed");

  // A broken certificate file and SIGHUP: an error in the log, the
  // certificate loaded before still serves.
  {
    std::FILE* f = std::fopen(s.cert.c_str(), "w");
    REQUIRE(f);
    std::fputs("not a certificate\n", f);
    std::fclose(f);
  }
  s.proc->signal(SIGHUP);
  CHECK(s.log_has("TLS certificate not reloaded"));
  CHECK_THAT(s.proc->err(), Catch::Contains("cannot load TLS certificate "
                                            + s.cert));
  CHECK(presented_to(s.port, s.second.ca_cert)
        == file_fingerprint(s.second.cert));
  auto still = http::client({.ca_file = s.second.ca_cert})
                 .get(s.url("/healthz"));
  REQUIRE(still.ok());
  CHECK(still->status == 200);
}
