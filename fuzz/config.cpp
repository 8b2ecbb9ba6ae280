// The config file of `socialcrm serve --config FILE` (app/options.hpp
// resolve): TOML parsed by toml++, then every key checked. The input is
// the file; it lives in memory (memfd), named by /proc/self/fd/N. The
// HOST:PORT parser the flags and the file share gets the input too.

#include "app/options.hpp"

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>

#include <sys/mman.h>
#include <unistd.h>

using namespace socialcrm;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data,
                                      std::size_t size) {
  static const int fd = memfd_create("socialcrm-fuzz-config", 0);
  if (fd < 0)
    std::abort();
  if (ftruncate(fd, 0) != 0
      || pwrite(fd, data, size, 0) != static_cast<ssize_t>(size))
    std::abort();
  app::serve_flags flags;
  flags.config_file = "/proc/self/fd/" + std::to_string(fd);
  flags.data_dir = "/nonexistent/socialcrm-fuzz";
  (void)app::resolve(flags);
  std::string text(reinterpret_cast<const char*>(data), size);
  (void)app::parse_endpoint(text);
  (void)app::valid_base_url(text);
  return 0;
}
