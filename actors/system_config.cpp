#include "actors/system_config.hpp"

#include "protocol/crm_interface.hpp"
#include "protocol/type_ids.hpp"

#include <caf/io/middleman.hpp>

#include <chrono>

namespace socialcrm {

system_config::system_config() {
  add_message_types<caf::id_block::socialcrm>();
  add_message_types<caf::id_block::socialcrm_crm>();
  load<caf::io::middleman>();
  // Work sharing: with 2 cores, work stealing's polling threads cost more
  // than they save.
  set("scheduler.policy", caf::atom("sharing"));
  // Off by default in CAF 0.17, so a peer that vanished would go unnoticed.
  set("middleman.heartbeat-interval",
      caf::timespan{std::chrono::milliseconds(500)});
  set("middleman.connection-timeout", caf::timespan{std::chrono::seconds(5)});
  // CAF logs nothing to the console; socialcrm logs through spdlog.
  set("logger.console", caf::atom("none"));
}

} // namespace socialcrm
