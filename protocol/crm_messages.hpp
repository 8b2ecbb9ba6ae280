#pragma once

// Messages of the CRM actor: users, profiles, sessions, API tokens and the
// CRM records of SPEC S-2 and S-8. Plain structs with `inspect`, registered
// in the type-ID block of protocol/crm_interface.hpp. Fields that a PATCH
// may change are named in `changed` (the JSON names), so an update touches
// exactly what the client sent.

#include "protocol/post.hpp"

#include <caf/atom.hpp>
#include <caf/meta/type_name.hpp>

#include <cstdint>
#include <string>
#include <vector>

namespace socialcrm {

// Atoms: at most 10 characters each (CAF 0.17). `list_atom` comes from
// protocol/type_ids.hpp.
using create_atom = caf::atom_constant<caf::atom("create")>;
using get_atom = caf::atom_constant<caf::atom("get")>;
using update_atom = caf::atom_constant<caf::atom("update")>;
using delete_atom = caf::atom_constant<caf::atom("delete")>;
using signin_atom = caf::atom_constant<caf::atom("signin")>;
using signout_atom = caf::atom_constant<caf::atom("signout")>;
using auth_atom = caf::atom_constant<caf::atom("auth")>;
using stats_atom = caf::atom_constant<caf::atom("stats")>;
using purge_atom = caf::atom_constant<caf::atom("purge")>;
using org_atom = caf::atom_constant<caf::atom("org")>;

/// The permissions of a profile (SPEC S-8.2).
struct permissions {
  bool social_tab = false;
  bool social_profile_link = false;
  bool social_admin = false;
  bool admin = false;
  friend bool operator==(const permissions&, const permissions&) = default;
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, permissions& x) {
  return f(caf::meta::type_name("permissions"), x.social_tab,
           x.social_profile_link, x.social_admin, x.admin);
}

struct profile_info {
  std::int64_t id = 0;
  std::string name;
  bool builtin = false; // the default Administrator and Standard profiles
  permissions perms;
  unix_ms created_at = 0;
  std::vector<std::string> changed; // PATCH: fields the client sent
  std::int64_t clone_of = 0;        // create: copy this profile's permissions
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, profile_info& x) {
  return f(caf::meta::type_name("profile_info"), x.id, x.name, x.builtin,
           x.perms, x.created_at, x.changed, x.clone_of);
}

struct user_info {
  std::int64_t id = 0;
  std::string email;
  std::string name;
  std::int64_t profile_id = 0;
  bool super_admin = false;
  bool active = true;
  unix_ms created_at = 0;
  std::string password;             // create only; never sent back
  std::vector<std::string> changed; // PATCH: fields the client sent
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, user_info& x) {
  return f(caf::meta::type_name("user_info"), x.id, x.email, x.name,
           x.profile_id, x.super_admin, x.active, x.created_at, x.password,
           x.changed);
}

/// Who is asking, once authenticated: the user, their profile and how they
/// signed in. `actor_*` fields of write messages carry the same identity so
/// the CRM actor can apply the S-8 rules inside the transaction.
struct principal {
  user_info user;
  profile_info profile;
  std::string edition;         // the organisation's edition (S-8.5)
  std::int64_t session_id = 0; // 0 when authenticated by an API token
  std::int64_t token_id = 0;
  std::string csrf_token; // of the session; empty for API tokens
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, principal& x) {
  return f(caf::meta::type_name("principal"), x.user, x.profile, x.edition,
           x.session_id, x.token_id, x.csrf_token);
}

/// A session cookie value or a bearer token, as the client sent it.
struct credential {
  bool bearer = false;
  std::string secret;
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, credential& x) {
  return f(caf::meta::type_name("credential"), x.bearer, x.secret);
}

struct sign_in_request {
  std::string email;
  std::string password;
  std::string address;          // client address, for throttling
  std::string previous_session; // cookie sent along, ended on success
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, sign_in_request& x) {
  return f(caf::meta::type_name("sign_in_request"), x.email, x.password,
           x.address, x.previous_session);
}

struct sign_in_result {
  principal who;
  std::string session_token; // goes into the cookie, stored only hashed
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, sign_in_result& x) {
  return f(caf::meta::type_name("sign_in_result"), x.who, x.session_token);
}

/// A personal API token. `secret` is filled once, in the answer to create.
struct token_info {
  std::int64_t id = 0;
  std::int64_t user_id = 0;
  std::string name;
  unix_ms created_at = 0;
  unix_ms last_used_at = 0;
  unix_ms revoked_at = 0;
  std::string secret;
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, token_info& x) {
  return f(caf::meta::type_name("token_info"), x.id, x.user_id, x.name,
           x.created_at, x.last_used_at, x.revoked_at, x.secret);
}

/// The organisation (one row): its name and edition (S-8.5).
struct organisation_info {
  std::string name;
  std::string edition;
  std::vector<std::string> changed;
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, organisation_info& x) {
  return f(caf::meta::type_name("organisation_info"), x.name, x.edition,
           x.changed);
}

// -- CRM records (S-2.1) ------------------------------------------------------

struct person_data {
  person_ref ref;
  std::string first_name;
  std::string last_name;
  std::string email;
  std::string phone;
  std::string website;
  std::string company;
  std::string origin = "manual";
  std::int64_t created_by = 0;
  unix_ms created_at = 0;
  unix_ms updated_at = 0;
  std::vector<std::string> changed;
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, person_data& x) {
  return f(caf::meta::type_name("person_data"), x.ref, x.first_name,
           x.last_name, x.email, x.phone, x.website, x.company, x.origin,
           x.created_by, x.created_at, x.updated_at, x.changed);
}

struct deal_data {
  std::int64_t id = 0;
  std::int64_t contact_id = 0;
  std::string name;
  std::int64_t amount_cents = 0;
  deal_stage stage = deal_stage::open;
  unix_ms created_at = 0;
  unix_ms closed_at = 0;
  unix_ms updated_at = 0;
  std::vector<std::string> changed;
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, deal_data& x) {
  return f(caf::meta::type_name("deal_data"), x.id, x.contact_id, x.name,
           x.amount_cents, x.stage, x.created_at, x.closed_at, x.updated_at,
           x.changed);
}

/// Notes and tasks hang off a lead, contact or deal; e-mails off a lead or
/// contact. `record_type` is the public name ("lead", "contact", "deal").
struct note_data {
  std::int64_t id = 0;
  std::string record_type;
  std::int64_t record_id = 0;
  std::string body;
  std::int64_t created_by = 0;
  unix_ms created_at = 0;
  std::vector<std::string> changed;
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, note_data& x) {
  return f(caf::meta::type_name("note_data"), x.id, x.record_type, x.record_id,
           x.body, x.created_by, x.created_at, x.changed);
}

struct task_data {
  std::int64_t id = 0;
  std::string record_type;
  std::int64_t record_id = 0;
  std::string subject;
  unix_ms due_at = 0;          // 0: no due date
  std::string status = "open"; // open, done
  std::int64_t created_by = 0;
  unix_ms created_at = 0;
  std::vector<std::string> changed;
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, task_data& x) {
  return f(caf::meta::type_name("task_data"), x.id, x.record_type, x.record_id,
           x.subject, x.due_at, x.status, x.created_by, x.created_at,
           x.changed);
}

/// A logged e-mail exchanged with a lead or contact (S-2.1, S-6.3).
struct email_data {
  std::int64_t id = 0;
  std::string record_type;
  std::int64_t record_id = 0;
  std::string direction = "out"; // in, out
  std::string from_addr;
  std::string to_addr;
  std::string subject;
  std::string body;
  bool answered = false;
  unix_ms sent_at = 0;
  std::vector<std::string> changed;
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, email_data& x) {
  return f(caf::meta::type_name("email_data"), x.id, x.record_type, x.record_id,
           x.direction, x.from_addr, x.to_addr, x.subject, x.body, x.answered,
           x.sent_at, x.changed);
}

/// Which records a list asks for: a name search (people), the record they
/// hang off (notes, tasks, e-mails), the contact (deals), and a page.
struct record_filter {
  std::string q;
  std::string record_type; // people: lead or contact; others: optional
  std::int64_t record_id = 0;
  std::int64_t offset = 0;
  std::int64_t limit = 50;
  /// A sort key the list names ("name", "-created", ...); "" = default.
  /// The web layer checks it against the list's keys; storage maps it to
  /// a fixed ORDER BY, so client text never reaches SQL.
  std::string sort;
  std::string stage; // deals: open, won, lost; "" = every stage
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, record_filter& x) {
  return f(caf::meta::type_name("record_filter"), x.q, x.record_type,
           x.record_id, x.offset, x.limit, x.sort, x.stage);
}

/// A list request for records of type `Record` (the type picks the handler).
template <class Record>
struct list_query {
  record_filter filter;
};

template <class Inspector, class Record>
typename Inspector::result_type inspect(Inspector& f, list_query<Record>& x) {
  return f(caf::meta::type_name("list_query"), x.filter);
}

/// One page of records; `more` is set when a next page exists.
template <class Record>
struct record_page {
  std::vector<Record> items;
  bool more = false;
};

template <class Inspector, class Record>
typename Inspector::result_type inspect(Inspector& f, record_page<Record>& x) {
  return f(caf::meta::type_name("record_page"), x.items, x.more);
}

/// A social profile of a person, with the handle it was associated under.
struct social_profile_data {
  author_key key;
  std::string handle;
  unix_ms created_at = 0;
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, social_profile_data& x) {
  return f(caf::meta::type_name("social_profile_data"), x.key, x.handle,
           x.created_at);
}

/// The posts of a person's social profiles (S-6.4), newest first, with
/// seq < `before` (0: from the newest).
struct interactions_query {
  person_ref person;
  std::int64_t before = 0;
  std::int64_t limit = 50;
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, interactions_query& x) {
  return f(caf::meta::type_name("interactions_query"), x.person, x.before,
           x.limit);
}

/// Figures for /metrics read from the database.
struct crm_stats {
  std::int64_t sessions = 0; // unexpired sessions
  std::vector<std::string> post_networks;
  std::vector<std::int64_t> post_counts; // parallel to post_networks
  std::vector<std::string> account_states;
  std::vector<std::int64_t> account_counts; // parallel to account_states
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, crm_stats& x) {
  return f(caf::meta::type_name("crm_stats"), x.sessions, x.post_networks,
           x.post_counts, x.account_states, x.account_counts);
}

} // namespace socialcrm
