#pragma once

// What a live client subscribes to and which of its views a post belongs
// to: the live side of the social tab's feed queries. The rules are the
// ones storage/feed_repository.cpp applies to the REST feeds (crm_view,
// my_posts, column_posts), evaluated on one post at a time, so a post
// arrives live exactly where a reload would show it.

#include "protocol/error.hpp"
#include "protocol/post.hpp"
#include "storage/column_repository.hpp"

#include <nlohmann/json.hpp>

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace socialcrm::web::live {

/// Views in one subscribe. The CRM view has 4 columns x 2 sub-views plus
/// 3 negotiation filters per sub-view (14), and S-4.3 allows at most 20
/// keyword/custom columns plus My posts: 64 is more than a screen can
/// show and bounds the work per post.
inline constexpr std::size_t max_views = 64;

/// One subscribed view: a CRM column's sub-view (with a negotiation
/// filter) or a user column.
struct view {
  bool user_column = false;
  standing column = standing::unknown;
  feed_view sub = feed_view::conversations;
  negotiation_filter filter = negotiation_filter::none;
  std::int64_t column_id = 0;
  std::string json; // as sent back in `views`, normalised
};

/// `{"type":"subscribe","views":[...],"resume_from":SEQ,"batch":BOOL}`.
struct subscribe_request {
  std::vector<view> views;
  std::optional<std::int64_t> resume_from;
  /// Messages that wait for one write go as one `batch` message.
  bool batch = false;
};

/// Reads a subscribe message. Codes: `bad_message` (views missing or not
/// an array, resume_from not a sequence number, batch not a boolean, an
/// unknown field),
/// `bad_view` (naming the view and what is wrong with it).
expected<subscribe_request> parse_subscribe(const nlohmann::json& msg);

/// Client messages nest two levels (subscribe -> views -> view); 8 leaves
/// room and refuses nesting games before a DOM is built.
inline constexpr int client_json_depth = 8;

/// A client's text frame, decoded: JSON within client_json_depth, an
/// object with a string "type" (`bad_message` otherwise). The type is
/// left to the caller.
struct client_message {
  std::string type;
  nlohmann::json body;
};
expected<client_message> parse_client_message(std::string_view text);

/// What one user may see now: the accounts visible to them (profile's
/// `view` operation narrowed by their own filter) and their columns.
struct user_scope {
  std::vector<std::int64_t> visible_accounts; // sorted
  std::map<std::int64_t, storage::column_type> columns;

  bool sees(std::int64_t account_id) const;
};

/// What every session shares: who the organisation is (its linked
/// accounts, whose own posts go to My posts and never to the CRM view) and
/// the contacts of the negotiation filters (S-3.6).
struct crm_sets {
  unix_ms loaded_at = 0;
  std::int64_t seq = 0; // events up to this seq were in the database
  std::vector<author_key> own;              // sorted
  std::vector<std::int64_t> this_month;     // sorted contact ids
  std::vector<std::int64_t> new_deals;      // sorted contact ids
  std::vector<std::int64_t> top10;          // sorted contact ids

  bool is_own(const post& p) const;
  bool in_filter(negotiation_filter f, person_ref who) const;
};

/// The JSON array (`[...]`) of the views of `views` that `item` belongs
/// to, or "" when none. `column_ids` are the user columns that polled it.
std::string matched_views(const std::vector<view>& views,
                          const user_scope& scope, const crm_sets& sets,
                          const stored_post& item,
                          const std::vector<std::int64_t>& column_ids);

/// A text equal for two subscriptions exactly when matched_views gives
/// the same answer for them on every post (same views, same visible
/// accounts, same columns); `sets_version` names the crm_sets in use.
std::string filter_key(const std::vector<view>& views,
                       const user_scope& scope, std::uint64_t sets_version);

} // namespace socialcrm::web::live
