#include "web/compose_input.hpp"

#include "storage/idempotency_repository.hpp"
#include "web/json_body.hpp"

#include <algorithm>
#include <array>

namespace socialcrm::web {

namespace {

using nlohmann::json;

constexpr std::string_view png_signature = "\x89PNG\r\n\x1a\n";
constexpr std::string_view jpeg_signature = "\xFF\xD8\xFF";

bool starts_with(const std::string& s, std::string_view prefix) {
  return s.size() >= prefix.size() && s.compare(0, prefix.size(), prefix) == 0;
}

expected<std::vector<std::int64_t>> decode_accounts(const json& v) {
  if (!v.is_array())
    return make_error("wrong_type", "'accounts' must be a list of account ids");
  if (v.empty())
    return make_error("invalid_value", "'accounts' names no account to post to");
  if (v.size() > max_compose_accounts)
    return make_error("invalid_value",
                      "a post goes to at most " +
                        std::to_string(max_compose_accounts) + " accounts");
  std::vector<std::int64_t> out;
  for (auto& item : v) {
    // The same id rules as every other id field of the API.
    json one{{"id", item}};
    json_fields f(one);
    std::int64_t id = 0;
    f.id("id", id, true);
    if (auto err = f.finish())
      return make_error(err->code, "'accounts' must list account ids");
    if (std::find(out.begin(), out.end(), id) == out.end())
      out.push_back(id);
  }
  return out;
}

expected<compose_image> decode_one_image(const json& v) {
  if (!v.is_object())
    return make_error("wrong_type",
                      "'image' must be an object {data, type}");
  json_fields f(v);
  std::string data, type;
  // The field check bounds the text before it is decoded.
  f.text("data", data, max_compose_body, true, false);
  f.choice("type", type, {"image/png", "image/jpeg"}, true);
  if (auto err = f.finish())
    return make_error(err->code, "image: " + err->message);
  auto bytes = decode_base64(data);
  if (!bytes)
    return make_error("invalid_value", "'image.data' is not base64");
  bool png = type == "image/png";
  if (!starts_with(*bytes, png ? png_signature : jpeg_signature))
    return make_error("invalid_value",
                      std::string("'image.data' is not a ") +
                        (png ? "PNG" : "JPEG") + " image as 'image.type' says");
  return compose_image{std::move(*bytes), std::move(type)};
}

expected<std::optional<compose_image>> decode_image(const json& v) {
  if (v.is_null())
    return std::optional<compose_image>{};
  const json* one = &v;
  if (v.is_array()) {
    if (v.size() > 1)
      return make_error("invalid_value",
                        "a post carries at most one image (S-5.2)");
    if (v.empty())
      return std::optional<compose_image>{};
    one = &v.front();
  }
  auto image = decode_one_image(*one);
  if (!image)
    return image.error();
  return std::optional<compose_image>(std::move(*image));
}

} // namespace

expected<compose_request> decode_compose(const json& body) {
  if (!body.is_object())
    return make_error("expected_object", "the body must be a JSON object");
  // The list and object fields are read by hand; the rest by json_fields,
  // which also refuses fields nobody asked for.
  json scalars = json::object();
  for (auto& [key, value] : body.items())
    if (key != "accounts" && key != "image")
      scalars[key] = value;
  json_fields f(scalars);
  compose_request out;
  f.text("text", out.text, max_compose_text * 4, true, false);
  f.text("idempotency_key", out.idempotency_key,
         storage::max_idempotency_key_length, false, false);
  if (auto err = f.finish())
    return *err;
  if (count_code_points(out.text) > max_compose_text)
    return make_error("string_too_long",
                      "'text' is longer than any network takes (" +
                        std::to_string(max_compose_text) + " characters)");
  if (!body.contains("accounts"))
    return make_error("missing_field", "the field 'accounts' is required");
  auto accounts = decode_accounts(body.at("accounts"));
  if (!accounts)
    return accounts.error();
  out.accounts = std::move(*accounts);
  if (body.contains("image")) {
    auto image = decode_image(body.at("image"));
    if (!image)
      return image.error();
    out.image = std::move(*image);
  }
  return out;
}

std::string compose_fingerprint(const json& body) {
  // Only the key is left out: everything else must match for a replay.
  // nlohmann's object keeps keys sorted, so dump() is canonical.
  json copy = json::object();
  for (auto& [key, value] : body.items())
    if (key != "idempotency_key")
      copy[key] = value;
  return copy.dump(-1, ' ', false, json::error_handler_t::replace);
}

std::optional<std::string> decode_base64(std::string_view text) {
  static const std::array<int, 256> value = [] {
    std::array<int, 256> v{};
    v.fill(-1);
    const char* alphabet =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    for (int i = 0; i < 64; ++i)
      v[static_cast<unsigned char>(alphabet[i])] = i;
    return v;
  }();
  while (!text.empty() && text.back() == '=' &&
         text.size() % 4 != 1) // at most two '=' are padding
    text.remove_suffix(1);
  if (text.size() % 4 == 1)
    return std::nullopt;
  std::string out;
  out.reserve(text.size() / 4 * 3 + 2);
  std::uint32_t acc = 0;
  int bits = 0;
  for (char ch : text) {
    int v = value[static_cast<unsigned char>(ch)];
    if (v < 0)
      return std::nullopt;
    acc = (acc << 6) | static_cast<std::uint32_t>(v);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out.push_back(static_cast<char>((acc >> bits) & 0xFF));
    }
  }
  return out;
}

std::size_t count_code_points(std::string_view text) {
  return static_cast<std::size_t>(
    std::count_if(text.begin(), text.end(), [](char ch) {
      return (static_cast<unsigned char>(ch) & 0xC0) != 0x80;
    }));
}

} // namespace socialcrm::web
