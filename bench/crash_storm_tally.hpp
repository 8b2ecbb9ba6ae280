#pragma once

// The database side of bench/crash_storm: what serve stored, read through
// read-only connections of the bench's own, against what the emulator
// published.

#include "bench/crash_storm_traffic.hpp"

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace socialcrm::bench {

struct network_tally {
  std::size_t expected = 0; // published by the emulator
  std::size_t stored = 0;   // published posts with at least one row
  std::size_t missing = 0;  // published posts with no row
  std::size_t doubled = 0;  // rows beyond the first of one published post
};

/// One row of the posts table.
struct stored_row {
  std::int64_t seq = 0;
  std::string network;
  std::string external_id;
  std::string kind;
};

struct storm_tally {
  std::map<std::string, network_tally> by_network;
  network_tally total;
  std::vector<sent_post> missing;
  /// Each post stored more than once, with its rows.
  std::vector<std::pair<sent_post, std::vector<stored_row>>> doubled;
  /// Rows that carry no token the bench published, or carry one under
  /// another network than it was published on.
  std::vector<stored_row> unknown;
  std::size_t rows = 0;
};

/// Compares the posts table at `db_path` with `sent`. Throws
/// SQLite::Exception when the file cannot be read.
storm_tally compare(const std::string& db_path,
                    const std::vector<sent_post>& sent);

/// Rows in the posts table, or nullopt when the file cannot be read now
/// (not created yet, or locked beyond the busy timeout).
std::optional<std::int64_t> count_posts(const std::string& db_path);

/// The first line of `PRAGMA integrity_check` ("ok"), or the error that
/// kept it from running.
std::string integrity_check(const std::string& db_path);

/// The token a text carries ("... csk123q" -> 123), or nullopt.
std::optional<std::uint64_t> token_of(const std::string& text);

} // namespace socialcrm::bench
