#pragma once

// A synchronous HTTP/1.1 client: one keep-alive connection reused while
// requests go to the same origin, timeouts on every step, errors as values.
// Used by tests and by the network connectors: http for the emulator,
// https (OpenSSL, peer and host name verified, SNI) for real networks.

#include "http/message.hpp"

#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>

namespace socialcrm::http {

struct client_options {
  /// Resolve + TCP connect; loopback answers in microseconds, real hosts
  /// within a few seconds or not at all.
  std::chrono::milliseconds connect_timeout{std::chrono::seconds(10)};
  /// Writing the request and reading the whole response.
  std::chrono::milliseconds request_timeout{std::chrono::seconds(60)};
  /// Largest response body accepted (network API pages are far smaller).
  std::uint64_t body_limit = 64 * 1024 * 1024;
  std::string user_agent = "socialcrm";
  /// PEM file of the certificates trusted for https; "" = the system's CA
  /// store (what real networks need).
  std::string ca_file;
};

/// A response, or why there is none (connection refused, timeout, bad URL).
struct client_result {
  std::optional<http::response> response;
  std::string error;

  bool ok() const { return response.has_value(); }
  explicit operator bool() const { return ok(); }
  const http::response* operator->() const { return &*response; }
};

class client {
public:
  explicit client(client_options opts = {});
  ~client();
  client(const client&) = delete;
  client& operator=(const client&) = delete;
  client(client&&) noexcept;
  client& operator=(client&&) noexcept;

  /// Sends `method` to the absolute `url` and waits for the answer. Host,
  /// User-Agent and Content-Length are filled unless given.
  client_result send(const std::string& method, const std::string& url,
                     const header_list& headers = {},
                     const std::string& body = {});

  client_result get(const std::string& url, const header_list& headers = {}) {
    return send("GET", url, headers);
  }
  /// POST with a body of type `content_type`.
  client_result post(const std::string& url, const std::string& body,
                     const std::string& content_type,
                     header_list headers = {});

  /// Drops the kept-alive connection.
  void close();
  /// TCP connections opened so far (keep-alive reuse keeps this at 1).
  std::size_t connections_opened() const;

private:
  struct impl;
  std::unique_ptr<impl> impl_;
};

} // namespace socialcrm::http
