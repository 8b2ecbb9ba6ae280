#pragma once

// The REST API's route table and the handlers behind it, one file per
// area: auth_routes.cpp (session, tokens), admin_routes.cpp (users,
// profiles, organisation), record_routes.cpp (CRM records), ops_routes.cpp
// (health, metrics, OpenAPI).

#include "web/call.hpp"
#include "web/router.hpp"

namespace socialcrm::web {

/// Every route of the API. The OpenAPI document (web/openapi.hpp) lists the
/// same routes; a test keeps the two equal.
router make_api_router();

void add_auth_routes(router& r);
void add_admin_routes(router& r);
void add_record_routes(router& r);
void add_ops_routes(router& r);
// The social tab (issue 6): linked accounts and OAuth (account_routes.cpp),
// feeds, columns, filter, detail view and activity (feed_routes.cpp),
// compose, actions and Unknown -> CRM (action_routes.cpp).
void add_account_routes(router& r);
void add_feed_routes(router& r);
void add_action_routes(router& r);
void add_person_view_routes(router& r); // person_view_routes.cpp
void add_convert_route(router& r); // convert_route.cpp: lead -> contact
void add_actor_routes(router& r);  // actor_routes.cpp: the actor console

/// Refuses with 403 `forbidden` (and returns false) unless `allowed`.
bool require(const call_ptr& c, bool allowed, const char* why);

/// Refuses with 403 `edition_not_supported` unless the organisation's
/// edition has the social features (S-8.5).
bool require_social_edition(const call_ptr& c);

/// Paging parameters of a list: ?offset=&limit=; false (and 400
/// `bad_query` sent) when they are not numbers in range.
bool read_paging(const call_ptr& c, std::int64_t& offset, std::int64_t& limit);

/// A query parameter, or "" when absent.
std::string query_param(const call_ptr& c, const char* name);

} // namespace socialcrm::web
