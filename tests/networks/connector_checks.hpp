#pragma once

// Checks every connector must pass the same way, against the emulator: a
// world is a sim_fixture with the connector's `poll(feed)`.

#include "networks/connector.hpp"

#include <catch2/catch.hpp>

#include <string>
#include <vector>

namespace socialcrm::test {

/// Polls `f` from `cursor` until the connector says nothing more waits (at
/// most `max_polls` times); returns every post in arrival order and leaves
/// `cursor` and `polls` where the walk ended.
template <class World>
std::vector<post> walk_backlog(World& w, networks::feed f, std::string& cursor,
                               int& polls, int max_polls = 10) {
  std::vector<post> all;
  bool more = true;
  while (more && polls < max_polls) {
    auto page = w.poll(f, cursor);
    REQUIRE(page);
    for (auto& p : page.value->posts)
      all.push_back(p);
    cursor = page.value->cursor;
    more = page.value->more;
    ++polls;
  }
  return all;
}

/// A token the network revoked makes a poll answer reauth_required: the
/// source must stop and the account be linked again.
template <class World>
void check_revoked_token_needs_relink(World& w, const std::string& net,
                                      const std::string& user_id,
                                      networks::feed f) {
  w.control("/faults",
            {{"network", net}, {"kind", "revoke_token"}, {"user_id", user_id}});
  auto page = w.poll(f);
  REQUIRE_FALSE(page);
  CHECK(page.error.kind == networks::failure_kind::reauth_required);
}

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
