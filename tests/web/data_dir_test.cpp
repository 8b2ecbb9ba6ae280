// What `socialcrm serve` leaves in its data directory, read from the real
// process's files.

#include "storage/secret_box.hpp"
#include "tests/web/server_fixture.hpp"

#include <SQLiteCpp/Database.h>
#include <catch2/catch.hpp>

#include <csignal>
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

TEST_CASE("serve keeps the database and its WAL files readable by its owner "
          "alone",
          "[web][data_dir][integration]") {
  std::unique_ptr<server_process> server;
  {
    scoped_umask none(0);
    server = std::make_unique<server_process>();
  }
  // A write, so the WAL files exist while serve runs.
  auto c = server->admin();
  REQUIRE(c.post("/api/v1/leads", {{"last_name", "Private"}}).status == 201);
  auto db = server->db_path();
  for (auto path : {db, db + "-wal", db + "-shm"}) {
    INFO(path);
    CHECK(file_mode(path) == 0600);
  }
}

TEST_CASE("serve creates its data directory for its owner alone",
          "[web][data_dir][integration]") {
  std::unique_ptr<server_process> server;
  {
    scoped_umask none(0);
    server = std::make_unique<server_process>();
  }
  CHECK(file_mode(server->data_dir()) == 0700);
}

TEST_CASE("serve tightens the readable database an older version left, "
          "saying so once",
          "[web][data_dir][integration]") {
  temp_dir root;
  auto data = root.file("data");
  std::filesystem::create_directories(data);
  auto db_path = data + "/socialcrm.db";
  {
    scoped_umask loose(022);
    // What an older version made: a database readable by every user.
    SQLite::Database old(db_path, SQLite::OPEN_READWRITE | SQLite::OPEN_CREATE);
    old.exec("PRAGMA journal_mode = WAL");
  }
  ::chmod(db_path.c_str(), 0644);
  REQUIRE(file_mode(db_path) == 0644);
  child_process serve(
      {SOCIALCRM_BINARY, "serve", "--data", data, "--listen", "127.0.0.1:0"},
      {std::string("SOCIALCRM_ADMIN_EMAIL=") + admin_email,
       std::string("SOCIALCRM_ADMIN_PASSWORD=") + admin_password});
  REQUIRE(serve.wait_for_line("socialcrm ready"));
  CHECK(file_mode(db_path) == 0600);
  serve.signal(SIGTERM);
  REQUIRE(serve.wait() == 0);
  INFO(serve.err());
  auto& log = serve.err();
  auto first = log.find("had mode 644");
  REQUIRE(first != std::string::npos);
  CHECK_THAT(log, Catch::Contains(db_path));
  CHECK(log.find("had mode 644", first + 1) == std::string::npos);
}
