#pragma once

// Internal to the Facebook module. facebook_network.cpp: routing, tokens,
// rate limits, Graph error objects, cursor paging; facebook_graph.cpp: the
// page endpoints; facebook_messages.cpp: page messaging;
// facebook_oauth.cpp: dialog and /oauth/access_token.

#include "sim/facebook_fields.hpp"
#include "sim/network.hpp"
#include "sim/world.hpp"

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace socialcrm::sim::facebook {

/// Platform rate limit: 200 calls per user (or page) per hour.
inline constexpr std::uint32_t calls_per_window = 200;
inline constexpr std::int64_t window_s = 60 * 60;
/// Page size of edges: Graph's default is 25, `limit` goes to 100.
inline constexpr std::size_t default_limit = 25;
inline constexpr std::size_t max_limit = 100;
/// Longest post or comment text Graph accepts (63,206 characters).
inline constexpr std::size_t max_message_chars = 63206;
/// Largest photo upload: the product's documented Facebook limit (SPEC
/// S-5.2), so the emulator refuses exactly what the product refuses.
inline constexpr std::size_t max_photo_bytes = 25 * 1024 * 1024;
/// Lifetime of user tokens from /oauth/access_token (about 60 days).
inline constexpr std::int64_t user_token_ttl_s = 5183944;

/// Who calls: a user token, or a page token (then `page` is set).
struct caller {
  const token* tok = nullptr;
  const user* me = nullptr;
  const page* pg = nullptr;
  rate_window window;
  /// The id acting: the page for page tokens, else the user.
  const std::string& actor() const { return pg ? pg->id : me->id; }
  /// Whether the token is `p`'s own page token (needed to publish and to
  /// read messages).
  bool acts_for(const page& p) const { return pg && pg->id == p.id; }
};

class facebook_network final : public network {
public:
  std::string_view id() const override { return "facebook"; }
  http::response handle(const call& c, world& w) override;
  /// What handle() answers before a garbage fault (garbage_or) may
  /// replace it.
  http::response route(const call& c, world& w);
  http::response server_error(const call& c, world& w) override;
  std::string make_id(id_kind kind, std::uint64_t n,
                      const item* draft) const override;
  bool has_pages() const override { return true; }
  bool supports(item_kind kind) const override {
    return kind != item_kind::reply; // Facebook has comments, not replies
  }

  // Endpoints (facebook_graph.cpp); `node` is the first path segment after
  // the version, `edge` the second ("" for the node itself).
  http::response me(const call& c, world& w, const caller& who);
  http::response accounts(const call& c, world& w, const caller& who);
  http::response feed(const call& c, world& w, const caller& who,
                      const page& p, bool tagged);
  http::response post_feed(const call& c, world& w, const caller& who,
                           const page& p);
  http::response post_photo(const call& c, world& w, const caller& who,
                            const page& p);
  http::response comments(const call& c, world& w, const caller& who,
                          const item& parent);
  http::response post_comment(const call& c, world& w, const caller& who,
                              const item& parent);
  http::response likes(const call& c, world& w, const caller& who, item& post);
  http::response conversations(const call& c, world& w, const caller& who,
                               const page& p);
  http::response messages(const call& c, world& w, const caller& who,
                          const std::string& conversation_id);
  http::response send_message(const call& c, world& w, const caller& who,
                              const page& p);
  http::response object(const call& c, world& w, const caller& who,
                        const std::string& node);

  // OAuth (facebook_oauth.cpp).
  http::response access_token(const call& c, world& w);

  /// One page token per (user, page), handed out by /me/accounts.
  std::map<std::string, std::string> page_tokens_;
};

// --- wire shapes (facebook_network.cpp) -------------------------------------

/// {"error":{"message","type","code","error_subcode"?,"fbtrace_id"}}.
http::response graph_error(world& w, unsigned status, const std::string& message,
                           const std::string& type, int code, int subcode = 0,
                           bool transient = false);
/// The GraphMethodException for an object that does not exist (or the
/// token may not see).
http::response unknown_object(world& w, const std::string& method,
                              const std::string& id);
/// {"name","id"} of a page or user (Graph's `from` and `participants`).
nlohmann::json who_json(world& w, const std::string& id);
/// "2024-05-01T09:30:00+0000", as Graph writes created_time.
std::string graph_time(std::int64_t unix_s);
/// A first-level parameter from the query, then the body: a form, a JSON
/// object or the fields of a multipart/form-data body (Graph takes
/// access_token, caption, message... beside an uploaded file).
std::optional<std::string> graph_param(const call& c, const std::string& name);

/// One page of an edge, newest first, with Graph cursor paging.
struct edge_page {
  std::vector<const item*> items;
  nlohmann::json paging; // null when there is nothing to page
};
/// Pages `all` (newest first) with limit / after / before, building
/// paging.cursors and paging.next / previous URLs on `c`.
std::optional<http::response> page_edge(const call& c, world& w,
                                        const std::vector<const item*>& all,
                                        edge_page& out);
/// The first page of an edge embedded in a node by field expansion
/// ("comments.limit(5)", "messages{...}"): `limit` from the modifier
/// (Graph's default 25, at most 100, 0 for none), cursors, and paging.next
/// on the edge's own path `edge_path` ("/{post-id}/comments").
edge_page nested_edge(const call& c, const std::vector<const item*>& all,
                      const field_request& spec, const std::string& edge_path);
/// {"data": [...], "paging"?: {...}}: an edge page with `data` rendered.
nlohmann::json edge_json(nlohmann::json data, const edge_page& page);

} // namespace socialcrm::sim::facebook
