#pragma once

// Consistent copies of the database while `serve` writes to it, through
// SQLite's online backup API, and putting one back into an empty data
// directory. The copy is one self-contained file (no WAL beside it),
// checked with integrity_check before it takes its final name, created
// 0600: it holds every contact.

#include "protocol/error.hpp"

#include <cstdint>
#include <string>

namespace socialcrm::storage {

/// What a backup holds.
struct backup_summary {
  std::int64_t bytes = 0;
  int schema_version = 0;
  std::int64_t posts = 0;
  std::int64_t people = 0; // leads and contacts
};

/// Copies the database at `db_path` into `to` in one read transaction (a
/// snapshot of one moment, whatever commits meanwhile). Written to
/// "<to>.partial" first, renamed only once complete and checked, so `to`
/// is never a half copy. Errors: `no_database` (nothing at db_path),
/// `backup_failed` (SQLite refused; the message says why), `backup_corrupt`
/// (the copy failed its integrity check; nothing is left behind).
expected<backup_summary> backup_database(const std::string& db_path,
                                         const std::string& to);

/// Puts the backup `from` at `db_path`, which must not exist: `not_empty`
/// otherwise. `not_a_backup` when `from` is no socialcrm database or fails
/// its integrity check, `newer_schema` when a newer socialcrm made it.
/// Written beside db_path first and renamed, so a failed restore leaves
/// nothing.
expected<backup_summary> restore_database(const std::string& from,
                                          const std::string& db_path);

} // namespace socialcrm::storage
