#pragma once

#include "sim/network.hpp"

#include <memory>

namespace socialcrm::sim {

/// Facebook Graph API under /facebook (sim/facebook_*.cpp).
std::unique_ptr<network> make_facebook_network();

} // namespace socialcrm::sim
