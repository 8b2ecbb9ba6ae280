// The emulator's request parsing (sim/network.hpp call, sim/multipart.hpp):
// query, form, JSON and multipart bodies, path segments, the bearer token.
// Beast has framed the request before this; the input is written as an
// HTTP/1.1 request without the version:
//
//   METHOD TARGET\n
//   Name: value\n      (headers, up to an empty line)
//   \n
//   body

#include "http/url.hpp"
#include "sim/multipart.hpp"
#include "sim/network.hpp"

#include <cstddef>
#include <cstdint>
#include <string_view>

using namespace socialcrm;

namespace {

std::string_view next_line(std::string_view& in) {
  auto nl = in.find('\n');
  auto line = in.substr(0, nl);
  in = nl == std::string_view::npos ? std::string_view() : in.substr(nl + 1);
  if (!line.empty() && line.back() == '\r')
    line.remove_suffix(1);
  return line;
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data,
                                      std::size_t size) {
  std::string_view in(reinterpret_cast<const char*>(data), size);
  http::request req;
  auto first = next_line(in);
  auto space = first.find(' ');
  req.method = std::string(first.substr(0, space));
  if (space != std::string_view::npos)
    req.target = std::string(first.substr(space + 1));
  for (auto line = next_line(in); !line.empty(); line = next_line(in)) {
    auto colon = line.find(':');
    if (colon == std::string_view::npos)
      continue;
    auto value = line.substr(colon + 1);
    while (!value.empty() && value.front() == ' ')
      value.remove_prefix(1);
    req.headers.add(std::string(line.substr(0, colon)), std::string(value));
  }
  req.body = std::string(in);

  sim::call c{req, std::string(req.path()), http::parse_query(req.query()),
              "http://127.0.0.1:9/x"};
  (void)c.segments();
  (void)c.bearer();
  (void)c.form();
  (void)c.json_body();
  for (const char* name : {"id", "status", "text", "media_data", "cursor"}) {
    (void)c.any_param(name);
    (void)c.param(name);
    (void)c.params(name);
  }
  if (auto parts = sim::parse_multipart(req.headers.value("Content-Type"),
                                        req.body))
    for (const auto& p : *parts)
      (void)sim::base64_decoded_size(p.body);
  (void)sim::base64_decoded_size(req.body);
  (void)sim::matches_all_terms(std::string(req.query()), req.body);
  return 0;
}
