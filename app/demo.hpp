#pragma once

#include "protocol/error.hpp"

#include <string>

namespace socialcrm::app {

/// What the demo set up, for the start-up message.
struct demo_summary {
  int accounts = 0; // linked accounts (one per network)
  int people = 0;   // CRM people created on this run (0 when reused)
};

/// Prepares `serve --demo` against the embedded emulator at `sim_url`:
/// creates the organisation's account on every network (a page on Facebook
/// and Google+), links them in the database at `db_path` with tokens sealed
/// by the data directory's key (refreshing the tokens when the data
/// directory is reused, since the emulator starts afresh each run), loads
/// CRM people in every standing with social profiles on the emulator's
/// population (first run only), and asks the emulator for an initial burst
/// of traffic so every column has posts within seconds.
expected<demo_summary> prepare_demo(const std::string& sim_url,
                                    const std::string& data_dir,
                                    const std::string& db_path);

} // namespace socialcrm::app
