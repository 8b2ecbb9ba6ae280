#pragma once

#include "networks/api_client.hpp"
#include "networks/connector.hpp"
#include "networks/cursor_state.hpp"

namespace socialcrm::networks {

/// Facebook Graph, as a page: posts tagging the page (mentions), comments
/// on the page's recent posts, page conversations (page messages) and the
/// page's feed; statuses, photos, comments, likes and Messenger answers as
/// the page. `credentials::access_token` is the page access token and
/// `page_id` the page; page tokens do not refresh.
class facebook_connector : public connector {
public:
  explicit facebook_connector(const connector_options& opts);

  network net() const override { return network::facebook; }
  std::vector<feed> account_feeds() const override;
  bool can_search() const override { return false; }
  bool has_timelines() const override { return false; }
  outcome<poll_page> poll(const credentials& who,
                          const poll_request& req) override;
  outcome<credentials> refresh(const credentials& who) override;
  outcome<action_result> act(const credentials& who,
                             const action& what) override;

private:
  outcome<poll_page> poll_edge(const credentials& who,
                               const poll_request& req);
  outcome<poll_page> poll_comments(const credentials& who,
                                   const poll_request& req);
  outcome<poll_page> poll_messages(const credentials& who,
                                   const poll_request& req);
  outcome<nlohmann::json> get(const credentials& who,
                              const std::string& path,
                              std::vector<std::pair<std::string, std::string>>
                                query);
  outcome<nlohmann::json> post_form(
    const credentials& who, const std::string& path,
    const std::vector<std::pair<std::string, std::string>>& fields);

  api_client api_;
};

/// The Graph API version every path names: a version Facebook supports
/// for two years after its release, and the one the emulator is written
/// against.
inline constexpr const char* facebook_graph_version = "v19.0";
/// Graph's largest edge page: fewer calls out of a 200-per-hour budget.
inline constexpr int facebook_page_size = 100;
/// Recent page posts whose comments are polled: Graph's default page of
/// the feed, enough for a page's active discussions.
inline constexpr int facebook_commented_posts = 25;
/// Conversations per page of /conversations (Graph's default).
inline constexpr int facebook_conversations_page = 25;
/// Pages one poll reads of one list before handing over what it has (the
/// rest of a backlog follows at once, with `more`).
inline constexpr int facebook_max_pages = 10;
/// Pages of one post's comments per poll, for the same reason.
inline constexpr int facebook_max_comment_pages = 5;
/// Pages of one conversation's messages per poll: a conversation is walked
/// to what earlier polls saw; 50 pages of 100 bound a runaway thread.
inline constexpr int facebook_max_message_pages = 50;
/// Facebook counts usage over a rolling hour and says only how much of it
/// is used: a spent budget is waited out for that hour unless Facebook
/// tells the time to regain access.
inline constexpr unix_ms facebook_usage_window_ms = 60 * 60 * 1000;
/// Largest photo a page may upload (SPEC S-5.2).
inline constexpr std::size_t facebook_max_photo_bytes = 25 * 1024 * 1024;

} // namespace socialcrm::networks
