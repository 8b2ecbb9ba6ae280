#include "web/static_files.hpp"

#include "http/url.hpp"

#include <array>
#include <fstream>
#include <sstream>
#include <utility>

namespace socialcrm::web {

namespace fs = std::filesystem;

namespace {

constexpr std::array<std::pair<std::string_view, std::string_view>, 14> types{{
    {".html", "text/html; charset=utf-8"},
    {".css", "text/css; charset=utf-8"},
    {".js", "text/javascript; charset=utf-8"},
    {".mjs", "text/javascript; charset=utf-8"},
    {".json", "application/json"},
    {".map", "application/json"},
    {".svg", "image/svg+xml"},
    {".png", "image/png"},
    {".jpg", "image/jpeg"},
    {".gif", "image/gif"},
    {".ico", "image/x-icon"},
    {".woff2", "font/woff2"},
    {".txt", "text/plain; charset=utf-8"},
    {".webp", "image/webp"},
}};

} // namespace

static_files::static_files(fs::path root)
    : root_(std::move(root)) {}

std::string_view static_files::content_type(const fs::path& file) {
  auto ext = file.extension().string();
  for (auto& [e, type] : types)
    if (e == ext)
      return type;
  return "application/octet-stream";
}

bool static_files::is_traversal(std::string_view decoded) {
  if (decoded.find('\0') != std::string_view::npos ||
      decoded.find('\\') != std::string_view::npos)
    return true;
  std::size_t start = 0;
  while (start <= decoded.size()) {
    auto end = decoded.find('/', start);
    auto segment = decoded.substr(start, end == std::string_view::npos
                                             ? std::string_view::npos
                                             : end - start);
    if (segment == "..")
      return true;
    if (end == std::string_view::npos)
      break;
    start = end + 1;
  }
  return false;
}

std::optional<http::response>
static_files::serve(std::string_view path,
                    const std::string& if_none_match) const {
  auto decoded = http::url_decode(path, false);
  if (decoded.empty() || decoded.back() == '/')
    decoded += "index.html";
  std::error_code ec;
  auto file = fs::weakly_canonical(root_ / decoded.substr(1), ec);
  auto base = fs::weakly_canonical(root_, ec);
  if (ec)
    return std::nullopt;
  // Belt and braces after is_traversal(): a symlink may still lead out.
  auto [root_end, _] =
      std::mismatch(base.begin(), base.end(), file.begin(), file.end());
  if (root_end != base.end() || !fs::is_regular_file(file, ec))
    return std::nullopt;
  auto size = fs::file_size(file, ec);
  if (ec || size > max_static_file_size)
    return std::nullopt;
  auto mtime = fs::last_write_time(file, ec).time_since_epoch().count();
  auto etag = "\"" + std::to_string(size) + "-" + std::to_string(mtime) + "\"";
  // Modules are not fingerprinted, so every file revalidates (a 304 with
  // the ETag costs a round trip); an upgrade never runs old modules under
  // a new index.html.
  auto cache = "no-cache";
  if (!if_none_match.empty() && if_none_match == etag) {
    http::response res;
    res.status = 304;
    res.headers.set("ETag", etag);
    res.headers.set("Cache-Control", cache);
    return res;
  }
  std::ifstream in(file, std::ios::binary);
  if (!in)
    return std::nullopt;
  std::ostringstream body;
  body << in.rdbuf();
  auto res =
      http::response::make(200, std::string(content_type(file)), body.str());
  res.headers.set("ETag", etag);
  res.headers.set("Cache-Control", cache);
  // nosniff, the CSP and the other security headers: web/service.cpp.
  return res;
}

} // namespace socialcrm::web
