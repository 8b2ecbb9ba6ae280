#pragma once

// Checks every connector must pass the same way, against the emulator: a
// world is a sim_fixture with the connector's `poll(feed)`.

#include "networks/connector.hpp"

#include <catch2/catch.hpp>

#include <string>

namespace socialcrm::test {

/// An injected 5xx is transient, and the next poll works.
template <class World>
void check_5xx_is_transient(World& w, const std::string& net,
                            networks::feed f) {
  w.control("/faults", {{"network", net}, {"kind", "error_5xx"}, {"count", 1}});
  auto page = w.poll(f);
  REQUIRE_FALSE(page);
  CHECK(page.error.kind == networks::failure_kind::transient);
  CHECK(w.poll(f));
}

/// A spent window is waited out: the throttled poll says when to come
/// back, and the next poll (of any feed on that window) is refused locally
/// without reaching the network, so the emulator counts no violation.
template <class World>
void check_throttle_is_waited_out(World& w, const std::string& net,
                                  networks::feed first,
                                  networks::feed second) {
  w.control("/faults", {{"network", net}, {"kind", "rate_limit"}, {"count", 1}});
  auto page = w.poll(first);
  REQUIRE_FALSE(page);
  CHECK(page.error.kind == networks::failure_kind::rate_limited);
  CHECK(page.error.retry_at > now_ms());
  auto before = w.stats(net).at("requests").template get<long>();
  auto again = w.poll(second);
  REQUIRE_FALSE(again);
  CHECK(again.error.kind == networks::failure_kind::rate_limited);
  CHECK(w.stats(net).at("requests").template get<long>() == before);
  CHECK(w.stats(net).at("rate_limit_violations").template get<long>() == 0);
}

} // namespace socialcrm::test
