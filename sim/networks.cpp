#include "sim/networks.hpp"

#include "sim/facebook.hpp"
#include "sim/x.hpp"
// ---- registration: module headers ---------------------------------------
// Google+, Mastodon and Bluesky add their header here, e.g.
// #include "sim/mastodon.hpp"
#include "sim/bluesky.hpp"
#include "sim/googleplus.hpp"
#include "sim/mastodon.hpp"
// -------------------------------------------------------------------------

namespace socialcrm::sim {

std::vector<std::unique_ptr<network>> make_networks() {
  std::vector<std::unique_ptr<network>> out;
  out.push_back(make_x_network());
  out.push_back(make_facebook_network());
  // ---- registration: one line per module ----------------------------------
  // Google+, Mastodon and Bluesky add their factory here, e.g.
  // out.push_back(make_mastodon_network());
  out.push_back(make_googleplus_network());
  out.push_back(make_mastodon_network());
  out.push_back(make_bluesky_network());
  // -------------------------------------------------------------------------
  return out;
}

} // namespace socialcrm::sim
