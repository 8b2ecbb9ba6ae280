#include "sim/multipart.hpp"

#include "http/message.hpp"

#include <sodium.h>

#include <vector>

namespace socialcrm::sim {

namespace {

// Value of `key=` in a header parameter list, quotes removed.
std::string param_of(std::string_view header, std::string_view key) {
  std::size_t pos = 0;
  while ((pos = header.find(key, pos)) != std::string_view::npos) {
    bool at_start = pos == 0 || header[pos - 1] == ' ' || header[pos - 1] == ';';
    auto eq = pos + key.size();
    if (at_start && eq < header.size() && header[eq] == '=') {
      auto v = header.substr(eq + 1);
      if (!v.empty() && v.front() == '"') {
        auto close = v.find('"', 1);
        return std::string(v.substr(1, close == std::string_view::npos
                                          ? std::string_view::npos
                                          : close - 1));
      }
      return std::string(v.substr(0, v.find(';')));
    }
    pos = eq;
  }
  return {};
}

} // namespace

std::optional<std::vector<form_part>>
parse_multipart(std::string_view content_type, std::string_view body) {
  if (content_type.find("multipart/form-data") == std::string_view::npos)
    return std::nullopt;
  auto boundary = param_of(content_type, "boundary");
  if (boundary.empty())
    return std::nullopt;
  std::string delim = "--" + boundary;
  std::vector<form_part> parts;
  auto pos = body.find(delim);
  if (pos == std::string_view::npos)
    return std::nullopt;
  pos += delim.size();
  while (true) {
    if (body.substr(pos, 2) == "--")
      return parts; // closing delimiter
    if (body.substr(pos, 2) != "\r\n")
      return std::nullopt;
    pos += 2;
    auto head_end = body.find("\r\n\r\n", pos);
    if (head_end == std::string_view::npos)
      return std::nullopt;
    form_part part;
    auto headers = body.substr(pos, head_end - pos);
    while (!headers.empty()) {
      auto eol = headers.find("\r\n");
      auto line = headers.substr(0, eol);
      auto colon = line.find(':');
      if (colon != std::string_view::npos) {
        auto name = line.substr(0, colon);
        auto value = line.substr(colon + 1);
        while (!value.empty() && value.front() == ' ')
          value.remove_prefix(1);
        if (http::iequals(name, "Content-Disposition")) {
          part.name = param_of(value, "name");
          part.filename = param_of(value, "filename");
        } else if (http::iequals(name, "Content-Type")) {
          part.content_type = std::string(value);
        }
      }
      if (eol == std::string_view::npos)
        break;
      headers = headers.substr(eol + 2);
    }
    auto data = head_end + 4;
    auto next = body.find("\r\n" + delim, data);
    if (next == std::string_view::npos)
      return std::nullopt;
    part.body = body.substr(data, next - data);
    parts.push_back(std::move(part));
    pos = next + 2 + delim.size();
  }
}

std::optional<std::size_t> base64_decoded_size(std::string_view text) {
  std::vector<unsigned char> out(text.size() / 4 * 3 + 3);
  std::size_t len = 0;
  if (sodium_base642bin(out.data(), out.size(), text.data(), text.size(),
                        " \r\n", &len, nullptr,
                        sodium_base64_VARIANT_ORIGINAL)
        != 0
      && sodium_base642bin(out.data(), out.size(), text.data(), text.size(),
                           " \r\n", &len, nullptr,
                           sodium_base64_VARIANT_ORIGINAL_NO_PADDING)
           != 0)
    return std::nullopt;
  return len;
}

} // namespace socialcrm::sim
