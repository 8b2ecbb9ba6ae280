#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace socialcrm {

/// The networks socialcrm links (SPEC S-1.1). The ids are the public ones of
/// API.md and the emulator's path prefixes.
enum class network : std::uint8_t { x, facebook, googleplus, mastodon, bluesky };

/// What a post is relative to the organisation (API.md's `kind`).
enum class post_kind : std::uint8_t {
  mention, // names the brand account
  dm,      // direct message (X, Mastodon, Bluesky)
  comment, // comment on a page's post (Facebook, Google+)
  reply,   // reply to one of the organisation's posts
  message, // page message (Facebook)
  post,    // a plain timeline post
  repost,  // retweet / boost / repost
};

/// Where a person stands in the CRM (SPEC S-3.1 to S-3.4).
enum class standing : std::uint8_t { customers, negotiation, leads, unknown };

/// The two sub-views of the first three columns (SPEC S-3.5).
enum class feed_view : std::uint8_t { conversations, stream };

/// Kinds of CRM record a social profile can belong to.
enum class record_type : std::uint8_t { lead, contact };

/// Stage of a deal (SPEC S-2.1).
enum class deal_stage : std::uint8_t { open, won, lost };

/// Negotiation-column filters (SPEC S-3.6).
enum class negotiation_filter : std::uint8_t { none, this_month, new_deals, top10 };

/// Where a linked account stands (SPEC S-1): what its source polls and what
/// the API shows. The names are linked_accounts.status and the API's.
enum class account_status : std::uint8_t {
  pending_page,    // linked, waiting for its page to be picked (S-1.4)
  active,          // polled
  reauth_required, // its token was refused: linked again before polling
  paused,          // not polled (the schema's fourth state; nothing sets it yet)
};

std::string_view to_string(network x);
std::string_view to_string(post_kind x);
std::string_view to_string(standing x);
std::string_view to_string(feed_view x);
std::string_view to_string(record_type x);
std::string_view to_string(deal_stage x);
std::string_view to_string(negotiation_filter x);
std::string_view to_string(account_status x);

std::optional<network> parse_network(std::string_view s);
std::optional<post_kind> parse_post_kind(std::string_view s);
std::optional<standing> parse_standing(std::string_view s);
std::optional<feed_view> parse_feed_view(std::string_view s);
std::optional<record_type> parse_record_type(std::string_view s);
std::optional<deal_stage> parse_deal_stage(std::string_view s);
std::optional<negotiation_filter> parse_negotiation_filter(std::string_view s);
std::optional<account_status> parse_account_status(std::string_view s);

/// Every network, in a fixed order, for loops over all of them.
inline constexpr network all_networks[] = {network::x, network::facebook,
                                           network::googleplus,
                                           network::mastodon, network::bluesky};

/// Milliseconds since the Unix epoch, UTC: the one time unit stored and sent.
using unix_ms = std::int64_t;

unix_ms now_ms();

/// `ms` as RFC 3339 UTC with milliseconds: "2026-12-07T23:41:02.123Z".
std::string rfc3339_ms(unix_ms ms);

} // namespace socialcrm
