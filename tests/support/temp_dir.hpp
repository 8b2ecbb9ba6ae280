#pragma once

#include <filesystem>
#include <string>

namespace socialcrm::test {

/// A fresh directory under the system temp dir, removed with everything in
/// it when the object goes away.
class temp_dir {
public:
  temp_dir();
  ~temp_dir();
  temp_dir(const temp_dir&) = delete;
  temp_dir& operator=(const temp_dir&) = delete;

  const std::filesystem::path& path() const { return path_; }
  std::string file(const std::string& name) const {
    return (path_ / name).string();
  }

private:
  std::filesystem::path path_;
};

/// The permission bits of `path` (0600, 0700, ...); -1 when it cannot be
/// read.
int file_mode(const std::string& path);

/// The whole content of `path` ("" when it cannot be read).
std::string read_file(const std::string& path);

} // namespace socialcrm::test
