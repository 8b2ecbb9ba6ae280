#pragma once

#include "http/message.hpp"

#include <filesystem>
#include <optional>
#include <string>
#include <string_view>

namespace socialcrm::web {

/// Serves the UI's files from one directory: content types by extension,
/// validators (ETag from size and modification time, 304 on a match),
/// caching (every file revalidated on each load, so a new UI shows at
/// once), and no way out of the directory: "..", backslashes, NUL and
/// symlinks leading outside are refused. Security headers (CSP, nosniff)
/// are the service's, set on every answer in web/service.cpp.
class static_files {
public:
  explicit static_files(std::filesystem::path root);

  /// The response to GET `path` (not yet percent-decoded); nullopt when
  /// there is no such file (the caller answers 404). `if_none_match` is the
  /// request's If-None-Match header.
  std::optional<http::response> serve(std::string_view path,
                                      const std::string& if_none_match) const;

  /// Whether a request path tries to leave the directory; such requests
  /// are refused with 400 `bad_path`.
  static bool is_traversal(std::string_view decoded_path);

  static std::string_view content_type(const std::filesystem::path& file);

  const std::filesystem::path& root() const { return root_; }

private:
  std::filesystem::path root_;
};

/// Files larger than this are not served from memory: the UI's bundles are
/// far smaller; anything bigger belongs behind a CDN.
inline constexpr std::uintmax_t max_static_file_size = 16 * 1024 * 1024;

} // namespace socialcrm::web
