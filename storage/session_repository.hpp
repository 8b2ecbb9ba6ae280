#pragma once

#include "protocol/crm_messages.hpp"
#include "protocol/error.hpp"

#include <SQLiteCpp/Database.h>

#include <optional>
#include <string>

namespace socialcrm::storage {

/// Browser sessions, personal API tokens and sign-in attempts (SPEC S-8).
/// Tokens are looked up by their digest (storage/secrets.hpp); the secret
/// itself is never stored.
class session_repository {
public:
  explicit session_repository(SQLite::Database& db);

  struct session_row {
    std::int64_t id = 0;
    std::int64_t user_id = 0;
    std::string csrf_token;
    unix_ms expires_at = 0;
  };

  std::int64_t create_session(std::int64_t user_id, const std::string& digest,
                              const std::string& csrf, unix_ms now,
                              unix_ms expires_at);
  /// The unexpired session with this token digest.
  std::optional<session_row> find_session(const std::string& digest,
                                          unix_ms now);
  bool delete_session(std::int64_t id);
  void delete_session_by_digest(const std::string& digest);
  /// Drops expired sessions; returns how many.
  int delete_expired_sessions(unix_ms now);
  std::int64_t count_sessions(unix_ms now);

  token_info create_token(std::int64_t user_id, const std::string& name,
                          const std::string& digest, unix_ms now);
  /// The unrevoked token with this digest.
  std::optional<token_info> find_token(const std::string& digest);
  void touch_token(std::int64_t id, unix_ms now);
  record_page<token_info> list_tokens(std::int64_t user_id, std::int64_t offset,
                                      std::int64_t limit);
  /// Revokes a token of `user_id`; `not_found` when it has none by that id.
  expected<token_info> revoke_token(std::int64_t user_id, std::int64_t id,
                                    unix_ms now);

  /// Failed sign-ins under `key` ('email:..' or 'addr:..') since `since`.
  std::int64_t count_attempts(const std::string& key, unix_ms since);
  void add_attempt(const std::string& key, unix_ms at);
  void clear_attempts(const std::string& key);
  void prune_attempts(unix_ms before);

private:
  std::optional<token_info> find_token_by_id(std::int64_t user_id,
                                             std::int64_t id);
  SQLite::Database& db_;
};

} // namespace socialcrm::storage
