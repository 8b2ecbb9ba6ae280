#include "storage/checkpointer.hpp"
#include "protocol/thread_name.hpp"

#include "storage/database.hpp"

#include <SQLiteCpp/Statement.h>

#include <memory>

namespace socialcrm::storage {

checkpointer::checkpointer(std::string path,
                           std::chrono::milliseconds interval,
                           std::function<void(const std::string&)> on_error)
  : path_(std::move(path)), interval_(interval),
    on_error_(std::move(on_error)) {
  thread_ = std::thread([this] {
    name_this_thread("scrm.checkpoint");
    run();
  });
}

checkpointer::~checkpointer() {
  {
    std::lock_guard guard{mutex_};
    stopping_ = true;
  }
  wake_.notify_all();
  thread_.join();
}

checkpointer::stats checkpointer::snapshot() const {
  std::lock_guard guard{mutex_};
  return stats_;
}

void checkpointer::run() {
  std::unique_ptr<database> db;
  bool failing = false;
  std::unique_lock lock{mutex_};
  while (!wake_.wait_for(lock, interval_, [this] { return stopping_; })) {
    lock.unlock();
    std::string error;
    int frames = 0;
    int copied = 0;
    try {
      if (!db)
        db = std::make_unique<database>(path_);
      // One row: busy (0/1), frames in the WAL, frames checkpointed.
      SQLite::Statement q(db->handle(), "PRAGMA wal_checkpoint(PASSIVE)");
      if (q.executeStep()) {
        frames = q.getColumn(1).getInt();
        copied = q.getColumn(2).getInt();
      }
    } catch (const std::exception& e) {
      error = e.what();
      db.reset(); // opened afresh next time
    }
    // Told once per streak of failures, not every interval.
    if (!error.empty() && !failing && on_error_)
      on_error_(error);
    failing = !error.empty();
    lock.lock();
    ++stats_.runs;
    stats_.wal_frames = frames;
    stats_.copied_frames = copied;
    if (!error.empty()) {
      ++stats_.failures;
      stats_.last_error = std::move(error);
    }
  }
}

} // namespace socialcrm::storage
