#include "sim/emulator.hpp"

#include "http/server.hpp"
#include "http/url.hpp"
#include "sim/control.hpp"
#include "sim/network.hpp"
#include "sim/networks.hpp"
#include "sim/traffic.hpp"
#include "sim/world.hpp"

#include <chrono>
#include <condition_variable>
#include <functional>
#include <map>
#include <mutex>
#include <thread>

namespace socialcrm::sim {

namespace {

/// How often the background thread checks for due traffic: fine enough for
/// rates up to a few hundred items per second, cheap when idle.
constexpr std::chrono::milliseconds traffic_tick{50};

/// Runs delayed work (slow answers, traffic ticks) on one thread, so the
/// HTTP I/O thread never sleeps.
class scheduler {
public:
  using clock = std::chrono::steady_clock;

  void start(std::function<void()> tick) {
    tick_ = std::move(tick);
    thread_ = std::thread([this] { run(); });
  }

  void after(std::chrono::milliseconds delay, std::function<void()> fn) {
    std::lock_guard guard{mutex_};
    jobs_.emplace(clock::now() + delay, std::move(fn));
    cv_.notify_one();
  }

  /// Drops pending jobs (their responders close the connections) and joins.
  void stop() {
    {
      std::lock_guard guard{mutex_};
      stopping_ = true;
      cv_.notify_one();
    }
    if (thread_.joinable())
      thread_.join();
    jobs_.clear();
  }

private:
  void run() {
    std::unique_lock lock{mutex_};
    auto next_tick = clock::now() + traffic_tick;
    while (!stopping_) {
      auto wake = next_tick;
      if (!jobs_.empty())
        wake = std::min(wake, jobs_.begin()->first);
      cv_.wait_until(lock, wake);
      auto now = clock::now();
      while (!stopping_ && !jobs_.empty() && jobs_.begin()->first <= now) {
        auto fn = std::move(jobs_.begin()->second);
        jobs_.erase(jobs_.begin());
        lock.unlock();
        fn();
        lock.lock();
      }
      if (!stopping_ && now >= next_tick) {
        next_tick = now + traffic_tick;
        lock.unlock();
        tick_();
        lock.lock();
      }
    }
  }

  std::mutex mutex_;
  std::condition_variable cv_;
  std::multimap<clock::time_point, std::function<void()>> jobs_;
  std::function<void()> tick_;
  std::thread thread_;
  bool stopping_ = false;
};

http::response not_found(const std::string& path) {
  return json_response(404, {{"error", {{"code", "not_found"},
                                        {"message", "no network serves "
                                                      + path}}}});
}

} // namespace

struct emulator::impl {
  options opts;
  world w;
  traffic_generator traffic;
  scheduler sched;
  std::unique_ptr<http::server> server;
  std::string base;
  bool running = false;

  explicit impl(options o)
    : opts(std::move(o)), w(world_options{opts.seed, 1.0}, make_networks()) {
    traffic_mix m;
    m.rate = opts.rate;
    traffic.configure(m);
  }

  void on_request(http::request req, http::responder respond) {
    std::string path(req.path());
    if (path == "/_sim" || path.rfind("/_sim/", 0) == 0) {
      std::lock_guard guard{w.mutex()};
      return respond(handle_control(req, path.substr(5), w, traffic));
    }
    // "/x/2/users/me" -> network "x", path "/2/users/me".
    auto slash = path.find('/', 1);
    std::string id = path.substr(1, slash == std::string::npos ? std::string::npos
                                                               : slash - 1);
    std::unique_lock lock{w.mutex()};
    network* net = w.find_network(id);
    if (!net)
      return respond(not_found(path));
    call c{req, slash == std::string::npos ? "/" : path.substr(slash),
           http::parse_query(req.query()), base + "/" + id};
    auto& st = w.stats(id);
    ++st.requests;
    auto now_ms = w.clock().now_ms();
    http::response res;
    if (w.faults().take(id, fault_kind::error_5xx, now_ms)) {
      ++st.faults;
      res = net->server_error(c, w);
    } else {
      try {
        res = net->handle(c, w);
      } catch (const std::exception&) {
        // A module bug must not take the emulator down: answer the way the
        // network answers its own internal errors.
        res = net->server_error(c, w);
      }
    }
    ++st.by_status[res.status];
    auto slow = w.faults().take(id, fault_kind::slow, now_ms);
    if (slow)
      ++st.faults;
    lock.unlock();
    if (slow)
      sched.after(std::chrono::milliseconds(slow->delay_ms),
                  [respond, res = std::move(res)] { respond(res); });
    else
      respond(std::move(res));
  }
};

emulator::emulator(options opts) : impl_(std::make_unique<impl>(opts)) {}

emulator::~emulator() {
  stop();
}

std::uint16_t emulator::start() {
  auto& s = *impl_;
  if (s.running)
    return static_cast<std::uint16_t>(
      std::stoi(s.base.substr(s.base.rfind(':') + 1)));
  http::server_limits limits;
  s.server = std::make_unique<http::server>(
    limits, [p = impl_.get()](http::request req, http::responder r) {
      p->on_request(std::move(req), std::move(r));
    });
  auto port = s.server->start(s.opts.host, s.opts.port);
  bool v6 = s.opts.host.find(':') != std::string::npos;
  s.base = "http://" + (v6 ? "[" + s.opts.host + "]" : s.opts.host) + ":"
           + std::to_string(port);
  s.sched.start([p = impl_.get()] {
    std::lock_guard guard{p->w.mutex()};
    p->traffic.tick(p->w, p->w.clock().now_ms());
  });
  s.running = true;
  return port;
}

void emulator::stop() {
  auto& s = *impl_;
  if (!s.running)
    return;
  s.running = false;
  s.sched.stop();
  s.server->stop();
  s.server.reset();
}

std::string emulator::base_url() const {
  return impl_->base;
}

} // namespace socialcrm::sim
