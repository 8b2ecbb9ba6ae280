#pragma once

// Reading what a network sent: every access checks the shape first, so a
// missing or wrong-typed field is a value the connector can turn into a
// bad_response, never a nlohmann exception escaping into the core.

#include <nlohmann/json.hpp>

#include <cstdint>
#include <optional>
#include <string>

namespace socialcrm::networks {

/// The member `key` of `j`; nullptr when `j` is no object, or the member is
/// absent or null.
const nlohmann::json* member(const nlohmann::json& j, const char* key);

/// The member as a string; "" when absent or not a string.
std::string string_at(const nlohmann::json& j, const char* key);

/// The member as an integer (a JSON number, or a string of digits as some
/// networks send counts and ids); nullopt otherwise.
std::optional<std::int64_t> integer_at(const nlohmann::json& j,
                                       const char* key);

/// The member when it is an object / an array; nullptr otherwise.
const nlohmann::json* object_at(const nlohmann::json& j, const char* key);
const nlohmann::json* array_at(const nlohmann::json& j, const char* key);

/// A path of nested objects ending in a string: string_in(j, {"a", "b"})
/// is j.a.b, "" when any step is missing or mistyped.
std::string string_in(const nlohmann::json& j,
                      std::initializer_list<const char*> path);

} // namespace socialcrm::networks
