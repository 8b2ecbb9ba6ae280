#pragma once

#include "http/client.hpp"
#include "networks/connector.hpp"

#include <nlohmann/json.hpp>

#include <functional>
#include <string>

namespace socialcrm::networks {

/// How one network reports its rate-limit window in response headers.
using rate_header_reader =
  std::function<rate_reading(const http::response&, unix_ms now)>;

/// How one network's error answers map onto what a source must do.
using error_classifier = std::function<failure(const http::response&)>;

/// The HTTP side every connector shares: one keep-alive client, the shared
/// rate budgets (checked before a request is sent, fed from the headers
/// after), and the network's own error mapping. Not thread-safe: one per
/// connector, one connector per source actor.
class api_client {
public:
  /// `paced`: requests are spread once half a window is spent (polling);
  /// otherwise they go while anything is left (a person's actions).
  /// `ca_file`: PEM certificates trusted for an https base URL instead of
  /// the system's store ("" = the system's).
  api_client(network net, std::string base_url,
             std::shared_ptr<rate_budgets> budgets, rate_header_reader rates,
             error_classifier errors, bool paced = true,
             const std::string& ca_file = {});

  /// Sends a request on the window `family` of `token`. Never sends into a
  /// spent window, nor, when paced, before its slot: answers rate_limited
  /// with the time to come back instead. A 2xx answer is returned;
  /// anything else is classified.
  outcome<http::response> send(const std::string& token,
                               const std::string& family,
                               const std::string& method,
                               const std::string& path_and_query,
                               const http::header_list& headers = {},
                               const std::string& body = {});

  /// send() plus a JSON body decode; a body that is not JSON is a
  /// bad_response.
  outcome<nlohmann::json> send_json(const std::string& token,
                                    const std::string& family,
                                    const std::string& method,
                                    const std::string& path_and_query,
                                    const http::header_list& headers = {},
                                    const std::string& body = {});

  const std::string& base_url() const { return base_url_; }

private:
  network net_;
  std::string base_url_;
  std::shared_ptr<rate_budgets> budgets_;
  rate_header_reader rates_;
  error_classifier errors_;
  bool paced_ = true;
  http::client client_;
};

/// Reads a header as a number; -1 when absent or not a number.
long header_number(const http::response& r, std::string_view name);

/// A failure of a given kind with a message.
failure make_failure(failure_kind kind, std::string message,
                     unix_ms retry_at = 0);

/// The usual mapping of a status code when the body says nothing more:
/// 401 reauth_required, 429 rate_limited, 5xx transient, other 4xx rejected.
failure classify_status(const http::response& r, std::string message);

/// Parses an RFC 3339 / ISO 8601 UTC time ("2026-03-01T10:00:00.000Z",
/// "+0000" offsets too) into unix ms; 0 when it cannot.
unix_ms parse_time(const std::string& text);

/// Compares two decimal ids of any length (X snowflakes, Mastodon ids) as
/// numbers.
bool id_less(const std::string& a, const std::string& b);

} // namespace socialcrm::networks
