#pragma once

#include "protocol/messages.hpp"

#include <string>

namespace socialcrm::test {

/// A post as a connector would hand it over.
inline post make_post(network net, std::string external_id,
                      std::string author_id, post_kind kind = post_kind::mention,
                      unix_ms created_at = 1700000000000) {
  post p;
  p.net = net;
  p.external_id = std::move(external_id);
  p.kind = kind;
  p.from = {author_id, "@" + author_id, "Author " + author_id};
  p.text = "hello from " + author_id;
  p.created_at = created_at;
  return p;
}

} // namespace socialcrm::test
