#pragma once

#include "protocol/types.hpp"

#include <caf/meta/type_name.hpp>

#include <cstdint>
#include <string>
#include <vector>

namespace socialcrm {

/// The author of a post as the network names them.
struct author {
  std::string network_user_id;
  std::string handle;
  std::string name;
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, author& x) {
  return f(caf::meta::type_name("author"), x.network_user_id, x.handle, x.name);
}

/// A post as every connector normalises it: nothing downstream knows which
/// network's wire format it came from.
struct post {
  network net = network::x;
  std::string external_id; // the network's own id, unique per network
  post_kind kind = post_kind::post;
  author from;
  std::string text;
  unix_ms created_at = 0;
  std::string in_reply_to; // external id of the post answered, if any
  std::string media_url;
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, post& x) {
  return f(caf::meta::type_name("post"), x.net, x.external_id, x.kind, x.from,
           x.text, x.created_at, x.in_reply_to, x.media_url);
}

/// A lead or contact. `id == 0` means "nobody" (CAF 0.17 cannot serialise
/// std::optional, and ids start at 1).
struct person_ref {
  record_type type = record_type::lead;
  std::int64_t id = 0;

  explicit operator bool() const { return id != 0; }
  friend bool operator==(const person_ref&, const person_ref&) = default;
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, person_ref& x) {
  return f(caf::meta::type_name("person_ref"), x.type, x.id);
}

/// A network identity: whose posts move when a standing changes.
struct author_key {
  network net = network::x;
  std::string user_id;
  friend bool operator==(const author_key&, const author_key&) = default;
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, author_key& x) {
  return f(caf::meta::type_name("author_key"), x.net, x.user_id);
}

/// A post once stored: its row id, the event sequence number it was stored
/// under, where it came from, and who wrote it in CRM terms at that moment.
struct stored_post {
  std::int64_t id = 0;
  std::int64_t seq = 0;
  std::int64_t account_id = 0; // linked account that saw it; 0 if none
  post body;
  person_ref person;
  standing where = standing::unknown;
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, stored_post& x) {
  return f(caf::meta::type_name("stored_post"), x.id, x.seq, x.account_id,
           x.body, x.person, x.where);
}

} // namespace socialcrm
