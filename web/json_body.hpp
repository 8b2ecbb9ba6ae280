#pragma once

// Decoding untrusted JSON into typed structs: a parse that refuses deep
// nesting before building anything, and a field reader that checks each
// field's type, length and value, and refuses fields it does not know.
// Errors are values with stable codes (web/api_error.cpp maps them to
// statuses).

#include "protocol/error.hpp"

#include <nlohmann/json.hpp>

#include <cstdint>
#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace socialcrm::web {

/// Parses `text` as one JSON value. Refuses with `malformed_json` (naming
/// the byte offset) or `json_too_deep` when arrays/objects nest deeper than
/// `max_depth`; the depth is checked by a SAX pass that stops at the first
/// level too deep, before any DOM is built.
expected<nlohmann::json> parse_json(std::string_view text, int max_depth);

/// The one decoding step of every REST body a route takes: at most
/// `max_bytes` (`body_too_large`), JSON within `max_depth` (parse_json),
/// and an object (`expected_object`): no handler ever sees an array or a
/// number where it reads fields.
expected<nlohmann::json> decode_object_body(std::string_view text,
                                            std::size_t max_bytes,
                                            int max_depth);

/// Reads the fields of one JSON object. Every getter records the first
/// problem and returns false; finish() then reports it, or an unknown
/// field. `present()` lists the fields that were there (a PATCH's changes).
class json_fields {
public:
  explicit json_fields(const nlohmann::json& object);

  bool text(const char* name, std::string& out, std::size_t max_length,
            bool required = false, bool allow_empty = true);
  bool flag(const char* name, bool& out, bool required = false);
  bool integer(const char* name, std::int64_t& out, std::int64_t min,
               std::int64_t max, bool required = false);
  /// An id: a decimal string ("42", as the API writes ids) or a positive
  /// integer.
  bool id(const char* name, std::int64_t& out, bool required = false);
  bool number(const char* name, double& out, double min, double max,
              bool required = false);
  /// A string that must be one of `allowed`.
  bool choice(const char* name, std::string& out,
              std::initializer_list<std::string_view> allowed,
              bool required = false);
  /// An array, whose items the caller reads; `items` names what they are
  /// ("'terms' must be an array of strings").
  bool array(const char* name, const nlohmann::json*& out,
             std::string_view items, bool required = false);

  /// Records a problem the caller found in field `name`; as with the
  /// getters' own, the first problem wins.
  void reject(const char* name, std::string code, std::string message);
  /// Says `message` in place of the reader's own words when field `name`
  /// has a problem with `code`: for a decoder whose clients know its
  /// wording. Call it before the getters.
  void reword(const char* name, std::string code, std::string message);

  /// A field that is there but no getter asked for, if any.
  std::optional<std::string> unknown() const;
  /// The first problem, else `unknown_field` for a field no getter asked
  /// for, else nothing.
  std::optional<error_info> finish() const;

  const std::vector<std::string>& present() const { return present_; }
  bool has(const char* name) const;

private:
  const nlohmann::json* find(const char* name, bool required);
  /// Records a problem with the field read last (field_).
  void fail(std::string code, std::string message);

  struct wording {
    std::string name;
    std::string code;
    std::string message;
  };

  const nlohmann::json& object_;
  std::vector<std::string> asked_;
  std::vector<std::string> present_;
  std::vector<wording> wordings_;
  std::string field_; // the field being read: whose problem fail() records
  std::optional<error_info> error_;
};

} // namespace socialcrm::web
