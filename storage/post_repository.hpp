#pragma once

#include "protocol/error.hpp"
#include "protocol/post.hpp"

#include <SQLiteCpp/Database.h>
#include <SQLiteCpp/Statement.h>

#include <optional>
#include <vector>

namespace socialcrm::storage {

/// Posts, unique per (network, external id) (SPEC S-9.4).
class post_repository {
public:
  explicit post_repository(SQLite::Database& db);

  /// Inserts `p` under `seq` unless the network already delivered it;
  /// returns the new row id, or nothing for a duplicate.
  std::optional<std::int64_t> insert(const post& p, std::int64_t account_id,
                                     std::int64_t seq, unix_ms now);

  /// Row id of a stored post.
  std::optional<std::int64_t> find_id(network net,
                                      const std::string& external_id);

  /// Files a post under a keyword/custom column; idempotent.
  void add_to_column(std::int64_t column_id, std::int64_t post_id);

  /// Posts with seq > `after`, oldest first, at most `limit`; an error
  /// ("bad_row") when a row names a network or kind this binary does not
  /// know, rather than a post filed under the wrong one.
  expected<std::vector<stored_post>> after(std::int64_t after, int limit);

  /// Number of stored posts.
  std::int64_t count();

  /// The highest sequence number used by posts or standing events.
  std::int64_t max_seq();

private:
  SQLite::Database& db_;
  SQLite::Statement insert_;
  SQLite::Statement find_id_;
  SQLite::Statement add_to_column_;
  SQLite::Statement after_;
};

} // namespace socialcrm::storage
