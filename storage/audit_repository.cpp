#include "storage/audit_repository.hpp"

#include <SQLiteCpp/Statement.h>

namespace socialcrm::storage {

std::int64_t audit_repository::add(const audit_entry& e) {
  SQLite::Statement q(db_,
                      "INSERT INTO audit_log (at, user_id, user_email, action, "
                      "target, ids, result) VALUES (?, ?, ?, ?, ?, ?, ?)");
  q.bind(1, static_cast<std::int64_t>(e.at));
  q.bind(2, e.user_id);
  q.bind(3, e.user_email);
  q.bind(4, e.action);
  q.bind(5, e.target);
  q.bind(6, e.ids);
  q.bind(7, e.result);
  q.exec();
  return db_.getLastInsertRowid();
}

std::vector<audit_entry> audit_repository::list(std::int64_t before,
                                                std::int64_t limit) {
  SQLite::Statement q(db_,
                      "SELECT id, at, user_id, user_email, action, target, "
                      "ids, result FROM audit_log WHERE (? = 0 OR id < ?) "
                      "ORDER BY id DESC LIMIT ?");
  q.bind(1, before);
  q.bind(2, before);
  q.bind(3, limit);
  std::vector<audit_entry> out;
  while (q.executeStep()) {
    audit_entry e;
    e.id = q.getColumn(0).getInt64();
    e.at = q.getColumn(1).getInt64();
    e.user_id = q.getColumn(2).getInt64();
    e.user_email = q.getColumn(3).getString();
    e.action = q.getColumn(4).getString();
    e.target = q.getColumn(5).getString();
    e.ids = q.getColumn(6).getString();
    e.result = q.getColumn(7).getString();
    out.push_back(std::move(e));
  }
  return out;
}

} // namespace socialcrm::storage
