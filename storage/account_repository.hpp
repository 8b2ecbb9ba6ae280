#pragma once

#include "protocol/types.hpp"

#include <SQLiteCpp/Database.h>

#include <optional>
#include <string>
#include <vector>

namespace socialcrm::storage {

/// An organisation account linked on a network (SPEC S-1). Tokens are kept
/// sealed (storage/secret_box) everywhere outside the connector call.
struct linked_account {
  std::int64_t id = 0;
  network net = network::x;
  std::string network_user_id; // the organisation's id (page owner for FB)
  std::string handle;
  std::string page_id; // Facebook / Google+ page; "" elsewhere
  std::string page_name;
  std::string access_token;  // sealed
  std::string refresh_token; // sealed, "" when none
  unix_ms token_expires_at = 0;
  account_status status = account_status::active;
  std::int64_t linked_by = 0; // the user who linked it; 0 = unknown / demo
  unix_ms created_at = 0;     // when it was first linked (read back only)
};

/// Linked accounts (SPEC S-1.2 to S-1.7).
class account_repository {
public:
  explicit account_repository(SQLite::Database& db);

  /// Adds an account; unless it waits for its page, it takes back the posts
  /// an earlier link of the same identity left behind (S-1.7).
  std::int64_t add(const linked_account& a, std::int64_t linked_by,
                   unix_ms now);
  std::optional<linked_account> find(std::int64_t id);
  std::vector<linked_account> all();
  /// Accounts to poll: active ones.
  std::vector<linked_account> pollable();
  bool set_status(std::int64_t id, account_status status);
  /// Replaces the tokens of an account in one statement, so a refreshed
  /// single-use refresh token is never half-stored.
  bool update_tokens(std::int64_t id, const std::string& access,
                     const std::string& refresh, unix_ms expires_at);
  /// Removes the account. Its posts stay, without an account, and their
  /// identity is kept so linking it again restores them (S-1.7).
  bool remove(std::int64_t id);

  /// The account of one network identity: (network, user, page), what the
  /// table keeps unique. Relinking finds the earlier row through this.
  std::optional<linked_account> find_identity(network net,
                                               const std::string& user_id,
                                               const std::string& page_id);

  /// Replaces everything of account `a.id` but its id, creator and
  /// creation time (a relink, or a page picked), and takes back the posts of
  /// its identity as add() does. False when it is gone.
  bool update(const linked_account& a);

  /// Accounts in each state but pending_page: what "linked" means to the
  /// social tab (S-1.7).
  std::int64_t linked_count();

  /// The first active account of `net` (lowest id), for calls made as the
  /// organisation that need no particular account (user lookup).
  std::optional<linked_account> first_active(network net);

  /// Removes pending_page accounts created before `cutoff` (S-1.4: a page
  /// picker nobody finished). Returns how many.
  int remove_pending_before(unix_ms cutoff);

  /// Stored posts that came in through the account (kept on unlink).
  std::int64_t post_count(std::int64_t id);

  /// Network user ids of the people associated on `net`: whose timelines
  /// the Stream view shows.
  std::vector<std::string> associated_user_ids(network net);

private:
  /// Gives account `id` the unlinked posts of `identity`'s (network, user,
  /// page). Returns how many.
  std::int64_t reattach(std::int64_t id, const linked_account& identity);

  SQLite::Database& db_;
};

} // namespace socialcrm::storage
