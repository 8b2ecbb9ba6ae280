#include "storage/access_repository.hpp"

#include <SQLiteCpp/Statement.h>
#include <SQLiteCpp/Transaction.h>

#include <algorithm>

namespace socialcrm::storage {

namespace {

bool exists(SQLite::Database& db, const char* sql, std::int64_t id) {
  SQLite::Statement q(db, sql);
  q.bind(1, id);
  return q.executeStep();
}

} // namespace

std::string_view to_string(operation op) {
  switch (op) {
    case operation::view:
      return "view";
    case operation::post:
      return "post";
    case operation::reply:
      return "reply";
    case operation::like:
      return "like";
    case operation::repost:
      return "repost";
    case operation::message:
      return "message";
  }
  return "view";
}

std::optional<operation> parse_operation(std::string_view s) {
  for (auto op : all_operations())
    if (to_string(op) == s)
      return op;
  return std::nullopt;
}

const std::vector<operation>& all_operations() {
  static const std::vector<operation> all{operation::view,  operation::post,
                                          operation::reply, operation::like,
                                          operation::repost, operation::message};
  return all;
}

operation_set default_operations(bool full_rights) {
  if (full_rights)
    return {all_operations().begin(), all_operations().end()};
  return {operation::view, operation::reply, operation::like};
}

access_repository::access_repository(SQLite::Database& db) : db_(db) {}

operation_set access_repository::operations(std::int64_t account_id,
                                            std::int64_t profile_id,
                                            bool full_rights) {
  if (full_rights)
    return default_operations(true);
  SQLite::Statement set(db_, "SELECT 1 FROM account_operations_set "
                             "WHERE account_id = ? AND profile_id = ?");
  set.bind(1, account_id);
  set.bind(2, profile_id);
  if (!set.executeStep())
    return default_operations(false);
  set.tryReset();
  operation_set out;
  SQLite::Statement q(db_, "SELECT operation FROM account_operations "
                           "WHERE account_id = ? AND profile_id = ?");
  q.bind(1, account_id);
  q.bind(2, profile_id);
  while (q.executeStep())
    if (auto op = parse_operation(q.getColumn(0).getString()))
      out.insert(*op);
  return out;
}

std::map<std::int64_t, operation_set>
access_repository::matrix(std::int64_t account_id) {
  std::vector<std::pair<std::int64_t, bool>> profiles;
  {
    SQLite::Statement q(db_, "SELECT id, admin FROM profiles ORDER BY id");
    while (q.executeStep())
      profiles.emplace_back(q.getColumn(0).getInt64(),
                            q.getColumn(1).getInt() != 0);
  }
  std::map<std::int64_t, operation_set> out;
  for (auto& [id, admin] : profiles)
    out[id] = operations(account_id, id, admin);
  return out;
}

expected<bool> access_repository::set_operations(
  std::int64_t account_id,
  const std::map<std::int64_t, operation_set>& by_profile) {
  SQLite::Transaction tx(db_, SQLite::TransactionBehavior::IMMEDIATE);
  if (!exists(db_, "SELECT 1 FROM linked_accounts WHERE id = ?", account_id))
    return make_error("account_not_found",
                      "no linked account has id " + std::to_string(account_id));
  for (auto& [profile, ops] : by_profile) {
    if (!exists(db_, "SELECT 1 FROM profiles WHERE id = ?", profile))
      return make_error("profile_not_found",
                        "no profile has id " + std::to_string(profile));
    SQLite::Statement del(db_, "DELETE FROM account_operations "
                               "WHERE account_id = ? AND profile_id = ?");
    del.bind(1, account_id);
    del.bind(2, profile);
    del.exec();
    SQLite::Statement mark(db_, "INSERT OR IGNORE INTO account_operations_set "
                                "(account_id, profile_id) VALUES (?, ?)");
    mark.bind(1, account_id);
    mark.bind(2, profile);
    mark.exec();
    SQLite::Statement add(db_, "INSERT INTO account_operations "
                               "(account_id, profile_id, operation) "
                               "VALUES (?, ?, ?)");
    for (auto op : ops) {
      add.bind(1, account_id);
      add.bind(2, profile);
      add.bind(3, std::string(to_string(op)));
      add.exec();
      add.tryReset();
    }
  }
  tx.commit();
  return true;
}

std::vector<std::int64_t> access_repository::filter(std::int64_t user_id) {
  std::vector<std::int64_t> out;
  SQLite::Statement q(db_, "SELECT account_id FROM user_filter_accounts "
                           "WHERE user_id = ? ORDER BY account_id");
  q.bind(1, user_id);
  while (q.executeStep())
    out.push_back(q.getColumn(0).getInt64());
  return out;
}

expected<bool>
access_repository::set_filter(std::int64_t user_id,
                              const std::vector<std::int64_t>& accounts) {
  SQLite::Transaction tx(db_, SQLite::TransactionBehavior::IMMEDIATE);
  for (auto id : accounts)
    if (!exists(db_, "SELECT 1 FROM linked_accounts WHERE id = ?", id))
      return make_error("account_not_found",
                        "no linked account has id " + std::to_string(id));
  SQLite::Statement del(db_,
                        "DELETE FROM user_filter_accounts WHERE user_id = ?");
  del.bind(1, user_id);
  del.exec();
  SQLite::Statement add(db_, "INSERT OR IGNORE INTO user_filter_accounts "
                             "(user_id, account_id) VALUES (?, ?)");
  for (auto id : accounts) {
    add.bind(1, user_id);
    add.bind(2, id);
    add.exec();
    add.tryReset();
  }
  tx.commit();
  return true;
}

std::vector<std::int64_t>
access_repository::viewable_accounts(std::int64_t profile_id,
                                     bool full_rights) {
  std::vector<std::int64_t> ids;
  {
    SQLite::Statement q(db_, "SELECT id FROM linked_accounts ORDER BY id");
    while (q.executeStep())
      ids.push_back(q.getColumn(0).getInt64());
  }
  std::vector<std::int64_t> out;
  for (auto id : ids)
    if (operations(id, profile_id, full_rights).count(operation::view))
      out.push_back(id);
  return out;
}

std::vector<std::int64_t>
access_repository::visible_accounts(std::int64_t user_id,
                                    std::int64_t profile_id,
                                    bool full_rights) {
  auto out = viewable_accounts(profile_id, full_rights);
  auto chosen = filter(user_id);
  if (chosen.empty())
    return out;
  std::vector<std::int64_t> both;
  std::set_intersection(out.begin(), out.end(), chosen.begin(), chosen.end(),
                        std::back_inserter(both));
  return both;
}

} // namespace socialcrm::storage
