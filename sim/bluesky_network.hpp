#pragma once

// Internal to the Bluesky module: the class and what its files share.
// bluesky_network.cpp: XRPC routing, rate limits, error bodies,
// identities, CIDs and views; bluesky_session.cpp: sessions
// (createSession, refreshSession, getSession) and resolveHandle;
// bluesky_feed.cpp: feeds, notifications, search, getPosts, profiles,
// createRecord and uploadBlob.

#include "sim/network.hpp"
#include "sim/world.hpp"

#include <cstdint>
#include <map>
#include <optional>
#include <string>

namespace socialcrm::sim::bluesky {

/// Suffix of the handles the emulated PDS hands out, as bsky.social does
/// for accounts without a domain of their own.
inline constexpr std::string_view handle_suffix = ".bsky.social";
/// The PDS's global limit: 3000 requests per 5 minutes per client.
inline constexpr std::uint32_t global_limit = 3000;
inline constexpr std::int64_t global_window_s = 5 * 60;
/// createSession: 30 per 5 minutes per account (PDS login limit).
inline constexpr std::uint32_t session_limit = 30;
inline constexpr std::int64_t session_window_s = 5 * 60;
/// Repo writes: 5000 points per hour at 3 points per created record.
inline constexpr std::uint32_t write_limit = 5000 / 3;
inline constexpr std::int64_t write_window_s = 60 * 60;
/// Session lifetimes of the PDS: access JWTs 2 hours, refresh JWTs 90 days.
inline constexpr std::int64_t access_ttl_s = 2 * 60 * 60;
inline constexpr std::int64_t refresh_ttl_s = 90 * 24 * 60 * 60;
/// A used refresh JWT still refreshes for 2 hours (the PDS's
/// REFRESH_GRACE_MS in AccountManager.rotateRefreshToken), answering with
/// the same next refresh JWT, so a client that lost an answer can retry.
inline constexpr std::int64_t refresh_grace_s = 2 * 60 * 60;
/// app.bsky.feed.post text: at most 300 graphemes and 3000 UTF-8 bytes
/// (the lexicon's maxGraphemes and maxLength).
inline constexpr std::size_t post_max_graphemes = 300;
inline constexpr std::size_t post_max_bytes = 3000;
/// uploadBlob: the PDS's default blob size limit (5 MiB).
inline constexpr std::size_t blob_limit_bytes = 5 * 1024 * 1024;
/// Page sizes of the queries used (lexicon defaults and maxima).
inline constexpr std::size_t notifications_default = 50;
inline constexpr std::size_t author_feed_default = 50;
inline constexpr std::size_t search_default = 25;
inline constexpr std::size_t page_max = 100;
/// app.bsky.feed.getPosts: at most 25 URIs per call (the lexicon's
/// maxLength of `uris`).
inline constexpr std::size_t get_posts_max = 25;

/// TIDs count microseconds; emulated ones start in November 2023 and
/// advance by one per id so they stay unique and sortable.
inline constexpr std::uint64_t tid_base_us = 1700000000000000ULL;
inline std::uint64_t tid_value(std::uint64_t n) {
  return (tid_base_us + n) << 10; // 10 low bits: clock id 0
}

/// The authenticated account of a request (nullptr when anonymous).
struct caller {
  const token* tok = nullptr;
  const user* me = nullptr;
};

class bluesky_network final : public network {
public:
  std::string_view id() const override { return "bluesky"; }
  http::response handle(const call& c, world& w) override;
  /// What handle() answers before a garbage fault (garbage_or) may
  /// replace it.
  http::response route(const call& c, world& w);
  http::response server_error(const call& c, world& w) override;
  std::string make_id(id_kind kind, std::uint64_t n,
                      const item* draft) const override;
  /// No direct messages in the API set emulated (chat.bsky.* is a
  /// separate service) and no comments: threads are replies.
  bool supports(item_kind kind) const override {
    return kind != item_kind::dm && kind != item_kind::comment;
  }
  std::size_t max_generated_text() const override { return 200; }
  void on_item_added(world& w, const item& it) override;

  // --- identities and views (bluesky_network.cpp) ---------------------------
  /// The handle a user shows on Bluesky: a domain name
  /// ("ada-almeida0.bsky.social").
  std::string handle_of(const user& u) const;
  /// A user by DID, by shown handle or by the handle the control API knows.
  const user* find_actor(world& w, std::string identifier) const;
  nlohmann::json profile_basic(world& w, const user& u) const;
  nlohmann::json profile_detailed(world& w, const user& u) const;
  nlohmann::json post_record(world& w, const item& it) const;
  std::string cid_of(world& w, const item& it) const;
  nlohmann::json post_view(world& w, const item& it, const caller& who) const;

  // --- sessions (bluesky_session.cpp) ---------------------------------------
  http::response create_session(const call& c, world& w);
  http::response refresh_session(const call& c, world& w);
  http::response get_session(const call& c, world& w, const caller& who);
  nlohmann::json issue_session(world& w, const user& u);
  const token& issue_access(world& w, const user& u);
  const token& issue_refresh(world& w, const user& u);
  nlohmann::json session_body(const user& u, const std::string& access,
                              const std::string& refresh) const;
  http::response resolve_handle(const call& c, world& w);

  // --- feeds and records (bluesky_feed.cpp) ---------------------------------
  http::response list_notifications(const call& c, world& w,
                                    const caller& who);
  http::response search_posts(const call& c, world& w, const caller& who);
  http::response author_feed(const call& c, world& w, const caller& who);
  http::response get_posts(const call& c, world& w, const caller& who);
  http::response get_profile(const call& c, world& w, const caller& who);
  http::response create_record(const call& c, world& w, const caller& who);
  http::response upload_blob(const call& c, world& w, const caller& who);

  /// Records the app wrote with createRecord, by at:// URI, served back
  /// as written.
  std::map<std::string, nlohmann::json, std::less<>> records_;
  /// A used refresh JWT: the one its first use handed out, and until when
  /// it may be used again.
  struct rotation {
    std::string next;
    std::int64_t until = 0;
  };
  /// By the used refresh JWT.
  std::map<std::string, rotation, std::less<>> rotated_;
  /// (did, subject uri) -> at:// URI of the like / repost record.
  std::map<std::pair<std::string, std::string>, std::string> likes_,
    reposts_;
};

// --- wire shapes (bluesky_network.cpp) ---------------------------------------

/// {"error": name, "message": message} with `status`.
http::response xrpc_error(unsigned status, const std::string& name,
                          const std::string& message);
/// 400 InvalidRequest.
http::response invalid_request(const std::string& message);
/// RFC 3339 with milliseconds, as the AT Protocol writes datetimes.
std::string iso_time(std::int64_t unix_s);
/// CIDv1 (sha2-256) of `bytes` with multicodec `codec` (0x71 dag-cbor
/// records, 0x55 raw blobs), multibase base32 ("bafyrei...").
std::string make_cid(std::string_view bytes, unsigned char codec);

/// Reads `limit` (default `def`, 1..page_max); on a bad value fills
/// `error` with the validator's 400.
std::optional<std::size_t> limit_of(const call& c, std::size_t def,
                                    http::response& error);

} // namespace socialcrm::sim::bluesky
