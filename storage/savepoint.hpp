#pragma once

#include <SQLiteCpp/Database.h>

#include <string>

namespace socialcrm::storage {

/// A savepoint that is rolled back and released unless release() is called:
/// atomic on its own, and nested inside a caller's transaction when there
/// is one. Not SQLite::Savepoint: in SQLiteCpp 3.2.1 (Debian 12) its
/// destructor only rolls back to the savepoint and never releases it, so one
/// opened outside a transaction leaves the connection inside one, holding
/// the write lock.
class savepoint {
public:
  savepoint(SQLite::Database& db, std::string name)
    : db_(db), name_(std::move(name)) {
    db_.exec("SAVEPOINT " + name_);
  }
  savepoint(const savepoint&) = delete;
  savepoint& operator=(const savepoint&) = delete;

  ~savepoint() {
    if (released_)
      return;
    try {
      db_.exec("ROLLBACK TO " + name_);
      db_.exec("RELEASE " + name_);
    } catch (...) {
      // Destructors never throw; a failed rollback leaves SQLite's own
      // state, which the next statement reports.
    }
  }

  void release() {
    db_.exec("RELEASE " + name_);
    released_ = true;
  }

private:
  SQLite::Database& db_;
  std::string name_; // a plain identifier chosen by the caller
  bool released_ = false;
};

} // namespace socialcrm::storage
