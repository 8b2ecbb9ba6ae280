#pragma once

namespace socialcrm::app {

/// Blocks SIGINT and SIGTERM in the calling thread; threads started later
/// inherit the mask, so only wait_for_stop_signal() ever sees them. Call it
/// first thing in main().
void block_stop_signals();

/// Waits for SIGINT or SIGTERM and returns its number.
int wait_for_stop_signal();

} // namespace socialcrm::app
