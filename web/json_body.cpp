#include "web/json_body.hpp"

#include "web/ids.hpp"

#include <algorithm>
#include <cmath>

namespace socialcrm::web {

namespace {

using json = nlohmann::json;

// Counts nesting and stops the parse at the first level too deep, or at
// the first syntax error, without building anything.
class depth_check : public nlohmann::json_sax<json> {
public:
  explicit depth_check(int max_depth)
      : max_depth_(max_depth) {}

  bool null() override { return true; }
  bool boolean(bool) override { return true; }
  bool number_integer(number_integer_t) override { return true; }
  bool number_unsigned(number_unsigned_t) override { return true; }
  bool number_float(number_float_t, const string_t&) override { return true; }
  bool string(string_t&) override { return true; }
  bool binary(binary_t&) override { return true; }
  bool start_object(std::size_t) override { return enter(); }
  bool end_object() override { return leave(); }
  bool start_array(std::size_t) override { return enter(); }
  bool end_array() override { return leave(); }
  bool key(string_t&) override { return true; }
  bool parse_error(std::size_t position, const std::string&,
                   const nlohmann::detail::exception& ex) override {
    error = make_error("malformed_json", "the body is not valid JSON (byte " +
                                             std::to_string(position) +
                                             "): " + ex.what());
    return false;
  }

  std::optional<error_info> error;

private:
  bool enter() {
    if (++depth_ > max_depth_) {
      error = make_error("json_too_deep", "the JSON nests deeper than " +
                                              std::to_string(max_depth_) +
                                              " levels");
      return false;
    }
    return true;
  }
  bool leave() {
    --depth_;
    return true;
  }

