#pragma once

// The body of POST /social/posts (S-5.1, S-5.2), decoded and checked
// before anything is sent: the text, the accounts, at most one image
// (base64 with its declared type, which must match its bytes).

#include "protocol/error.hpp"
#include "web/compose_limits.hpp"

#include <nlohmann/json.hpp>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace socialcrm::web {

struct compose_image {
  std::string bytes; // decoded
  std::string type;  // image/png or image/jpeg
};

struct compose_request {
  std::string text;
  std::vector<std::int64_t> accounts; // in the order sent, no repeats
  std::optional<compose_image> image;
  std::string idempotency_key;        // from the body; "" when absent
};

/// Decodes and checks a compose body. Codes: expected_object,
/// missing_field, wrong_type, unknown_field, invalid_value (empty text, no
/// account, two images, data that is not base64 or not the declared image
/// type), string_too_long (longer than every network takes).
expected<compose_request> decode_compose(const nlohmann::json& body);

/// The request as the idempotency key's fingerprint sees it: the body
/// without the key itself, serialised with sorted keys, so the same
/// request retried compares equal whatever the client's field order.
std::string compose_fingerprint(const nlohmann::json& body);

/// Standard base64 (padding optional, no whitespace); nullopt when `text`
/// is not base64.
std::optional<std::string> decode_base64(std::string_view text);

/// Code points of UTF-8 text: how the networks' limits are approximated
/// (X weighs some characters double, Bluesky counts graphemes; both count
/// plain text the same).
std::size_t count_code_points(std::string_view text);

} // namespace socialcrm::web
