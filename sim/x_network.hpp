#pragma once

// Internal to the X module: the class and what its files share.
// x_network.cpp: auth, rate limits, error shapes, rendering;
// x_read.cpp / x_write.cpp: the /2 reads and writes; x_media.cpp: media
// upload, one-shot (v2 and v1.1) and chunked; x_oauth.cpp: OAuth 2.0 with
// PKCE.

#include "sim/network.hpp"
#include "sim/world.hpp"

#include <cstdint>
#include <map>
#include <optional>
#include <string>

namespace socialcrm::sim::x {

/// X's rate-limit window: 15 minutes for every v2 endpoint.
inline constexpr std::int64_t window_s = 15 * 60;
/// Longest post, in X's weighted characters (twitter-text v3: most
/// scripts count 1, CJK and emoji count 2).
inline constexpr std::size_t max_tweet_weight = 280;
/// Longest search query (Basic and Pro access).
inline constexpr std::size_t max_query_length = 512;
/// Most OR-ed terms the product's keyword columns send (SPEC S-4.1).
inline constexpr std::size_t max_query_terms = 5;
/// Image upload limit (X: 5 MB images; 15 MB GIFs).
inline constexpr std::size_t max_image_bytes = 5 * 1024 * 1024;
inline constexpr std::size_t max_gif_bytes = 15 * 1024 * 1024;
/// Video limit of the chunked upload (X: 512 MB with amplify_video).
inline constexpr std::size_t max_video_bytes = 512 * 1024 * 1024;
/// Largest chunk one APPEND may carry (X: 5 MB per segment).
inline constexpr std::size_t max_chunk_bytes = 5 * 1024 * 1024;
/// segment_index runs from 0 to 999 (X: at most 1000 chunks).
inline constexpr int max_segment_index = 999;
/// An upload session and its media stay usable for a day (X's
/// expires_after_secs for images).
inline constexpr std::int64_t media_expires_s = 24 * 60 * 60;
/// Where X's problem types live: "https://api.x.com/2/problems/" + name
/// (docs.x.com "Response codes and errors"; formerly api.twitter.com).
inline constexpr std::string_view problem_base =
  "https://api.x.com/2/problems/";
/// Lifetime of OAuth 2.0 access tokens (X: two hours).
inline constexpr std::int64_t access_token_ttl_s = 2 * 60 * 60;
/// How far back /2/tweets/search/recent looks.
inline constexpr std::int64_t recent_search_s = 7 * 24 * 60 * 60;

/// A chunked upload between initialize and finalize (media id -> session).
struct upload_session {
  std::string owner_id;
  std::size_t total_bytes = 0;
  std::map<int, std::size_t> segments; // segment_index -> bytes received
  std::int64_t expires_at = 0;         // unix seconds
  bool finalized = false;
};

/// A request after authentication: who calls, and the rate window it used.
struct caller {
  const token* tok = nullptr;
  const user* me = nullptr;
  rate_window window;
};

class x_network final : public network {
public:
  std::string_view id() const override { return "x"; }
  http::response handle(const call& c, world& w) override;
  /// What handle() answers before a garbage fault (garbage_or) may
  /// replace it.
  http::response route(const call& c, world& w);
  http::response server_error(const call& c, world& w) override;
  std::string make_id(id_kind kind, std::uint64_t n,
                      const item* draft) const override;
  bool supports(item_kind kind) const override {
    return kind != item_kind::comment; // X has replies, not comments
  }
  std::size_t max_generated_text() const override { return 200; }

  // --- shared by the endpoint files -----------------------------------------
  /// Checks the bearer token and takes one request from `group`'s window
  /// (`limit` per 15 minutes). On failure `error` holds the 401 / 429.
  std::optional<caller> authenticate(const call& c, world& w,
                                     const std::string& group,
                                     std::uint32_t limit,
                                     http::response& error);

