// `socialcrm backup` and `socialcrm restore`: a consistent copy of a data
// directory's database while `serve` runs, and putting one back.

#include "app/commands.hpp"
#include "storage/backup.hpp"
#include "storage/data_dir.hpp"
#include "storage/secret_box.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <optional>

namespace socialcrm::app {

namespace {

namespace fs = std::filesystem;

constexpr int exit_failure = 1;
constexpr int exit_bad_arguments = 2;

const char* const database_file = "socialcrm.db";

/// Error codes that mean the command was asked for something it must not
/// do (exit 2); anything else failed while doing it (exit 1).
int exit_code_of(const error_info& e) {
  for (auto code : {"no_database", "not_empty", "not_a_backup", "newer_schema",
                    "target_exists"})
    if (e.code == code)
      return exit_bad_arguments;
  return exit_failure;
}

int fail(const char* command, const error_info& e) {
  std::fprintf(stderr, "socialcrm %s: %s [%s]\n", command, e.message.c_str(),
               e.code.c_str());
  return exit_code_of(e);
}

std::string size_text(std::int64_t bytes) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.1f MiB", bytes / (1024.0 * 1024.0));
  return buf;
}

/// Copies the key file into the data directory, readable by the owner only.
std::optional<error_info> install_key(const std::string& from,
                                      const std::string& to) {
  std::ifstream in(from, std::ios::binary);
  if (!in)
    return make_error("not_a_backup", "cannot read the key file " + from);
  std::string key((std::istreambuf_iterator<char>(in)), {});
  int fd = ::open(to.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
  if (fd < 0)
    return make_error("not_empty", to + " exists: the data directory "
                                        "already has a key");
  bool ok = ::write(fd, key.data(), key.size())
            == static_cast<ssize_t>(key.size());
  ok = ::fsync(fd) == 0 && ok;
  if (::close(fd) != 0 || !ok)
    return make_error("restore_failed", "cannot write " + to);
  return std::nullopt;
}

} // namespace

int run_backup(const backup_options& opts) {
  std::error_code ec;
  if (fs::exists(opts.to, ec))
    return fail("backup", make_error("target_exists",
                                     opts.to + " exists: choose a new file "
                                               "(a backup never overwrites)"));
  auto db = (fs::path(opts.data_dir) / database_file).string();
  auto done = storage::backup_database(db, opts.to);
  if (!done)
    return fail("backup", done.error());
  std::printf("socialcrm backup: %lld posts, %lld people, schema v%d, %s in "
              "%s\n",
              static_cast<long long>(done->posts),
              static_cast<long long>(done->people), done->schema_version,
              size_text(done->bytes).c_str(), opts.to.c_str());
  auto key = (fs::path(opts.data_dir) / storage::secret_box::file_name).string();
  std::printf("socialcrm backup: linked accounts' tokens are sealed with %s: "
              "keep a copy of that key with this backup but not in the same "
              "place (whoever holds both can use the tokens); `socialcrm "
              "restore --key FILE` puts it back\n",
              key.c_str());
  return 0;
}

int run_restore(const restore_options& opts) {
  std::error_code ec;
  fs::path dir{opts.data_dir};
  if (!opts.key_file.empty() && !fs::is_regular_file(opts.key_file, ec))
    return fail("restore", make_error("not_a_backup",
                                      "no key file at " + opts.key_file));
  bool made = false;
  if (!fs::exists(dir, ec)) {
    if (auto err = storage::prepare_data_dir(opts.data_dir))
      return fail("restore", make_error("restore_failed", *err));
    made = true;
  }
  auto done = storage::restore_database(opts.from,
                                        (dir / database_file).string());
  if (!done) {
    if (made)
      fs::remove(dir, ec);
    return fail("restore", done.error());
  }
  std::printf("socialcrm restore: %lld posts, %lld people, schema v%d into "
              "%s\n",
              static_cast<long long>(done->posts),
              static_cast<long long>(done->people), done->schema_version,
              opts.data_dir.c_str());
  if (opts.key_file.empty()) {
    std::printf("socialcrm restore: no --key given: linked accounts must be "
                "linked again before they poll (their tokens were sealed "
                "with the old key)\n");
    return 0;
  }
  if (auto err = install_key(opts.key_file,
                             (dir / storage::secret_box::file_name).string()))
    return fail("restore", *err);
  std::printf("socialcrm restore: key installed\n");
  return 0;
}

} // namespace socialcrm::app
