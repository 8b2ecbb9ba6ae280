#include "web/compose_limits.hpp"

#include <cstdio>

namespace socialcrm::web {

std::size_t text_limit(network net) {
  switch (net) {
    case network::x:
      return x_text_limit;
    case network::facebook:
      return facebook_text_limit;
    case network::googleplus:
      return googleplus_text_limit;
    case network::mastodon:
      return mastodon_text_limit;
    case network::bluesky:
      return bluesky_text_limit;
  }
  return x_text_limit;
}

std::size_t message_limit(network net) {
  switch (net) {
    case network::x:
      return x_message_limit;
    case network::facebook:
      return facebook_message_limit;
    default:
      // A Mastodon direct message is a status; the others have none.
      return text_limit(net);
  }
}

std::size_t image_limit(network net) {
  switch (net) {
    case network::x:
      return x_image_limit;
    case network::facebook:
      return facebook_image_limit;
    case network::googleplus:
      return googleplus_image_limit;
    case network::mastodon:
      return mastodon_image_limit;
    case network::bluesky:
      return bluesky_image_limit;
  }
  return x_image_limit;
}

bool sends_images(network net) {
  // The Google+ Pages API shape the connector speaks has no media upload.
  return net != network::googleplus;
}

std::string display_name(network net) {
  switch (net) {
    case network::x:
      return "X";
    case network::facebook:
      return "Facebook";
    case network::googleplus:
      return "Google+";
    case network::mastodon:
      return "Mastodon";
    case network::bluesky:
      return "Bluesky";
  }
  return "X";
}

std::string size_text(std::size_t bytes, bool limit) {
  char buf[64];
  if (limit && bytes % mebibyte == 0) {
    std::snprintf(buf, sizeof buf, "%zu MB", bytes / mebibyte);
  } else if (limit) {
    // A limit set in bytes (Bluesky's 2,000,000) is written as set.
    std::string digits = std::to_string(bytes), grouped;
    for (std::size_t i = 0; i < digits.size(); ++i) {
      if (i > 0 && (digits.size() - i) % 3 == 0)
        grouped += ',';
      grouped += digits[i];
    }
    return grouped + " bytes";
  } else {
    std::snprintf(buf, sizeof buf, "%.1f MB",
                  static_cast<double>(bytes) / mebibyte);
  }
  return buf;
}

} // namespace socialcrm::web
