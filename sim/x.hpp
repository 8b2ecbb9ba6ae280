#pragma once

#include "sim/network.hpp"

#include <memory>

namespace socialcrm::sim {

/// X API v2 under /x (sim/x_network.cpp, x_read.cpp, x_write.cpp, x_oauth.cpp).
std::unique_ptr<network> make_x_network();

} // namespace socialcrm::sim
