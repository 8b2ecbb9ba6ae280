#pragma once

// bench/fanout_hub: the hub as the fan-out benchmark proposes it, measured
// beside the product's actors/hub_actor.cpp with everything else the same.
// Same typed interface (protocol/actor_interfaces.hpp hub_actor):
//   shared   each event goes to every session as one CAF message they all
//            share (messages are reference-counted, copy-on-write) instead
//            of a copy of the event per session;
//   batched  posts are also gathered for up to `batch_window` (or
//            `batch_max` posts) and sent as one std::vector<post_event>
//            message, which live sessions take like single events; a
//            standing change flushes the posts before it, so seq order holds.

#include "protocol/actor_interfaces.hpp"

#include <caf/actor_system.hpp>

#include <chrono>

namespace socialcrm::bench {

/// How long the batched hub holds posts: far below the 50 ms latency
/// target, and at 5,000 posts/s about 10 posts per session message
/// instead of one.
inline constexpr std::chrono::milliseconds batch_window{2};
/// A batch goes out at once when this full.
inline constexpr std::size_t batch_max = 256;

hub_actor spawn_shared_message_hub(caf::actor_system& sys, bool batched);

} // namespace socialcrm::bench
