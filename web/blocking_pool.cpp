#include "web/blocking_pool.hpp"
#include "protocol/thread_name.hpp"

#include <spdlog/spdlog.h>

#include <condition_variable>
#include <deque>
#include <mutex>
#include <thread>
#include <vector>

namespace socialcrm::web {

struct blocking_pool::impl {
  std::string path;
  std::mutex mx;
  std::condition_variable cv;
  std::deque<job> queue;
  bool stopping = false;
  std::vector<std::thread> threads;

  void run() {
    // Opened lazily, reopened after a failure: a thread without a working
    // connection must not take the whole pool down.
    std::unique_ptr<storage::database> db;
    for (;;) {
      job j;
      {
        std::unique_lock lock(mx);
        cv.wait(lock, [&] { return stopping || !queue.empty(); });
        if (stopping)
          return;
        j = std::move(queue.front());
        queue.pop_front();
      }
      try {
        if (!db)
          db = std::make_unique<storage::database>(path);
        j(*db);
      } catch (const std::exception& e) {
        // Jobs answer their own errors; this is the last resort, and the
        // connection may be the cause.
        spdlog::error("social job failed: {}", e.what());
        db.reset();
      }
    }
  }
};

blocking_pool::blocking_pool(std::string db_path, unsigned threads)
    : impl_(std::make_unique<impl>()) {
  impl_->path = std::move(db_path);
  for (unsigned i = 0; i < threads; ++i)
    impl_->threads.emplace_back([p = impl_.get()] {
      name_this_thread("scrm.pool");
      p->run();
    });
}

blocking_pool::~blocking_pool() {
  stop();
}

void blocking_pool::post(job j) {
  std::lock_guard lock(impl_->mx);
  if (impl_->stopping)
    return;
  impl_->queue.push_back(std::move(j));
  impl_->cv.notify_one();
}

void blocking_pool::stop() {
  {
    std::lock_guard lock(impl_->mx);
    if (impl_->stopping && impl_->threads.empty())
      return;
    impl_->stopping = true;
    impl_->queue.clear();
  }
  impl_->cv.notify_all();
  for (auto& t : impl_->threads)
    if (t.joinable())
      t.join();
  impl_->threads.clear();
}

} // namespace socialcrm::web
