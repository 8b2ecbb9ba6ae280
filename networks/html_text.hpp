#pragma once

// Networks that send post texts as HTML (Mastodon's `content`, Google+'s
// `object.content`): the plain text the CRM stores and shows.

#include <string>
#include <string_view>

namespace socialcrm::networks {

/// Line breaks for <br> and between paragraphs, other tags dropped,
/// character references decoded (named ones of HTML's core set, numeric
/// ones as UTF-8).
std::string html_to_text(std::string_view html);

} // namespace socialcrm::networks
