#pragma once

// A background WAL checkpointer for the event store's connection.
//
// SQLite's automatic checkpoint runs inside the commit that crosses 1,000
// WAL pages, on the writer's own thread: with synchronous=NORMAL that
// commit also waits for the fsyncs of the checkpoint. At a few thousand
// posts per second that is one ingest batch every second or so held up for
// tens of milliseconds, and every live client sees it (bench/fanout).
// The store therefore moves the automatic checkpoint out to a backstop
// (wal_backstop_pages) and this thread, on a connection of its own, runs a
// PASSIVE checkpoint every `interval`: it copies what readers no longer
// need into the database file without blocking the writer or any reader,
// and the writer starts the WAL over once everything has been copied.

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <mutex>
#include <string>
#include <thread>

namespace socialcrm::storage {

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
  };

  /// Starts checkpointing the database at `path` (already created and
  /// migrated) every `interval`; `on_error` hears the first failure of a
  /// streak (a full disk, say), and the next run tries again.
  checkpointer(std::string path, std::chrono::milliseconds interval,
               std::function<void(const std::string&)> on_error = {});
  /// Stops after the run in progress, if any.
  ~checkpointer();

  checkpointer(const checkpointer&) = delete;
  checkpointer& operator=(const checkpointer&) = delete;

  stats snapshot() const;

private:
  void run();

  const std::string path_;
  const std::chrono::milliseconds interval_;
  std::function<void(const std::string&)> on_error_;
  mutable std::mutex mutex_;
  std::condition_variable wake_;
  bool stopping_ = false;
  stats stats_;
  std::thread thread_;
};

/// The store's backstop: its own (automatic, PASSIVE) checkpoint once the
/// WAL holds this many pages (16 MB). Under writes that never pause, the
/// background checkpoint never finds the WAL fully copied (new frames land
/// while it runs), so the writer never starts the WAL over and it grows
/// without bound (242 MB in 12 s of bench/fanout). A checkpoint in the
/// writer's own thread has no writer beside it and finishes; as the
/// background has copied nearly everything by then, it costs little more
/// than one fsync, once per 16 MB of writes.
inline constexpr int wal_backstop_pages = 4096;

/// How often the store's checkpointer runs: about as often as SQLite's own
/// 1,000-page checkpoint would at 5,000 posts/s, so the WAL stays a few MB
/// and hot pages are not copied more often than before.
inline constexpr std::chrono::milliseconds checkpoint_interval{1000};

} // namespace socialcrm::storage
