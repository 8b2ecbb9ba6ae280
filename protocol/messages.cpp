#include "protocol/messages.hpp"

#include <array>

namespace socialcrm {

std::string_view to_string(actor_state x) {
  static constexpr std::array<std::string_view, 8> names{
    "starting", "running",         "polling", "paused",
    "backing_off", "reauth_required", "stopped", "failed"};
  return names[static_cast<size_t>(x)];
}

} // namespace socialcrm
