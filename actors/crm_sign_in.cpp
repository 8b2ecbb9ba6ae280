#include "actors/crm_state.hpp"

#include "storage/secrets.hpp"

#include <caf/make_message.hpp>
#include <spdlog/spdlog.h>

#include <algorithm>

namespace socialcrm {

std::chrono::milliseconds sign_in_delay(const crm_limits& limits,
                                        std::int64_t failures) {
  auto beyond = failures - limits.free_failures_per_pair;
  if (beyond < 0)
    return std::chrono::milliseconds{0};
  auto cap = std::chrono::milliseconds(limits.throttle_window);
  auto delay = limits.first_delay;
  // Doubling stops at the cap, so a huge count cannot overflow it.
  for (std::int64_t i = 0; i < beyond && delay < cap; ++i)
    delay *= 2;
  return std::min(delay, cap);
}

std::optional<std::chrono::seconds> sign_in_retry_after(const caf::error& e) {
  if (e.category() != caf::atom("crm"))
    return std::nullopt;
  auto& ctx = e.context();
  if (!ctx.match_elements<std::string, std::string, std::int64_t>() ||
      ctx.get_as<std::string>(0) != "too_many_attempts")
    return std::nullopt;
  return std::chrono::seconds{ctx.get_as<std::int64_t>(2)};
}

} // namespace socialcrm

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

// The e-mail as sent, made safe for one log line: it is untrusted input,
// and a line break in it could forge a log entry.
std::string loggable(const std::string& s) {
  std::string out;
  for (char c : s)
    out += (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) ? '?' : c;
  return out;
}

// A refused sign-in. The error carries, after code and message, the
// seconds to wait (sign_in_retry_after reads them): an upper bound, so a
// client that waits that long is let through.
caf::error throttled(const std::string& why, std::chrono::milliseconds wait) {
  auto seconds = static_cast<std::int64_t>((wait.count() + 999) / 1000);
  return caf::error(1, caf::atom("crm"),
                    caf::make_message(std::string("too_many_attempts"),
                                      "too many failed sign-ins " + why +
                                          "; try again in " +
                                          std::to_string(seconds) + " s",
                                      seconds));
}

// Which rule holds a sign-in back, and for how long.
struct throttle {
  std::string why;
  std::chrono::milliseconds wait{0};
};

// The attempt's keys in sign_in_attempts: failures count against the
// account, the address and the pair of both.
struct attempt_keys {
  std::string account;
  std::string address;
  std::string pair;
};

attempt_keys keys_of(const sign_in_request& req) {
  auto email = lowercase(req.email);
  // The address goes first: it never holds a space, the e-mail may.
  return {attempt_key("email", email), attempt_key("addr", req.address),
          attempt_key("pair", req.address + " " + email)};
}

// Whether this attempt must wait (SQLite errors propagate to the caller).
// The address ceiling stops a sprayer trying one password on many
// accounts. The pair's own failures slow a guesser with growing delays.
// The account ceiling slows, to a guess per window, only the addresses that
// already failed on the account: an address without failures of its own is
// never held back by others' failures.
std::optional<throttle> check_throttle(crm_state& s, const attempt_keys& k,
                                       unix_ms now) {
  auto& l = s.limits;
  auto window = std::chrono::milliseconds(l.throttle_window);
  auto since = now - ms(window);
  if (s.sessions->count_attempts(k.address, since) >=
      l.max_failures_per_address)
    return throttle{"from this address", window};
  auto pair_failures =
      s.sessions->count_attempts(k.pair, now - ms(l.pair_memory));
  if (pair_failures == 0)
    return std::nullopt;
  throttle t{"for this account from this address",
             sign_in_delay(l, pair_failures)};
  if (s.sessions->count_attempts(k.account, since) >=
      l.max_failures_per_account)
    t = {"for this account", window};
  if (t.wait.count() > 0 &&
      s.sessions->count_attempts(k.pair, now - ms(t.wait)) > 0)
    return t;
  return std::nullopt;
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
  auto keys = keys_of(req);
  std::optional<std::pair<user_info, std::string>> found;
  try {
    if (auto t = check_throttle(s, keys, now)) {
      // Never the password: only who was tried, from where, and why.
      spdlog::warn("sign-in throttled {}: account \"{}\" from {}, retry in "
                   "{} ms",
                   t->why, loggable(req.email), req.address, t->wait.count());
      return throttled(t->why, t->wait);
    }
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
    auto memory = std::max(std::chrono::milliseconds(s.limits.pair_memory),
                           std::chrono::milliseconds(s.limits.throttle_window));
    (void)write(self, [&] {
      s.sessions->prune_attempts(now - ms(memory));
      s.sessions->add_attempt(keys.account, now);
      s.sessions->add_attempt(keys.address, now);
      s.sessions->add_attempt(keys.pair, now);
      return ok(true);
    });
    return to_caf_error(
        {"invalid_credentials", "the e-mail or the password is wrong"});
  }
  return write(self, [&]() -> expected<sign_in_result> {
    // The pair's delays end with its success. The account's and the
    // address's failures stay: the owner signing in must not wipe what
    // others' guesses have cost them.
    s.sessions->clear_attempts(keys.pair);
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
  bool touch = false;
  std::int64_t token_id = 0;
  auto who = read([&]() -> expected<principal> {
    auto token = s.sessions->find_token(digest);
    if (!token)
      return refused;
    auto holder = load_principal(s, token->user_id);
    if (!holder)
      return holder;
    holder->token_id = token_id = token->id;
    touch = now - token->last_used_at >= ms(s.limits.token_touch_interval);
    return holder;
  });
  // "Last used" is a courtesy: a write that fails (a full disk) is logged
  // and the request still goes on; reads keep working when writes cannot.
  if (touch)
    (void)write(self, [&]() -> expected<bool> {
      s.sessions->touch_token(token_id, now);
      return true;
    });
  return who;
}

} // namespace socialcrm::crm_detail
