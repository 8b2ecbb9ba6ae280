#pragma once

// Graph's `fields` parameter with field expansion
// (https://developers.facebook.com/docs/graph-api/guides/field-expansion):
// "id,from,comments.limit(0).summary(true){id,message}". Header-only
// because the module's sources are listed in sim/CMakeLists.txt; small
// enough to read in one sitting.

#include <algorithm>
#include <cctype>
#include <map>
#include <string>
#include <string_view>
#include <vector>

namespace socialcrm::sim::facebook {

/// One entry of a `fields` value: "comments.limit(0).summary(true){id}" is
/// the field "comments" with modifiers limit=0, summary=true and the
/// sub-field id.
struct field_request {
  std::string name;
  std::map<std::string, std::string> modifiers;
  std::vector<field_request> fields; // empty: the object's default fields

  /// The value of a modifier, or `fallback`.
  std::string modifier(const std::string& key,
                       const std::string& fallback = "") const {
    auto it = modifiers.find(key);
    return it == modifiers.end() ? fallback : it->second;
  }
};

namespace detail {

/// Entries separated by commas, each a name with ".modifier(value)"
/// suffixes and an optional "{sub,fields}", modifiers allowed on either
/// side of the braces. Malformed input yields what could be read: Graph's
/// own syntax errors are not emulated.
class fields_reader {
public:
  explicit fields_reader(std::string_view text) : text_(text) {}

  std::vector<field_request> list() {
    std::vector<field_request> out;
    while (true) {
      skip_space();
      if (done() || peek() == '}')
        return out;
      auto f = entry();
      if (!f.name.empty())
        out.push_back(std::move(f));
      skip_space();
      if (done() || peek() != ',')
        return out;
      ++pos_;
    }
  }

private:
  field_request entry() {
    field_request f;
    f.name = name();
    while (true) {
      skip_space();
      if (done())
        return f;
      if (peek() == '.') {
        ++pos_;
        auto key = name();
        if (!done() && peek() == '(') {
          auto close = std::min(text_.find(')', pos_), text_.size());
          f.modifiers[key] = std::string(
            text_.substr(pos_ + 1, close - pos_ - 1));
          pos_ = std::min(text_.size(), close + 1);
        }
      } else if (peek() == '{') {
        ++pos_;
        f.fields = list();
        if (!done() && peek() == '}')
          ++pos_;
      } else {
        return f;
      }
    }
  }

  std::string name() {
    skip_space();
    auto start = pos_;
    while (!done()
           && (std::isalnum(static_cast<unsigned char>(peek())) || peek() == '_'))
      ++pos_;
    return std::string(text_.substr(start, pos_ - start));
  }

  void skip_space() {
    while (!done() && peek() == ' ')
      ++pos_;
  }
  bool done() const { return pos_ >= text_.size(); }
  char peek() const { return text_[pos_]; }

  std::string_view text_;
  std::size_t pos_ = 0;
};

} // namespace detail

/// Parses a `fields` value.
inline std::vector<field_request> parse_fields(std::string_view text) {
  return detail::fields_reader(text).list();
}

/// The first-level entry named `name`, or null.
inline const field_request* find_field(const std::vector<field_request>& fields,
                                       std::string_view name) {
  for (const auto& f : fields)
    if (f.name == name)
      return &f;
  return nullptr;
}

} // namespace socialcrm::sim::facebook
