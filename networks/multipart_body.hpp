#pragma once

// multipart/form-data request bodies (RFC 7578), as Facebook's photo
// upload and Mastodon's media upload take them.

#include <string>
#include <vector>

namespace socialcrm::networks {

struct form_part {
  std::string name;
  std::string value;
  std::string filename;     // "" for a plain field
  std::string content_type; // "" for a plain field
};

struct multipart_body {
  std::string content_type; // "multipart/form-data; boundary=..."
  std::string body;
};

/// Encodes `parts` with a random boundary (random, so that no image's
/// bytes can contain it by accident).
multipart_body make_multipart(const std::vector<form_part>& parts);

} // namespace socialcrm::networks
