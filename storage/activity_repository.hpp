#pragma once

// A user's own actions in the social tab (SPEC S-7.1): what they posted,
// answered, liked, reposted, and the people and records they created from
// posts. Written after the action succeeded; read newest first, by the
// user who acted, and, all users' together, in the History tab of the
// person they were about (S-6).

#include "protocol/post.hpp"
#include "protocol/types.hpp"

#include <SQLiteCpp/Database.h>

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace socialcrm::storage {

struct activity_entry {
  std::int64_t id = 0;
  std::int64_t user_id = 0;
  std::string action;          // posted, replied, liked, lead_added, ...
  std::string network;         // "" when the action touched no network
  std::int64_t account_id = 0; // linked account acted through; 0: none
  std::int64_t post_id = 0;    // our post acted on; 0: none
  std::string record_type;     // lead, contact, deal, task, note; "": none
  std::int64_t record_id = 0;
  std::string detail;          // a text excerpt, cut to max_activity_detail
  unix_ms created_at = 0;
};

/// Characters of text kept in an entry: enough to recognise a post or a
/// note in a list, small enough that a history page stays light.
inline constexpr std::size_t max_activity_detail = 200;

/// The largest page of history a client may ask for, as the feeds allow.
inline constexpr int max_activity_page = 200;

/// `text` cut to at most `max_chars` code points (never inside a UTF-8
/// sequence), with "…" when something was cut.
std::string excerpt(std::string_view text, std::size_t max_chars);

class activity_repository {
public:
  explicit activity_repository(SQLite::Database& db);

  /// Stores one entry (its detail cut to max_activity_detail); returns its
  /// id. Ids grow, so they order the history.
  std::int64_t add(const activity_entry& e);

  /// The user's entries with id < `before_id` (0: from the newest), newest
  /// first, at most `limit` (clamped to 1..max_activity_page).
  std::vector<activity_entry> list(std::int64_t user_id,
                                   std::int64_t before_id, int limit);

  /// Every user's entries about person `who`, newest first, at most
  /// `limit` (clamped as list() does): the person's History tab (S-6).
  std::vector<activity_entry> about(person_ref who, int limit);

private:
  SQLite::Database& db_;
};

} // namespace socialcrm::storage
