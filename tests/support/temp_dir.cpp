#include "tests/support/temp_dir.hpp"

#include <cstdlib>
#include <stdexcept>
#include <system_error>

namespace socialcrm::test {

temp_dir::temp_dir() {
  auto pattern = (std::filesystem::temp_directory_path() / "socialcrm-test-XXXXXX")
                   .string();
  if (::mkdtemp(pattern.data()) == nullptr)
    throw std::runtime_error("mkdtemp failed");
  path_ = pattern;
}

temp_dir::~temp_dir() {
  std::error_code ec;
  std::filesystem::remove_all(path_, ec);
}

} // namespace socialcrm::test
