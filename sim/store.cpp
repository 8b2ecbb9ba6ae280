#include "sim/store.hpp"

namespace socialcrm::sim {

const char* to_string(item_kind k) {
  switch (k) {
    case item_kind::post: return "post";
    case item_kind::mention: return "mention";
    case item_kind::reply: return "reply";
    case item_kind::comment: return "comment";
    case item_kind::dm: return "dm";
  }
  return "post";
}

bool parse_item_kind(const std::string& s, item_kind& out) {
  for (auto k : {item_kind::post, item_kind::mention, item_kind::reply,
                 item_kind::comment, item_kind::dm})
    if (s == to_string(k)) {
      out = k;
      return true;
    }
  // The control API also accepts the names networks use for the same thing.
  if (s == "message") {
    out = item_kind::dm;
    return true;
  }
  return false;
}

} // namespace socialcrm::sim
