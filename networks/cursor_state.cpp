#include "networks/cursor_state.hpp"

#include "http/url.hpp"

namespace socialcrm::networks {

cursor_state::cursor_state(const std::string& text) {
  // The same encoding as a query string, with ';' between parts.
  std::string q = text;
  for (auto& ch : q)
    if (ch == ';')
      ch = '&';
  for (auto& [k, v] : http::parse_query(q))
    if (!k.empty())
      parts_[k] = v;
}

std::string cursor_state::get(const std::string& key) const {
  auto i = parts_.find(key);
  return i == parts_.end() ? std::string() : i->second;
}

void cursor_state::set(const std::string& key, const std::string& value) {
  if (value.empty())
    parts_.erase(key);
  else
    parts_[key] = value;
}

void cursor_state::erase(const std::string& key) {
  parts_.erase(key);
}

std::string cursor_state::str() const {
  std::string out;
  for (auto& [k, v] : parts_) {
    if (!out.empty())
      out += ';';
    out += http::url_encode(k) + "=" + http::url_encode(v);
  }
  return out;
}

} // namespace socialcrm::networks
