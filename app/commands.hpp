#pragma once

#include "app/options.hpp"

namespace socialcrm::app {

/// `socialcrm serve`: returns the process exit code (API.md).
int run_serve(const serve_options& opts);

/// `socialcrm sim`: returns the process exit code.
int run_sim(const sim_cli_options& opts);

/// `socialcrm backup`: 0 done, 1 failed, 2 asked for the impossible.
int run_backup(const backup_options& opts);

/// `socialcrm restore`: likewise.
int run_restore(const restore_options& opts);

} // namespace socialcrm::app
