#include "actors/crm_actor.hpp"
#include "actors/system_config.hpp"
#include "protocol/actor_error.hpp"
#include "storage/database.hpp"
#include "storage/secrets.hpp"
#include "storage/user_repository.hpp"
#include "tests/support/temp_dir.hpp"

#include <catch2/catch.hpp>

#include <caf/actor_system.hpp>
#include <caf/scoped_actor.hpp>

using namespace socialcrm;
using namespace std::chrono_literals;

namespace {

constexpr const char* owner = "owner@example.com";
constexpr const char* password = "the owner's password";

// What one sign-in came to: "ok", or the error code with the seconds to
// wait that a throttled one carries.
struct outcome {
  std::string code;
  std::optional<std::chrono::seconds> retry_after;
};

// The CRM actor on a real database file with one user, under `limits`.
// The delays are limits, so each test picks them far from the time its
// attempts take: nothing depends on the clock.
struct sign_in_fixture {
  explicit sign_in_fixture(crm_limits limits) {
    storage::init_secrets();
    {
      storage::database db(path);
      storage::user_repository users(db.handle());
      users.ensure_defaults("enterprise", now_ms());
      user_info u;
      u.email = owner;
      u.name = "Owner";
      u.profile_id = users.find_profile(storage::administrator_profile)->id;
      u.super_admin = true;
      REQUIRE(users.create_user(u, storage::hash_password(password), now_ms()));
    }
    crm = spawn_crm(sys, path, limits);
  }
  ~sign_in_fixture() { self->send_exit(crm, caf::exit_reason::user_shutdown); }

  outcome attempt(const std::string& email, const std::string& pw,
                  const std::string& address) {
    sign_in_request req;
    req.email = email;
    req.password = pw;
    req.address = address;
    outcome out;
    self->request(crm, std::chrono::seconds(30), signin_atom::value, req)
        .receive([&](sign_in_result&) { out.code = "ok"; },
                 [&](caf::error& e) {
                   out.retry_after = sign_in_retry_after(e);
                   out.code = out.retry_after ? "too_many_attempts"
                                              : to_error_info(e).code;
                 });
    return out;
  }

  test::temp_dir dir;
  std::string path = dir.file("crm.db");
  system_config cfg;
  caf::actor_system sys{cfg};
  caf::scoped_actor self{sys};
  crm_actor crm;
};

} // namespace

TEST_CASE("sign-in delays are free for typos, then double up to the window",
          "[crm][sign_in]") {
  crm_limits l; // the defaults serve uses
  CHECK(sign_in_delay(l, 0) == 0ms);
  CHECK(sign_in_delay(l, 2) == 0ms);
  CHECK(sign_in_delay(l, 3) == 1s);
  CHECK(sign_in_delay(l, 4) == 2s);
  CHECK(sign_in_delay(l, 5) == 4s);
  CHECK(sign_in_delay(l, 12) == 512s);
  CHECK(sign_in_delay(l, 13) == 15min);
  CHECK(sign_in_delay(l, 1'000'000'000) == 15min);
  // The ceiling sits far above what one address may try in a window.
  CHECK(l.max_failures_per_account >= 20 * l.max_failures_per_address);
}

TEST_CASE("failures from one address hold back that address and never the "
          "right password from another",
          "[crm][sign_in][integration]") {
  crm_limits l;
  l.free_failures_per_pair = 2;
  l.first_delay = 1min;
  sign_in_fixture f(l);
  CHECK(f.attempt(owner, "guess 1", "203.0.113.7").code ==
        "invalid_credentials");
  CHECK(f.attempt(owner, "guess 2", "203.0.113.7").code ==
        "invalid_credentials");
  // The guesser waits, even with the right password...
  auto held = f.attempt(owner, password, "203.0.113.7");
  CHECK(held.code == "too_many_attempts");
  CHECK(held.retry_after == 60s);
  // ...and hammering does not count as failing: the wait stays the same.
  CHECK(f.attempt(owner, "guess 3", "203.0.113.7").retry_after == 60s);
  // The owner, elsewhere, is not held back.
  CHECK(f.attempt(owner, password, "198.51.100.1").code == "ok");
  // Nor does the owner's success free the guesser.
  CHECK(f.attempt(owner, "guess 4", "203.0.113.7").code == "too_many_attempts");
  // The e-mail's case makes no second account to guess at.
  CHECK(f.attempt("OWNER@example.com", "guess 5", "203.0.113.7").code ==
        "too_many_attempts");
}

TEST_CASE("the account ceiling slows the addresses that failed on it, and "
          "lets a new address with the right password in",
          "[crm][sign_in][integration]") {
  crm_limits l;
  l.free_failures_per_pair = 100; // only the ceiling acts
  l.max_failures_per_account = 3;
  sign_in_fixture f(l);
  for (auto addr : {"10.0.0.1", "10.0.0.2", "10.0.0.3"})
    CHECK(f.attempt(owner, "guess", addr).code == "invalid_credentials");
  // Ceiling reached: an address that failed waits a whole window.
  auto held = f.attempt(owner, password, "10.0.0.1");
  CHECK(held.code == "too_many_attempts");
  CHECK(held.retry_after == 15min);
  // An address without failures of its own gets in...
  CHECK(f.attempt(owner, password, "10.0.0.9").code == "ok");
  // ...or, guessing, gets one try and then waits too.
  CHECK(f.attempt(owner, "guess", "10.0.0.10").code == "invalid_credentials");
  CHECK(f.attempt(owner, password, "10.0.0.10").code == "too_many_attempts");
}

TEST_CASE("the address ceiling holds back a password sprayer on every "
          "account, and that address alone",
          "[crm][sign_in][integration]") {
  crm_limits l;
  l.max_failures_per_address = 3;
  sign_in_fixture f(l);
  for (auto who : {"a@example.com", "b@example.com", "c@example.com"})
    CHECK(f.attempt(who, "Summer2026!", "192.0.2.5").code ==
          "invalid_credentials");
  auto held = f.attempt(owner, password, "192.0.2.5");
  CHECK(held.code == "too_many_attempts");
  CHECK(held.retry_after == 15min);
  CHECK(f.attempt(owner, password, "192.0.2.6").code == "ok");
}
