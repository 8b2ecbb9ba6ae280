#include "sim/faults.hpp"

#include "sim/network.hpp"
#include "sim/world.hpp"

#include <nlohmann/json.hpp>

namespace socialcrm::sim {

const char* to_string(fault_kind k) {
  switch (k) {
    case fault_kind::rate_limit: return "rate_limit";
    case fault_kind::error_5xx: return "error_5xx";
    case fault_kind::slow: return "slow";
    case fault_kind::revoke_token: return "revoke_token";
    case fault_kind::duplicate: return "duplicate";
    case fault_kind::out_of_order: return "out_of_order";
    case fault_kind::garbage: return "garbage";
  }
  return "error_5xx";
}

bool parse_fault_kind(std::string_view s, fault_kind& out) {
  for (auto k : {fault_kind::rate_limit, fault_kind::error_5xx,
                 fault_kind::slow, fault_kind::revoke_token,
                 fault_kind::duplicate, fault_kind::out_of_order,
                 fault_kind::garbage})
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

garbage_variant fault_queue::next_garbage(std::string_view network_id) {
  auto it = garbage_served_.find(network_id);
  if (it == garbage_served_.end())
    it = garbage_served_.emplace(std::string(network_id), 0).first;
  return static_cast<garbage_variant>(it->second++ % garbage_variants);
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

namespace {

/// The same value with another JSON type: what a network that changed a
/// field's type without notice sends.
nlohmann::json retyped(const nlohmann::json& v) {
  switch (v.type()) {
    case nlohmann::json::value_t::string: return 12345;
    case nlohmann::json::value_t::object: return nlohmann::json::array();
    case nlohmann::json::value_t::array: return "[]";
    case nlohmann::json::value_t::boolean: return "true";
    case nlohmann::json::value_t::null: return nlohmann::json::object();
    default: return std::string("not a number");
  }
}

} // namespace

http::response garbage_or(const network& net, world& w, http::response real) {
  std::string id(net.id());
  if (!w.faults().take(id, fault_kind::garbage, w.clock().now_ms()))
    return real;
  ++w.stats(id).faults;
  http::response out = std::move(real);
  out.status = 200;
  auto variant = w.faults().next_garbage(id);
  auto parsed = nlohmann::json::parse(out.body, nullptr, false);
  // An answer that is no JSON (an OAuth page) can only be cut short.
  if (parsed.is_discarded() && variant != garbage_variant::html)
    variant = garbage_variant::truncated;
  switch (variant) {
    case garbage_variant::truncated:
      // Half of a JSON text is never JSON; an empty answer gets a start.
      out.body = out.body.size() >= 2 ? out.body.substr(0, out.body.size() / 2)
                                      : std::string("{\"data\":[");
      break;
    case garbage_variant::wrong_types: {
      nlohmann::json changed = parsed.is_object() ? nlohmann::json::object()
                                                  : nlohmann::json::array();
      if (parsed.is_object())
        for (auto& [key, value] : parsed.items())
          changed[key] = retyped(value);
      else if (parsed.is_array())
        for (auto& value : parsed)
          changed.push_back(retyped(value));
      else
        changed = retyped(parsed);
      out.body = changed.dump();
      break;
    }
    case garbage_variant::wrong_shape:
      out.body = parsed.is_array()
                   ? nlohmann::json{{"items", parsed}}.dump()
                   : nlohmann::json::array({parsed}).dump();
      break;
    case garbage_variant::html:
      out.headers.set("Content-Type", "text/html; charset=utf-8");
      out.body = "<!DOCTYPE html>\n<html><head><title>502 Bad Gateway</title>"
                 "</head><body><h1>Bad Gateway</h1><p>The upstream server "
                 "sent an invalid response.</p></body></html>\n";
      break;
  }
  return out;
}

} // namespace socialcrm::sim
