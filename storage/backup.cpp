#include "storage/backup.hpp"

#include "storage/migrations.hpp"

#include <SQLiteCpp/Backup.h>
#include <SQLiteCpp/Database.h>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>

namespace socialcrm::storage {

namespace {

namespace fs = std::filesystem;

/// Creates (or truncates) `path` with mode 0600 before SQLite opens it, so
/// the copy is never readable by others, not even for a moment.
bool create_private(const std::string& path) {
  int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  if (fd < 0)
    return false;
  bool ok = ::fchmod(fd, 0600) == 0;
  return ::close(fd) == 0 && ok;
}

/// Makes the file's data and its directory entry durable.
void sync_file_and_dir(const std::string& path) {
  for (const auto& p : {fs::path(path), fs::path(path).parent_path()}) {
    int fd = ::open(p.empty() ? "." : p.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd >= 0) {
      ::fsync(fd);
      ::close(fd);
    }
  }
}

/// Counts and checks a standalone copy; an error value when it is not a
/// sound socialcrm database.
expected<backup_summary> inspect(SQLite::Database& db, const std::string& path,
                                 const char* code) {
  try {
    auto check = db.execAndGet("PRAGMA integrity_check").getString();
    if (check != "ok")
      return make_error(code, path + " fails its integrity check: " + check);
    backup_summary s;
    s.schema_version = db.execAndGet("PRAGMA user_version").getInt();
    if (!db.tableExists("posts") || !db.tableExists("leads"))
      return make_error(code, path + " is not a socialcrm database");
    s.posts = db.execAndGet("SELECT COUNT(*) FROM posts").getInt64();
    s.people = db.execAndGet("SELECT (SELECT COUNT(*) FROM leads) + "
                             "(SELECT COUNT(*) FROM contacts)")
                 .getInt64();
    std::error_code ec;
    s.bytes = static_cast<std::int64_t>(fs::file_size(path, ec));
    return s;
  } catch (const SQLite::Exception& e) {
    return make_error(code, path + ": " + e.what());
  }
}

/// Copies `src` into a new private file at `partial` as one rollback-
/// journal database, and checks it.
expected<backup_summary> copy_into(SQLite::Database& src,
                                   const std::string& partial,
                                   const char* corrupt_code) {
  if (!create_private(partial))
    return make_error("backup_failed", "cannot create " + partial);
  try {
    SQLite::Database dest(partial, SQLite::OPEN_READWRITE);
    {
      SQLite::Backup copy(dest, src);
      // All pages in one step: the source stays in one read transaction,
      // so the copy is one moment's snapshot. A copy in several steps
      // restarts whenever another connection commits, and under steady
      // ingest it might never end.
      copy.executeStep(-1);
    } // finished: dest is free for the pragma below
    // The WAL flag travels with the pages; a backup is one file.
    dest.exec("PRAGMA journal_mode=DELETE");
    return inspect(dest, partial, corrupt_code);
  } catch (const SQLite::Exception& e) {
    return make_error("backup_failed", e.what());
  }
}

/// A finished copy at `partial` takes its name `target` (durably); a
/// failed one is removed, so nothing half-written is ever left.
expected<backup_summary> settle(expected<backup_summary> done,
                                const std::string& partial,
                                const std::string& target) {
  std::error_code ec;
  if (done) {
    fs::rename(partial, target, ec);
    if (ec)
      done = make_error("backup_failed",
                        "cannot rename " + partial + ": " + ec.message());
  }
  if (!done) {
    fs::remove(partial, ec);
    return done;
  }
  sync_file_and_dir(target);
  return done;
}

} // namespace

expected<backup_summary> backup_database(const std::string& db_path,
                                         const std::string& to) {
  std::error_code ec;
  if (!fs::is_regular_file(db_path, ec))
    return make_error("no_database", "no database at " + db_path);
  auto partial = to + ".partial";
  expected<backup_summary> done = make_error("backup_failed", "not started");
  try {
    SQLite::Database src(db_path, SQLite::OPEN_READONLY);
    done = copy_into(src, partial, "backup_corrupt");
  } catch (const SQLite::Exception& e) {
    done = make_error("backup_failed", db_path + ": " + e.what());
  }
  return settle(std::move(done), partial, to);
}

expected<backup_summary> restore_database(const std::string& from,
                                          const std::string& db_path) {
  std::error_code ec;
  if (fs::exists(db_path, ec) || fs::exists(db_path + "-wal", ec))
    return make_error("not_empty", db_path + " exists: restore only into a "
                                             "data directory without a "
                                             "database");
  if (!fs::is_regular_file(from, ec))
    return make_error("not_a_backup", "no file at " + from);
  auto partial = db_path + ".partial";
  expected<backup_summary> done = make_error("not_a_backup", from);
  try {
    SQLite::Database src(from, SQLite::OPEN_READONLY);
    auto checked = inspect(src, from, "not_a_backup");
    if (!checked)
      return checked;
    if (checked->schema_version > latest_schema_version())
      return make_error("newer_schema",
                        from + " has schema version "
                          + std::to_string(checked->schema_version)
                          + "; this socialcrm knows up to "
                          + std::to_string(latest_schema_version())
                          + ": restore it with that version or newer");
    done = copy_into(src, partial, "not_a_backup");
  } catch (const SQLite::Exception& e) {
    done = make_error("not_a_backup", from + ": " + e.what());
  }
  return settle(std::move(done), partial, db_path);
}

} // namespace socialcrm::storage
