#include "actors/crm_actor.hpp"

#include "actors/crm_state.hpp"
#include "protocol/permission_rules.hpp"
#include "storage/secrets.hpp"

namespace socialcrm {

namespace {

using namespace crm_detail;

storage::record_repository& repo_of(crm_state& s, const person_data&) {
  return *s.records;
}
storage::record_repository& repo_of(crm_state& s, const deal_data&) {
  return *s.records;
}
template <class Record>
storage::attachment_repository& repo_of(crm_state& s, const Record&) {
  return *s.attachments;
}

// The create / get / update / delete / list handlers of one record type.
template <class Record>
auto crud_handlers(crm_pointer self) {
  return std::make_tuple(
      [self](create_atom, const Record& r) -> caf::result<Record> {
        return write(
            self, [&] { return repo_of(self->state, r).create(r, now_ms()); });
      },
      [self](get_atom, const Record& r) -> caf::result<Record> {
        return read([&] { return repo_of(self->state, r).find(r); });
      },
      [self](update_atom, const Record& r) -> caf::result<Record> {
        return write(
            self, [&] { return repo_of(self->state, r).update(r, now_ms()); });
      },
      [self](delete_atom, const Record& r) -> caf::result<Record> {
        return write(self, [&] { return repo_of(self->state, r).remove(r); });
      },
      [self](list_atom,
             const list_query<Record>& q) -> caf::result<record_page<Record>> {
        return read([&] { return ok(repo_of(self->state, Record{}).list(q)); });
      });
}

caf::result<user_info> create_user(crm_pointer self, const principal& who,
                                   const user_info& u) {
  if (auto err = check_user_change(who, {}, u))
    return to_caf_error(*err);
  auto hash = storage::hash_password(u.password);
  return write(self, [&] {
    auto fresh = u;
    fresh.super_admin = false; // only the first start makes one
    fresh.active = true;
    return self->state.users->create_user(fresh, hash, now_ms());
  });
}

caf::result<user_info> update_user(crm_pointer self, const principal& who,
                                   const user_info& u) {
  auto& users = *self->state.users;
  return write(self, [&]() -> expected<user_info> {
    auto current = users.find_user(u.id);
    if (!current)
      return make_error("not_found",
                        "user " + std::to_string(u.id) + " does not exist");
    if (auto err = check_user_change(who, *current, u))
      return *err;
    auto next = *current;
    if (names(u.changed, "name"))
      next.name = u.name;
    if (names(u.changed, "profile_id"))
      next.profile_id = u.profile_id;
    if (names(u.changed, "active"))
      next.active = u.active;
    return users.update_user(next);
  });
}

caf::result<profile_info> create_profile(crm_pointer self, const principal& who,
                                         const profile_info& p) {
  auto& users = *self->state.users;
  return write(self, [&]() -> expected<profile_info> {
    profile_info base;
    auto wanted = p;
    if (p.clone_of != 0) {
      auto source = users.find_profile(p.clone_of);
      if (!source)
        return make_error("not_found", "profile " + std::to_string(p.clone_of) +
                                           " does not exist");
      base.perms = source->perms;
      wanted.changed = {"name"};
    }
    if (auto err = check_profile_change(who, base, wanted))
      return *err;
    auto next = apply_profile_change(base, wanted);
    return users.create_profile(next, false, now_ms());
  });
}

caf::result<profile_info> update_profile(crm_pointer self, const principal& who,
                                         const profile_info& p) {
  auto& users = *self->state.users;
  return write(self, [&]() -> expected<profile_info> {
    auto current = users.find_profile(p.id);
    if (!current)
      return make_error("not_found",
                        "profile " + std::to_string(p.id) + " does not exist");
    if (auto err = check_profile_change(who, *current, p))
      return *err;
    return users.update_profile(apply_profile_change(*current, p));
  });
}

crm_actor::behavior_type crm_behavior(crm_pointer self,
                                      std::shared_ptr<storage::database> db,
                                      crm_limits limits) {
  auto& s = self->state;
  s.limits = limits;
  s.db = std::move(db);
  auto& h = s.db->handle();
  s.users = std::make_unique<storage::user_repository>(h);
  s.sessions = std::make_unique<storage::session_repository>(h);
  s.records = std::make_unique<storage::record_repository>(h);
  s.attachments = std::make_unique<storage::attachment_repository>(h);
  auto handlers = std::tuple_cat(
      std::make_tuple(
          [self](signin_atom, const sign_in_request& req) {
            return sign_in(self, req);
          },
          [self](auth_atom, const credential& c) {
            return authenticate(self, c);
          },
          [self](signout_atom, std::int64_t session_id) -> caf::result<bool> {
            return write(self, [&] {
              return ok(self->state.sessions->delete_session(session_id));
            });
          },
          [self](create_atom, const principal& who, const user_info& u) {
            return create_user(self, who, u);
          },
          [self](update_atom, const principal& who, const user_info& u) {
            return update_user(self, who, u);
          },
          [self](create_atom, const principal& who, const profile_info& p) {
            return create_profile(self, who, p);
          },
          [self](update_atom, const principal& who, const profile_info& p) {
            return update_profile(self, who, p);
          },
          [self](create_atom, const principal& who,
                 const token_info& t) -> caf::result<token_info> {
            return write(self, [&] {
              // A recognisable prefix lets secret scanners find leaked tokens.
              auto secret =
                  "scrm_" + storage::random_token(storage::token_bytes);
              auto out = self->state.sessions->create_token(
                  who.user.id, t.name, storage::token_digest(secret), now_ms());
              out.secret = secret;
              return ok(out);
            });
          },
          [self](delete_atom, const principal& who,
                 const token_info& t) -> caf::result<token_info> {
            return write(self, [&] {
              return self->state.sessions->revoke_token(who.user.id, t.id,
                                                        now_ms());
            });
          },
          [self](list_atom, const list_query<user_info>& q)
              -> caf::result<record_page<user_info>> {
            return read([&] {
              return ok(self->state.users->list_users(q.filter.offset,
                                                      q.filter.limit));
            });
          },
          [self](list_atom, const list_query<profile_info>& q)
              -> caf::result<record_page<profile_info>> {
            return read([&] {
              return ok(self->state.users->list_profiles(q.filter.offset,
                                                         q.filter.limit));
            });
          },
          [self](list_atom, const principal& who,
                 const list_query<token_info>& q)
              -> caf::result<record_page<token_info>> {
            return read([&] {
              return ok(self->state.sessions->list_tokens(
                  who.user.id, q.filter.offset, q.filter.limit));
            });
          },
          [self](org_atom) -> caf::result<organisation_info> {
            return read([&] { return ok(self->state.users->organisation()); });
          },
          [self](org_atom, const organisation_info& org)
              -> caf::result<organisation_info> {
            return write(self, [&] {
              auto next = self->state.users->organisation();
              if (names(org.changed, "name"))
                next.name = org.name;
              if (names(org.changed, "edition"))
                next.edition = org.edition;
              self->state.users->update_organisation(next);
              return ok(next);
            });
          },
          [self](list_atom, person_ref who)
              -> caf::result<record_page<social_profile_data>> {
            return read([&] { return self->state.records->profiles(who); });
          },
          [self](list_atom, const interactions_query& q)
              -> caf::result<record_page<stored_post>> {
            return read([&] { return self->state.records->interactions(q); });
          },
          [self](purge_atom, person_ref who) -> caf::result<std::int64_t> {
            return write(self, [&] {
              return ok(self->state.records->purge_profiles(who));
            });
          },
          [self](stats_atom) -> caf::result<crm_stats> {
            return read([&] {
              auto out = self->state.records->stats();
              out.sessions = self->state.sessions->count_sessions(now_ms());
              return ok(out);
            });
          }),
      crud_handlers<person_data>(self), crud_handlers<deal_data>(self),
      crud_handlers<note_data>(self), crud_handlers<task_data>(self),
      crud_handlers<email_data>(self));
  return std::apply(
      [](auto&&... fs) { return crm_actor::behavior_type{std::move(fs)...}; },
      std::move(handlers));
}

} // namespace

crm_actor spawn_crm(caf::actor_system& sys, const std::string& path,
                    crm_limits limits) {
  storage::init_secrets();
  // Opened here so that opening errors reach the caller; the actor takes
  // the connection over.
  auto db = std::make_shared<storage::database>(path);
  return sys.spawn<caf::detached>(crm_behavior, std::move(db), limits);
}

} // namespace socialcrm
