// The data directory and its files on a real file system: who may read
// them, whatever the umask, and what an older, looser installation becomes.

#include "storage/data_dir.hpp"
#include "storage/database.hpp"
#include "storage/people_repository.hpp"
#include "storage/secret_box.hpp"
#include "tests/support/temp_dir.hpp"

#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>
#include <fcntl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

using namespace socialcrm;
using namespace socialcrm::storage;
using socialcrm::test::file_mode;

namespace {

// The process's umask until the end of the scope.
class scoped_umask {
public:
  explicit scoped_umask(mode_t mask) : old_(::umask(mask)) {}
  ~scoped_umask() { ::umask(old_); }
  scoped_umask(const scoped_umask&) = delete;
  scoped_umask& operator=(const scoped_umask&) = delete;

private:
  mode_t old_;
};

void add_lead(database& db, const std::string& name) {
  people_repository(db.handle()).create(record_type::lead, {.last_name = name},
                                        1);
}

std::int64_t leads(const std::string& path) {
  database db(path, access::read_only);
  return db.handle().execAndGet("SELECT COUNT(*) FROM leads").getInt64();
}

} // namespace

TEST_CASE("the writer creates the database and its WAL files readable by "
          "their owner alone",
          "[storage][data_dir]") {
  test::temp_dir dir;
  auto path = dir.file("socialcrm.db");
  // No umask: only the mode the code asks for counts.
  scoped_umask none(0);
  database db(path);
  add_lead(db, "Private");
  // The WAL files exist while the connection is open.
  REQUIRE(std::filesystem::exists(path + "-wal"));
  CHECK(file_mode(path) == 0600);
  CHECK(file_mode(path + "-wal") == 0600);
  CHECK(file_mode(path + "-shm") == 0600);
}

TEST_CASE("a database that others could read is tightened when the writer "
          "opens it, its data intact",
          "[storage][data_dir]") {
  test::temp_dir dir;
  auto path = dir.file("socialcrm.db");
  scoped_umask none(0);
  {
    // What an older version left: 0644 files.
    SQLite::Database old(path, SQLite::OPEN_READWRITE | SQLite::OPEN_CREATE);
    old.exec("PRAGMA journal_mode = WAL");
    old.exec("CREATE TABLE kept (x)");
    old.exec("INSERT INTO kept VALUES (42)");
  }
  ::chmod(path.c_str(), 0644);
  std::ofstream(path + "-shm").put('\0');
  ::chmod((path + "-shm").c_str(), 0664);
  REQUIRE(file_mode(path) == 0644);
  SECTION("by the writer") {
    database db(path);
    CHECK(file_mode(path) == 0600);
    CHECK(file_mode(path + "-shm") == 0600);
    CHECK(db.handle().execAndGet("SELECT x FROM kept").getInt() == 42);
    CHECK(db.integrity_check() == "ok");
  }
  SECTION("a reader leaves it alone (it may not own the file)") {
    database db(path, access::read_only);
    CHECK(file_mode(path) == 0644);
  }
}

TEST_CASE("the data directory is made private, new or old",
          "[storage][data_dir]") {
  test::temp_dir root;
  scoped_umask none(0);
  SECTION("a new one, with its parents") {
    auto data = (root.path() / "var" / "lib" / "socialcrm").string();
    REQUIRE_FALSE(prepare_data_dir(data));
    CHECK(file_mode(data) == 0700);
    // A parent may be shared: it keeps the usual mode.
    CHECK(file_mode((root.path() / "var").string()) != 0700);
    // Preparing again changes nothing.
    REQUIRE_FALSE(prepare_data_dir(data));
    CHECK(file_mode(data) == 0700);
  }
  SECTION("an old one, with the files an older version left readable") {
    auto data = root.file("data");
    std::filesystem::create_directory(data);
    ::chmod(data.c_str(), 0755);
    auto db_path = data + "/" + database_file_name;
    {
      database db(db_path);
      add_lead(db, "Kept");
    }
    auto key = data + "/" + secret_box::file_name;
    secret_box box(key); // creates the key
    std::ofstream(data + "/notes.txt") << "an operator's own file";
    for (auto* p : {db_path.c_str(), key.c_str()})
      ::chmod(p, 0644);
    ::chmod((data + "/notes.txt").c_str(), 0644);
    REQUIRE_FALSE(prepare_data_dir(data));
    CHECK(file_mode(data) == 0700);
    CHECK(file_mode(db_path) == 0600);
    CHECK(file_mode(key) == 0600);
    // Files socialcrm did not make are not its to change.
    CHECK(file_mode(data + "/notes.txt") == 0644);
    CHECK(leads(db_path) == 1);
    secret_box again(key); // still the same, readable key
    auto opened = again.open(box.seal("token"));
    REQUIRE(opened);
    CHECK(*opened == "token");
  }
  SECTION("a path that is a file is an error that names it") {
    auto file = root.file("not-a-dir");
    std::ofstream(file) << "x";
    auto err = prepare_data_dir(file);
    REQUIRE(err);
    CHECK_THAT(*err, Catch::Contains(file));
  }
}

namespace {

// Whether any process other than the caller holds a POSIX lock on `path`:
// asked from a child, because F_GETLK never reports the caller's own.
bool locked_by_parent(const std::string& path) {
  pid_t child = ::fork();
  if (child == 0) {
    int fd = ::open(path.c_str(), O_RDWR | O_CLOEXEC);
    struct flock probe {};
    probe.l_type = F_WRLCK;
    probe.l_whence = SEEK_SET; // the whole file
    bool locked = fd >= 0 && ::fcntl(fd, F_GETLK, &probe) == 0
                  && probe.l_type != F_UNLCK;
    ::_exit(locked ? 0 : 1);
  }
  int status = 0;
  ::waitpid(child, &status, 0);
  return WIFEXITED(status) && WEXITSTATUS(status) == 0;
}

} // namespace

TEST_CASE("opening another writer keeps the locks SQLite holds on the "
          "database's shared memory",
          "[storage][data_dir]") {
  // Closing any descriptor of a file drops every POSIX lock the process
  // holds on it. A mode change that opened -shm to fchmod it dropped the
  // first connection's locks: another process then took itself for the
  // only one, reset the shared memory, and serve died of SIGBUS.
  test::temp_dir dir;
  auto path = dir.file("socialcrm.db");
  database first(path);
  add_lead(first, "Before");
  REQUIRE(locked_by_parent(path + "-shm"));
  database second(path);
  add_lead(second, "After");
  CHECK(locked_by_parent(path + "-shm"));
  CHECK(leads(path) == 2);
}
