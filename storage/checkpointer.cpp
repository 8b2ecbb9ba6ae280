#include "storage/checkpointer.hpp"
#include "protocol/thread_name.hpp"

#include "storage/database.hpp"

#include <SQLiteCpp/Statement.h>

#include <sqlite3.h>

#include <memory>
#include <utility>

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
  if (writer_)
    sqlite3_wal_hook(writer_->handle().getHandle(), nullptr, nullptr);
  {
    std::lock_guard guard{mutex_};
    stopping_ = true;
  }
  wake_.notify_all();
  thread_.join();
}

void checkpointer::watch(database& writer, checkpoint_limits l) {
  writer_ = &writer;
  limits_ = l;
  sqlite3_wal_hook(writer.handle().getHandle(), &checkpointer::on_commit,
                   this);
}

// On the writer's thread, after each commit, with the WAL's page count.
// It must stay short: the writer's next batch waits for it.
int checkpointer::on_commit(void* self, ::sqlite3* db, const char* name,
                            int pages) {
  auto* cp = static_cast<checkpointer*>(self);
  if (pages >= cp->limits_.backstop_pages) {
    // What SQLite's own automatic checkpoint does at this point; a failure
    // (a reader in the way) leaves it to the next commit.
    sqlite3_wal_checkpoint_v2(db, name, SQLITE_CHECKPOINT_PASSIVE, nullptr,
                              nullptr);
    std::lock_guard guard{cp->mutex_};
    ++cp->stats_.backstops;
  } else if (pages >= cp->limits_.restart_pages) {
    cp->wake();
  }
  return SQLITE_OK;
}

void checkpointer::wake() {
  {
    std::lock_guard guard{mutex_};
    woken_ = true;
    ++stats_.wakes;
  }
  wake_.notify_one();
}

checkpointer::stats checkpointer::snapshot() const {
  std::lock_guard guard{mutex_};
  return stats_;
}

void checkpointer::run() {
  std::unique_ptr<database> db;
  bool failing = false;
  std::unique_lock lock{mutex_};
  for (;;) {
    wake_.wait_for(lock, interval_, [this] { return stopping_ || woken_; });
    if (stopping_)
      break;
    bool woken = std::exchange(woken_, false);
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
    stats_.woken += woken ? 1 : 0;
    stats_.wal_frames = frames;
    stats_.copied_frames = copied;
    if (!error.empty()) {
      ++stats_.failures;
      stats_.last_error = std::move(error);
    }
  }
}

} // namespace socialcrm::storage
