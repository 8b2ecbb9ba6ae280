// What `socialcrm serve` leaves in its data directory, read from the real
// process's files.

#include "storage/secret_box.hpp"
#include "tests/web/server_fixture.hpp"

#include <catch2/catch.hpp>

#include <filesystem>
#include <memory>
#include <sys/stat.h>
#include <unistd.h>

using namespace socialcrm;
using namespace socialcrm::test;

namespace {

// Sets the process's umask until the end of the scope; children started
// meanwhile inherit it.
class scoped_umask {
public:
  explicit scoped_umask(mode_t mask)
      : old_(::umask(mask)) {}
  ~scoped_umask() { ::umask(old_); }
  scoped_umask(const scoped_umask&) = delete;
  scoped_umask& operator=(const scoped_umask&) = delete;

private:
  mode_t old_;
};

} // namespace

TEST_CASE("serve creates the key that seals the stored tokens readable by "
          "its owner alone",
          "[web][secrets][integration]") {
  std::unique_ptr<server_process> server;
  {
    // With no umask, the file has exactly the mode serve asks for: a key
    // that only the usual 022 kept from being world-writable, or one
    // created readable by all, shows here.
    scoped_umask none(0);
    server = std::make_unique<server_process>();
  }
  auto key = std::filesystem::path(server->data_dir()) /
             storage::secret_box::file_name;
  struct stat st {};
  REQUIRE(::stat(key.c_str(), &st) == 0);
  CHECK(S_ISREG(st.st_mode));
  CHECK((st.st_mode & 07777) == 0600);
  CHECK(st.st_uid == ::geteuid());
  CHECK(st.st_size == 32); // a secretbox key, nothing else
}
