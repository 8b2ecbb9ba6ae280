#pragma once

// The contract between the emulator core and one emulated network.
//
// A network module (X, Facebook, Google+, Mastodon, Bluesky) is one class
// deriving from `sim::network`, registered in sim/networks.cpp. The core
// (sim/emulator.cpp) owns the HTTP listener and does, for every request
// under "/<id>/...":
//
//   1. lock the world (one mutex: modules never lock, never spawn threads);
//   2. count the request in the network's stats;
//   3. apply the request-level faults queued for this network
//      (error_5xx -> `server_error()`, slow -> the answer is delayed);
//   4. call `handle()` with the path after the prefix, and send back what it
//      returns.
//
// Everything else (rate limits, revoked tokens, duplicate / out-of-order
// pages, the published log) is done by the module through the shared
// services of `world` (sim/world.hpp), so that each network answers in its
// own shape: its own rate-limit headers, its own error bodies.
//
// The data model is network-neutral (sim/store.hpp): users, pages, items
// (posts, mentions, replies, comments, direct messages), tokens, OAuth
// codes. A module renders that model in its wire format and chooses the
// format of the ids it hands out. The control API (/_sim) and the traffic
// generator create users, pages, tokens and items through the hooks below,
// so every network sees the same population without knowing about /_sim.

#include "http/message.hpp"
#include "sim/store.hpp"

#include <cstdint>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace socialcrm::sim {

class world;

/// One request as a module sees it.
struct call {
  const http::request& http; // the original request (method, headers, body)
  std::string path;          // after the network prefix: "/2/users/me"
  std::multimap<std::string, std::string> query; // decoded query parameters
  std::string base_url; // public URL of this network: "http://127.0.0.1:PORT/x"

  const std::string& method() const { return http.method; }
  /// First value of query parameter `name`.
  std::optional<std::string> param(const std::string& name) const;
  /// Every value of `name` (repeated keys, "types[]=mention&types[]=dm").
  std::vector<std::string> params(const std::string& name) const;
  /// The token of an "Authorization: Bearer ..." header, or "".
  std::string bearer() const;
  /// Body decoded as application/x-www-form-urlencoded.
  std::multimap<std::string, std::string> form() const;
  /// Body parsed as JSON; nullopt when it is not valid JSON.
  std::optional<nlohmann::json> json_body() const;
  /// First value of `name` from the query, then from a form or JSON body
  /// (several networks accept parameters in any of the three).
  std::optional<std::string> any_param(const std::string& name) const;
  /// Splits path into segments: "/2/users/42/tweets" -> {"2","users","42",
  /// "tweets"}.
  std::vector<std::string> segments() const;
};

/// Ready-made answers modules build theirs on.
http::response json_response(unsigned status, const nlohmann::json& body);
http::response html_response(unsigned status, std::string body);

class network;

/// The `garbage` fault (sim/faults.hpp): when one is queued for `net`, the
/// answer `real` (what the network would have sent) is replaced by a
/// malformed 200 of the same kind, the variant taken in turn
/// (fault_queue::next_garbage); otherwise `real` is returned as it is.
/// Every module's handle() passes its answer through this (defined in
/// sim/faults.cpp, with the other faults).
http::response garbage_or(const network& net, world& w, http::response real);

/// ASCII lower case: handles and search terms compare this way.
std::string ascii_lower(std::string s);

/// Whether every whitespace-separated term of `query` occurs in `text`,
/// ignoring case and double quotes: how the networks' full-text searches
/// (Bluesky, Mastodon) AND their terms. False for a query with no term.
bool matches_all_terms(const std::string& query, const std::string& text);

/// What kind of id a module is asked to format.
enum class id_kind { user, page, item, media, conversation };

/// The interface one emulated network implements. Every member is called
/// with the world locked; modules keep any extra state of their own as
/// members (they live as long as the emulator).
class network {
public:
  virtual ~network() = default;

  /// Network id and path prefix without '/': "x", "facebook", "googleplus",
  /// "mastodon", "bluesky".
  virtual std::string_view id() const = 0;

  /// Answers one request under this network's prefix. Unknown paths and bad
  /// parameters get the network's own error shape, never an exception.
  virtual http::response handle(const call& c, world& w) = 0;

  /// The network's answer to an injected 5xx fault (status and body shape
  /// as the real service sends them).
  virtual http::response server_error(const call& c, world& w) = 0;

  /// Formats the `n`-th id (world::next_number()) of a kind in this
  /// network's style ("1460323737035677698", "did:plc:...", "123_456").
  /// For items, `draft` is the item being created (parent, page), so that
  /// comment ids can embed their post id as Facebook's do.
  virtual std::string make_id(id_kind kind, std::uint64_t n,
                              const item* draft) const {
    (void)kind;
    (void)draft;
    return std::to_string(n);
  }

  /// Whether this network has pages (Facebook, Google+): the control API
  /// refuses POST /_sim/pages otherwise.
  virtual bool has_pages() const { return false; }

  /// Whether items of this kind exist on the network (Google+ has no direct
  /// messages): the control API refuses others and the traffic generator
  /// skips them.
  virtual bool supports(item_kind kind) const {
    (void)kind;
    return true;
  }

  /// Longest text (in the network's own unit) the traffic generator may
  /// produce, so generated items always pass the network's own limits.
  virtual std::size_t max_generated_text() const { return 200; }

  /// Called after the control API or the traffic generator stored an item,
  /// for networks that derive extra state (notifications, threads). The
  /// item is already visible through `world`.
  virtual void on_item_added(world& w, const item& it) {
    (void)w;
    (void)it;
  }
};

} // namespace socialcrm::sim
