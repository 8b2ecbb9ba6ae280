#pragma once

// Who may do what on which linked account (SPEC S-1.5), and which accounts
// each user chose to see (S-4.5). The web layer asks this before every
// social action and every feed read; the live session asks it for the
// accounts whose events it forwards.

#include "protocol/error.hpp"

#include <SQLiteCpp/Database.h>

#include <map>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

namespace socialcrm::storage {

/// Operations a profile may perform on a linked account (S-1.5).
enum class operation { view, post, reply, like, repost, message };

std::string_view to_string(operation op);
std::optional<operation> parse_operation(std::string_view s);
const std::vector<operation>& all_operations();

using operation_set = std::set<operation>;

/// What a profile may do on an account nobody configured for it: the
/// Administrator may do everything (S-1.5); other profiles may view, reply
/// and like, and need an administrator's grant to post, repost or message
/// as the organisation.
operation_set default_operations(bool full_rights);

class access_repository {
public:
  explicit access_repository(SQLite::Database& db);

  /// The operations of `profile_id` on `account_id`: the explicit setting
  /// when an administrator made one, else the defaults. `full_rights` is
  /// true for super administrators and profiles with the administrative
  /// privilege, who may always do everything.
  operation_set operations(std::int64_t account_id, std::int64_t profile_id,
                           bool full_rights);

  /// Every profile's operations on one account, by profile id.
  std::map<std::int64_t, operation_set> matrix(std::int64_t account_id);

  /// Replaces the operations of the listed profiles on one account in one
  /// transaction. Codes: account_not_found, profile_not_found.
  expected<bool> set_operations(
    std::int64_t account_id,
    const std::map<std::int64_t, operation_set>& by_profile);

  /// The user's account filter (S-4.5); empty = every account.
  std::vector<std::int64_t> filter(std::int64_t user_id);

  /// Replaces the filter; every id must name a linked account, else
  /// `account_not_found` and nothing changes.
  expected<bool> set_filter(std::int64_t user_id,
                            const std::vector<std::int64_t>& accounts);

  /// Accounts whose posts the user sees: linked accounts (any state) the
  /// profile may `view`, narrowed by the user's filter when it has one.
  std::vector<std::int64_t> visible_accounts(std::int64_t user_id,
                                             std::int64_t profile_id,
                                             bool full_rights);

  /// Every linked account the profile may view, ignoring the user's filter
  /// (what the filter picker offers).
  std::vector<std::int64_t> viewable_accounts(std::int64_t profile_id,
                                              bool full_rights);

private:
  SQLite::Database& db_;
};

} // namespace socialcrm::storage
