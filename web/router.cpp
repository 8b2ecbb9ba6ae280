#include "web/router.hpp"

#include "http/url.hpp"

#include <algorithm>
#include <stdexcept>

namespace socialcrm::web {

namespace {

bool is_param(std::string_view segment) {
  return segment.size() > 2 && segment.front() == '{' && segment.back() == '}';
}

} // namespace

std::vector<std::string_view> split_path(std::string_view path) {
  std::vector<std::string_view> out;
  if (path.empty() || path.front() != '/')
    return out;
  path.remove_prefix(1);
  while (true) {
    auto slash = path.find('/');
    out.push_back(path.substr(0, slash));
    if (slash == std::string_view::npos)
      break;
    path.remove_prefix(slash + 1);
  }
  return out;
}

void router::add(route r) {
  if (r.pattern.empty() || r.pattern.front() != '/' || !r.handler)
    throw std::invalid_argument("bad route " + r.method + " " + r.pattern);
  for (auto& existing : routes_)
    if (existing.method == r.method && existing.pattern == r.pattern)
      throw std::invalid_argument("duplicate route " + r.method + " " +
                                  r.pattern);
  compiled c;
  for (auto s : split_path(r.pattern))
    c.segments.emplace_back(s);
  routes_.push_back(std::move(r));
  compiled_.push_back(std::move(c));
}

route_match router::match(std::string_view method,
                          std::string_view path) const {
  route_match out;
  auto segments = split_path(path);
  for (std::size_t i = 0; i < routes_.size(); ++i) {
    auto& pattern = compiled_[i].segments;
    if (pattern.size() != segments.size())
      continue;
    std::map<std::string, std::string> params;
    bool ok = true;
    for (std::size_t k = 0; k < pattern.size() && ok; ++k) {
      if (is_param(pattern[k])) {
        if (segments[k].empty())
          ok = false;
        else
          params[pattern[k].substr(1, pattern[k].size() - 2)] =
              http::url_decode(segments[k], false);
      } else {
        ok = pattern[k] == segments[k];
      }
    }
    if (!ok)
      continue;
    if (routes_[i].method == method) {
      out.found = &routes_[i];
      out.params = std::move(params);
      out.allowed.clear();
      return out;
    }
    if (std::find(out.allowed.begin(), out.allowed.end(), routes_[i].method) ==
        out.allowed.end())
      out.allowed.push_back(routes_[i].method);
  }
  std::sort(out.allowed.begin(), out.allowed.end());
  return out;
}

} // namespace socialcrm::web
