#pragma once

// The CRM actor's typed interface and its CAF type-ID block, the second one
// of socialcrm (after protocol/type_ids.hpp). Load it with
// `cfg.add_message_types<caf::id_block::socialcrm_crm>()`.

#include "protocol/crm_messages.hpp"
#include "protocol/type_ids.hpp"

#include <caf/replies_to.hpp>
#include <caf/type_id.hpp>
#include <caf/typed_actor.hpp>

CAF_BEGIN_TYPE_ID_BLOCK(socialcrm_crm, caf::id_block::socialcrm::end)
CAF_ADD_TYPE_ID(socialcrm_crm, (socialcrm::permissions))
CAF_ADD_TYPE_ID(socialcrm_crm, (socialcrm::profile_info))
CAF_ADD_TYPE_ID(socialcrm_crm, (socialcrm::user_info))
CAF_ADD_TYPE_ID(socialcrm_crm, (socialcrm::principal))
CAF_ADD_TYPE_ID(socialcrm_crm, (socialcrm::credential))
CAF_ADD_TYPE_ID(socialcrm_crm, (socialcrm::sign_in_request))
CAF_ADD_TYPE_ID(socialcrm_crm, (socialcrm::sign_in_result))
CAF_ADD_TYPE_ID(socialcrm_crm, (socialcrm::token_info))
CAF_ADD_TYPE_ID(socialcrm_crm, (socialcrm::organisation_info))
CAF_ADD_TYPE_ID(socialcrm_crm, (socialcrm::person_data))
CAF_ADD_TYPE_ID(socialcrm_crm, (socialcrm::deal_data))
CAF_ADD_TYPE_ID(socialcrm_crm, (socialcrm::note_data))
CAF_ADD_TYPE_ID(socialcrm_crm, (socialcrm::task_data))
CAF_ADD_TYPE_ID(socialcrm_crm, (socialcrm::email_data))
CAF_ADD_TYPE_ID(socialcrm_crm, (socialcrm::record_filter))
CAF_ADD_TYPE_ID(socialcrm_crm, (socialcrm::social_profile_data))
CAF_ADD_TYPE_ID(socialcrm_crm, (socialcrm::interactions_query))
CAF_ADD_TYPE_ID(socialcrm_crm, (socialcrm::crm_stats))
CAF_ADD_TYPE_ID(socialcrm_crm, (socialcrm::list_query<socialcrm::person_data>))
CAF_ADD_TYPE_ID(socialcrm_crm, (socialcrm::list_query<socialcrm::deal_data>))
CAF_ADD_TYPE_ID(socialcrm_crm, (socialcrm::list_query<socialcrm::note_data>))
CAF_ADD_TYPE_ID(socialcrm_crm, (socialcrm::list_query<socialcrm::task_data>))
CAF_ADD_TYPE_ID(socialcrm_crm, (socialcrm::list_query<socialcrm::email_data>))
CAF_ADD_TYPE_ID(socialcrm_crm, (socialcrm::list_query<socialcrm::user_info>))
CAF_ADD_TYPE_ID(socialcrm_crm, (socialcrm::list_query<socialcrm::profile_info>))
CAF_ADD_TYPE_ID(socialcrm_crm, (socialcrm::list_query<socialcrm::token_info>))
CAF_ADD_TYPE_ID(socialcrm_crm, (socialcrm::record_page<socialcrm::person_data>))
CAF_ADD_TYPE_ID(socialcrm_crm, (socialcrm::record_page<socialcrm::deal_data>))
CAF_ADD_TYPE_ID(socialcrm_crm, (socialcrm::record_page<socialcrm::note_data>))
CAF_ADD_TYPE_ID(socialcrm_crm, (socialcrm::record_page<socialcrm::task_data>))
CAF_ADD_TYPE_ID(socialcrm_crm, (socialcrm::record_page<socialcrm::email_data>))
CAF_ADD_TYPE_ID(socialcrm_crm, (socialcrm::record_page<socialcrm::user_info>))
CAF_ADD_TYPE_ID(socialcrm_crm,
                (socialcrm::record_page<socialcrm::profile_info>))
