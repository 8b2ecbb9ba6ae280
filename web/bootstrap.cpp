#include "web/bootstrap.hpp"

#include "protocol/types.hpp"
#include "storage/database.hpp"
#include "storage/secrets.hpp"
#include "storage/user_repository.hpp"
#include "web/limits.hpp"

#include <SQLiteCpp/Transaction.h>
#include <spdlog/spdlog.h>

#include <cstdlib>

namespace socialcrm::web {

namespace {

std::string env(const char* name) {
  const char* v = std::getenv(name);
  return v ? v : "";
}

bool valid_edition(const std::string& e) {
  return e == "free" || e == "standard" || e == "professional" ||
         e == "enterprise";
}

bootstrap_result refuse(std::string why) {
  return {2, std::move(why), {}};
}

// Creates a user in a default profile; false when the e-mail is taken.
bool add_user(storage::user_repository& users, const std::string& email,
              const std::string& name, const std::string& password,
              const char* profile, bool super_admin) {
  user_info u;
  u.email = email;
  u.name = name;
  u.profile_id = users.find_profile(std::string(profile))->id;
  u.super_admin = super_admin;
  return static_cast<bool>(
      users.create_user(u, storage::hash_password(password), now_ms()));
}

} // namespace

bootstrap_result bootstrap_users(const std::string& database_path, bool demo) {
  auto edition = env("SOCIALCRM_EDITION");
  if (edition.empty())
    edition = "enterprise";
  if (!valid_edition(edition))
    return refuse("SOCIALCRM_EDITION must be free, standard, professional "
                  "or enterprise [bad_edition]");
  auto email = env("SOCIALCRM_ADMIN_EMAIL");
  auto password = env("SOCIALCRM_ADMIN_PASSWORD");
  bootstrap_result out;
  try {
    storage::init_secrets();
    storage::database db(database_path);
    storage::user_repository users(db.handle());
    SQLite::Transaction tx(db.handle(), SQLite::TransactionBehavior::IMMEDIATE);
    users.ensure_defaults(edition, now_ms());
    if (users.count_users() == 0) {
      if (!email.empty() || !password.empty()) {
        if (email.find('@') == std::string::npos ||
            email.size() > max_email_length)
          return refuse("SOCIALCRM_ADMIN_EMAIL must be an e-mail address "
                        "[bad_admin_email]");
        if (password.size() < min_password_length ||
            password.size() > max_password_length)
          return refuse("SOCIALCRM_ADMIN_PASSWORD must have " +
                        std::to_string(min_password_length) + " to " +
                        std::to_string(max_password_length) +
                        " characters [bad_admin_password]");
        add_user(users, email, "Super administrator", password,
                 storage::administrator_profile, true);
        spdlog::info("super administrator {} created", email);
      } else if (!demo) {
        return refuse("this database has no users yet: set "
                      "SOCIALCRM_ADMIN_EMAIL and SOCIALCRM_ADMIN_PASSWORD "
                      "(at least " +
                      std::to_string(min_password_length) +
                      " characters) for the first start, or run with "
                      "--demo [missing_admin]");
      }
      if (demo) {
        // Fresh random passwords: a demo left running on a network is
        // not an open door.
        auto admin_pw = storage::random_token(12);
        auto user_pw = storage::random_token(12);
        if (email.empty()) {
          add_user(users, "admin@demo.socialcrm", "Demo administrator",
                   admin_pw, storage::administrator_profile, true);
          out.lines.push_back("socialcrm demo admin: admin@demo.socialcrm " +
                              admin_pw);
        }
        add_user(users, "user@demo.socialcrm", "Demo user", user_pw,
                 storage::standard_profile, false);
        out.lines.push_back("socialcrm demo user: user@demo.socialcrm " +
                            user_pw);
      }
    }
    tx.commit();
  } catch (const std::exception& e) {
    return {1,
            "cannot prepare the database " + database_path + ": " + e.what(),
            {}};
  }
  return out;
}

} // namespace socialcrm::web
