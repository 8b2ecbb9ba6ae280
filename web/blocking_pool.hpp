#pragma once

// A few threads for the social tab's blocking work: SQLite reads and
// writes of social settings and feeds, and calls to the networks (compose,
// actions, OAuth code exchange). Neither the HTTP I/O threads nor CAF's
// scheduler threads may block on these. Each thread keeps its own SQLite
// connection (WAL lets them run beside the event store's writer).

#include "storage/database.hpp"

#include <functional>
#include <memory>
#include <string>

namespace socialcrm::web {

class blocking_pool {
public:
  /// A job runs on one of the pool's threads with that thread's connection.
  using job = std::function<void(storage::database&)>;

  /// Why 4 threads: a compose to several accounts or an OAuth exchange can
  /// wait seconds on a network; four keep feed reads flowing meanwhile on a
  /// small server without oversubscribing two cores with CPU work.
  static constexpr unsigned default_threads = 4;

  blocking_pool(std::string db_path, unsigned threads = default_threads);
  ~blocking_pool(); // stop()s
  blocking_pool(const blocking_pool&) = delete;
  blocking_pool& operator=(const blocking_pool&) = delete;

  /// Queues `j`. After stop() jobs are dropped (their callers' responders
  /// then close the connections).
  void post(job j);

  /// Finishes the jobs already running, drops the queued ones, joins.
  void stop();

private:
  struct impl;
  std::unique_ptr<impl> impl_;
};

} // namespace socialcrm::web
