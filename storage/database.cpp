#include "storage/database.hpp"

#include "storage/data_dir.hpp"
#include "storage/migrations.hpp"

#include <SQLiteCpp/Statement.h>

#include <algorithm>
#include <atomic>

namespace socialcrm::storage {

namespace {

std::atomic<std::int64_t> max_size_bytes{0};

int open_flags(access mode) {
  return mode == access::write ? SQLite::OPEN_READWRITE | SQLite::OPEN_CREATE
                               : SQLite::OPEN_READONLY;
}

// The path, its file created private first when the writer opens a file
// (not ":memory:", a temporary "" or a URI).
const std::string& prepared(const std::string& path, access mode) {
  if (mode == access::write && !path.empty() && path != ":memory:"
      && path.rfind("file:", 0) != 0)
    make_private_file(path);
  return path;
}

} // namespace

database::database(const std::string& path, access mode)
  : path_(prepared(path, mode)), db_(path, open_flags(mode), busy_timeout_ms) {
  db_.exec("PRAGMA foreign_keys = ON");
  if (mode == access::write) {
    // WAL: readers never block the writer. synchronous=NORMAL keeps every
    // committed transaction across a process crash (SIGKILL); only a power
    // loss can drop the last commits, which a CRM of this size accepts.
    db_.exec("PRAGMA journal_mode = WAL");
    db_.exec("PRAGMA synchronous = NORMAL");
    migrate(db_);
    if (auto cap = max_size_bytes.load(); cap > 0) {
      auto page = db_.execAndGet("PRAGMA page_size").getInt64();
      auto pages = std::max<std::int64_t>(1, cap / page);
      db_.exec("PRAGMA max_page_count = " + std::to_string(pages));
    }
  }
}

void set_max_database_size(std::int64_t bytes) {
  max_size_bytes.store(bytes);
}

int database::schema_version() {
  return db_.execAndGet("PRAGMA user_version").getInt();
}

void database::set_autocheckpoint(int pages) {
  db_.exec("PRAGMA wal_autocheckpoint = " + std::to_string(pages));
}

std::string database::integrity_check() {
  return db_.execAndGet("PRAGMA integrity_check").getString();
}

} // namespace socialcrm::storage
