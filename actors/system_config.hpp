#pragma once

#include <caf/actor_system_config.hpp>

namespace socialcrm {

/// The CAF configuration every socialcrm process uses: our message types,
/// the middleman for clustering, a scheduler suited to small machines, and
/// heartbeats so a dead peer node is noticed.
class system_config : public caf::actor_system_config {
public:
  system_config();
};

} // namespace socialcrm
