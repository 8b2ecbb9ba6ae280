#pragma once

// A real `socialcrm serve` process on a real socket, and a client that
// speaks its REST API the way a browser (cookie + CSRF header) or a script
// (bearer token) does.

#include "http/client.hpp"
#include "tests/support/child_process.hpp"
#include "tests/support/temp_dir.hpp"

#include <nlohmann/json.hpp>

#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace socialcrm::test {

using nlohmann::json;

inline constexpr const char* admin_email = "admin@example.com";
inline constexpr const char* admin_password = "correct horse battery";

/// One HTTP answer: status, parsed JSON body (null when not JSON), raw.
struct api_result {
  unsigned status = 0;
  json body;
  http::response raw;

  std::string code() const {
    return body.is_object() && body.contains("error")
               ? body["error"].value("code", "")
               : "";
  }
};

class api_client {
public:
  explicit api_client(std::string base)
      : base_(std::move(base)) {}

  api_result send(const std::string& method, const std::string& path,
                  const std::optional<json>& body = std::nullopt,
                  http::header_list headers = {});
  /// Sends a raw body with a chosen content type (hostile inputs).
  api_result send_raw(const std::string& method, const std::string& path,
                      const std::string& body, const std::string& type,
                      http::header_list headers = {});

  api_result get(const std::string& path) { return send("GET", path); }
  api_result post(const std::string& path, const json& body) {
    return send("POST", path, body);
  }
  api_result patch(const std::string& path, const json& body) {
    return send("PATCH", path, body);
  }
  api_result del(const std::string& path) { return send("DELETE", path); }

  /// Signs in; on success keeps the cookie and the CSRF token.
  api_result sign_in(const std::string& email, const std::string& password);

  /// Use a bearer token instead of the cookie.
  void use_token(std::string token) { bearer_ = std::move(token); }

  /// The headers that carry this client's credential (bearer or cookie),
  /// for a connection it does not make itself (a WebSocket upgrade).
  http::header_list credential_headers() const {
    http::header_list h;
    if (!bearer_.empty())
      h.set("Authorization", "Bearer " + bearer_);
    if (!cookie.empty())
      h.add("Cookie", "socialcrm_session=" + cookie);
    return h;
  }
  const std::string& base() const { return base_; }

  std::string cookie; // the session cookie's value
  std::string csrf;   // sent as X-CSRF-Token on mutating requests
  bool send_csrf = true;

private:
  std::string base_;
  std::string bearer_;
  http::client http_;
};

/// How to start `socialcrm serve` when the defaults do not fit: another
/// listen address (0.0.0.0:0 so a test can connect from a non-loopback
/// address), a config file among `extra_args` (`--config PATH`). Not an
/// aggregate, so a braced env list still picks the other constructor.
struct serve_setup {
  serve_setup() = default;
  std::string listen = "127.0.0.1:0";
  std::vector<std::string> env;
  bool with_admin = true;
  std::vector<std::string> extra_args;
};

class server_process {
public:
  /// Starts `socialcrm serve` on a fresh data directory and port 0 with the
  /// super administrator's variables (unless `with_admin` is false).
  /// `extra_args` follow `serve --data DIR --listen 127.0.0.1:0` (for
  /// example `--sim-url URL --poll-interval 0.2`).
  explicit server_process(std::vector<std::string> env = {},
                          bool with_admin = true,
                          std::vector<std::string> extra_args = {});
  /// The same with `setup.listen` instead of 127.0.0.1:0; base() then names
  /// the address serve printed (0.0.0.0 for a wildcard listener; https://
  /// when `extra_args` give it --tls-cert and --tls-key).
  explicit server_process(const serve_setup& setup);
  ~server_process();

  /// The port serve is listening on.
  std::uint16_t port() const;

  const std::string& base() const { return base_; }
  std::string db_path() const;
  const std::string& data_dir() const { return data_; }

  /// Rows in `table`, through a read-only connection of our own.
  std::int64_t count(const std::string& table) const;
  /// Row counts of every table the REST API writes.
  std::vector<std::int64_t> counts() const;

  /// A client signed in as the super administrator.
  api_client admin();
  api_client client() { return api_client(base_); }

  child_process& process() { return *proc_; }

private:
  temp_dir dir_;
  std::string data_;
  std::unique_ptr<child_process> proc_;
  std::string base_;
};

/// The id of a created record in an answer.
inline std::string id_of(const api_result& r) {
  return r.body.value("id", "");
}

} // namespace socialcrm::test
