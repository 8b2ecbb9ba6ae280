#pragma once

// Just enough multipart/form-data (RFC 7578) for media uploads: the parts'
// names, file names, types and bodies. Beast has no multipart parser.

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace socialcrm::sim {

struct form_part {
  std::string name;
  std::string filename;
  std::string content_type;
  std::string_view body; // points into the request body
};

/// Splits `body` by the boundary named in `content_type`; nullopt when the
/// type is not multipart/form-data or the body is malformed.
std::optional<std::vector<form_part>>
parse_multipart(std::string_view content_type, std::string_view body);

/// Decoded size of a base64 text (standard alphabet, padding optional);
/// nullopt when it is not base64 (media_data uploads).
std::optional<std::size_t> base64_decoded_size(std::string_view text);

} // namespace socialcrm::sim
