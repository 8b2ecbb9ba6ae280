#include "actors/crm_state.hpp"

#include "storage/secrets.hpp"

namespace socialcrm::crm_detail {

namespace {

std::string attempt_key(const char* kind, const std::string& value) {
  return std::string(kind) + ":" + value;
}

std::string lowercase(std::string s) {
  for (auto& c : s)
    if (c >= 'A' && c <= 'Z')
      c = static_cast<char>(c - 'A' + 'a');
  return s;
}

unix_ms ms(std::chrono::milliseconds d) {
  return static_cast<unix_ms>(d.count());
}

expected<principal> load_principal(crm_state& s, std::int64_t user_id) {
  auto user = s.users->find_user(user_id);
  if (!user || !user->active)
    return make_error("unauthenticated", "the user no longer exists or was "
                                         "deactivated; sign in again");
  auto profile = s.users->find_profile(user->profile_id);
  if (!profile)
    return make_error("unauthenticated", "the user's profile is gone");
  principal who;
  who.user = std::move(*user);
  who.profile = std::move(*profile);
  who.edition = s.users->organisation().edition;
  return who;
}

} // namespace

caf::result<sign_in_result> sign_in(crm_pointer self,
                                    const sign_in_request& req) {
  auto& s = self->state;
  auto now = now_ms();
  auto since = now - ms(s.limits.throttle_window);
  auto account_key = attempt_key("email", lowercase(req.email));
  auto address_key = attempt_key("addr", req.address);
  std::optional<std::pair<user_info, std::string>> found;
  try {
    if (s.sessions->count_attempts(account_key, since) >=
            s.limits.max_failures_per_account ||
        s.sessions->count_attempts(address_key, since) >=
            s.limits.max_failures_per_address)
      return to_caf_error(
          {"too_many_attempts",
           "too many failed sign-ins; wait " +
               std::to_string(s.limits.throttle_window.count()) +
               " minutes and try again"});
    found = s.users->find_by_email(req.email);
  } catch (const std::exception& e) {
    return to_caf_error({"storage_failure", e.what()});
  }
  // Hashing happens outside any transaction: it takes a tenth of a second
  // and the store must not wait for it.
  if (s.dummy_hash.empty())
    s.dummy_hash = storage::hash_password(storage::random_token(16));
  bool good = storage::verify_password(found ? found->second : s.dummy_hash,
                                       req.password) &&
              found && found->first.active;
  if (!good) {
    (void)write(self, [&] {
      s.sessions->prune_attempts(since);
      s.sessions->add_attempt(account_key, now);
      s.sessions->add_attempt(address_key, now);
      return ok(true);
    });
    return to_caf_error(
        {"invalid_credentials", "the e-mail or the password is wrong"});
  }
  return write(self, [&]() -> expected<sign_in_result> {
    s.sessions->clear_attempts(account_key);
    // Rotation: the session the browser had (if any) ends here, so a
    // cookie planted before sign-in is worth nothing after it.
    if (!req.previous_session.empty())
      s.sessions->delete_session_by_digest(
          storage::token_digest(req.previous_session));
    s.sessions->delete_expired_sessions(now);
    sign_in_result out;
    out.session_token = storage::random_token(storage::token_bytes);
    auto csrf = storage::random_token(storage::token_bytes);
    auto id = s.sessions->create_session(
        found->first.id, storage::token_digest(out.session_token), csrf, now,
        now + ms(s.limits.session_lifetime));
    auto who = load_principal(s, found->first.id);
    if (!who)
      return who.error();
    out.who = std::move(*who);
    out.who.session_id = id;
    out.who.csrf_token = csrf;
    return out;
  });
}

caf::result<principal> authenticate(crm_pointer self, const credential& c) {
  auto& s = self->state;
  auto now = now_ms();
  auto digest = storage::token_digest(c.secret);
  auto refused =
      make_error("unauthenticated", c.bearer ? "the API token is unknown "
                                               "or revoked"
                                             : "the session has ended; "
                                               "sign in again");
  if (!c.bearer) {
    return read([&]() -> expected<principal> {
      auto session = s.sessions->find_session(digest, now);
      if (!session)
        return refused;
      auto who = load_principal(s, session->user_id);
      if (!who)
        return who;
      who->session_id = session->id;
      who->csrf_token = session->csrf_token;
      return who;
    });
  }
  return write(self, [&]() -> expected<principal> {
    auto token = s.sessions->find_token(digest);
    if (!token)
      return refused;
    auto who = load_principal(s, token->user_id);
    if (!who)
      return who;
    who->token_id = token->id;
    if (now - token->last_used_at >= ms(s.limits.token_touch_interval))
      s.sessions->touch_token(token->id, now);
    return who;
  });
}

} // namespace socialcrm::crm_detail
