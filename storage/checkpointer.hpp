#pragma once

// A background WAL checkpointer for the event store's connection.
//
// A checkpoint on the writer's own connection (SQLite's automatic one at
// 1,000 WAL pages, or a larger threshold) runs inside the commit that
// crosses it: with synchronous=NORMAL that commit waits for the copy and
// the fsyncs, 17 to 31 ms about once a second at 5,000 posts/s with a
// 16 MB threshold, and every live client sees it (bench/fanout). So the
// writer never checkpoints in the normal course:
// this thread, on a connection of its own, runs PASSIVE checkpoints, which
// block neither the writer nor any reader.
//
// A WAL only starts over from its first frame when the writer begins a
// transaction while every frame has been copied. A checkpoint that runs on
// a timer nearly always has newer frames land during its run, so under
// steady writes the WAL would grow without end. watch() therefore wakes
// this thread right after each commit that leaves the WAL past
// wal_restart_pages: a pass that starts just after a commit copies only
// what that commit wrote and usually ends before the next one, and the
// writer starts the WAL over on its next transaction. Only when commits
// follow each other with no gap at all does the WAL reach
// wal_backstop_pages, and then the writer checkpoints inline, as SQLite
// would.

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <mutex>
#include <string>
#include <thread>

struct sqlite3; // sqlite3.h stays out of headers

namespace socialcrm::storage {

class database;

/// WAL size (pages) past which a commit wakes the checkpointer: SQLite's
/// own automatic checkpoint threshold, so the WAL stays about 4 MB.
inline constexpr int wal_restart_pages = 1000;

/// The writer's backstop: its own PASSIVE checkpoint once the WAL holds
/// this many pages (16 MB), for writes that leave the background pass no
/// gap to finish in. A checkpoint in the writer's thread has no writer
/// beside it and finishes, so the WAL stays bounded whatever the load.
inline constexpr int wal_backstop_pages = 4096;

/// How often the checkpointer runs without being woken: copies what a
/// quiet writer left in the WAL into the database file.
inline constexpr std::chrono::milliseconds checkpoint_interval{1000};

/// When a commit of the writer wakes the checkpointer, and when the writer
/// checkpoints itself (tests use smaller values).
struct checkpoint_limits {
  int restart_pages = wal_restart_pages;
  int backstop_pages = wal_backstop_pages;
};

class checkpointer {
public:
  struct stats {
    std::uint64_t runs = 0;
    std::uint64_t failures = 0;
    std::string last_error;
    /// From the last run: frames in the WAL and frames copied to the
    /// database file (equal when the checkpoint caught up).
    int wal_frames = 0;
    int copied_frames = 0;
    /// Wake-ups asked for by commits (watch()), runs that followed one
    /// (fewer when several came during one run), and checkpoints the
    /// writer ran itself at wal_backstop_pages.
    std::uint64_t wakes = 0;
    std::uint64_t woken = 0;
    std::uint64_t backstops = 0;
  };


  /// Starts checkpointing the database at `path` (already created and
  /// migrated) every `interval`; `on_error` hears the first failure of a
  /// streak (a full disk, say), and the next run tries again.
  checkpointer(std::string path, std::chrono::milliseconds interval,
               std::function<void(const std::string&)> on_error = {});
  /// Stops after the run in progress, if any, and stops watching.
  ~checkpointer();

  /// Watches the commits of `writer`, the connection that writes this
  /// database, from its own thread (SQLite's WAL hook, which replaces its
  /// automatic checkpoint): a commit that leaves the WAL past
  /// `l.restart_pages` wakes the checkpointer; one past `l.backstop_pages`
  /// checkpoints on the spot. `writer` must outlive the checkpointer.
  void watch(database& writer, checkpoint_limits l = {});

  checkpointer(const checkpointer&) = delete;
  checkpointer& operator=(const checkpointer&) = delete;

  stats snapshot() const;

private:
  void run();
  void wake();
  static int on_commit(void* self, ::sqlite3* db, const char* name,
                       int pages);

  const std::string path_;
  const std::chrono::milliseconds interval_;
  std::function<void(const std::string&)> on_error_;
  mutable std::mutex mutex_;
  std::condition_variable wake_;
  bool stopping_ = false;
  bool woken_ = false;
  stats stats_;
  database* writer_ = nullptr;
  checkpoint_limits limits_;
  std::thread thread_;
};

} // namespace socialcrm::storage
