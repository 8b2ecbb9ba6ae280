#include "networks/json_fields.hpp"

#include <charconv>

namespace socialcrm::networks {

const nlohmann::json* member(const nlohmann::json& j, const char* key) {
  if (!j.is_object())
    return nullptr;
  auto i = j.find(key);
  if (i == j.end() || i->is_null())
    return nullptr;
  return &*i;
}

std::string string_at(const nlohmann::json& j, const char* key) {
  auto m = member(j, key);
  return m && m->is_string() ? m->get<std::string>() : std::string();
}

std::optional<std::int64_t> integer_at(const nlohmann::json& j,
                                       const char* key) {
  auto m = member(j, key);
  if (!m)
    return std::nullopt;
  if (m->is_number_integer())
    return m->get<std::int64_t>();
  if (m->is_string()) {
    auto& s = m->get_ref<const std::string&>();
    std::int64_t v = 0;
    auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
    if (ec == std::errc{} && end == s.data() + s.size() && !s.empty())
      return v;
  }
  return std::nullopt;
}

const nlohmann::json* object_at(const nlohmann::json& j, const char* key) {
  auto m = member(j, key);
  return m && m->is_object() ? m : nullptr;
}

const nlohmann::json* array_at(const nlohmann::json& j, const char* key) {
  auto m = member(j, key);
  return m && m->is_array() ? m : nullptr;
}

std::string string_in(const nlohmann::json& j,
                      std::initializer_list<const char*> path) {
  const nlohmann::json* at = &j;
  std::size_t left = path.size();
  for (const char* key : path) {
    if (--left == 0)
      return string_at(*at, key);
    at = object_at(*at, key);
    if (!at)
      return {};
  }
  return {};
}

} // namespace socialcrm::networks
