#include "web/auth.hpp"

#include "storage/secrets.hpp"

namespace socialcrm::web {

namespace {

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t'))
    s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t'))
    s.remove_suffix(1);
  return s;
}

} // namespace

std::string cookie_value(const http::request& req, std::string_view name) {
  for (auto& [field, value] : req.headers) {
    if (!http::iequals(field, "Cookie"))
      continue;
    std::string_view rest = value;
    while (!rest.empty()) {
      auto semi = rest.find(';');
      auto pair = trim(rest.substr(0, semi));
      auto eq = pair.find('=');
      if (eq != std::string_view::npos && trim(pair.substr(0, eq)) == name)
        return std::string(trim(pair.substr(eq + 1)));
      if (semi == std::string_view::npos)
        break;
      rest.remove_prefix(semi + 1);
    }
  }
  return {};
}

std::optional<credential> credential_of(const http::request& req) {
  auto auth = req.headers.value("Authorization");
  if (auth.size() > 7 && http::iequals(auth.substr(0, 7), "Bearer ")) {
    auto token = std::string(trim(std::string_view(auth).substr(7)));
    if (!token.empty())
      return credential{true, token};
  }
  auto cookie = cookie_value(req, session_cookie_name);
  if (!cookie.empty())
    return credential{false, cookie};
  return std::nullopt;
}

std::string session_cookie(const std::string& token,
                           std::chrono::seconds max_age, bool secure) {
  return std::string(session_cookie_name) + "=" + token +
         "; Path=/; HttpOnly; SameSite=Lax" + (secure ? "; Secure" : "") +
         "; Max-Age=" + std::to_string(max_age.count());
}

std::string expired_session_cookie(bool secure) {
  return std::string(session_cookie_name) +
         "=; Path=/; HttpOnly; SameSite=Lax" + (secure ? "; Secure" : "") +
         "; Max-Age=0";
}

bool cookies_secure(bool serves_tls, std::string_view public_url) {
  constexpr std::string_view https = "https://";
  return serves_tls ||
         (public_url.size() >= https.size() &&
          http::iequals(public_url.substr(0, https.size()), https));
}

bool is_mutating(std::string_view method) {
  return method != "GET" && method != "HEAD" && method != "OPTIONS";
}

bool csrf_matches(const http::request& req, const std::string& expected) {
  auto sent = req.headers.value("X-CSRF-Token");
  return storage::secrets_equal(sent, expected);
}

} // namespace socialcrm::web
