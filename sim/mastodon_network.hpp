#pragma once

// Internal to the Mastodon module: the class and what its files share.
// mastodon_network.cpp: routing, tokens, rate limits, error bodies, Link
// pagination; mastodon_entities.cpp: the entities as Mastodon 4.3 renders
// them (Account, CredentialAccount, Status, MediaAttachment, Notification);
// mastodon_statuses.cpp: posting, favourites, reblogs;
// mastodon_accounts.cpp: accounts, notifications, search;
// mastodon_instance.cpp: conversations, media uploads, the instance;
// mastodon_oauth.cpp: app registration and OAuth (authorize, token, revoke).

#include "sim/network.hpp"
#include "sim/world.hpp"

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace socialcrm::sim::mastodon {

/// Mastodon's per-token API budget: 300 requests per 5 minutes
/// (config/initializers/rack_attack.rb, throttle_per_token_api); the same
/// numbers apply per IP to requests without a valid token.
inline constexpr std::uint32_t api_limit = 300;
inline constexpr std::int64_t api_window_s = 5 * 60;
/// Longest status: 500 characters (StatusLengthValidator), where each URL
/// counts as 23 characters whatever its length.
inline constexpr std::size_t status_char_limit = 500;
inline constexpr std::size_t url_chars = 23;
/// Idempotency-Key values are remembered for one hour (API docs of
/// POST /api/v1/statuses).
inline constexpr std::int64_t idempotency_ttl_s = 60 * 60;
/// Page sizes: notifications default 40, max 80 (since 4.1); statuses,
/// conversations and search default 20, max 40.
inline constexpr std::size_t notifications_default = 40;
inline constexpr std::size_t notifications_max = 80;
inline constexpr std::size_t statuses_default = 20;
inline constexpr std::size_t statuses_max = 40;
/// Media attachments per status and the image size limit (16 MB since
/// Mastodon 4.0).
inline constexpr std::size_t max_media_per_status = 4;
inline constexpr std::size_t max_image_bytes = 16 * 1024 * 1024;
/// Favourites and reblogs of one status notify as one group while they
/// keep coming within 12 hours (Notification::Groups,
/// MAXIMUM_GROUP_SPAN_HOURS).
inline constexpr std::int64_t group_span_s = 12 * 60 * 60;
/// The Mastodon release the emulator renders: entities carry what 4.3.0
/// added (Account.indexable, Notification.group_key, ...) and nothing of
/// later releases; 4.3.0 is `mastodon` API version 2 (api_versions).
inline constexpr const char* emulated_version = "4.3.0";
inline constexpr int emulated_api_version = 2;

/// Who calls: the token (nullptr without a valid one) and its user
/// (nullptr for app tokens from client_credentials).
struct caller {
  const token* tok = nullptr;
  const user* me = nullptr;
  /// Why a bearer token was refused ("The access token was revoked"); a
  /// public endpoint serves such callers anonymously.
  std::string rejected;
};

/// A notification as Mastodon keeps it: its own id sequence, pointing at
/// the account that acted and the status concerned.
struct notification {
  std::uint64_t id = 0;
  std::string type; // "mention", "favourite", "reblog"
  std::string recipient_id;
  std::string account_id;
  std::string status_id;
  std::int64_t created_at = 0;
  /// Set for the groupable types (favourite, reblog); the others render
  /// as "ungrouped-{id}".
  std::string group_key;
};

/// One page request in Mastodon's id-based pagination.
struct page_params {
  std::optional<std::uint64_t> max_id, since_id, min_id;
  std::size_t limit = 20;
};

class mastodon_network final : public network {
public:
  std::string_view id() const override { return "mastodon"; }
  http::response handle(const call& c, world& w) override;
  /// What handle() answers before a garbage fault (garbage_or) may
  /// replace it.
  http::response route(const call& c, world& w);
  http::response server_error(const call& c, world& w) override;
  std::string make_id(id_kind kind, std::uint64_t n,
                      const item* draft) const override;
  bool supports(item_kind kind) const override {
    return kind != item_kind::comment; // threads of replies, no comments
  }
  std::size_t max_generated_text() const override { return 200; }
  void on_item_added(world& w, const item& it) override;

  // --- rendering (mastodon_entities.cpp) ----------------------------------
  nlohmann::json account_json(const call& c, world& w, const user& u) const;
  /// The signed-in user's own account: Account plus `source` and `role`.
  nlohmann::json credential_account_json(const call& c, world& w,
                                         const user& u) const;
  nlohmann::json status_json(const call& c, world& w, const item& s,
                             const caller& who) const;
  nlohmann::json notification_json(const call& c, world& w,
                                   const notification& n,
                                   const caller& who) const;
  /// A MediaAttachment of the world's media `media_id`.
  nlohmann::json media_entity(const call& c, world& w,
                              const std::string& media_id) const;
  /// Stores a notification of `recipient`, with its group key.
  void notify(world& w, std::string type, std::string recipient,
              std::string account, std::string status,
              std::int64_t created_at);
  /// "public", "unlisted", "private" or "direct".
  std::string visibility_of(const item& s) const;
  /// Whether `who` may see `s` (direct statuses: author and recipient).
  bool visible_to(const item& s, const caller& who) const;

  // --- endpoints (routing in mastodon_network.cpp) ------------------------
  http::response route_api(const call& c, world& w, const caller& who);
  // mastodon_accounts.cpp
  http::response verify_credentials(const call& c, world& w,
                                    const caller& who);
  http::response lookup_account(const call& c, world& w, const caller& who);
  http::response get_account(const call& c, world& w, const caller& who,
                             const std::string& account_id);
  http::response account_statuses(const call& c, world& w,
                                  const caller& who,
                                  const std::string& account_id);
  http::response notifications(const call& c, world& w, const caller& who);
  http::response search(const call& c, world& w, const caller& who);
  // mastodon_statuses.cpp
  http::response create_status(const call& c, world& w, const caller& who);
  http::response get_status(const call& c, world& w, const caller& who,
                            const std::string& status_id);
  http::response favourite(const call& c, world& w, const caller& who,
                           const std::string& status_id);
  http::response reblog(const call& c, world& w, const caller& who,
                        const std::string& status_id);
  // mastodon_instance.cpp
  http::response conversations(const call& c, world& w, const caller& who);
  http::response upload_media(const call& c, world& w, const caller& who);
  http::response get_media(const call& c, world& w, const caller& who,
                           const std::string& media_id);
  http::response instance(const call& c, world& w, bool v2);

  // --- OAuth (mastodon_oauth.cpp) -----------------------------------------
  http::response create_app(const call& c, world& w);
  http::response verify_app(const call& c, world& w, const caller& who);
  http::response oauth(const call& c, world& w);

  // --- state Mastodon has and the neutral model has not -------------------
  std::vector<notification> notifications_;
  /// Visibility of statuses posted as "unlisted" or "private" (others are
  /// "direct" for DMs and "public").
  std::map<std::string, std::string, std::less<>> visibility_;
  /// Idempotency-Key of a user -> the status it created and when the key
  /// is forgotten.
  struct remembered {
    std::string status_id;
    std::int64_t expires_at = 0;
  };
  std::map<std::string, remembered> idempotency_;
  /// (user, status) -> id of the user's reblog of that status.
  std::map<std::pair<std::string, std::string>, std::string> reblogs_;
  /// Status id -> name of the app that posted it ("application").
  std::map<std::string, std::string, std::less<>> application_of_;
  /// Conversation key of the world -> Mastodon's numeric conversation id.
  std::map<std::string, std::string, std::less<>> conversation_ids_;
  /// Media id -> the alternative text given at upload.
  std::map<std::string, std::string, std::less<>> media_descriptions_;
  /// client_id of a registered app -> the app's id.
  std::map<std::string, std::string, std::less<>> app_ids_;
  /// "recipient/type-status" -> the hour bucket of its open notification
  /// group and when the group closes (Mastodon keeps it in Redis).
  struct open_group {
    std::int64_t hour_bucket = 0;
    std::int64_t expires_at = 0;
  };
  std::map<std::string, open_group> groups_;
};

// --- wire shapes (mastodon_network.cpp) ------------------------------------

/// What Application entities show as `vapid_key` and /api/v2/instance as
/// configuration.vapid.public_key: a P-256 public key, base64url. A fixed
/// one (made once with `openssl ecparam -name prime256v1`): the emulator
/// sends no Web Push.
inline constexpr const char* vapid_public_key =
  "BKZVQd9S5g67RQC9UvemEJ9EOzTBDWEV3WWOyfvKP3T0XpLLQ-8kyiKHP_njuQOOe-0NQY8Hk2"
  "ApekyUBThiFe4=";
/// The contact address the instance shows (a reserved domain, RFC 2606:
/// the emulator has no staff).
inline constexpr const char* contact_email = "staff@socialcrm-sim.invalid";

/// {"error": message} with `status`: Mastodon's error body everywhere.
http::response error(unsigned status, const std::string& message);
/// The 404 Mastodon answers for unknown records and routes.
http::response not_found();
/// ISO 8601 UTC with milliseconds ("2019-12-05T11:34:47.000Z").
std::string iso_time(std::int64_t unix_s);
/// A numeric Mastodon id, or nullopt when `s` is not one.
std::optional<std::uint64_t> parse_id(std::string_view s);
/// Reads max_id / since_id / min_id / limit (clamped to [1, max]).
page_params page_params_of(const call& c, std::size_t def, std::size_t max);
/// The slice [begin, end) of a newest-first list (ids in `keys`) that a
/// page request selects, as Mastodon's paginate_by_id does: max_id and
/// since_id bound the ids, min_id pages forward from just above it.
struct page_range {
  std::size_t begin = 0, end = 0;
};
page_range select_page(const std::vector<std::uint64_t>& keys,
                       const page_params& p);
/// Adds `Link: <...max_id=>; rel="next", <...min_id=>; rel="prev"` built
/// from the request URL: next only when the page is full (more may
/// follow), prev whenever the page is not empty.
void add_link_header(http::response& r, const call& c, std::size_t count,
                     std::size_t limit, std::uint64_t newest,
                     std::uint64_t oldest);
/// A 200 answer with one page of a list and its Link header, `keys` being
/// the whole list's ids and `range` the page's place in it.
http::response paged_answer(const call& c, const nlohmann::json& page,
                            const std::vector<std::uint64_t>& keys,
                            page_range range, std::size_t limit);
/// Characters Mastodon counts in a status text (URLs count 23).
std::size_t status_length(std::string_view text);
/// Whether a token's scopes allow `scope` ("write:statuses" is allowed by
/// "write" or itself; tokens made by the control API allow everything).
bool has_scope(const token& t, std::string_view scope);
/// A parameter from the query, a form, a JSON or a multipart/form-data
/// body (curl -F, as Mastodon's documentation sends them).
std::optional<std::string> param_of(const call& c, const std::string& name);
/// String values of a parameter that may come as a form array
/// ("media_ids[]=1&media_ids[]=2"), a JSON array or a query array.
std::vector<std::string> array_param(const call& c, const std::string& name);
/// Checks a protected endpoint's token as Doorkeeper and Mastodon's
/// Api::BaseController do: 401 without a valid token, 403 when its scopes
/// do not cover the endpoint, 422 for app tokens on user endpoints.
std::optional<http::response> require_user(const caller& who,
                                           std::string_view scope);
/// Rails' boolean parameters: "true" or "1".
bool truthy(const std::optional<std::string>& v);
/// The numeric ids of a newest-first list, for select_page.
std::vector<std::uint64_t> keys_of(const std::vector<const item*>& items);
/// Orders statuses newest first (by id, as Mastodon does).
bool newest_first(const item* a, const item* b);


} // namespace socialcrm::sim::mastodon
