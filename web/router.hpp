#pragma once

#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace socialcrm::web {

struct call;
using route_handler = void (*)(const std::shared_ptr<call>&);

/// One REST route: method and path pattern ("/api/v1/leads/{id}"), its
/// handler, and what the pipeline does before calling it.
struct route {
  std::string method;
  std::string pattern;
  route_handler handler = nullptr;
  bool needs_auth = true;  // sign-in required (401 otherwise)
  bool takes_body = false; // a JSON object body is decoded first
  std::string summary;     // one line for the OpenAPI document
};

struct route_match {
  const route* found = nullptr;
  std::map<std::string, std::string> params; // {name} -> decoded value
  /// Methods of routes whose pattern matched the path, when none had the
  /// method asked for (405 with Allow); empty for 404.
  std::vector<std::string> allowed;
};

/// Method + path-pattern routing: a segment `{name}` matches any one
/// non-empty segment; literal segments match exactly. Distinguishes a path
/// nobody serves (404) from a method the path does not take (405).
class router {
public:
  /// Adds a route; throws std::invalid_argument for a malformed pattern or
  /// a duplicate method + pattern (a programming error, found at start).
  void add(route r);

  route_match match(std::string_view method, std::string_view path) const;

  const std::vector<route>& routes() const { return routes_; }

private:
  struct compiled {
    std::vector<std::string> segments; // "{id}" kept as written
  };
  std::vector<route> routes_;
  std::vector<compiled> compiled_;
};

/// Splits "/a/b/c" into {"a","b","c"}; "" segments from "//" are kept so
/// they never match a parameter.
std::vector<std::string_view> split_path(std::string_view path);

} // namespace socialcrm::web
