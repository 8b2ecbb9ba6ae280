#pragma once

#include "app/options.hpp"

namespace socialcrm::app {

/// `socialcrm serve`: returns the process exit code (API.md).
int run_serve(const serve_options& opts);

/// `socialcrm sim`: returns the process exit code.
int run_sim(const sim_cli_options& opts);

} // namespace socialcrm::app
