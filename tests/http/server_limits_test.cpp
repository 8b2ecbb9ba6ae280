// The HTTP server's limits per peer address and its deadline for a new
// connection's first request, through real sockets. Peers are told apart
// by binding client sockets to 127.0.0.2, 127.0.0.3, ... (all loopback on
// Linux), with limit_loopback on.

#include "http/server.hpp"

#include <catch2/catch.hpp>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <string>
#include <thread>
#include <vector>

using namespace socialcrm;

namespace {

/// A TCP connection to the server from a chosen local address.
class peer_socket {
public:
  peer_socket(const char* from, std::uint16_t port) {
    fd_ = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    REQUIRE(fd_ >= 0);
    sockaddr_in local{};
    local.sin_family = AF_INET;
    ::inet_pton(AF_INET, from, &local.sin_addr);
    REQUIRE(::bind(fd_, reinterpret_cast<sockaddr*>(&local), sizeof local) == 0);
    sockaddr_in to{};
    to.sin_family = AF_INET;
    to.sin_port = htons(port);
    ::inet_pton(AF_INET, "127.0.0.1", &to.sin_addr);
    REQUIRE(::connect(fd_, reinterpret_cast<sockaddr*>(&to), sizeof to) == 0);
  }
  ~peer_socket() { close(); }
  peer_socket(const peer_socket&) = delete;
  peer_socket& operator=(const peer_socket&) = delete;

  void close() {
    if (fd_ >= 0)
      ::close(fd_);
    fd_ = -1;
  }

  /// Whether the server closed the connection within `within` (a read
  /// sees end of stream or a reset).
  bool closed_by_server(std::chrono::milliseconds within) {
    pollfd p{fd_, POLLIN, 0};
    if (::poll(&p, 1, static_cast<int>(within.count())) <= 0)
      return false;
    char c;
    return ::recv(fd_, &c, 1, 0) <= 0;
  }

  /// Sends a GET and returns the status line of the answer ("" when the
  /// connection was closed instead).
  std::string get() {
    std::string req = "GET / HTTP/1.1\r\nHost: test\r\n\r\n";
    if (::send(fd_, req.data(), req.size(), MSG_NOSIGNAL)
        != static_cast<ssize_t>(req.size()))
      return {};
    std::string got;
    char buf[512];
    while (got.find("\r\n") == std::string::npos) {
      pollfd p{fd_, POLLIN, 0};
      if (::poll(&p, 1, 10'000) <= 0)
        return {};
      auto n = ::recv(fd_, buf, sizeof buf, 0);
      if (n <= 0)
        return {};
      got.append(buf, static_cast<std::size_t>(n));
    }
    return got.substr(0, got.find("\r\n"));
  }

private:
  int fd_ = -1;
};

struct limited_server {
  http::server server;
  std::uint16_t port = 0;

  explicit limited_server(http::server_limits limits)
    : server(limits, [](http::request, http::responder respond) {
        respond(http::response::make(200, "text/plain", "ok"));
      }) {
    port = server.start("127.0.0.1", 0);
  }
};

const std::string ok_line = "HTTP/1.1 200 OK";
constexpr std::chrono::seconds bound{10}; // generous: a wait, not a measure

} // namespace

TEST_CASE("one address holds at most its share of open connections, others "
          "still get in, and a closed connection makes room",
          "[http][limits][integration]") {
  http::server_limits l;
  l.limit_loopback = true;
  l.max_connections_per_address = 3;
  l.first_request_timeout = std::chrono::seconds(60);
  limited_server s(l);

  std::vector<std::unique_ptr<peer_socket>> held;
  for (int i = 0; i < 3; ++i)
    held.push_back(std::make_unique<peer_socket>("127.0.0.2", s.port));
  CHECK(held[0]->get() == ok_line);
  peer_socket over("127.0.0.2", s.port);
  CHECK(over.closed_by_server(bound));
  CHECK(s.server.refused() == 1);

  peer_socket other("127.0.0.3", s.port);
  CHECK(other.get() == ok_line);

  held[1]->close();
  // The server learns of the close on its own thread; a new connection
  // from the same address gets in once it has.
  auto deadline = std::chrono::steady_clock::now() + bound;
  bool admitted = false;
  while (!admitted && std::chrono::steady_clock::now() < deadline) {
    peer_socket again("127.0.0.2", s.port);
    admitted = again.get() == ok_line;
  }
  CHECK(admitted);
}

TEST_CASE("new connections from one address are rate limited, apart from "
          "how many are open",
          "[http][limits][integration]") {
  http::server_limits l;
  l.limit_loopback = true;
  l.connection_burst_per_address = 3;
  l.connections_per_second_per_address = 0.001; // no refill within the test
  limited_server s(l);
  for (int i = 0; i < 3; ++i) {
    peer_socket c("127.0.0.2", s.port);
    CHECK(c.get() == ok_line);
  }
  peer_socket fourth("127.0.0.2", s.port);
  CHECK(fourth.closed_by_server(bound));
  peer_socket other("127.0.0.3", s.port);
  CHECK(other.get() == ok_line);
}

TEST_CASE("a new connection that sends no request head within the first "
          "request timeout is closed, while a kept-alive one waits the idle timeout",
          "[http][limits][integration]") {
  http::server_limits l;
  l.first_request_timeout = std::chrono::milliseconds(200);
  l.idle_timeout = std::chrono::seconds(60);
  limited_server s(l);
  peer_socket silent("127.0.0.1", s.port);
  peer_socket talking("127.0.0.1", s.port);
  CHECK(talking.get() == ok_line);
  CHECK(silent.closed_by_server(bound));
  // Well past the first request's deadline, the kept-alive connection is
  // still served.
  std::this_thread::sleep_for(std::chrono::milliseconds(400));
  CHECK(talking.get() == ok_line);
}

TEST_CASE("loopback peers are not limited per address unless asked (a "
          "reverse proxy on the host is every client's address)",
          "[http][limits][integration]") {
  http::server_limits l;
  l.max_connections_per_address = 2;
  l.connection_burst_per_address = 2;
  limited_server s(l);
  std::vector<std::unique_ptr<peer_socket>> many;
  for (int i = 0; i < 5; ++i) {
    many.push_back(std::make_unique<peer_socket>("127.0.0.2", s.port));
    CHECK(many.back()->get() == ok_line);
  }
  CHECK(s.server.refused() == 0);
}
