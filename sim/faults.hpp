#pragma once

// Faults queued by POST /_sim/faults, consumed by the requests they hit.

#include <cstdint>
#include <deque>
#include <map>
#include <optional>
#include <string>
#include <string_view>

namespace socialcrm::sim {

enum class fault_kind {
  rate_limit,   // 429 in the network's shape, whatever the budget (a storm)
  error_5xx,    // the network's 5xx answer
  slow,         // the answer is delayed by `delay_ms`
  revoke_token, // applied at once: tokens are revoked (never queued)
  duplicate,    // list pages repeat the previous page's last item
  out_of_order, // list pages come in reverse order
  garbage,      // 200 with a malformed body of the network's kind
                // (sim/network.hpp garbage_or): truncated JSON, wrong
                // types, an array for an object (or the reverse), HTML
};

/// The malformed bodies a `garbage` fault sends, in the order its answers
/// take them (each network counts its own), so that any four answers in a
/// row show every one.
enum class garbage_variant {
  truncated,   // the real answer cut in half: not JSON
  wrong_types, // the real answer's values with other JSON types
  wrong_shape, // the real object inside an array, a real array inside an
               // object
  html,        // an HTML error page (a proxy's), as text/html
};
inline constexpr int garbage_variants = 4;

const char* to_string(fault_kind k);
bool parse_fault_kind(std::string_view s, fault_kind& out);

/// One queued fault: hits the next `count` requests (count > 0), or every
/// request until `until_ms` on the simulated clock (count == 0).
struct fault {
  fault_kind kind = fault_kind::error_5xx;
  std::int64_t count = 0;
  std::int64_t until_ms = 0;
  std::int64_t delay_ms = 0; // slow answers only
};

class fault_queue {
public:
  void add(std::string network_id, fault f);
  /// Consumes one use of the first active fault of `kind` on the network;
  /// nullopt when none is active at `now_ms`.
  std::optional<fault> take(std::string_view network_id, fault_kind kind,
                            std::int64_t now_ms);
  /// Faults still queued on a network (for GET /_sim/stats).
  std::size_t pending(std::string_view network_id, std::int64_t now_ms);
  void clear() { queues_.clear(); }
  /// The variant of the network's next garbage answer: a counter per
  /// network, so the sequence is the same in every run.
  garbage_variant next_garbage(std::string_view network_id);

private:
  std::map<std::string, std::deque<fault>, std::less<>> queues_;
  std::map<std::string, std::uint64_t, std::less<>> garbage_served_;
};

} // namespace socialcrm::sim
