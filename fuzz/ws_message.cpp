// WebSocket client messages of the live feed (API.md): what
// web/live_session.cpp on_client does with a text frame, short of the
// actor that answers it: web/live_views.hpp parse_client_message (JSON
// within the client depth limit, an object with a string "type"), then a
// subscribe's views through parse_subscribe.

#include "web/live_views.hpp"

#include <cstddef>
#include <cstdint>
#include <string_view>

using namespace socialcrm;
using namespace socialcrm::web;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data,
                                      std::size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  auto msg = live::parse_client_message(text);
  if (!msg)
    return 0;
  if (msg->type == "subscribe") {
    auto req = live::parse_subscribe(msg->body);
    if (req)
      for (const auto& v : req->views)
        (void)v.json.size();
  }
  return 0;
}
