#pragma once

// The one CAF type-ID block of socialcrm: every message type that crosses an
// actor boundary is listed here, so it can also cross nodes through the
// middleman unchanged. Load it with `cfg.add_message_types<caf::id_block::socialcrm>()`.

#include "protocol/messages.hpp"
#include "protocol/post.hpp"

#include <caf/atom.hpp>
#include <caf/type_id.hpp>

#include <vector>

namespace socialcrm {

// Atoms: at most 10 characters each (CAF 0.17).
using ingest_atom = caf::atom_constant<caf::atom("ingest")>;
using link_atom = caf::atom_constant<caf::atom("link")>;
using refresh_atom = caf::atom_constant<caf::atom("refresh")>;
using people_atom = caf::atom_constant<caf::atom("people")>;
using add_hub_atom = caf::atom_constant<caf::atom("add_hub")>;
using join_atom = caf::atom_constant<caf::atom("join")>;
using leave_atom = caf::atom_constant<caf::atom("leave")>;
using info_atom = caf::atom_constant<caf::atom("info")>;
using list_atom = caf::atom_constant<caf::atom("list")>;
using status_atom = caf::atom_constant<caf::atom("status")>;
using register_atom = caf::atom_constant<caf::atom("register")>;
using pause_atom = caf::atom_constant<caf::atom("pause")>;
using resume_atom = caf::atom_constant<caf::atom("resume")>;
using restart_atom = caf::atom_constant<caf::atom("restart")>;
using poll_atom = caf::atom_constant<caf::atom("poll")>;
using events_atom = caf::atom_constant<caf::atom("events")>;
using tick_atom = caf::atom_constant<caf::atom("tick")>;
using account_atom = caf::atom_constant<caf::atom("account")>;
using rescan_atom = caf::atom_constant<caf::atom("rescan")>;
using flush_atom = caf::atom_constant<caf::atom("flush")>;
using watch_atom = caf::atom_constant<caf::atom("watch")>;
using unwatch_atom = caf::atom_constant<caf::atom("unwatch")>;
using watched_atom = caf::atom_constant<caf::atom("watched")>;

/// One entry of the classifier's people index: a social profile and the
/// person it belongs to, with that person's current standing.
struct profile_entry {
  author_key key;
  person_ref person;
  standing where = standing::unknown;
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, profile_entry& x) {
  return f(caf::meta::type_name("profile_entry"), x.key, x.person, x.where);
}

} // namespace socialcrm

CAF_BEGIN_TYPE_ID_BLOCK(socialcrm, caf::first_custom_type_id)
  CAF_ADD_TYPE_ID(socialcrm, (socialcrm::author))
  CAF_ADD_TYPE_ID(socialcrm, (socialcrm::post))
  CAF_ADD_TYPE_ID(socialcrm, (socialcrm::person_ref))
  CAF_ADD_TYPE_ID(socialcrm, (socialcrm::author_key))
  CAF_ADD_TYPE_ID(socialcrm, (socialcrm::stored_post))
  CAF_ADD_TYPE_ID(socialcrm, (socialcrm::source_ref))
  CAF_ADD_TYPE_ID(socialcrm, (socialcrm::cursor_update))
  CAF_ADD_TYPE_ID(socialcrm, (socialcrm::ingest_batch))
  CAF_ADD_TYPE_ID(socialcrm, (socialcrm::ingest_result))
  CAF_ADD_TYPE_ID(socialcrm, (socialcrm::ingest_ack))
  CAF_ADD_TYPE_ID(socialcrm, (socialcrm::post_event))
  CAF_ADD_TYPE_ID(socialcrm, (std::vector<socialcrm::post_event>))
  CAF_ADD_TYPE_ID(socialcrm, (socialcrm::standing_event))
  CAF_ADD_TYPE_ID(socialcrm, (socialcrm::profile_link))
  CAF_ADD_TYPE_ID(socialcrm, (socialcrm::actor_info))
  CAF_ADD_TYPE_ID(socialcrm, (socialcrm::profile_entry))
  CAF_ADD_TYPE_ID(socialcrm, (std::vector<socialcrm::profile_entry>))
  CAF_ADD_TYPE_ID(socialcrm, (std::vector<socialcrm::actor_info>))
  CAF_ADD_TYPE_ID(socialcrm, (socialcrm::account_update))
  CAF_ADD_TYPE_ID(socialcrm, (socialcrm::actor_event))
CAF_END_TYPE_ID_BLOCK(socialcrm)
