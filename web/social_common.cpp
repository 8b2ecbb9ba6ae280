#include "web/social_common.hpp"

#include "protocol/permission_rules.hpp"
#include "storage/write_failure.hpp"
#include "web/routes.hpp"

#include <SQLiteCpp/Exception.h>
#include <spdlog/spdlog.h>

namespace socialcrm::web {

bool require_social(const call_ptr& c) {
  if (!require_social_edition(c) ||
      !require(c, may_use_social(c->who),
               "the social tab needs the social tab permission"))
    return false;
  if (!c->state.social || !c->state.pool) {
    c->fail(make_error("social_unavailable",
                       "this server process runs no social service"));
    return false;
  }
  return true;
}

bool require_social_admin(const call_ptr& c) {
  return require_social(c) &&
         require(c, may_administer_social(c->who),
                 "linked accounts are managed by administrators and social "
                 "administrators");
}

bool full_rights(const principal& who) {
  return may_administer(who);
}

void run_blocking(const call_ptr& c,
                  std::function<void(storage::database&)> f) {
  c->state.pool->post([c, f = std::move(f)](storage::database& db) {
    try {
      f(db);
    } catch (const SQLite::Exception& e) {
      // Logged once per burst; the client hears `storage_full` (507) or
      // `storage_failure` (500), never the SQL.
      auto err = storage::write_failed("social", e);
      if (err.code != "storage_full")
        err.message = "the server could not read or write its database";
      c->fail(err);
    } catch (const std::exception& e) {
      spdlog::error("{} {} failed: {}", c->req.method, c->label, e.what());
      c->fail(make_error("storage_failure",
                         "the server could not read or write its database"));
    }
  });
}

storage::feed_scope scope_of(storage::database& db, const principal& who) {
  storage::access_repository access(db.handle());
  return {access.visible_accounts(who.user.id, who.profile.id,
                                  full_rights(who))};
}

bool require_operation(const call_ptr& c, storage::database& db,
                       const storage::linked_account& account,
                       storage::operation op) {
  storage::access_repository access(db.handle());
  auto ops = access.operations(account.id, c->who.profile.id,
                               full_rights(c->who));
  if (ops.count(op))
    return true;
  c->fail(make_error("operation_not_allowed",
                     "the profile '" + c->who.profile.name + "' may not " +
                         std::string(storage::to_string(op)) +
                         " on the linked account " + std::to_string(account.id) +
                         " (" + std::string(to_string(account.net)) + " " +
                         account.handle + ")"));
  return false;
}

nlohmann::json account_json(const storage::linked_account& a) {
  return {{"id", std::to_string(a.id)},
          {"network", to_string(a.net)},
          {"network_user_id", a.network_user_id},
          {"handle", a.handle},
          {"page_id", a.page_id},
          {"page_name", a.page_name},
          {"status", to_string(a.status)}};
}

} // namespace socialcrm::web
