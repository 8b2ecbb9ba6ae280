#pragma once

// What a person's detail view (SPEC S-6, web/person_view_routes.cpp) asks
// that no other repository answers: whether a post addressed to the
// organisation was answered. Made per request; its statements, asked once
// per post of the view, are prepared once for all of them.

#include "protocol/post.hpp"

#include <SQLiteCpp/Database.h>
#include <SQLiteCpp/Statement.h>

namespace socialcrm::storage {

class person_view_repository {
public:
  explicit person_view_repository(SQLite::Database& db);

  /// Whether the organisation answered `p`: a reply on the network by a
  /// linked account or its page, or an answer sent from the social tab
  /// (replied, commented, messaged).
  bool answered(const stored_post& p);

private:
  SQLite::Statement by_reply_;
  SQLite::Statement by_action_;
};

} // namespace socialcrm::storage
