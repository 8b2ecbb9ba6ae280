#include "actors/system_config.hpp"

#include "protocol/crm_interface.hpp"
#include "protocol/type_ids.hpp"

#include <caf/io/middleman.hpp>

#include <chrono>
#include <thread>

namespace socialcrm {

std::size_t default_actor_threads() {
  auto cores = std::thread::hardware_concurrency();
  return cores > 1 ? cores - 1 : 1;
}

system_config::system_config(std::size_t actor_threads) {
  add_message_types<caf::id_block::socialcrm>();
  add_message_types<caf::id_block::socialcrm_crm>();
  load<caf::io::middleman>();
  // Work sharing: with 2 cores, work stealing's polling threads cost more
  // than they save.
  set("scheduler.policy", caf::atom("sharing"));
  set("scheduler.max-threads",
      actor_threads > 0 ? actor_threads : default_actor_threads());
  // Off by default in CAF 0.17, so a peer that vanished would go unnoticed.
  set("middleman.heartbeat-interval",
      caf::timespan{std::chrono::milliseconds(500)});
  set("middleman.connection-timeout", caf::timespan{std::chrono::seconds(5)});
  // CAF logs nothing to the console; socialcrm logs through spdlog.
  set("logger.console", caf::atom("none"));
}

} // namespace socialcrm
