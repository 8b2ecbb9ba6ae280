#pragma once

// What each network takes from a compose or an action (S-1.6, S-5.2):
// text lengths, image sizes, and the size of a compose request. Checked
// before anything is sent, so an over-size post is refused with a clear
// error instead of failing halfway on the network.

#include "networks/bluesky_connector.hpp"
#include "networks/facebook_connector.hpp"
#include "networks/googleplus_connector.hpp"
#include "networks/mastodon_connector.hpp"
#include "protocol/types.hpp"

#include <cstddef>
#include <string>

namespace socialcrm::web {

inline constexpr std::size_t mebibyte = 1024 * 1024;

// -- images (S-5.2) -----------------------------------------------------------

/// X media upload: still images up to 5 MB (GIFs may be larger; we send
/// PNG and JPEG only).
inline constexpr std::size_t x_image_limit = 5 * mebibyte;
/// Facebook page photos: 25 MB (SPEC S-5.2, Graph API /photos).
inline constexpr std::size_t facebook_image_limit =
  networks::facebook_max_photo_bytes;
/// Google+ pages: 36 MB (SPEC S-5.2).
inline constexpr std::size_t googleplus_image_limit =
  networks::googleplus_max_image_bytes;
/// Mastodon: the server's image_size_limit, 16 MB on mastodon.social and
/// by default since Mastodon 4.
inline constexpr std::size_t mastodon_image_limit =
  networks::mastodon_max_image_bytes;
/// Bluesky: app.bsky.embed.images takes blobs of at most 2,000,000 bytes.
inline constexpr std::size_t bluesky_image_limit =
  networks::bluesky_max_image_bytes;

/// The largest image any connector sends (Facebook's; the Google+
/// connector sends text only).
inline constexpr std::size_t largest_sendable_image = facebook_image_limit;

/// A compose request's body: the largest sendable image in base64 (4/3 of
/// its size) plus a megabyte for the text and the JSON around it. The
/// transport's body limit (web_limits::transport_body_limit) must be at
/// least this for large images to arrive at all.
inline constexpr std::size_t max_compose_body =
  largest_sendable_image / 3 * 4 + 4 + mebibyte;

// -- text ---------------------------------------------------------------------

/// X: 280 characters per post (weighted; counted here as code points).
inline constexpr std::size_t x_text_limit = 280;
/// Facebook: a page post's message is at most 63,206 characters.
inline constexpr std::size_t facebook_text_limit = 63206;
/// Google+: 100,000 characters per activity.
inline constexpr std::size_t googleplus_text_limit = 100000;
/// Mastodon: 500 characters, the default of mastodon.social.
inline constexpr std::size_t mastodon_text_limit = 500;
/// Bluesky: 300 graphemes (counted here as code points).
inline constexpr std::size_t bluesky_text_limit = 300;
/// The longest text any network takes: longer is refused for the whole
/// request, before any account is looked at.
inline constexpr std::size_t max_compose_text = googleplus_text_limit;

/// X direct messages: 10,000 characters.
inline constexpr std::size_t x_message_limit = 10000;
/// Facebook Messenger answers: 2,000 characters.
inline constexpr std::size_t facebook_message_limit = 2000;

/// Accounts one compose may name: more than any organisation links, few
/// enough that one request cannot keep a pool thread for long.
inline constexpr std::size_t max_compose_accounts = 50;

/// The post (and reply, comment) text limit of a network, in code points.
std::size_t text_limit(network net);
/// The direct or page message text limit of a network.
std::size_t message_limit(network net);
/// The largest image a network takes.
std::size_t image_limit(network net);
/// Whether our connector of `net` attaches images at all.
bool sends_images(network net);

/// "X", "Facebook", "Google+", "Mastodon", "Bluesky": for messages.
std::string display_name(network net);
/// A size as people read it: "5 MB" for whole mebibytes, "6.0 MB" with
/// one decimal otherwise, "1,000,000 bytes" for limits set in bytes.
std::string size_text(std::size_t bytes, bool limit);

} // namespace socialcrm::web
