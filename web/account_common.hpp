#pragma once

// What the linked-account routes share (account_routes.cpp,
// account_link.cpp, account_oauth.cpp, account_lookup_route.cpp): the
// step that turns credentials a network confirmed into a stored account
// (S-1.3, S-1.4), the account's JSON with operations, network failures as
// API errors, and the sweep of abandoned page pickers and OAuth states.

#include "networks/account_lookup.hpp"
#include "storage/secret_box.hpp"
#include "web/social_common.hpp"

#include <chrono>
#include <optional>
#include <string>
#include <vector>

namespace socialcrm::web::accounts {

/// How long an OAuth authorisation may take between the authorize answer
/// and the callback: a person signs in and consents on the network's page,
/// which takes a minute or two; 10 minutes is generous without keeping a
/// stolen state useful for long.
inline constexpr unix_ms oauth_state_ttl_ms = 10 * 60 * 1000;

/// How long a Facebook / Google+ account may wait for its page to be
/// picked before it is removed (S-1.4): the picker is shown right after
/// the authorisation; half an hour covers a distracted admin.
inline constexpr unix_ms pending_page_ttl_ms = 30 * 60 * 1000;

/// Longest credential accepted in a body: real access tokens and JWTs are
/// a few hundred bytes to ~2 KiB.
inline constexpr std::size_t max_credential_length = 8192;

/// Longest return_to path: a UI route with a query, not a document.
inline constexpr std::size_t max_return_to_length = 2048;

/// The settings of the networks (base URLs, OAuth clients, token box).
const source_context& sources(const call_ptr& c);

/// The base URL of `net`, or "" when the server has none configured.
std::string base_url_of(const call_ptr& c, network net);
/// The PEM file trusted for `net`'s https base URL ("" = the system's).
std::string ca_file_of(const call_ptr& c, network net);

/// Refuses with 409 network_not_configured unless `net` has a base URL.
bool require_network(const call_ptr& c, network net);

/// The {id} of a route about one linked account, which only social
/// administrators may use; nothing when the call is refused (answered).
std::optional<std::int64_t> administered_account_id(const call_ptr& c);

/// The network's identity and page calls, sharing the pollers' budgets.
networks::account_lookup lookup_for(const call_ptr& c, network net);

/// A network failure while checking a credential the admin gave:
/// refusals are 422 invalid_value ("the network refused ..."), the rest
/// network_unavailable / network_rate_limited / network_bad_response.
error_info credential_error(const networks::failure& f,
                            const std::string& what);

/// A network failure of a call made with a stored token: reauth_required
/// when the token is dead, network_rejected for other refusals.
error_info stored_token_error(const networks::failure& f);

/// Tells the source supervisor to reconcile now, so pollers start and stop
/// with the change (S-9.1).
void rescan(const call_ptr& c);

/// Removes page pickers older than pending_page_ttl_ms (S-1.4) and OAuth
/// states older than oauth_state_ttl_ms.
void sweep(storage::database& db);

/// account_json() plus what the caller may do on it ("operations"), what
/// the network offers ("network_operations", S-1.6) and "linked_at".
nlohmann::json account_view(storage::database& db, const principal& who,
                            const storage::linked_account& a);

/// Pages as the picker lists them: [{id, name}], never their tokens.
nlohmann::json pages_json(const std::vector<networks::managed_page>& pages);

/// A profile -> operations matrix as JSON: {"<profile_id>": [ops...]}.
nlohmann::json matrix_json(
  const std::map<std::int64_t, storage::operation_set>& m);

/// Credentials the network confirmed: whose they are and the tokens.
struct confirmed {
  network net = network::x;
  networks::identity who;
  networks::token_grant tokens;
};

/// What linking produced.
struct link_answer {
  unsigned status = 201; // 201 new, 200 relinked an existing account
  std::int64_t account_id = 0;
  std::string account_status; // active, pending_page
  nlohmann::json body;
};

/// Stores confirmed credentials (S-1.3, S-1.4). X, Mastodon, Bluesky:
/// the account, active. Facebook / Google+: with `page_id`, that page of
/// the user's (page_not_found when it is not one of them); without, a
/// pending_page account holding the user token and the answer lists the
/// pages; a user with no page at all gets page_not_found and nothing is
/// kept. The same identity linked again updates its row (tokens, status
/// active): never a duplicate. Runs on the blocking pool.
expected<link_answer> link_confirmed(const call_ptr& c, storage::database& db,
                                     const confirmed& cred,
                                     const std::string& page_id);

/// Picks `page_id` for the pending account `a` with the user token
/// `user_token` (S-1.4); relinks an existing account of that page instead
/// when there is one. Codes: page_not_found (the account is removed when
/// the user has no page at all), reauth_required, network_*.
expected<link_answer> pick_page(const call_ptr& c, storage::database& db,
                                const storage::linked_account& a,
                                const std::string& page_id);

} // namespace socialcrm::web::accounts

namespace socialcrm::web::accounts {

// The handlers, registered by add_account_routes (account_routes.cpp).
// account_link.cpp: linking with credentials, the page picker.
void link_account(const call_ptr& c);
void list_pages(const call_ptr& c);
void choose_page(const call_ptr& c);
void close_page_choice(const call_ptr& c);
// account_oauth.cpp: the authorisation-code flow.
void authorize(const call_ptr& c);
void oauth_callback(const call_ptr& c);
// account_lookup_route.cpp: a network user by handle (S-2.3).
void lookup_user(const call_ptr& c);

} // namespace socialcrm::web::accounts
