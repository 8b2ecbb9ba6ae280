#pragma once

// Beast-free HTTP messages: what handlers and client callers see. Keeping
// Beast out of this header keeps it out of every translation unit that only
// routes requests (Beast is the slowest header to compile on 2 cores).

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace socialcrm::http {

/// Header fields in arrival order; names compare case-insensitively, as
/// RFC 9110 says. Repeated fields are kept (Set-Cookie, Link).
class header_list {
public:
  using field = std::pair<std::string, std::string>;

  /// First value of `name`, or nullopt.
  std::optional<std::string> get(std::string_view name) const;
  /// First value of `name`, or "" when absent.
  std::string value(std::string_view name) const;
  bool has(std::string_view name) const { return get(name).has_value(); }
  /// Replaces every field named `name` with one field.
  void set(std::string name, std::string value);
  /// Adds a field, keeping existing ones of that name.
  void add(std::string name, std::string value);
  void erase(std::string_view name);

  const std::vector<field>& fields() const { return fields_; }
  auto begin() const { return fields_.begin(); }
  auto end() const { return fields_.end(); }

private:
  std::vector<field> fields_;
};

/// Case-insensitive ASCII comparison, for header names and tokens.
bool iequals(std::string_view a, std::string_view b);

/// An HTTP request: method and target exactly as sent ("GET",
/// "/x/2/users/me?user.fields=id").
struct request {
  std::string method = "GET";
  std::string target = "/";
  unsigned version = 11; // 10 or 11
  header_list headers;
  std::string body;
  std::string remote_address; // peer IP, filled by the server

  /// Target without the query string.
  std::string_view path() const;
  /// Query string without '?', "" when there is none.
  std::string_view query() const;
};

/// An HTTP response. The server fills Content-Length, Server and Date.
struct response {
  unsigned status = 200;
  header_list headers;
  std::string body;

  /// A response with a body and its Content-Type.
  static response make(unsigned status, std::string content_type,
                       std::string body);
  /// A redirect (302 Found by default) to `location`.
  static response redirect(std::string location, unsigned status = 302);
};

/// Standard reason phrase for a status code ("Too Many Requests").
std::string_view reason_phrase(unsigned status);

} // namespace socialcrm::http
