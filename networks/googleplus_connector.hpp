#pragma once

#include "networks/api_client.hpp"
#include "networks/connector.hpp"

namespace socialcrm::networks {

/// Google+ Pages (the retired plus/v1 and plusPages/v2 API shape, served
/// by the emulator): the page's own posts (activities) and the comments on
/// its recent posts; posting and commenting as the page; Google's OAuth
/// refresh. `credentials::page_id` is the page.
class googleplus_connector : public connector {
public:
  explicit googleplus_connector(const connector_options& opts);

  network net() const override { return network::googleplus; }
  std::vector<feed> account_feeds() const override;
  bool can_search() const override { return false; }
  bool has_timelines() const override { return false; }
  outcome<poll_page> poll(const credentials& who,
                          const poll_request& req) override;
  outcome<credentials> refresh(const credentials& who) override;
  outcome<action_result> act(const credentials& who,
                             const action& what) override;

private:
  outcome<nlohmann::json> get(const credentials& who,
                              const std::string& path_and_query);
  outcome<poll_page> poll_activities(const credentials& who,
                                     const poll_request& req);
  outcome<poll_page> poll_comments(const credentials& who,
                                   const poll_request& req);

  api_client api_;
  std::string client_id_;
  std::string client_secret_;
};

/// activities.list's largest page.
inline constexpr int googleplus_activities_page = 100;
/// Recent posts whose comments are polled (activities.list's default
/// page).
inline constexpr int googleplus_commented_posts = 20;
/// comments.list's largest page.
inline constexpr int googleplus_comments_page = 500;
/// Pages one poll reads of one list before handing over what it has.
inline constexpr int googleplus_max_pages = 10;
/// Pages of one post's comments per poll.
inline constexpr int googleplus_max_comment_pages = 4;
/// Google's per-user rate quotas count per 100 seconds: a
/// userRateLimitExceeded answer is waited out for that long (Google sends
/// no rate-limit headers to say more).
inline constexpr unix_ms googleplus_rate_window_ms = 100 * 1000;
/// Largest image of a Google+ post (SPEC S-5.2).
inline constexpr std::size_t googleplus_max_image_bytes = 36 * 1024 * 1024;

} // namespace socialcrm::networks
