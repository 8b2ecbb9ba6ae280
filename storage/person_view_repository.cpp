#include "storage/person_view_repository.hpp"

namespace socialcrm::storage {

person_view_repository::person_view_repository(SQLite::Database& db)
  : by_reply_(db, "SELECT 1 FROM posts r JOIN linked_accounts a "
                  "ON a.network = r.network AND (r.author_id = "
                  "a.network_user_id OR (a.page_id <> '' AND r.author_id = "
                  "a.page_id)) WHERE r.network = ? AND r.in_reply_to = ? "
                  "LIMIT 1"),
    by_action_(db, "SELECT 1 FROM activity WHERE post_id = ? AND action IN "
                   "('replied','commented','messaged') LIMIT 1") {
}

bool person_view_repository::answered(const stored_post& p) {
  by_reply_.tryReset();
  by_reply_.bind(1, std::string(to_string(p.body.net)));
  by_reply_.bind(2, p.body.external_id);
  bool done = by_reply_.executeStep();
  by_reply_.tryReset(); // ends the statement's read transaction now
  if (done)
    return true;
  by_action_.tryReset();
  by_action_.bind(1, p.id);
  done = by_action_.executeStep();
  by_action_.tryReset();
  return done;
}

} // namespace socialcrm::storage
