#pragma once

#include "networks/api_client.hpp"
#include "networks/connector.hpp"

namespace socialcrm::networks {

/// Bluesky (AT Protocol XRPC against the account's PDS, the base URL):
/// mentions, replies and quotes from notifications, the account's own
/// posts, people's author feeds and search; posts, replies, likes and
/// reposts (images through uploadBlob); refreshSession, which rotates the
/// refresh JWT (the used one keeps working for a 2-hour grace period, the
/// PDS's REFRESH_GRACE_MS). `credentials::account_user_id` is the DID,
/// `access_token` the accessJwt and `refresh_token` the refreshJwt.
/// Direct messages (chat.bsky) are a separate service, not polled.
class bluesky_connector : public connector {
public:
  explicit bluesky_connector(const connector_options& opts);

  network net() const override { return network::bluesky; }
  std::vector<feed> account_feeds() const override;
  bool can_search() const override { return true; }
  bool has_timelines() const override { return true; }
  outcome<poll_page> poll(const credentials& who,
                          const poll_request& req) override;
  outcome<credentials> refresh(const credentials& who) override;
  outcome<action_result> act(const credentials& who,
                             const action& what) override;

  /// When an access JWT expires (its `exp` claim), 0 when it cannot say.
  static unix_ms jwt_expiry(const std::string& jwt);

  /// The repository (author) of a record: "at://did:plc:abc/app.bsky.feed.
  /// post/3k..." -> "did:plc:abc"; "" for anything else.
  static std::string did_of_uri(const std::string& uri);

private:
  /// A strong reference to a record: what replies, likes and reposts
  /// name.
  struct record_ref {
    std::string uri;
    std::string cid;
    std::string root_uri; // the thread's root, for replies
    std::string root_cid;
  };
  /// The post `uri` through app.bsky.feed.getPosts.
  outcome<record_ref> ref_of(const credentials& who, const std::string& uri);
  outcome<nlohmann::json> upload_blob(const credentials& who,
                                      const action& a);
  outcome<nlohmann::json> create_record(const credentials& who,
                                        const std::string& collection,
                                        const nlohmann::json& record);
  outcome<nlohmann::json> query(const credentials& who, const char* nsid,
                                const std::vector<std::pair<std::string,
                                                            std::string>>& q);

  api_client api_;
};

/// The largest page of listNotifications, getAuthorFeed and searchPosts.
inline constexpr int bluesky_page_size = 100;
/// Pages one poll reads of one list before handing over what it has.
inline constexpr int bluesky_max_pages = 10;
/// Largest image of a post: app.bsky.embed.images' maxSize, 2,000,000
/// bytes since the lexicon raised it (formerly limited to 1 MB).
inline constexpr std::size_t bluesky_max_image_bytes = 2000000;

} // namespace socialcrm::networks
