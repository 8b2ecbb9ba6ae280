#include "protocol/permission_rules.hpp"
#include "web/codecs.hpp"
#include "web/routes.hpp"

namespace socialcrm::web {

namespace {

template <class Record>
void reply_page(const call_ptr& c, std::int64_t offset,
                const record_page<Record>& page) {
  c->reply_json(200, page_json(page, offset));
}

void list_users(const call_ptr& c) {
  if (!require(c, may_administer_social(c->who),
               "listing users needs the administrative or social "
               "administrator permission"))
    return;
  list_query<user_info> q;
  if (!read_paging(c, q.filter.offset, q.filter.limit))
    return;
  ask<record_page<user_info>>(
      c, c->state.crm,
      [c, o = q.filter.offset](record_page<user_info>& p) {
        reply_page(c, o, p);
      },
      list_atom::value, q);
}

void create_user(const call_ptr& c) {
  auto u = decode_user(c->body, decode_mode::create);
  if (!u)
    return c->fail(u.error());
  ask<user_info>(
      c, c->state.crm,
      [c](user_info& out) { c->reply_json(201, to_json(out)); },
      create_atom::value, c->who, *u);
}

void update_user(const call_ptr& c) {
  auto id = c->id_param();
  if (!id)
    return;
  auto u = decode_user(c->body, decode_mode::patch);
  if (!u)
    return c->fail(u.error());
  u->id = *id;
  ask<user_info>(
      c, c->state.crm,
      [c](user_info& out) { c->reply_json(200, to_json(out)); },
      update_atom::value, c->who, *u);
}

void list_profiles(const call_ptr& c) {
  if (!require(c, may_administer_social(c->who),
               "listing profiles needs the administrative or social "
               "administrator permission"))
    return;
  list_query<profile_info> q;
  if (!read_paging(c, q.filter.offset, q.filter.limit))
    return;
  ask<record_page<profile_info>>(
      c, c->state.crm,
      [c, o = q.filter.offset](record_page<profile_info>& p) {
        reply_page(c, o, p);
      },
      list_atom::value, q);
}

void create_profile(const call_ptr& c) {
  auto p = decode_profile(c->body, decode_mode::create);
  if (!p)
    return c->fail(p.error());
  ask<profile_info>(
      c, c->state.crm,
      [c](profile_info& out) { c->reply_json(201, to_json(out)); },
      create_atom::value, c->who, *p);
}

void clone_profile(const call_ptr& c) {
  auto id = c->id_param();
  if (!id)
    return;
  auto p = decode_clone(c->body);
  if (!p)
    return c->fail(p.error());
  p->clone_of = *id;
  ask<profile_info>(
      c, c->state.crm,
      [c](profile_info& out) { c->reply_json(201, to_json(out)); },
      create_atom::value, c->who, *p);
}

void update_profile(const call_ptr& c) {
  auto id = c->id_param();
  if (!id)
    return;
  auto p = decode_profile(c->body, decode_mode::patch);
  if (!p)
    return c->fail(p.error());
  p->id = *id;
  ask<profile_info>(
      c, c->state.crm,
      [c](profile_info& out) { c->reply_json(200, to_json(out)); },
      update_atom::value, c->who, *p);
}

void get_organisation(const call_ptr& c) {
  ask<organisation_info>(
      c, c->state.crm,
      [c](organisation_info& out) { c->reply_json(200, to_json(out)); },
      org_atom::value);
}

void update_organisation(const call_ptr& c) {
  if (!require(c, c->who.user.super_admin,
               "only the super administrator may change the organisation"))
    return;
  auto o = decode_organisation(c->body);
  if (!o)
    return c->fail(o.error());
  ask<organisation_info>(
      c, c->state.crm,
      [c](organisation_info& out) { c->reply_json(200, to_json(out)); },
      org_atom::value, *o);
}

} // namespace

void add_admin_routes(router& r) {
  r.add({"GET", "/api/v1/users", list_users, true, false,
         "Users (administrators and social administrators)"});
  r.add({"POST", "/api/v1/users", create_user, true, true,
         "Creates a user in a profile (administrators)"});
  r.add({"PATCH", "/api/v1/users/{id}", update_user, true, true,
         "Changes a user's name, profile or active state (administrators)"});
  r.add({"GET", "/api/v1/profiles", list_profiles, true, false,
         "Profiles and their permissions"});
  r.add({"POST", "/api/v1/profiles", create_profile, true, true,
         "Creates a profile (administrators)"});
  r.add({"POST", "/api/v1/profiles/{id}/clone", clone_profile, true, true,
         "Clones a profile with its permissions under a new name"});
  r.add({"PATCH", "/api/v1/profiles/{id}", update_profile, true, true,
         "Edits a profile's name and permissions (S-8.2, S-8.3)"});
  r.add({"GET", "/api/v1/organisation", get_organisation, true, false,
         "The organisation's name and edition"});
  r.add({"PATCH", "/api/v1/organisation", update_organisation, true, true,
         "Changes the organisation's name or edition (super administrator)"});
}

} // namespace socialcrm::web
