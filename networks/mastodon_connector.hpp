#pragma once

#include "networks/api_client.hpp"
#include "networks/connector.hpp"

namespace socialcrm::networks {

/// Mastodon (REST API v1/v2 of one instance, the base URL): mentions,
/// replies and direct messages from notifications, the account's own
/// statuses, people's statuses and search; statuses, replies, favourites,
/// boosts and direct messages with Mastodon's Idempotency-Key.
/// `credentials::account_user_id` is the account id; tokens do not expire.
///
/// Direct messages come with the mentions feed: Mastodon notifies every
/// direct status as a mention, and the conversations API shows only each
/// conversation's last status, so one source of DMs both loses nothing and
/// doubles nothing. feed::direct_messages is therefore not polled.
class mastodon_connector : public connector {
public:
  explicit mastodon_connector(const connector_options& opts);

  network net() const override { return network::mastodon; }
  std::vector<feed> account_feeds() const override;
  bool can_search() const override { return true; }
  bool has_timelines() const override { return true; }
  outcome<poll_page> poll(const credentials& who,
                          const poll_request& req) override;
  outcome<credentials> refresh(const credentials& who) override;
  outcome<action_result> act(const credentials& who,
                             const action& what) override;

  /// Mastodon's query for one search term: a phrase quoted.
  static std::string search_query(const std::string& term);

private:
  struct forward_page {
    std::vector<nlohmann::json> items; // oldest first
    std::string newest;                // the highest id listed
    bool full = false;                 // a whole page: more may follow
  };
  outcome<forward_page> page_after(
    const credentials& who, const std::string& path,
    std::vector<std::pair<std::string, std::string>> q,
    const std::string& since, int limit, const char* list_key);
  outcome<poll_page> poll_notifications(const credentials& who,
                                        const poll_request& req);
  outcome<poll_page> poll_statuses(const credentials& who,
                                   const poll_request& req);
  outcome<poll_page> poll_search(const credentials& who,
                                 const poll_request& req);
  outcome<std::string> upload_media(const credentials& who, const action& a);
  outcome<std::string> acct_of(const credentials& who, const std::string& id);

  api_client api_;
};

/// notifications' largest page (Mastodon 4.1 and later).
inline constexpr int mastodon_notifications_page = 80;
/// Largest page of statuses, search and conversations.
inline constexpr int mastodon_statuses_page = 40;
/// Largest image Mastodon accepts since 4.0.
inline constexpr std::size_t mastodon_max_image_bytes = 16 * 1024 * 1024;

} // namespace socialcrm::networks
