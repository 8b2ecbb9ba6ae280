#include "networks/multipart_body.hpp"

#include <sodium.h>

namespace socialcrm::networks {

multipart_body make_multipart(const std::vector<form_part>& parts) {
  unsigned char raw[16];
  randombytes_buf(raw, sizeof raw);
  char hex[sizeof raw * 2 + 1];
  sodium_bin2hex(hex, sizeof hex, raw, sizeof raw);
  std::string boundary = std::string("socialcrm-") + hex;
  multipart_body out;
  out.content_type = "multipart/form-data; boundary=" + boundary;
  for (auto& p : parts) {
    out.body += "--" + boundary + "\r\nContent-Disposition: form-data; name=\""
                + p.name + "\"";
    if (!p.filename.empty())
      out.body += "; filename=\"" + p.filename + "\"";
    out.body += "\r\n";
    if (!p.content_type.empty())
      out.body += "Content-Type: " + p.content_type + "\r\n";
    out.body += "\r\n" + p.value + "\r\n";
  }
  out.body += "--" + boundary + "--\r\n";
  return out;
}

} // namespace socialcrm::networks