  int max_depth_;
  int depth_ = 0;
};

const char* type_name(const json& v) {
  return v.type_name();
}

} // namespace

expected<nlohmann::json> parse_json(std::string_view text, int max_depth) {
  depth_check check(max_depth);
  bool ok = json::sax_parse(text.begin(), text.end(), &check);
  if (!ok || check.error)
    return check.error
               ? *check.error
               : make_error("malformed_json", "the body is not valid JSON");
  // The SAX pass accepted it, so this parse cannot fail or nest too deep.
  auto value = json::parse(text.begin(), text.end(), nullptr, false);
  if (value.is_discarded())
    return make_error("malformed_json", "the body is not valid JSON");
  return value;
}

json_fields::json_fields(const nlohmann::json& object)
    : object_(object) {
  if (!object_.is_object())
    fail("expected_object", std::string("the body must be a JSON object, "
                                        "not ") +
                                type_name(object_));
}

void json_fields::fail(std::string code, std::string message) {
  if (error_)
    return;
  for (auto& w : wordings_)
    if (w.name == field_ && w.code == code)
      message = w.message;
  error_ = make_error(std::move(code), std::move(message));
}

void json_fields::reject(const char* name, std::string code,
                         std::string message) {
  field_ = name;
  fail(std::move(code), std::move(message));
}

void json_fields::reword(const char* name, std::string code,
                         std::string message) {
  wordings_.push_back({name, std::move(code), std::move(message)});
}

bool json_fields::has(const char* name) const {
  return object_.is_object() && object_.contains(name);
}

const nlohmann::json* json_fields::find(const char* name, bool required) {
  asked_.emplace_back(name);
  field_ = name;
  if (!object_.is_object())
    return nullptr;
  auto i = object_.find(name);
  if (i == object_.end()) {
    if (required)
      fail("missing_field",
           std::string("the field '") + name + "' is required");
    return nullptr;
  }
  present_.emplace_back(name);
  return &*i;
}

bool json_fields::text(const char* name, std::string& out,
                       std::size_t max_length, bool required,
                       bool allow_empty) {
  auto v = find(name, required);
  if (!v)
    return false;
  if (!v->is_string()) {
    fail("wrong_type",
         std::string("'") + name + "' must be a string, not " + type_name(*v));
    return false;
  }
  auto& s = v->get_ref<const std::string&>();
  if (s.size() > max_length) {
    fail("string_too_long", std::string("'") + name + "' is longer than " +
                                std::to_string(max_length) + " bytes");
    return false;
  }
  if (!allow_empty && s.find_first_not_of(" \t\r\n") == std::string::npos) {
    fail("invalid_value", std::string("'") + name + "' must not be empty");
    return false;
  }
  out = s;
  return true;
}

bool json_fields::flag(const char* name, bool& out, bool required) {
  auto v = find(name, required);
  if (!v)
    return false;
  if (!v->is_boolean()) {
    fail("wrong_type", std::string("'") + name +
                           "' must be true or false, "
                           "not " +
                           type_name(*v));
    return false;
  }
  out = v->get<bool>();
  return true;
}

bool json_fields::integer(const char* name, std::int64_t& out, std::int64_t min,
                          std::int64_t max, bool required) {
  auto v = find(name, required);
  if (!v)
    return false;
  if (!v->is_number_integer()) {
    fail("wrong_type", std::string("'") + name + "' must be an integer, not " +
                           type_name(*v));
    return false;
  }
  std::int64_t value = 0;
  bool in_range = true;
  if (v->is_number_unsigned()) {
    auto u = v->get<std::uint64_t>();
    in_range = u <= static_cast<std::uint64_t>(max);
    value = in_range ? static_cast<std::int64_t>(u) : 0;
  } else {
    value = v->get<std::int64_t>();
  }
  if (!in_range || value < min || value > max) {
    fail("invalid_value", std::string("'") + name + "' must be between " +
                              std::to_string(min) + " and " +
                              std::to_string(max));
    return false;
  }
  out = value;
  return true;
}

bool json_fields::id(const char* name, std::int64_t& out, bool required) {
  auto v = find(name, required);
  if (!v)
    return false;
  std::int64_t value = 0;
  if (v->is_string()) {
    auto parsed = parse_id(v->get_ref<const std::string&>());
    if (!parsed) {
      fail("invalid_value", std::string("'") + name +
                                "' must be an id: decimal digits from 1, "
                                "without leading zeros, signs or spaces");
      return false;
    }
    value = *parsed;
  } else if (v->is_number_integer() && !v->is_number_unsigned()) {
    value = v->get<std::int64_t>();
  } else if (v->is_number_unsigned() &&
             v->get<std::uint64_t>() < (1ULL << 62)) {
    value = static_cast<std::int64_t>(v->get<std::uint64_t>());
  } else {
    fail("wrong_type", std::string("'") + name +
                           "' must be an id string, "
                           "not " +
                           type_name(*v));
    return false;
  }
  if (value <= 0) {
    fail("invalid_value", std::string("'") + name + "' must be an id");
    return false;
  }
  out = value;
  return true;
}

bool json_fields::number(const char* name, double& out, double min, double max,
                         bool required) {
  auto v = find(name, required);
  if (!v)
    return false;
  if (!v->is_number()) {
    fail("wrong_type",
         std::string("'") + name + "' must be a number, not " + type_name(*v));
    return false;
  }
  auto d = v->get<double>();
  if (!std::isfinite(d) || d < min || d > max) {
    fail("invalid_value", std::string("'") + name + "' is out of range");
    return false;
  }
  out = d;
  return true;
}

bool json_fields::choice(const char* name, std::string& out,
                         std::initializer_list<std::string_view> allowed,
                         bool required) {
  std::string value;
  if (!text(name, value, 64, required))
    return false;
  if (std::find(allowed.begin(), allowed.end(), value) == allowed.end()) {
    std::string list;
    for (auto a : allowed)
      list += (list.empty() ? "" : ", ") + std::string(a);
    fail("invalid_value",
         std::string("'") + name + "' must be one of: " + list);
    return false;
  }
  out = value;
  return true;
}

bool json_fields::array(const char* name, const nlohmann::json*& out,
                        std::string_view items, bool required) {
  auto v = find(name, required);
  if (!v)
    return false;
  if (!v->is_array()) {
    fail("wrong_type",
         std::string("'") + name + "' must be an array of " +
             std::string(items));
    return false;
  }
  out = v;
  return true;
}

std::optional<std::string> json_fields::unknown() const {
  if (!object_.is_object())
    return std::nullopt;
  for (auto& [key, value] : object_.items())
    if (std::find(asked_.begin(), asked_.end(), key) == asked_.end())
      return key;
  return std::nullopt;
}

std::optional<error_info> json_fields::finish() const {
  if (error_)
    return error_;
  if (auto key = unknown())
    return make_error("unknown_field", "the field '" + key->substr(0, 64) +
                                           "' is not part of this request");
  return std::nullopt;
}

expected<nlohmann::json> decode_object_body(std::string_view text,
                                            std::size_t max_bytes,
                                            int max_depth) {
  if (text.size() > max_bytes)
    return make_error("body_too_large", "a JSON body may have at most "
                                          + std::to_string(max_bytes)
                                          + " bytes");
  auto body = parse_json(text, max_depth);
  if (!body)
    return body;
  if (!body->is_object())
    return make_error("expected_object",
                      std::string("the body must be a JSON object, not ")
                        + body->type_name());
  return body;
}

} // namespace socialcrm::web
