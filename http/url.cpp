#include "http/url.hpp"

#include <charconv>

namespace socialcrm::http {

namespace {

int hex_value(char c) {
  if (c >= '0' && c <= '9')
    return c - '0';
  if (c >= 'a' && c <= 'f')
    return c - 'a' + 10;
  if (c >= 'A' && c <= 'F')
    return c - 'A' + 10;
  return -1;
}

bool unreserved(unsigned char c) {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z')
         || (c >= '0' && c <= '9') || c == '-' || c == '.' || c == '_'
         || c == '~';
}

} // namespace

std::string url_decode(std::string_view s, bool plus_as_space) {
  std::string out;
  out.reserve(s.size());
  for (std::size_t i = 0; i < s.size(); ++i) {
    char c = s[i];
    if (c == '+' && plus_as_space) {
      out.push_back(' ');
    } else if (c == '%' && i + 2 < s.size() && hex_value(s[i + 1]) >= 0 && hex_value(s[i + 2]) >= 0) {
      out.push_back(static_cast<char>(hex_value(s[i + 1]) * 16
                                      + hex_value(s[i + 2])));
      i += 2;
    } else {
      out.push_back(c);
    }
  }
  return out;
}

std::string url_encode(std::string_view s) {
  static constexpr char digits[] = "0123456789ABCDEF";
  std::string out;
  out.reserve(s.size() * 3);
  for (unsigned char c : s) {
    if (unreserved(c)) {
      out.push_back(static_cast<char>(c));
    } else {
      out.push_back('%');
      out.push_back(digits[c >> 4]);
      out.push_back(digits[c & 0xF]);
    }
  }
  return out;
}

query_params parse_query(std::string_view q) {
  query_params out;
  while (!q.empty()) {
    auto amp = q.find('&');
    auto part = q.substr(0, amp);
    q = amp == std::string_view::npos ? std::string_view{} : q.substr(amp + 1);
    if (part.empty())
      continue;
    auto eq = part.find('=');
    if (eq == std::string_view::npos)
      out.emplace(url_decode(part), std::string{});
    else
      out.emplace(url_decode(part.substr(0, eq)),
                  url_decode(part.substr(eq + 1)));
  }
  return out;
}

std::string build_query(
  const std::vector<std::pair<std::string, std::string>>& params) {
  std::string out;
  for (const auto& [k, v] : params) {
    if (!out.empty())
      out.push_back('&');
    out += url_encode(k);
    out.push_back('=');
    out += url_encode(v);
  }
  return out;
}

std::string url::path() const {
  auto q = target.find('?');
  return q == std::string::npos ? target : target.substr(0, q);
}

std::string url::query() const {
  auto q = target.find('?');
  return q == std::string::npos ? std::string{} : target.substr(q + 1);
}

std::string url::origin() const {
  std::string h = host.find(':') != std::string::npos ? "[" + host + "]" : host;
  bool default_port = (scheme == "http" && port == 80)
                      || (scheme == "https" && port == 443);
  return scheme + "://" + h + (default_port ? "" : ":" + std::to_string(port));
}

std::optional<url> parse_url(std::string_view s) {
  url u;
  auto sep = s.find("://");
  if (sep == std::string_view::npos)
    return std::nullopt;
  for (char c : s.substr(0, sep))
    u.scheme.push_back(static_cast<char>(c >= 'A' && c <= 'Z' ? c + 32 : c));
  if (u.scheme != "http" && u.scheme != "https")
    return std::nullopt;
  auto rest = s.substr(sep + 3);
  if (auto hash = rest.find('#'); hash != std::string_view::npos)
    rest = rest.substr(0, hash);
  auto path_start = rest.find_first_of("/?");
  auto authority = rest.substr(0, path_start);
  if (auto at = authority.rfind('@'); at != std::string_view::npos)
    authority = authority.substr(at + 1); // userinfo is not used here
  std::string_view port_text;
  if (!authority.empty() && authority.front() == '[') {
    auto close = authority.find(']');
    if (close == std::string_view::npos)
      return std::nullopt;
    u.host = std::string(authority.substr(1, close - 1));
    auto after = authority.substr(close + 1);
    if (!after.empty()) {
      if (after.front() != ':')
        return std::nullopt;
      port_text = after.substr(1);
    }
  } else {
    auto colon = authority.rfind(':');
    u.host = std::string(authority.substr(0, colon));
    if (colon != std::string_view::npos)
      port_text = authority.substr(colon + 1);
  }
  if (u.host.empty())
    return std::nullopt;
  if (!port_text.empty()) {
    unsigned value = 0;
    auto [p, ec] = std::from_chars(port_text.data(),
                                   port_text.data() + port_text.size(), value);
    if (ec != std::errc{} || p != port_text.data() + port_text.size()
        || value == 0 || value > 65535)
      return std::nullopt;
    u.port = static_cast<std::uint16_t>(value);
  } else {
    u.port = u.scheme == "https" ? 443 : 80;
  }
  if (path_start == std::string_view::npos)
    u.target = "/";
  else if (rest[path_start] == '?')
    u.target = "/" + std::string(rest.substr(path_start));
  else
    u.target = std::string(rest.substr(path_start));
  return u;
}

} // namespace socialcrm::http
