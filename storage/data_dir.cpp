#include "storage/data_dir.hpp"

#include "storage/secret_box.hpp"

#include <spdlog/spdlog.h>

#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <filesystem>
#include <stdexcept>
#include <sys/stat.h>
#include <unistd.h>

namespace socialcrm::storage {

namespace {

namespace fs = std::filesystem;

constexpr mode_t others_bits = 077;

// Never open() a file SQLite may have open in this process to change its
// mode: closing any descriptor of a file drops every POSIX lock the
// process holds on it (fcntl(2)), and without its locks on the database
// and -shm another process takes itself for the only one, resets the
// shared memory serve has mapped, and serve dies of SIGBUS at its next
// commit. So modes are read with lstat and changed by path.

// Takes the group and other bits off `path` when it is a file of `type`
// (S_IFREG, S_IFDIR) that has them; nothing when it does not exist. A link
// found in the data directory is not followed to change a file elsewhere
// (the directory itself may be a link an operator made: it is stat'ed).
// Says so when it changes something: a data file others could read is
// worth an operator's attention.
void tighten_existing(const std::string& path, mode_t wanted, mode_t type,
                      bool follow = false) {
  struct stat st {};
  int r = follow ? ::stat(path.c_str(), &st) : ::lstat(path.c_str(), &st);
  if (r != 0 || (st.st_mode & S_IFMT) != type
      || (st.st_mode & others_bits) == 0)
    return;
  auto before = st.st_mode & 07777;
  if (::chmod(path.c_str(), wanted) != 0) {
    spdlog::warn("{} has mode {:o} and cannot be made {:o}: {}", path, before,
                 wanted, std::strerror(errno));
    return;
  }
  spdlog::warn("{} had mode {:o}; now {:o}, readable by this user alone",
               path, before, wanted);
}

void tighten_sidecars(const std::string& db_path) {
  for (auto suffix : {"-wal", "-shm"})
    tighten_existing(db_path + suffix, data_file_mode, S_IFREG);
}

} // namespace

std::optional<std::string> prepare_data_dir(const std::string& path) {
  std::error_code ec;
  if (!fs::exists(path, ec)) {
    // Parents are made with the usual mode: they may be shared (/var/lib).
    auto parent = fs::path(path).parent_path();
    if (!parent.empty())
      fs::create_directories(parent, ec);
    if (ec)
      return "cannot create " + parent.string() + ": " + ec.message();
    if (::mkdir(path.c_str(), data_dir_mode) != 0 && errno != EEXIST)
      return "cannot create " + path + ": " + std::strerror(errno);
  }
  if (!fs::is_directory(path, ec))
    return path + " is not a directory";
  tighten_existing(path, data_dir_mode, S_IFDIR, true);
  auto db = (fs::path(path) / database_file_name).string();
  tighten_existing(db, data_file_mode, S_IFREG);
  tighten_sidecars(db);
  tighten_existing((fs::path(path) / secret_box::file_name).string(),
                   data_file_mode, S_IFREG);
  return std::nullopt;
}

void make_private_file(const std::string& path) {
  // Created here only when absent (O_EXCL): then no connection has it open
  // yet, and closing this descriptor drops no one's lock.
  int fd = ::open(path.c_str(), O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC,
                  data_file_mode);
  if (fd >= 0)
    ::close(fd);
  else if (errno != EEXIST)
    throw std::runtime_error("cannot create " + path + ": "
                             + std::strerror(errno));
  tighten_existing(path, data_file_mode, S_IFREG);
  tighten_sidecars(path);
}

} // namespace socialcrm::storage
