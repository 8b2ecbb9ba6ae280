#pragma once

// Internal to the Google+ module: the class and what its files share.
// googleplus_network.cpp: routing, OAuth (Google's authorize and token
// endpoints), quota, error bodies, resources (person, activity, comment);
// googleplus_api.cpp: the plus/v1 and plusPages/v2 methods.

#include "sim/network.hpp"
#include "sim/world.hpp"

#include <cstdint>
#include <optional>
#include <string>

namespace socialcrm::sim::googleplus {

/// Google+ API courtesy quota: 10,000 requests per day; the emulator
/// counts it per token (per IP without one).
inline constexpr std::uint32_t daily_quota = 10000;
inline constexpr std::int64_t quota_window_s = 24 * 60 * 60;
/// Google access tokens live one hour; refresh tokens until revoked.
inline constexpr std::int64_t access_ttl_s = 60 * 60;
/// Longest post or comment text (Google+ allowed 100,000 characters).
inline constexpr std::size_t max_text_chars = 100000;
/// maxResults of the list methods (discovery document: activities and
/// people default 20, max 100; comments default 20, max 500).
inline constexpr std::size_t activities_default = 20;
inline constexpr std::size_t activities_max = 100;
inline constexpr std::size_t comments_default = 20;
inline constexpr std::size_t comments_max = 500;
inline constexpr std::size_t people_default = 20;
inline constexpr std::size_t people_max = 100;

/// The caller: a valid token and its user.
struct caller {
  const token* tok = nullptr;
  const user* me = nullptr;
};

/// An author on Google+: a person or a page.
struct actor_ref {
  std::string id;
  std::string name;
  bool is_page = false;
  std::string owner_id; // pages: the managing user
};

class googleplus_network final : public network {
public:
  std::string_view id() const override { return "googleplus"; }
  http::response handle(const call& c, world& w) override;
  /// What handle() answers before a garbage fault (garbage_or) may
  /// replace it.
  http::response route(const call& c, world& w);
  http::response server_error(const call& c, world& w) override;
  std::string make_id(id_kind kind, std::uint64_t n,
                      const item* draft) const override;
  bool has_pages() const override { return true; }
  /// Pages post and comment; Google+ had no direct messages in its API,
  /// and replies are comments.
  bool supports(item_kind kind) const override {
    return kind == item_kind::post || kind == item_kind::comment;
  }

  // --- resources (googleplus_network.cpp) --------------------------------
  std::optional<actor_ref> actor_of(world& w, const std::string& id) const;
  nlohmann::json person_json(world& w, const actor_ref& a) const;
  nlohmann::json actor_json(const actor_ref& a) const;
  nlohmann::json activity_json(const call& c, world& w, const item& it) const;
  nlohmann::json comment_json(const call& c, world& w, const item& it) const;

  // --- OAuth (googleplus_network.cpp) ------------------------------------
  http::response token_endpoint(const call& c, world& w);

  // --- API methods (googleplus_api.cpp) ----------------------------------
  http::response route_api(const call& c, world& w, const caller& who);
  http::response get_person(const call& c, world& w, const caller& who,
                            const std::string& user_id);
  http::response list_pages(const call& c, world& w, const caller& who,
                            const std::string& user_id);
  http::response list_activities(const call& c, world& w, const caller& who,
                                 const std::string& user_id,
                                 const std::string& collection);
  http::response get_activity(const call& c, world& w,
                              const std::string& activity_id);
  http::response insert_activity(const call& c, world& w, const caller& who,
                                 const std::string& user_id);
  http::response list_comments(const call& c, world& w,
                               const std::string& activity_id);
  http::response insert_comment(const call& c, world& w, const caller& who,
                                const std::string& activity_id);
};

// --- wire shapes (googleplus_network.cpp) ------------------------------------

/// Google's error body: {"error": {"errors": [{domain, reason, message}],
/// "code", "message"}}.
http::response google_error(unsigned code, const std::string& reason,
                            const std::string& message,
                            const std::string& domain = "global");
/// RFC 3339 with milliseconds, as Google+ wrote `published`.
std::string iso_time(std::int64_t unix_s);
/// An opaque page token for `offset`, and back.
std::string page_token(std::size_t offset);
std::optional<std::size_t> parse_page_token(const std::string& token);
/// maxResults in [min, max] or a 400 in `error`.
std::optional<std::size_t> max_results(const call& c, std::size_t def,
                                       std::size_t min, std::size_t max,
                                       http::response& error);

} // namespace socialcrm::sim::googleplus
