// REST JSON bodies: the common decoding step every route that takes a body
// goes through (web/json_body.hpp decode_object_body, as
// web/service.cpp calls it), then every route's field decoder.

#include "web/codecs.hpp"
#include "web/compose_input.hpp"
#include "web/json_body.hpp"
#include "web/limits.hpp"

#include <cstddef>
#include <cstdint>
#include <string_view>

using namespace socialcrm;
using namespace socialcrm::web;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data,
                                      std::size_t size) {
  static const web_limits limits;
  std::string_view text(reinterpret_cast<const char*>(data), size);
  auto body = decode_object_body(text, limits.json_body_limit,
                                 limits.json_max_depth);
  if (!body)
    return 0;
  const auto& j = *body;
  for (auto mode : {decode_mode::create, decode_mode::patch}) {
    (void)decode_person(j, mode);
    (void)decode_deal(j, mode);
    (void)decode_note(j, mode);
    (void)decode_task(j, mode);
    (void)decode_email(j, mode);
    (void)decode_user(j, mode);
    (void)decode_profile(j, mode);
  }
  (void)decode_clone(j);
  (void)decode_token(j);
  (void)decode_organisation(j);
  (void)decode_sign_in(j);
  (void)decode_social_profile(j);
  if (decode_compose(j))
    (void)compose_fingerprint(j);
  return 0;
}
