#pragma once

// Ids in paths, queries and bodies have one spelling: canonical decimal.
// "01", "+1", " 1", "1.0", "1e3", "0x1" and ids beyond 64 bits are no ids,
// so no two strings name the same record and no caller sees a number the
// client did not write.

#include <charconv>
#include <cstdint>
#include <optional>
#include <string_view>

namespace socialcrm::web {

/// The positive id `s` spells in canonical decimal (digits only, no
/// leading zero, at most INT64_MAX); nullopt for anything else.
inline std::optional<std::int64_t> parse_id(std::string_view s) {
  if (s.empty() || s.front() < '1' || s.front() > '9')
    return std::nullopt;
  std::int64_t v = 0;
  auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc() || end != s.data() + s.size())
    return std::nullopt;
  return v;
}

} // namespace socialcrm::web
