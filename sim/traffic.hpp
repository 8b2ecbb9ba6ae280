#pragma once

// The traffic generator: synthetic users talking to the org accounts and
// pages (mentions, direct/page messages, comments, replies), plain posts
// of the population and keyword hits, in a configurable mix.

#include <cstdint>
#include <string>
#include <vector>

namespace socialcrm::sim {

class world;

/// Shares of each kind of generated item; what is left over after the
/// ratios is plain timeline posts.
struct traffic_mix {
  double rate = 0;            // items per second in the background; 0 = off
  double mention_ratio = 0.3; // posts mentioning an org account / page
  double dm_ratio = 0.15;     // direct messages / page messages
  double comment_ratio = 0.15; // comments on (or replies to) the org's posts
  double keyword_ratio = 0.15; // posts containing one of `keywords`
  std::vector<std::string> keywords{"socialcrm", "pricing", "support",
                                    "outage", "demo"};
};

class traffic_generator {
public:
  void configure(traffic_mix m);
  const traffic_mix& mix() const { return mix_; }

  /// Creates exactly `n` items now (deterministic for a given seed and
  /// world state); returns how many were created.
  std::size_t generate(world& w, std::size_t n);

  /// Background tick: creates the items due since the last tick at
  /// `mix().rate`; returns how many.
  std::size_t tick(world& w, std::int64_t now_ms);

  /// Items generated so far.
  std::uint64_t generated() const { return generated_; }

private:
  bool generate_one(world& w);

  traffic_mix mix_;
  std::int64_t last_tick_ms_ = 0;
  double owed_ = 0; // fractional items carried between ticks
  std::uint64_t generated_ = 0;
};

} // namespace socialcrm::sim
