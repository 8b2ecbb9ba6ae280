#pragma once

// Which actors a console request is about (web/actor_routes.cpp, and the
// event stream in web/actor_watch.cpp): kind, state, node, a glob on the
// id, and ids; empty fields match all.

#include "protocol/messages.hpp"

#include <nlohmann/json.hpp>

#include <fnmatch.h>

#include <algorithm>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace socialcrm::web {

/// Longest `q` glob or selector field: actor ids are far shorter.
constexpr std::size_t max_selector_length = 200;

struct actor_selector {
  std::string kind, state, node, q; // q: a glob on the id (fnmatch)
  std::vector<std::string> ids;

  bool empty() const {
    return kind.empty() && state.empty() && node.empty() && q.empty()
           && ids.empty();
  }

  bool matches(std::string_view id, std::string_view k, actor_state st,
               std::string_view on_node) const {
    std::string node_of = on_node.empty() ? "local" : std::string(on_node);
    return (kind.empty() || k == kind) && (state.empty() || to_string(st) == state)
           && (node.empty() || node_of == node)
           && (q.empty()
               || ::fnmatch(q.c_str(), std::string(id).c_str(), 0) == 0)
           && (ids.empty()
               || std::find(ids.begin(), ids.end(), id) != ids.end());
  }

  bool matches(const actor_info& a) const {
    return matches(a.id, a.kind, a.state, a.node);
  }

  nlohmann::json to_json() const {
    nlohmann::json j = nlohmann::json::object();
    for (auto [k, v] : {std::pair{"kind", &kind}, {"state", &state},
                        {"node", &node}, {"q", &q}})
      if (!v->empty())
        j[k] = *v;
    if (!ids.empty())
      j["ids"] = ids;
    return j;
  }
};

inline bool valid_actor_state(std::string_view s) {
  for (auto st : {actor_state::starting, actor_state::running,
                  actor_state::polling, actor_state::paused,
                  actor_state::backing_off, actor_state::reauth_required,
                  actor_state::stopped, actor_state::failed})
    if (to_string(st) == s)
      return true;
  return false;
}

/// Fills kind, state, node and q from `param` (a query string's values);
/// returns why they are bad, or nullopt when they are fine.
inline std::optional<std::string>
read_actor_selector(const std::function<std::string(const char*)>& param,
                    actor_selector& s) {
  s.kind = param("kind");
  s.state = param("state");
  s.node = param("node");
  s.q = param("q");
  for (auto* v : {&s.kind, &s.state, &s.node, &s.q})
    if (v->size() > max_selector_length)
      return "a filter may have at most " + std::to_string(max_selector_length)
             + " characters";
  if (!s.state.empty() && !valid_actor_state(s.state))
    return "state must be starting, running, polling, paused, backing_off, "
           "reauth_required, stopped or failed";
  return std::nullopt;
}

} // namespace socialcrm::web
