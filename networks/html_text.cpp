#include "networks/html_text.hpp"

#include <cctype>
#include <charconv>

namespace socialcrm::networks {

namespace {

void append_utf8(std::string& out, unsigned long cp) {
  if (cp == 0 || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))
    cp = 0xFFFD; // what HTML parsers put for invalid references
  if (cp < 0x80) {
    out.push_back(static_cast<char>(cp));
  } else if (cp < 0x800) {
    out.push_back(static_cast<char>(0xC0 | (cp >> 6)));
    out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  } else if (cp < 0x10000) {
    out.push_back(static_cast<char>(0xE0 | (cp >> 12)));
    out.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  } else {
    out.push_back(static_cast<char>(0xF0 | (cp >> 18)));
    out.push_back(static_cast<char>(0x80 | ((cp >> 12) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  }
}

// Decodes the reference starting at html[i] == '&'; returns the characters
// consumed, 0 when it is no reference (the '&' is then kept as text).
std::size_t decode_reference(std::string_view html, std::size_t i,
                             std::string& out) {
  auto semi = html.find(';', i);
  // The longest reference handled is "&#x10FFFF;".
  if (semi == std::string_view::npos || semi - i > 10)
    return 0;
  auto name = html.substr(i + 1, semi - i - 1);
  static constexpr std::pair<std::string_view, char> named[] = {
    {"amp", '&'}, {"lt", '<'}, {"gt", '>'}, {"quot", '"'}, {"apos", '\''},
    {"nbsp", ' '}};
  for (auto& [n, ch] : named)
    if (name == n) {
      out.push_back(ch);
      return semi - i + 1;
    }
  if (name.size() < 2 || name[0] != '#')
    return 0;
  bool hex = name[1] == 'x' || name[1] == 'X';
  auto digits = name.substr(hex ? 2 : 1);
  unsigned long cp = 0;
  auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(),
                                   cp, hex ? 16 : 10);
  if (ec != std::errc{} || end != digits.data() + digits.size())
    return 0;
  append_utf8(out, cp);
  return semi - i + 1;
}

std::string lower_tag(std::string_view tag) {
  std::string out;
  for (char ch : tag) {
    if (std::isspace(static_cast<unsigned char>(ch)) || ch == '>')
      break;
    out.push_back(static_cast<char>(std::tolower(static_cast<unsigned char>(ch))));
  }
  return out;
}

} // namespace

std::string html_to_text(std::string_view html) {
  std::string out;
  out.reserve(html.size());
  for (std::size_t i = 0; i < html.size();) {
    char ch = html[i];
    if (ch == '<') {
      auto close = html.find('>', i);
      if (close == std::string_view::npos)
        break; // a cut-off tag: nothing after it is text
      auto tag = lower_tag(html.substr(i + 1, close - i - 1));
      if (tag == "br" || tag == "br/")
        out.push_back('\n');
      else if (tag == "p" && !out.empty())
        out += "\n\n";
      i = close + 1;
      continue;
    }
    if (ch == '&') {
      if (auto n = decode_reference(html, i, out)) {
        i += n;
        continue;
      }
    }
    out.push_back(ch);
    ++i;
  }
  return out;
}

} // namespace socialcrm::networks
