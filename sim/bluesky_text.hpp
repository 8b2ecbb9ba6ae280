#pragma once

// Text measures and encodings of the AT Protocol the Bluesky module needs:
// grapheme clusters (post length limits), base32 (CIDs, DIDs) and the
// base32-sortable timestamp ids (TIDs) record keys use.

#include <cstdint>
#include <string>
#include <string_view>

namespace socialcrm::sim::bluesky {

/// Extended grapheme clusters in UTF-8 `text`, following the rules of
/// UAX #29 that matter for post text: CR LF, combining marks, variation
/// selectors, emoji modifiers and ZWJ sequences, regional-indicator flags,
/// Hangul syllable jamo and tag sequences join the cluster before them.
/// (Exact segmentation needs ICU; these rules agree with it for Latin,
/// Cyrillic, Greek, CJK, Hangul and emoji text.)
std::size_t grapheme_count(std::string_view text);

/// RFC 4648 base32, lowercase, without padding (multibase "b" body).
std::string base32_lower(const unsigned char* data, std::size_t size);

/// A 13-character TID for the 64-bit value `v` (base32-sortable alphabet
/// "234567abcdefghijklmnopqrstuvwxyz", most significant digit first).
std::string tid(std::uint64_t v);

} // namespace socialcrm::sim::bluesky
