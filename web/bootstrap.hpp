#pragma once

#include <string>
#include <vector>

namespace socialcrm::web {

/// What the first start did, or why the server must not start.
struct bootstrap_result {
  int exit_code = 0;              // 2: the operator must set something
  std::string error;              // for stderr when exit_code != 0
  std::vector<std::string> lines; // for stdout (demo credentials)
};

/// Prepares the database for sign-in before the server starts: the
/// organisation row (edition from SOCIALCRM_EDITION, default enterprise),
/// the default Administrator and Standard profiles, and on a database with
/// no user the super administrator from SOCIALCRM_ADMIN_EMAIL /
/// SOCIALCRM_ADMIN_PASSWORD; with `demo`, a demo administrator and a
/// standard user with fresh passwords, printed. Refuses (exit code 2) on a
/// new database without either.
bootstrap_result bootstrap_users(const std::string& database_path, bool demo);

} // namespace socialcrm::web
