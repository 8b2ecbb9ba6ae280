#pragma once

// The data directory and its files are private to the server's user: the
// database holds every contact, and secret.key unseals the networks' tokens.

#include <optional>
#include <string>

namespace socialcrm::storage {

/// Only the owner may list or enter the data directory.
inline constexpr unsigned data_dir_mode = 0700;
/// Only the owner may read or write a data file (the database with its
/// -wal and -shm, secret.key, backups).
inline constexpr unsigned data_file_mode = 0600;

/// The database's file name inside the data directory.
inline constexpr const char* database_file_name = "socialcrm.db";

/// Creates the data directory (and its parents) with data_dir_mode, or
/// takes the group and other bits off an existing one and off the data
/// files in it (the database, -wal, -shm, secret.key), with one warning
/// line per path tightened. Returns the error text when the directory
/// cannot be created or is not a directory; a mode that cannot be changed
/// (a directory owned by someone else) is a warning, not an error.
std::optional<std::string> prepare_data_dir(const std::string& path);

/// Creates `path` empty with data_file_mode when absent, or tightens an
/// existing file (one warning line), before SQLite opens it: SQLite gives
/// the -wal and -shm files the database's own mode. Also tightens an
/// existing `path`-wal and `path`-shm. Throws std::runtime_error when the
/// file cannot be created.
void make_private_file(const std::string& path);

} // namespace socialcrm::storage
