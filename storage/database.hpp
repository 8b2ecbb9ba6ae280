#pragma once

#include <SQLiteCpp/Database.h>

#include <cstdint>
#include <memory>
#include <string>

namespace socialcrm::storage {

/// How a connection is opened: the one writer (which also migrates the
/// schema) or a reader beside it (WAL lets readers run while it writes).
enum class access { write, read_only };

/// One SQLite connection with socialcrm's settings: WAL, foreign keys on,
/// a busy timeout, and (for the writer) the schema migrated to the newest
/// version. ":memory:" works for tests.
class database {
public:
  /// Opens (creating if needed) the database at `path`. A writer creates
  /// the file 0600 and tightens an existing one (storage/data_dir.hpp), so
  /// its -wal and -shm are private too. Throws
  /// SQLite::Exception when the file cannot be opened or migrated, and
  /// std::runtime_error when the file's schema is newer than this binary.
  explicit database(const std::string& path, access mode = access::write);

  SQLite::Database& handle() { return db_; }
  const std::string& path() const { return path_; }

  /// The schema version stored in `PRAGMA user_version`.
  int schema_version();

  /// Sets the WAL size in pages at which a commit checkpoints on this
  /// connection (SQLite's default 1,000); 0 = never (storage/checkpointer
  /// does it instead).
  void set_autocheckpoint(int pages);

  /// Runs `PRAGMA integrity_check` and returns its first line ("ok").
  std::string integrity_check();

private:
  std::string path_;
  SQLite::Database db_;
};

/// Caps the size of every database opened from now on for writing, in
/// bytes (`[storage] max_size_mb`; 0 = no cap but the disk): a write that
/// would grow the file beyond it fails with SQLITE_FULL, as a full disk
/// does. Set once at start, before the first database opens.
void set_max_database_size(std::int64_t bytes);

/// Why the writer waits for a lock instead of failing at once: readers hold
/// WAL snapshots briefly; a few seconds covers a checkpoint under load.
inline constexpr int busy_timeout_ms = 5000;

} // namespace socialcrm::storage