CAF_ADD_TYPE_ID(socialcrm_crm, (socialcrm::record_page<socialcrm::token_info>))
CAF_ADD_TYPE_ID(socialcrm_crm,
                (socialcrm::record_page<socialcrm::social_profile_data>))
CAF_ADD_TYPE_ID(socialcrm_crm, (socialcrm::record_page<socialcrm::stored_post>))
CAF_END_TYPE_ID_BLOCK(socialcrm_crm)

namespace socialcrm {

/// The signatures every CRM record type answers: create, read, update (the
/// fields named in `changed`), delete (answers the deleted record), list.
/// Writes carry the acting user's id in the record's own fields where the
/// schema keeps it (created_by).
template <class Record>
using crud_actor = caf::typed_actor<
    typename caf::replies_to<create_atom, Record>::template with<Record>,
    typename caf::replies_to<get_atom, Record>::template with<Record>,
    typename caf::replies_to<update_atom, Record>::template with<Record>,
    typename caf::replies_to<delete_atom, Record>::template with<Record>,
    typename caf::replies_to<list_atom, list_query<Record>>::template with<
        record_page<Record>>>;

/// Owns a second SQLite write connection (beside the store's) for users,
/// profiles, sessions, API tokens and CRM records; a detached actor, each
/// request one short IMMEDIATE transaction. Changes that move posts between
/// columns (deal stages, deleted people, associations) are followed by the
/// caller with a request to the classifier (S-3.7).
using crm_actor = caf::typed_actor<
    // Sign-in with throttling per account and per address (S-8).
    caf::replies_to<signin_atom, sign_in_request>::with<sign_in_result>,
    // The principal behind a session cookie or a bearer token.
    caf::replies_to<auth_atom, credential>::with<principal>,
    // Ends a session; true when it existed.
    caf::replies_to<signout_atom, std::int64_t>::with<bool>,
    // Users, profiles and tokens; the principal is the acting user, whose
    // rights the S-8.2 rules are checked against inside the transaction.
    caf::replies_to<create_atom, principal, user_info>::with<user_info>,
    caf::replies_to<update_atom, principal, user_info>::with<user_info>,
    caf::replies_to<create_atom, principal, profile_info>::with<profile_info>,
    caf::replies_to<update_atom, principal, profile_info>::with<profile_info>,
    caf::replies_to<create_atom, principal, token_info>::with<token_info>,
    caf::replies_to<delete_atom, principal, token_info>::with<token_info>,
    caf::replies_to<list_atom,
                    list_query<user_info>>::with<record_page<user_info>>,
    caf::replies_to<list_atom,
                    list_query<profile_info>>::with<record_page<profile_info>>,
    caf::replies_to<list_atom, principal,
                    list_query<token_info>>::with<record_page<token_info>>,
    caf::replies_to<org_atom>::with<organisation_info>,
    caf::replies_to<org_atom, organisation_info>::with<organisation_info>,
    // Social profiles and interactions of a person (S-2.2, S-6.4); purge
    // drops the profiles of a deleted person once the classifier moved them.
    caf::replies_to<list_atom,
                    person_ref>::with<record_page<social_profile_data>>,
    caf::replies_to<list_atom,
                    interactions_query>::with<record_page<stored_post>>,
    caf::replies_to<purge_atom, person_ref>::with<std::int64_t>,
    caf::replies_to<stats_atom>::with<crm_stats>>::
    extend_with<crud_actor<person_data>>::extend_with<crud_actor<deal_data>>::
        extend_with<crud_actor<note_data>>::extend_with<
            crud_actor<task_data>>::extend_with<crud_actor<email_data>>;

} // namespace socialcrm
