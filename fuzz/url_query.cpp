// URL and query parsing (http/url.hpp): what every request target, form
// body and network base URL goes through. Besides not crashing, the
// encoders must round-trip: decode(encode(s)) == s, and a query built from
// parsed pairs parses back to the same pairs.

#include "http/url.hpp"

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>
#include <vector>

using namespace socialcrm::http;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data,
                                      std::size_t size) {
  std::string_view in(reinterpret_cast<const char*>(data), size);
  if (url_decode(url_encode(in), false) != in)
    std::abort();
  (void)url_decode(in, true);
  auto q = parse_query(in);
  std::vector<std::pair<std::string, std::string>> pairs(q.begin(), q.end());
  auto again = parse_query(build_query(pairs));
  if (std::vector<std::pair<std::string, std::string>>(again.begin(),
                                                       again.end())
      != pairs)
    std::abort();
  if (auto u = parse_url(in)) {
    (void)u->path();
    (void)u->query();
    (void)u->origin();
    if (u->scheme != "http" && u->scheme != "https")
      std::abort();
  }
  return 0;
}
