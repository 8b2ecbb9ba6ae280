#include "sim/bluesky_text.hpp"

#include <vector>

namespace socialcrm::sim::bluesky {

namespace {

/// Decodes UTF-8 into code points; a malformed byte stands for itself.
std::vector<std::uint32_t> code_points(std::string_view s) {
  std::vector<std::uint32_t> out;
  for (std::size_t i = 0; i < s.size();) {
    auto c = static_cast<unsigned char>(s[i]);
    int extra = c >= 0xF0 ? 3 : c >= 0xE0 ? 2 : c >= 0xC0 ? 1 : 0;
    std::uint32_t cp = extra ? c & (0x3F >> extra) : c;
    int k = 1;
    for (; k <= extra && i + k < s.size(); ++k)
      cp = (cp << 6) | (static_cast<unsigned char>(s[i + k]) & 0x3F);
    out.push_back(cp);
    i += static_cast<std::size_t>(k);
  }
  return out;
}

bool in(std::uint32_t cp, std::uint32_t lo, std::uint32_t hi) {
  return cp >= lo && cp <= hi;
}

/// Code points that never start a cluster (Extend and SpacingMark of
/// UAX #29, for the blocks listed in the header).
bool extends(std::uint32_t cp) {
  return in(cp, 0x0300, 0x036F)     // combining diacritical marks
         || in(cp, 0x0483, 0x0489)  // Cyrillic combining marks
         || in(cp, 0x0591, 0x05BD)  // Hebrew points
         || in(cp, 0x0610, 0x061A) || in(cp, 0x064B, 0x065F) // Arabic marks
         || in(cp, 0x0900, 0x0903) || in(cp, 0x093A, 0x094F) // Devanagari
         || in(cp, 0x1AB0, 0x1AFF)  // combining diacritical marks ext.
         || in(cp, 0x1DC0, 0x1DFF)  // combining diacritical marks suppl.
         || in(cp, 0x200C, 0x200D)  // ZWNJ, ZWJ
         || in(cp, 0x20D0, 0x20FF)  // combining marks for symbols (keycap)
         || in(cp, 0x3099, 0x309A)  // kana voiced sound marks
         || in(cp, 0xFE00, 0xFE0F)  // variation selectors
         || in(cp, 0xFE20, 0xFE2F)  // combining half marks
         || in(cp, 0x1F3FB, 0x1F3FF) // emoji skin-tone modifiers
         || in(cp, 0xE0020, 0xE007F) // tags (subdivision flags)
         || in(cp, 0xE0100, 0xE01EF); // variation selectors suppl.
}

bool regional_indicator(std::uint32_t cp) {
  return in(cp, 0x1F1E6, 0x1F1FF);
}

/// Hangul jamo that continue a syllable (medial vowels, final consonants).
bool hangul_continuation(std::uint32_t cp) {
  return in(cp, 0x1160, 0x11FF) || in(cp, 0xD7B0, 0xD7FF);
}

} // namespace

std::size_t grapheme_count(std::string_view text) {
  auto cps = code_points(text);
  std::size_t count = 0;
  std::size_t regional_run = 0; // regional indicators in the current run
  for (std::size_t i = 0; i < cps.size(); ++i) {
    std::uint32_t cp = cps[i];
    std::uint32_t prev = i ? cps[i - 1] : 0;
    bool joins = false;
    if (i > 0) {
      if (prev == '\r' && cp == '\n')
        joins = true; // GB3
      else if (extends(cp) || hangul_continuation(cp))
        joins = true; // GB9, GB9a, GB7-8
      else if (prev == 0x200D)
        joins = true; // GB11: emoji ZWJ sequences
      else if (regional_indicator(cp) && regional_indicator(prev)
               && regional_run % 2 == 1)
        joins = true; // GB12-13: flags are pairs
    }
    regional_run = regional_indicator(cp) ? regional_run + 1 : 0;
    if (!joins)
      ++count;
  }
  return count;
}

std::string base32_lower(const unsigned char* data, std::size_t size) {
  static constexpr char alphabet[] = "abcdefghijklmnopqrstuvwxyz234567";
  std::string out;
  std::uint32_t buffer = 0;
  int bits = 0;
  for (std::size_t i = 0; i < size; ++i) {
    buffer = (buffer << 8) | data[i];
    bits += 8;
    while (bits >= 5) {
      out.push_back(alphabet[(buffer >> (bits - 5)) & 31]);
      bits -= 5;
    }
  }
  if (bits > 0)
    out.push_back(alphabet[(buffer << (5 - bits)) & 31]);
  return out;
}

std::string tid(std::uint64_t v) {
  static constexpr char alphabet[] = "234567abcdefghijklmnopqrstuvwxyz";
  std::string out(13, '2');
  for (int i = 12; i >= 0; --i) {
    out[static_cast<std::size_t>(i)] = alphabet[v & 31];
    v >>= 5;
  }
  return out;
}

} // namespace socialcrm::sim::bluesky
