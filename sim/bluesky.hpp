#pragma once

#include "sim/network.hpp"

#include <memory>

namespace socialcrm::sim {

/// Bluesky's XRPC API under /bluesky/xrpc (sim/bluesky_*.cpp).
std::unique_ptr<network> make_bluesky_network();

} // namespace socialcrm::sim
