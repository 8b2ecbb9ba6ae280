#pragma once

// URL helpers: percent-encoding (RFC 3986), query strings and
// application/x-www-form-urlencoded bodies, absolute URL parsing.

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace socialcrm::http {

using query_params = std::multimap<std::string, std::string>;

/// Decodes %XX escapes (and '+' as space when `plus_as_space`, as forms and
/// query strings use it). A malformed escape is kept as written.
std::string url_decode(std::string_view s, bool plus_as_space = true);

/// Percent-encodes everything but RFC 3986 unreserved characters
/// (ALPHA DIGIT - . _ ~), so the result is safe in a path segment, a query
/// key or value, and a form body.
std::string url_encode(std::string_view s);

/// Parses "a=1&b=x+y&types[]=m" (a query string or a form body) into
/// decoded pairs; keys without '=' get an empty value.
query_params parse_query(std::string_view q);

/// Builds "a=1&b=x%20y" from pairs, in the given order.
std::string build_query(
  const std::vector<std::pair<std::string, std::string>>& params);

/// An absolute http(s) URL split into what a client needs.
struct url {
  std::string scheme; // "http" or "https"
  std::string host;   // without brackets for IPv6 literals
  std::uint16_t port = 0; // explicit, or 80 / 443 from the scheme
  std::string target = "/"; // path and query: "/x/2/users/me?a=1"

  /// Path without query: "/x/2/users/me".
  std::string path() const;
  /// Query without '?', "" when there is none.
  std::string query() const;
  /// "http://host:port" (port omitted when it is the scheme's default).
  std::string origin() const;
};

/// Parses "http://host[:port][/path][?query]"; nullopt for anything that is
/// not an absolute http or https URL. A fragment is dropped.
std::optional<url> parse_url(std::string_view s);

} // namespace socialcrm::http
