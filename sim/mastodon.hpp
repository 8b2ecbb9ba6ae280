#pragma once

#include "sim/network.hpp"

#include <memory>

namespace socialcrm::sim {

/// The Mastodon REST API under /mastodon (sim/mastodon_*.cpp).
std::unique_ptr<network> make_mastodon_network();

} // namespace socialcrm::sim
