#include "sim/emulator.hpp"

#include "http/certificates.hpp"
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
#include <algorithm>
#include <map>
#include <optional>
#include <mutex>
#include <stdexcept>
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

std::string url_of(const std::string& scheme, const std::string& host,
                   std::uint16_t port) {
  bool v6 = host.find(':') != std::string::npos;
  return scheme + "://" + (v6 ? "[" + host + "]" : host) + ":"
         + std::to_string(port);
}

/// The names a certificate of the emulator must carry: its listen hosts,
/// and the loopback names a client on the same machine may use.
std::vector<std::string> certificate_hosts(const options& o) {
  std::vector<std::string> hosts{"localhost", "127.0.0.1", "::1"};
  auto add = [&](const std::string& h) {
    if (!h.empty() && h != "0.0.0.0" && h != "::"
        && std::find(hosts.begin(), hosts.end(), h) == hosts.end())
      hosts.push_back(h);
  };
  add(o.host);
  for (const auto& [id, at] : o.network_listen)
    add(at.host);
  return hosts;
}

} // namespace

struct emulator::impl {
  /// A network served at the root of a listener of its own.
  struct root_listener {
    network* net = nullptr;
    std::unique_ptr<http::server> server;
    std::string url;
  };

  options opts;
  world w;
  traffic_generator traffic;
  scheduler sched;
  std::unique_ptr<http::server> server;
  std::string base;
  std::vector<root_listener> roots;
  std::string ca;
  bool running = false;

  explicit impl(options o)
    : opts(std::move(o)), w(world_options{opts.seed, 1.0}, make_networks()) {
    traffic_mix m;
    m.rate = opts.rate;
    traffic.configure(m);
  }

  /// GET /_sim/networks: where each network is served.
  http::response networks_answer() const {
    nlohmann::json list = nlohmann::json::array();
    for (const auto& r : roots)
      list.push_back({{"network", std::string(r.net->id())},
                      {"url", r.url},
                      {"prefix_url", base + "/" + std::string(r.net->id())}});
    return json_response(200, {{"networks", list},
                               {"tls", !ca.empty()},
                               {"ca_file", ca}});
  }

  /// A request on the prefixed listener (`root` null) or on a network's own.
  void on_request(http::request req, http::responder respond,
                  const root_listener* root) {
    std::string path(req.path());
    if (path == "/_sim" || path.rfind("/_sim/", 0) == 0) {
      if (path == "/_sim/networks" && req.method == "GET")
        return respond(networks_answer());
      std::lock_guard guard{w.mutex()};
      return respond(handle_control(req, path.substr(5), w, traffic));
    }
    if (root)
      return serve(req, std::move(respond), *root->net, path, root->url);
    // "/x/2/users/me" -> network "x", path "/2/users/me".
    auto slash = path.find('/', 1);
    std::string id = path.substr(1, slash == std::string::npos ? std::string::npos
                                                               : slash - 1);
    network* net = w.find_network(id);
    if (!net)
      return respond(not_found(path));
    serve(req, std::move(respond), *net,
          slash == std::string::npos ? "/" : path.substr(slash),
          base + "/" + id);
  }

  void serve(const http::request& req, http::responder respond, network& net,
             std::string path, std::string net_base) {
    std::string id(net.id());
    std::unique_lock lock{w.mutex()};
    call c{req, std::move(path), http::parse_query(req.query()),
           std::move(net_base)};
    auto& st = w.stats(id);
    ++st.requests;
    auto now_ms = w.clock().now_ms();
    http::response res;
    if (w.faults().take(id, fault_kind::error_5xx, now_ms)) {
      ++st.faults;
      res = net.server_error(c, w);
    } else {
      try {
        res = net.handle(c, w);
      } catch (const std::exception&) {
        // A module bug must not take the emulator down: answer the way the
        // network answers its own internal errors.
        res = net.server_error(c, w);
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

  /// Binds one listener per network (the emulator's I/O threads serve it).
  void start_roots() {
    for (const auto& [id, at] : opts.network_listen)
      if (!w.find_network(id))
        throw std::runtime_error("--network-listen: no network is called "
                                 + id);
    std::optional<http::certificate_files> tls;
    if (!opts.tls_dir.empty()) {
      auto files = http::ensure_certificate(opts.tls_dir, "sim",
                                            certificate_hosts(opts));
      if (!files)
        throw std::runtime_error(files.error().message + " ["
                                 + files.error().code + "]");
      tls = *files;
      ca = files->ca_cert;
    }
    const auto& nets = w.networks();
    for (std::size_t i = 0; i < nets.size(); ++i) {
      std::string id(nets[i]->id());
      auto& r = roots.emplace_back();
      r.net = nets[i].get();
      listen_address at{opts.host,
                        opts.port == 0
                          ? std::uint16_t(0)
                          : static_cast<std::uint16_t>(opts.port + 1 + i)};
      if (auto it = opts.network_listen.find(id);
          it != opts.network_listen.end())
        at = it->second;
      r.server = std::make_unique<http::server>(
        http::server_limits{},
        [p = this, root = &r](http::request req, http::responder resp) {
          p->on_request(std::move(req), std::move(resp), root);
        });
      if (tls)
        r.server->use_tls(tls->cert, tls->key);
      auto port = r.server->start(at.host, at.port);
      r.url = url_of(tls ? "https" : "http", at.host, port);
    }
  }

  void stop_servers() {
    for (auto& r : roots)
      r.server->stop();
    roots.clear();
    if (server)
      server->stop();
    server.reset();
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
  // `roots` must not move once listeners hold pointers into it.
  s.roots.reserve(s.w.networks().size());
  s.server = std::make_unique<http::server>(
    http::server_limits{},
    [p = impl_.get()](http::request req, http::responder r) {
      p->on_request(std::move(req), std::move(r), nullptr);
    });
  std::uint16_t port = 0;
  try {
    port = s.server->start(s.opts.host, s.opts.port);
    s.base = url_of("http", s.opts.host, port);
    if (s.opts.root_listeners)
      s.start_roots();
  } catch (...) {
    s.stop_servers();
    throw;
  }
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
  s.stop_servers();
}

std::string emulator::base_url() const {
  return impl_->base;
}

std::string emulator::network_url(const std::string& network) const {
  for (const auto& r : impl_->roots)
    if (r.net->id() == network)
      return r.url;
  return {};
}

std::vector<network_endpoint> emulator::network_endpoints() const {
  std::vector<network_endpoint> out;
  for (const auto& r : impl_->roots)
    out.push_back({std::string(r.net->id()), r.url});
  return out;
}

std::string emulator::ca_file() const {
  return impl_->ca;
}

} // namespace socialcrm::sim
