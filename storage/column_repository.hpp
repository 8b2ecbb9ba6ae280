#pragma once

#include "protocol/error.hpp"
#include "protocol/post.hpp"

#include <SQLiteCpp/Database.h>

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace socialcrm::storage {

/// Column types a user adds (SPEC S-4).
enum class column_type { keyword, custom, my_posts };
std::string_view to_string(column_type t);
/// The type a name ("keyword", "custom", "my_posts") stands for; nothing
/// for any other text.
std::optional<column_type> parse_column_type(std::string_view s);

struct user_column {
  std::int64_t id = 0;
  std::int64_t user_id = 0;
  column_type type = column_type::keyword;
  std::string title;
  std::vector<std::string> terms;  // keyword columns
  std::vector<person_ref> people;  // custom columns
};

/// Limits of SPEC S-4.1 to S-4.3.
/// A keyword column searches at most 5 terms (one X search query).
inline constexpr std::size_t max_terms_per_column = 5;
/// A custom column follows at most 5 people.
inline constexpr std::size_t max_people_per_column = 5;
/// Terms plus followed people over all columns of one user.
inline constexpr std::size_t max_follows_per_user = 20;
/// A search term longer than this is no keyword.
inline constexpr std::size_t max_term_length = 128;

/// User columns: keyword (terms), custom (people), My posts.
class column_repository {
public:
  explicit column_repository(SQLite::Database& db);

  /// Adds a column after checking every limit; a refused column changes
  /// nothing. Codes: too_many_terms, too_many_people, follow_limit,
  /// empty_column, bad_term, person_not_found.
  expected<std::int64_t> add(const user_column& c, unix_ms now);

  std::vector<user_column> all();
  std::vector<user_column> of_user(std::int64_t user_id);
  bool remove(std::int64_t id, std::int64_t user_id);

private:
  std::vector<user_column> load(const std::string& where, std::int64_t arg);
  SQLite::Database& db_;
};

} // namespace socialcrm::storage
