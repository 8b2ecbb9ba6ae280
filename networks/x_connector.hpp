#pragma once

#include "networks/api_client.hpp"
#include "networks/connector.hpp"

namespace socialcrm::networks {

/// X API v2: mentions, the organisation's tweets, DMs, people's timelines
/// and recent search; OAuth 2.0 refresh (x_connector.cpp); tweets,
/// replies, likes, retweets, DMs and the chunked media upload
/// (x_actions.cpp).
class x_connector : public connector {
public:
  explicit x_connector(const connector_options& opts);

  network net() const override { return network::x; }
  std::vector<feed> account_feeds() const override;
  bool can_search() const override { return true; }
  bool has_timelines() const override { return true; }
  outcome<poll_page> poll(const credentials& who,
                          const poll_request& req) override;
  outcome<credentials> refresh(const credentials& who) override;
  outcome<action_result> act(const credentials& who,
                             const action& what) override;

  /// X's search query for up to 5 terms: phrases quoted, OR-ed.
  static std::string search_query(const std::vector<std::string>& terms);

private:
  outcome<poll_page> poll_tweets(const credentials& who,
                                 const poll_request& req);
  outcome<poll_page> poll_dms(const credentials& who, const poll_request& req);
  /// POST /2/media/upload/initialize, /{id}/append, /{id}/finalize: the
  /// media id to attach.
  outcome<std::string> upload_media(const credentials& who, const action& a);

  api_client api_;
  std::string client_id_;
  std::string client_secret_;
};

/// X's largest page: fewer polls for the same posts.
inline constexpr int x_max_results = 100;
/// DM pages read per poll: DMs have no since_id, so a poll walks back from
/// the newest until it meets what it saw; this bounds one poll's walk.
inline constexpr int x_max_dm_pages = 10;
/// Bytes per appended segment of a media upload: X takes at most 5 MB a
/// segment, and its still images are at most 5 MB, so an image is one
/// segment.
inline constexpr std::size_t x_media_segment_bytes = 5 * 1024 * 1024;

} // namespace socialcrm::networks
