#pragma once

// The contract between the core and one network. A connector speaks that
// network's real public API (X API v2, Facebook Graph, Google+ Pages,
// Mastodon, Bluesky XRPC) against a configurable base URL: the real host in
// production, the emulator in the demo and the tests. Nothing outside
// networks/ knows a wire format; everything downstream sees `post`.
//
// Connectors are synchronous and not thread-safe: each source actor owns
// its own instance (and so its own keep-alive connection). Rate-limit
// budgets are shared through `rate_budgets`, since several actors may use
// one token.

#include "networks/rate_budget.hpp"
#include "protocol/error.hpp"
#include "protocol/post.hpp"

#include <memory>
#include <string>
#include <vector>

namespace socialcrm::networks {

/// A linked account's credentials, decrypted, as a connector uses them.
struct credentials {
  std::string access_token;
  std::string refresh_token;      // "" when the network has none
  unix_ms expires_at = 0;         // 0 = does not expire
  std::string account_user_id;    // the organisation's own user id / DID
  std::string handle;             // the organisation's handle
  std::string page_id;            // Facebook / Google+ page, else ""
};

/// What a source actor polls.
enum class feed {
  mentions,        // posts naming the brand (and replies to it)
  direct_messages, // DMs (X, Mastodon)
  comments,        // comments on the organisation's posts (Facebook, G+)
  page_messages,   // Facebook page conversations
  own_posts,       // the organisation's own posts (My posts)
  timeline,        // one person's public posts (Stream, custom columns)
  search,          // keyword search (keyword columns)
};

std::string_view to_string(feed f);

struct poll_request {
  feed what = feed::mentions;
  /// Where the last stored batch ended ("" on the first poll): a since_id,
  /// a min_id, a timestamp, whatever the network pages by. Opaque here.
  std::string cursor;
  std::string user_id;            // feed::timeline: whose posts
  std::vector<std::string> terms; // feed::search: up to 5, OR-ed
};

/// One poll's result. `posts` are oldest first; `cursor` is what to send
/// next time, and is persisted only once `posts` are stored.
struct poll_page {
  std::vector<post> posts;
  std::string cursor;
  /// True when the network said more is waiting beyond this page: the
  /// source polls again without waiting for the interval.
  bool more = false;
};

/// Why a call failed, as the source actor must react to it.
enum class failure_kind {
  rate_limited,    // wait until `retry_at`
  reauth_required, // token revoked or expired beyond refresh: stop polling
  transient,       // 5xx, timeout, connection: back off and retry
  rejected,        // the network refused this request (4xx): report it
  bad_response,    // the answer did not have the documented shape
};

std::string_view to_string(failure_kind k);

struct failure {
  failure_kind kind = failure_kind::transient;
  std::string message;
  unix_ms retry_at = 0; // rate_limited: when the window resets
};

template <class T>
struct outcome {
  std::optional<T> value;
  failure error;
  explicit operator bool() const { return value.has_value(); }
};

/// Something the organisation does on a network (S-5.1, S-5.3).
struct action {
  enum class kind { post, reply, comment, like, repost, message };
  kind what = kind::post;
  std::string text;
  std::string target_id;      // post to reply to / like / repost; DM peer
  std::string media;          // raw image bytes, "" for none
  std::string media_type;     // image/png, image/jpeg
  std::string idempotency_key;
};

/// What the network answered to an action.
struct action_result {
  std::string external_id; // the created post / like / message id
};

class connector {
public:
  virtual ~connector() = default;

  virtual network net() const = 0;

  /// The feeds a linked account of this network is polled for.
  virtual std::vector<feed> account_feeds() const = 0;

  /// Whether the network has a keyword search / public timelines.
  virtual bool can_search() const = 0;
  virtual bool has_timelines() const = 0;

  /// One poll of one feed.
  virtual outcome<poll_page> poll(const credentials& who,
                                  const poll_request& req) = 0;

  /// Exchanges the refresh token for new tokens. The caller persists the
  /// answer before anything else, so a single-use refresh token is never
  /// lost between the network's answer and our disk.
  virtual outcome<credentials> refresh(const credentials& who) = 0;

  /// Performs an action as the organisation.
  virtual outcome<action_result> act(const credentials& who,
                                     const action& what) = 0;
};

/// Settings every connector gets.
struct connector_options {
  std::string base_url;            // "https://api.x.com" or the emulator's
  std::shared_ptr<rate_budgets> budgets;
  std::string client_id;           // OAuth client of this deployment
  std::string client_secret;
  /// Polling (true) spreads its requests once half a rate window is spent;
  /// a person's actions (false) go while anything is left
  /// (networks/rate_budget.hpp).
  bool paced = true;
  /// PEM file of the certificates trusted for an https base_url ("" = the
  /// system's CA store): a private deployment's CA, or the emulator's
  /// (`socialcrm sim --tls DIR` makes DIR/ca.pem).
  std::string ca_file;
};

/// Makes the connector of `net`; nullptr when none is built in.
std::unique_ptr<connector> make_connector(network net,
                                          const connector_options& opts);

} // namespace socialcrm::networks
