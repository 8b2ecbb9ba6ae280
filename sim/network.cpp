#include "sim/network.hpp"

#include "http/url.hpp"

#include <algorithm>
#include <cctype>

namespace socialcrm::sim {

std::optional<std::string> call::param(const std::string& name) const {
  auto it = query.find(name);
  if (it == query.end())
    return std::nullopt;
  return it->second;
}

std::vector<std::string> call::params(const std::string& name) const {
  std::vector<std::string> out;
  auto [b, e] = query.equal_range(name);
  for (auto it = b; it != e; ++it)
    out.push_back(it->second);
  return out;
}

std::string call::bearer() const {
  auto h = http.headers.value("Authorization");
  constexpr std::string_view scheme = "Bearer ";
  if (h.size() > scheme.size()
      && http::iequals(std::string_view(h).substr(0, scheme.size()), scheme))
    return h.substr(scheme.size());
  return {};
}

std::multimap<std::string, std::string> call::form() const {
  return http::parse_query(http.body);
}

std::optional<nlohmann::json> call::json_body() const {
  auto j = nlohmann::json::parse(http.body, nullptr, false);
  if (j.is_discarded())
    return std::nullopt;
  return j;
}

std::optional<std::string> call::any_param(const std::string& name) const {
  if (auto v = param(name))
    return v;
  auto type = http.headers.value("Content-Type");
  if (type.find("application/json") != std::string::npos) {
    if (auto j = json_body(); j && j->is_object() && j->contains(name)) {
      const auto& v = (*j)[name];
      return v.is_string() ? v.get<std::string>() : v.dump();
    }
    return std::nullopt;
  }
  auto f = form();
  if (auto it = f.find(name); it != f.end())
    return it->second;
  return std::nullopt;
}

std::vector<std::string> call::segments() const {
  std::vector<std::string> out;
  std::string_view p = path;
  while (!p.empty()) {
    auto slash = p.find('/');
    if (slash != 0) {
      out.push_back(http::url_decode(p.substr(0, slash), false));
    }
    if (slash == std::string_view::npos)
      break;
    p = p.substr(slash + 1);
  }
  return out;
}

http::response json_response(unsigned status, const nlohmann::json& body) {
  return http::response::make(status, "application/json; charset=utf-8",
                              body.dump());
}

http::response html_response(unsigned status, std::string body) {
  return http::response::make(status, "text/html; charset=utf-8",
                              std::move(body));
}

std::string ascii_lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(),
                 [](unsigned char ch) { return std::tolower(ch); });
  return s;
}

bool matches_all_terms(const std::string& query, const std::string& text) {
  auto t = ascii_lower(text);
  std::string term;
  bool any = false;
  for (char ch : ascii_lower(query) + " ") {
    if (std::isspace(static_cast<unsigned char>(ch))) {
      if (!term.empty()) {
        if (t.find(term) == std::string::npos)
          return false;
        any = true;
      }
      term.clear();
    } else if (ch != '"') {
      term.push_back(ch);
    }
  }
  return any;
}

} // namespace socialcrm::sim
