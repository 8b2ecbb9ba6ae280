#pragma once

// The reads of the live feed (web/live_data.cpp) that no other repository
// makes: the newest seq, a user's column types, the organisation's own
// authors, today's frozen top-10, and the columns that polled the posts a
// reconnecting client missed. Made for the live reader's read-only
// connection, which keeps one of these as long as it is open: every
// statement is prepared once and reused.

#include "protocol/post.hpp"
#include "storage/column_repository.hpp"

#include <SQLiteCpp/Database.h>
#include <SQLiteCpp/Statement.h>

#include <cstdint>
#include <map>
#include <vector>

namespace socialcrm::storage {

/// A read transaction: every read until it ends sees one snapshot of the
/// database, and the end releases the WAL snapshot (statements reset
/// alone would not release it while the transaction is open).
class read_snapshot {
public:
  explicit read_snapshot(SQLite::Database& db);
  ~read_snapshot();
  read_snapshot(const read_snapshot&) = delete;
  read_snapshot& operator=(const read_snapshot&) = delete;

private:
  SQLite::Database& db_;
};

class live_repository {
public:
  explicit live_repository(SQLite::Database& db);

  /// The newest seq used by a post or a standing event; 0 when none.
  std::int64_t head_seq();

  /// The type of every column of one user, by column id (a type this
  /// binary does not know reads as keyword, as column_repository does).
  std::map<std::int64_t, column_type> column_types(std::int64_t user_id);

  /// The authors that are the organisation: each linked account's network
  /// user and its page when it has one, in no particular order.
  std::vector<author_key> own_authors();

  /// The top-10 contacts as the store froze them for UTC day `day` (a
  /// read-only connection cannot freeze the list itself), in no
  /// particular order.
  std::vector<std::int64_t> frozen_top10(std::int64_t day);

  /// Posts filed under column `column_id` with after_seq < seq <= upto_seq.
  std::vector<std::int64_t> column_posts_between(std::int64_t column_id,
                                                 std::int64_t after_seq,
                                                 std::int64_t upto_seq);

private:
  SQLite::Statement head_seq_;
  SQLite::Statement column_types_;
  SQLite::Statement own_authors_;
  SQLite::Statement frozen_top10_;
  SQLite::Statement column_posts_;
};

} // namespace socialcrm::storage