  // Endpoints (x_read.cpp, x_write.cpp, x_media.cpp).
  http::response users_me(const call& c, world& w, const caller& who);
  http::response user_by_username(const call& c, world& w, const caller& who,
                                  const std::string& username);
  http::response timeline(const call& c, world& w, const caller& who,
                          const std::string& user_id, bool mentions);
  http::response search_recent(const call& c, world& w, const caller& who);
  http::response tweet_lookup(const call& c, world& w, const caller& who,
                              const std::string& tweet_id);
  http::response create_tweet(const call& c, world& w, const caller& who);
  http::response like_or_retweet(const call& c, world& w, const caller& who,
                                 const std::string& user_id, bool like);
  http::response dm_events(const call& c, world& w, const caller& who);
  http::response send_dm(const call& c, world& w, const caller& who,
                         const std::string& participant_id);
  http::response upload_media(const call& c, world& w, const caller& who,
                              bool v1);
  // Chunked upload: /2/media/upload/initialize, /{id}/append, /{id}/finalize
  // and GET /2/media/upload?command=STATUS.
  http::response media_initialize(const call& c, world& w, const caller& who);
  http::response media_append(const call& c, world& w, const caller& who,
                              const std::string& media_id);
  http::response media_finalize(const call& c, world& w, const caller& who,
                                const std::string& media_id);
  http::response media_status(const call& c, world& w, const caller& who);
  /// A media id POST /2/tweets may attach: known and, when it came through
  /// the chunked upload, finalized (X refuses unfinalized media ids).
  bool attachable_media(world& w, const std::string& media_id) const;

  // OAuth (x_oauth.cpp).
  http::response oauth_token(const call& c, world& w);
  http::response oauth_revoke(const call& c, world& w);

  // Duplicate-content check: last text each user posted.
  std::map<std::string, std::string> last_text_;
  // Chunked uploads by media id.
  std::map<std::string, upload_session> uploads_;
};

// --- wire shapes (x_network.cpp) ---------------------------------------------

/// RFC 7807 problem X sends for 401, 403, 404, 429, 503 as
/// application/problem+json: {"title","detail","type","status"}; "about:blank"
/// is X's generic type ("see the HTTP status code").
http::response problem(unsigned status, const std::string& title,
                       const std::string& detail,
                       const std::string& type = "about:blank");
/// 400 "Invalid Request" problem with one error naming the parameter.
http::response invalid_request(const std::string& parameter,
                               const std::string& value,
                               const std::string& message);
/// Decodes the request's body into `out` when it is a JSON object;
/// otherwise answers the 400 X sends for a body that is not one.
std::optional<http::response> read_object_body(const call& c,
                                               nlohmann::json& out);
/// A "Not Found Error" (resource-not-found problem) for the `errors` array
/// of a 200 answer.
nlohmann::json not_found_error(const std::string& resource_type,
                               const std::string& parameter,
                               const std::string& value);
/// Adds x-rate-limit-limit / -remaining / -reset.
void add_rate_headers(http::response& r, const rate_window& w);
/// ISO 8601 UTC with milliseconds, as X writes created_at.
std::string iso_time(std::int64_t unix_s);
/// Weighted length of a post text (twitter-text v3 weights).
std::size_t tweet_weight(std::string_view text);

/// X's media key of an uploaded media ("3_<id>" for a photo).
std::string media_key(const media& m);

/// Fields requested with tweet.fields / user.fields, and expansions.
struct field_set {
  std::string tweet_fields;
  std::string user_fields;
  std::string expansions;
  bool has_tweet(std::string_view f) const;
  bool has_user(std::string_view f) const;
  bool expands(std::string_view e) const;
};
field_set fields_of(const call& c);
nlohmann::json render_tweet(world& w, const item& t, const field_set& f);
nlohmann::json render_user(const user& u, const field_set& f);
/// {"data": [...], "includes": {"users": [...]}, "meta": {...}} for a page
/// of tweets.
nlohmann::json render_tweet_page(world& w,
                                 const std::vector<const item*>& page,
                                 const field_set& f,
                                 const std::string& next_token);

} // namespace socialcrm::sim::x
