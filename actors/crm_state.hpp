#pragma once

// Internal to the CRM actor (actors/crm_actor.cpp, actors/crm_sign_in.cpp):
// its state and the transaction helpers its handlers share.

#include "actors/crm_actor.hpp"
#include "protocol/actor_error.hpp"
#include "storage/attachment_repository.hpp"
#include "storage/database.hpp"
#include "storage/record_repository.hpp"
#include "storage/session_repository.hpp"
#include "storage/user_repository.hpp"
#include "storage/write_failure.hpp"

#include <SQLiteCpp/Transaction.h>
#include <caf/typed_event_based_actor.hpp>

#include <memory>
#include <string>

namespace socialcrm::crm_detail {

struct crm_state {
  // User-declared so the state is no aggregate: CAF checks whether a state
  // is constructible from `self`, and C++20 aggregates would say yes.
  crm_state() = default;

  std::shared_ptr<storage::database> db;
  std::unique_ptr<storage::user_repository> users;
  std::unique_ptr<storage::session_repository> sessions;
  std::unique_ptr<storage::record_repository> records;
  std::unique_ptr<storage::attachment_repository> attachments;
  crm_limits limits;
  // Verified against when an e-mail is unknown, so a failed sign-in takes
  // as long whether or not the account exists.
  std::string dummy_hash;
  static inline const char* name = "crm";
};

using crm_pointer = crm_actor::stateful_pointer<crm_state>;

template <class T>
caf::result<T> to_result(expected<T>&& r) {
  if (!r)
    return to_caf_error(r.error());
  return std::move(*r);
}

// Runs `f` (returning expected<T>) in one IMMEDIATE transaction, committed
// only on success. SQLite failures stop here and travel as error values
// (`storage_full` on a full disk, else `storage_failure`), logged once per
// burst (storage/write_failure.hpp).
template <class F>
auto write(crm_pointer self, F&& f)
    -> caf::result<std::decay_t<decltype(*f())>> {
  try {
    SQLite::Transaction tx(self->state.db->handle(),
                           SQLite::TransactionBehavior::IMMEDIATE);
    auto r = f();
    if (r) {
      tx.commit();
      storage::write_succeeded("CRM");
    }
    return to_result(std::move(r));
  } catch (const std::exception& e) {
    return to_caf_error(storage::write_failed("CRM", e));
  }
}

// Reads need no transaction of their own: each statement sees a snapshot.
template <class F>
auto read(F&& f) -> caf::result<std::decay_t<decltype(*f())>> {
  try {
    return to_result(f());
  } catch (const std::exception& e) {
    return to_caf_error(storage::storage_error(e));
  }
}

template <class T>
expected<T> ok(T x) {
  return expected<T>(std::move(x));
}

/// Sign-in with throttling and session rotation (crm_sign_in.cpp).
caf::result<sign_in_result> sign_in(crm_pointer self,
                                    const sign_in_request& req);

/// The principal behind a session cookie or bearer token (crm_sign_in.cpp).
caf::result<principal> authenticate(crm_pointer self, const credential& c);

} // namespace socialcrm::crm_detail
