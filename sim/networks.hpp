#pragma once

#include "sim/network.hpp"

#include <memory>
#include <vector>

namespace socialcrm::sim {

/// Every network module the emulator serves, in registration order
/// (sim/networks.cpp).
std::vector<std::unique_ptr<network>> make_networks();

} // namespace socialcrm::sim
