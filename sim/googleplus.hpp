#pragma once

#include "sim/network.hpp"

#include <memory>

namespace socialcrm::sim {

/// The retired Google+ API v1 and Pages API v2 under /googleplus
/// (sim/googleplus_*.cpp). Google shut the real API down in 2019; the
/// emulator keeps its documented shape for the product's Google+ pages.
std::unique_ptr<network> make_googleplus_network();

} // namespace socialcrm::sim
