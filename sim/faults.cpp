#include "sim/faults.hpp"

namespace socialcrm::sim {

const char* to_string(fault_kind k) {
  switch (k) {
    case fault_kind::rate_limit: return "rate_limit";
    case fault_kind::error_5xx: return "error_5xx";
    case fault_kind::slow: return "slow";
    case fault_kind::revoke_token: return "revoke_token";
    case fault_kind::duplicate: return "duplicate";
    case fault_kind::out_of_order: return "out_of_order";
  }
  return "error_5xx";
}

bool parse_fault_kind(std::string_view s, fault_kind& out) {
  for (auto k : {fault_kind::rate_limit, fault_kind::error_5xx,
                 fault_kind::slow, fault_kind::revoke_token,
                 fault_kind::duplicate, fault_kind::out_of_order})
    if (s == to_string(k)) {
      out = k;
      return true;
    }
  return false;
}

void fault_queue::add(std::string network_id, fault f) {
  queues_[std::move(network_id)].push_back(f);
}

std::optional<fault> fault_queue::take(std::string_view network_id,
                                       fault_kind kind, std::int64_t now_ms) {
  auto it = queues_.find(network_id);
  if (it == queues_.end())
    return std::nullopt;
  auto& q = it->second;
  // Drop faults whose time is up, then use the first one of this kind.
  std::erase_if(q, [&](const fault& f) {
    return f.count == 0 && f.until_ms <= now_ms;
  });
  for (auto f = q.begin(); f != q.end(); ++f) {
    if (f->kind != kind)
      continue;
    fault used = *f;
    if (f->count > 0 && --f->count == 0)
      q.erase(f);
    return used;
  }
  return std::nullopt;
}

std::size_t fault_queue::pending(std::string_view network_id,
                                 std::int64_t now_ms) {
  auto it = queues_.find(network_id);
  if (it == queues_.end())
    return 0;
  std::size_t n = 0;
  for (const auto& f : it->second)
    if (f.count > 0 || f.until_ms > now_ms)
      ++n;
  return n;
}

} // namespace socialcrm::sim
