#pragma once

#include "protocol/crm_messages.hpp"
#include "protocol/error.hpp"

#include <SQLiteCpp/Database.h>

#include <optional>
#include <string>
#include <vector>

namespace socialcrm::storage {

/// Users, profiles and the organisation row (SPEC S-8.1, S-8.5).
class user_repository {
public:
  explicit user_repository(SQLite::Database& db);

  /// Creates the organisation row and the default Administrator and
  /// Standard profiles when missing (first start).
  void ensure_defaults(const std::string& edition, unix_ms now);

  // -- users -----------------------------------------------------------------
  std::int64_t count_users();
  std::optional<user_info> find_user(std::int64_t id);
  /// The user with this e-mail (case-insensitive) and their password hash.
  std::optional<std::pair<user_info, std::string>>
  find_by_email(const std::string& email);
  /// Refuses with `email_taken` or `profile_not_found`.
  expected<user_info> create_user(const user_info& u,
                                  const std::string& password_hash,
                                  unix_ms now);
  /// Writes name, profile and active state.
  expected<user_info> update_user(const user_info& u);
  record_page<user_info> list_users(std::int64_t offset, std::int64_t limit);

  // -- profiles
  // ----------------------------------------------------------------
  std::optional<profile_info> find_profile(std::int64_t id);
  std::optional<profile_info> find_profile(const std::string& name);
  /// Refuses with `profile_name_taken`.
  expected<profile_info> create_profile(const profile_info& p, bool builtin,
                                        unix_ms now);
  /// Writes name and permissions; refuses with `profile_name_taken`.
  expected<profile_info> update_profile(const profile_info& p);
  record_page<profile_info> list_profiles(std::int64_t offset,
                                          std::int64_t limit);

  // -- organisation
  // --------------------------------------------------------------
  organisation_info organisation();
  void update_organisation(const organisation_info& org);

private:
  SQLite::Database& db_;
};

/// Names of the default profiles (S-8.1).
inline constexpr const char* administrator_profile = "Administrator";
inline constexpr const char* standard_profile = "Standard";

} // namespace socialcrm::storage
