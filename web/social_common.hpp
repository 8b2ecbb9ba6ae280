#pragma once

// What every social-tab route shares: the permission gates, running
// blocking work on the pool, and the accounts a user may see.

#include "storage/access_repository.hpp"
#include "storage/account_repository.hpp"
#include "storage/database.hpp"
#include "storage/feed_repository.hpp"
#include "web/blocking_pool.hpp"
#include "web/call.hpp"
#include "web/ids.hpp"

#include <functional>

namespace socialcrm::web {

/// Social edition, social tab permission, and a social service in this
/// process; otherwise the call is answered with the refusal and false.
bool require_social(const call_ptr& c);

/// require_social() plus the social administrator (or administrator)
/// right: linking, unlinking, operations (S-1.2, S-8.2).
bool require_social_admin(const call_ptr& c);

/// Super administrators and profiles with the administrative privilege
/// may do every operation on every account (S-1.5).
bool full_rights(const principal& who);

/// Runs `f` on the blocking pool with that thread's connection. An escaping
/// exception answers 507 `storage_full` (disk full) or 500 `storage_failure`.
void run_blocking(const call_ptr& c,
                  std::function<void(storage::database&)> f);

/// The accounts `who` sees now: the profile's `view` operation narrowed by
/// the user's own filter (S-1.5, S-4.5).
storage::feed_scope scope_of(storage::database& db, const principal& who);

/// Whether `who` may do `op` on `account_id`; when not, the call is
/// answered with 403 `operation_not_allowed` naming both.
bool require_operation(const call_ptr& c, storage::database& db,
                       const storage::linked_account& account,
                       storage::operation op);

/// A linked account's public JSON: id, network, handle, page, status,
/// never its tokens.
nlohmann::json account_json(const storage::linked_account& a);

} // namespace socialcrm::web
