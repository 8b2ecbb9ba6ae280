#pragma once

// A WebSocket client behind a Beast-free header, for the console's `tail`
// (the actor event stream): ws:// or wss:// (http:// and https:// are taken
// as the same), chosen request headers (the bearer token), text messages
// both ways, and reads that give up after a limit without breaking the
// stream. wss verifies the peer against the system's CA store or a given
// PEM file, and the host name, with SNI, as http::client does.

#include "http/message.hpp"

#include <chrono>
#include <memory>
#include <optional>
#include <string>

namespace socialcrm::http {

struct ws_client_options {
  /// Resolve, TCP connect, TLS and the upgrade handshake, together.
  std::chrono::milliseconds connect_timeout{std::chrono::seconds(10)};
  /// PEM file of the certificates trusted for wss; "" = the system's.
  std::string ca_file;
  std::string user_agent = "socialcrm";
};

class ws_client {
public:
  explicit ws_client(ws_client_options opts = {});
  ~ws_client();
  ws_client(const ws_client&) = delete;
  ws_client& operator=(const ws_client&) = delete;

  /// Why open() failed: the server's refusal (status and body) or, with
  /// status 0, a transport failure (`error`).
  struct refusal {
    unsigned status = 0;
    std::string body;
    std::string error;
  };

  /// Connects and upgrades; nullopt when the WebSocket is open.
  std::optional<refusal> open(const std::string& url,
                              const header_list& headers = {});

  enum class read_result { message, timeout, closed };

  /// The next text message into `out`; `timeout` when none came within
  /// `limit` (the read stays pending for the next call), `closed` once the
  /// connection ended (then `close_reason` says why).
  read_result read(std::string& out, std::chrono::milliseconds limit);

  /// Sends one text message; false once the connection is gone.
  bool send(const std::string& text);

  /// The closing handshake (bounded), then the socket is closed.
  void close();

  std::string close_reason() const;

private:
  struct impl;
  std::unique_ptr<impl> impl_;
};

} // namespace socialcrm::http
