#pragma once

// What the social tab's acting routes share (S-5, S-7): which action each
// network supports and which operation it needs, sending one action
// through a linked account with a connector of our own (rate budgets
// shared with the pollers), the error a network failure becomes, and the
// user's activity history.

#include "networks/connector.hpp"
#include "storage/access_repository.hpp"
#include "storage/account_repository.hpp"
#include "storage/activity_repository.hpp"
#include "storage/database.hpp"
#include "web/call.hpp"

#include <optional>
#include <string>
#include <string_view>

namespace socialcrm::web {

/// The actions on a post of S-5.3, as the routes name them.
enum class post_action { reply, comment, like, retweet, message };

std::string_view to_string(post_action a);
/// The operation a profile needs for it on the account (S-1.5).
storage::operation operation_of(post_action a);
networks::action::kind connector_kind(post_action a);
/// Its name in the activity history: replied, commented, liked, ...
std::string_view activity_name(post_action a);
constexpr bool needs_text(post_action a) {
  return a == post_action::reply || a == post_action::comment ||
         a == post_action::message;
}

/// Whether `net` has the action at all (S-1.6), and whether it applies to
/// a post of `kind`: a direct or page message is answered by a message,
/// never by a public reply, like or repost. nullopt when it does; the
/// reason otherwise.
std::optional<std::string> unsupported_reason(network net, post_kind kind,
                                              post_action a);

/// Performs `what` through `account`: opens its sealed tokens with the
/// context's box and makes a connector of the account's network for this
/// call. Codes: reauth_required, page_required (the account cannot act),
/// network_not_configured, network_rejected, network_unavailable,
/// network_bad_response, network_rate_limited.
expected<networks::action_result> send_action(const source_context& ctx,
                                              const storage::linked_account& account,
                                              const networks::action& what);

/// Whether `who` may do `op` on the account (S-1.5); no answer is sent.
bool allowed(storage::database& db, const principal& who,
             const storage::linked_account& account, storage::operation op);

/// The 403 `operation_not_allowed` of `op` on `account` for `who`.
error_info not_allowed(const principal& who,
                       const storage::linked_account& account,
                       storage::operation op);

/// Post `id` as the caller may act on it: stored, and seen through an
/// account the caller's profile may view (posts of keyword columns, seen
/// through no account, are public). Otherwise 404 `post_not_found` is
/// sent, so a post out of reach looks like no post at all.
std::optional<stored_post> find_post(const call_ptr& c, storage::database& db,
                                     std::int64_t id);

/// Stores one history entry of the caller; `created_at` is now. A failure
/// is logged, never thrown: the action itself has happened.
void record_activity(storage::database& db, const principal& who,
                     storage::activity_entry e);

/// GET /social/activity.
void list_activity(const call_ptr& c);

/// The compose route (compose_routes.cpp) and the routes that turn a post's
/// author into CRM data (action_person_routes.cpp).
void add_compose_routes(router& r);
void add_person_action_routes(router& r);

} // namespace socialcrm::web
