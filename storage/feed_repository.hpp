#pragma once

#include "protocol/post.hpp"

#include <SQLiteCpp/Database.h>

#include <optional>
#include <vector>

namespace socialcrm::storage {

/// One post as the social tab shows it: the stored post with its author's
/// person and standing as the CRM says *now* (SPEC S-3: a post moves when
/// its author's standing changes).
using feed_item = stored_post;

/// Which posts a reader may see: the linked accounts visible to them (their
/// profile's `view` operation, narrowed by their own account filter).
/// Empty means none.
struct feed_scope {
  std::vector<std::int64_t> account_ids;
};

/// A page of the CRM view (SPEC S-3.1 to S-3.6).
struct feed_query {
  standing column = standing::unknown;
  feed_view view = feed_view::conversations;
  negotiation_filter filter = negotiation_filter::none;
  std::int64_t before_seq = 0; // 0: from the newest
  int limit = 50;
  unix_ms now = 0; // for this_month and the top-10 day
};

/// The largest page a client may ask for: enough to fill a tall column.
inline constexpr int max_feed_page = 200;

/// Read-side queries of the social tab. Works on a read-only connection.
class feed_repository {
public:
  explicit feed_repository(SQLite::Database& db);

  /// The CRM view: posts of the linked accounts' reach, in one standing and
  /// view, newest first, `before_seq` paging. The organisation's own posts
  /// are in My posts, not here.
  std::vector<feed_item> crm_view(const feed_query& q, const feed_scope& s);

  /// My posts (S-4.4): what the linked accounts posted themselves.
  std::vector<feed_item> my_posts(const feed_scope& s, std::int64_t before_seq,
                                  int limit);

  /// A keyword or custom column's posts (S-4.1, S-4.2).
  std::vector<feed_item> column_posts(std::int64_t column_id,
                                      std::int64_t before_seq, int limit);

  /// Every interaction of one person on every network, newest first
  /// (S-6.4, the Social interactions related list).
  std::vector<feed_item> person_posts(person_ref who, std::int64_t before_seq,
                                      int limit);

  /// One post by row id.
  std::optional<feed_item> find(std::int64_t post_id);

  /// Posts stored after `after_seq`, oldest first, with current standing:
  /// what a reconnecting client missed.
  std::vector<feed_item> posts_after(std::int64_t after_seq, int limit);

private:
  std::vector<feed_item> run(const std::string& where,
                             const std::vector<std::int64_t>& ints,
                             const std::string& order, int limit);
  SQLite::Database& db_;
};

} // namespace socialcrm::storage
