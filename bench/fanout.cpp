// bench/fanout: how fast the live WebSocket feed delivers posts to many
// clients, against a bare Beast broadcast server on the same machine.
//
//   (a) socialcrm: the real actors (store, classifier, hub) and the real web
//       service with its live endpoint, in this process, on a fresh
//       database with linked accounts, CRM people in every standing and
//       four users with different operations and filters. Posts are handed
//       to the classifier at a steady rate (batches every 10 ms, as pollers
//       would), stored, published to the hub, filtered per session and
//       written to the clients.
//   (b) bare: bench/broadcast_server.hpp with the same clients, the same
//       subscriptions (and each user's visible accounts) and the same post
//       texts, sent at the same rate, with no database, auth or actors.
//
// Each post's text carries the steady clock at injection; each client
// takes the latency of every post it receives. Delivered rate = posts
// received by all clients / (last receipt - first injection).
//
// A run whose process grows by more than --max-rss-mb stops feeding and
// says so (a guard for a shared machine; the live sessions bound their
// own backlog, see web/live_session.hpp max_backlog).
//
// Usage: fanout [--clients N] [--rate POSTS_PER_S] [--seconds S]
//               [--max-rss-mb MB] [--no-bare]
// (defaults 1000 clients, 5000 posts/s, 10 s, 2048 MB; under 2 minutes)

#include "actors/classifier_actor.hpp"
#include "actors/hub_actor.hpp"
#include "actors/registry_actor.hpp"
#include "actors/store_actor.hpp"
#include "actors/system_config.hpp"
#include "bench/broadcast_server.hpp"
#include "bench/fanout_clients.hpp"
#include "bench/fanout_world.hpp"
#include "http/client.hpp"
#include "web/bootstrap.hpp"
#include "web/service.hpp"
#include "web/social_context.hpp"

#include <caf/actor_system.hpp>
#include <caf/send.hpp>

#include <algorithm>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <thread>

#include <sys/resource.h>

using namespace socialcrm;
using namespace socialcrm::bench;

namespace {

struct options {
  int clients = 1000;
  double rate = 5000;
  double seconds = 10;
  long max_rss_mb = 2048;
  bool bare = true;
};

struct result {
  double delivered_per_s = 0;
  std::uint64_t delivered = 0;
  std::uint64_t expected = 0;
  std::uint64_t resyncs = 0;
  std::uint64_t errors = 0;
  double p50_ms = 0, p99_ms = 0, max_ms = 0;
  double fed_s = 0; // less than --seconds when the RSS guard stopped it
  std::vector<double> p99_by_second; // of posts injected in that second
  double cpu_cores = 0; // CPU time of the process / wall time, while fed
  // socialcrm only, from /metrics: messages written, socket sends.
  double messages = 0, sends = 0;
};

double cpu_seconds() {
  rusage u{};
  getrusage(RUSAGE_SELF, &u);
  auto sec = [](const timeval& t) { return t.tv_sec + t.tv_usec / 1e6; };
  return sec(u.ru_utime) + sec(u.ru_stime);
}

// The q-quantile of `lat` (sorted, microseconds) in ms.
double quantile_ms(const std::vector<std::uint32_t>& lat, double q) {
  if (lat.empty())
    return 0;
  return lat[std::min(lat.size() - 1, static_cast<std::size_t>(q * lat.size()))]
         / 1000.0;
}

long status_kb(const char* field) {
  std::ifstream in("/proc/self/status");
  std::string line;
  auto prefix = std::string(field) + ":";
  while (std::getline(in, line))
    if (line.rfind(prefix, 0) == 0)
      return std::stol(line.substr(prefix.size()));
  return -1;
}

// Feeds posts at `rate` for `seconds` through `emit(first, count)`, in
// ticks of 10 ms, unless the process grows by more than --max-rss-mb;
// returns the seconds it fed.
template <class Emit>
double feed(const options& o, Emit emit) {
  using clock = std::chrono::steady_clock;
  constexpr auto tick = std::chrono::milliseconds(10);
  auto start = clock::now();
  auto end = start + std::chrono::duration_cast<clock::duration>(
                       std::chrono::duration<double>(o.seconds));
  std::int64_t sent = 0;
  auto next = start;
  auto rss_start = status_kb("VmRSS");
  for (int i = 0; clock::now() < end; ++i) {
    if (i % 10 == 0 && (status_kb("VmRSS") - rss_start) / 1024 > o.max_rss_mb) {
      std::printf("  stopped feeding: the process grew by %ld MB\n",
                  o.max_rss_mb);
      break;
    }
    next += tick;
    auto due = static_cast<std::int64_t>(
      o.rate * std::chrono::duration<double>(next - start).count());
    if (due > sent) {
      emit(sent, due - sent);
      sent = due;
    }
    std::this_thread::sleep_until(next);
  }
  return std::chrono::duration<double>(clock::now() - start).count();
}

// Waits until deliveries stop (none for a second, at most 15 s more),
// then sums up.
result measure(fanout_clients& clients, std::chrono::steady_clock::time_point
                                            start,
               std::uint64_t expected, double cpu_cores) {
  auto quiet_since = std::chrono::steady_clock::now();
  auto seen = clients.totals().posts;
  auto give_up = quiet_since + std::chrono::seconds(15);
  while (std::chrono::steady_clock::now() < give_up) {
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
    auto now = clients.totals().posts;
    if (now != seen) {
      seen = now;
      quiet_since = std::chrono::steady_clock::now();
    } else if (std::chrono::steady_clock::now() - quiet_since
               > std::chrono::seconds(1)) {
      break;
    }
  }
  auto t = clients.totals();
  result r;
  r.cpu_cores = cpu_cores;
  r.delivered = t.posts;
  r.expected = expected;
  r.resyncs = t.resyncs;
  r.errors = t.errors;
  auto took = std::chrono::duration<double>(t.last_post - start).count();
  r.delivered_per_s = took > 0 ? static_cast<double>(t.posts) / took : 0;
  auto samples = clients.latencies();
  std::vector<std::uint32_t> lat;
  std::vector<std::vector<std::uint32_t>> by_second;
  auto start_ns = std::chrono::duration_cast<std::chrono::nanoseconds>(
                    start.time_since_epoch())
                    .count();
  lat.reserve(samples.size());
  for (const auto& s : samples) {
    lat.push_back(s.latency_us);
    auto second = static_cast<std::size_t>(
      std::max<std::int64_t>(0, s.stamp_ns - start_ns) / 1'000'000'000);
    if (second >= by_second.size())
      by_second.resize(second + 1);
    by_second[second].push_back(s.latency_us);
  }
  std::sort(lat.begin(), lat.end());
  r.p50_ms = quantile_ms(lat, 0.50);
  r.p99_ms = quantile_ms(lat, 0.99);
  r.max_ms = lat.empty() ? 0 : lat.back() / 1000.0;
  for (auto& v : by_second) {
    std::sort(v.begin(), v.end());
    r.p99_by_second.push_back(quantile_ms(v, 0.99));
  }
  return r;
}

void print(const char* name, const result& r) {
  std::printf("%-16s delivered %8.0f events/s (%llu of %llu expected in "
              "%.1f s of feed, %llu resyncs, %llu errors); latency p50 "
              "%.2f ms, p99 %.2f ms, max %.2f ms\n",
              name, r.delivered_per_s,
              static_cast<unsigned long long>(r.delivered),
              static_cast<unsigned long long>(r.expected), r.fed_s,
              static_cast<unsigned long long>(r.resyncs),
              static_cast<unsigned long long>(r.errors), r.p50_ms, r.p99_ms,
              r.max_ms);
  std::printf("%-16s CPU while fed %.2f cores (clients included); p99 by "
              "second of feed (ms):", "", r.cpu_cores);
  for (auto v : r.p99_by_second)
    std::printf(" %.1f", v);
  std::printf("\n");
  if (r.sends > 0)
    std::printf("%-16s %.0f messages in %.0f socket sends (%.1f a send)\n",
                "", r.messages, r.sends, r.messages / r.sends);
  std::fflush(stdout);
}

// A counter's value on the /metrics page at `port` (0 when absent).
double metric(std::uint16_t port, const std::string& name) {
  http::client c;
  auto r = c.get("http://127.0.0.1:" + std::to_string(port) + "/metrics");
  if (!r || r->status != 200)
    return 0;
  auto at = r->body.find("\n" + name + " ");
  return at == std::string::npos
           ? 0
           : std::atof(r->body.c_str() + at + name.size() + 2);
}

void wait_subscribed(fanout_clients& clients, int n) {
  auto until = std::chrono::steady_clock::now() + std::chrono::seconds(120);
  while (clients.totals().subscribed < static_cast<std::uint64_t>(n)
         && std::chrono::steady_clock::now() < until)
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  auto t = clients.totals();
  if (t.subscribed < static_cast<std::uint64_t>(n)) {
    std::fprintf(stderr, "only %llu of %d clients subscribed (%llu errors)\n",
                 static_cast<unsigned long long>(t.subscribed), n,
                 static_cast<unsigned long long>(t.errors));
    std::exit(1);
  }
}

result run_socialcrm(const options& o, fanout_world& w) {
  system_config cfg;
  caf::actor_system sys{cfg};
  auto registry = spawn_registry(sys);
  auto store = spawn_store(sys, w.db_path());
  auto hub = spawn_hub(sys, registry);
  auto classifier = spawn_classifier(sys, store, registry);
  caf::anon_send(classifier, add_hub_atom::value, hub);
  result r;
  {
    web::service_options opts;
    opts.social = std::make_shared<web::social_context>();
    auto ctx = std::make_shared<source_context>();
    ctx->db_path = w.db_path();
    opts.social->sources = ctx;
    opts.social->hub = hub;
    web::service service(sys, w.db_path(), classifier, registry, opts);
    auto port = service.start("127.0.0.1", 0);
    w.populate("http://127.0.0.1:" + std::to_string(port));
    fanout_clients clients;
    clients.open(port, w.client_specs(o.clients, false));
    wait_subscribed(clients, o.clients);
    clients.reset();
    std::uint64_t expected = 0;
    auto messages = metric(port, "socialcrm_live_messages_total");
    auto sends = metric(port, "socialcrm_live_sends_total");
    auto start = std::chrono::steady_clock::now();
    auto cpu = cpu_seconds();
    auto fed = feed(o, [&](std::int64_t first, std::int64_t n) {
      for (auto& batch : w.batches(first, n, expected))
        caf::anon_send(classifier, ingest_atom::value, std::move(batch));
    });
    auto cores = (cpu_seconds() - cpu) / fed;
    r = measure(clients, start, expected, cores);
    r.fed_s = fed;
    r.messages = metric(port, "socialcrm_live_messages_total") - messages;
    r.sends = metric(port, "socialcrm_live_sends_total") - sends;
    clients.close();
  }
  for (auto a : {caf::actor_cast<caf::actor>(classifier),
                 caf::actor_cast<caf::actor>(hub),
                 caf::actor_cast<caf::actor>(store),
                 caf::actor_cast<caf::actor>(registry)})
    caf::anon_send_exit(a, caf::exit_reason::user_shutdown);
  return r;
}

result run_bare(const options& o, fanout_world& w) {
  broadcast_server server;
  auto port = server.start();
  fanout_clients clients;
  clients.open(port, w.client_specs(o.clients, true));
  wait_subscribed(clients, o.clients);
  clients.reset();
  std::uint64_t expected = 0;
  auto start = std::chrono::steady_clock::now();
  auto cpu = cpu_seconds();
  auto fed = feed(o, [&](std::int64_t first, std::int64_t n) {
    for (auto& [tags, text] : w.bare_messages(first, n, expected))
      server.broadcast(tags, std::move(text));
  });
  auto r = measure(clients, start, expected, (cpu_seconds() - cpu) / fed);
  r.fed_s = fed;
  clients.close();
  server.stop();
  return r;
}

} // namespace

int main(int argc, char** argv) {
  options o;
  for (int i = 1; i < argc; ++i) {
    auto arg = std::string(argv[i]);
    auto value = [&] {
      if (i + 1 >= argc) {
        std::fprintf(stderr, "%s needs a value\n", arg.c_str());
        std::exit(2);
      }
      return std::atof(argv[++i]);
    };
    if (arg == "--clients")
      o.clients = static_cast<int>(value());
    else if (arg == "--rate")
      o.rate = value();
    else if (arg == "--seconds")
      o.seconds = value();
    else if (arg == "--max-rss-mb")
      o.max_rss_mb = static_cast<long>(value());
    else if (arg == "--no-bare")
      o.bare = false;
    else {
      std::fprintf(stderr, "usage: fanout [--clients N] [--rate POSTS_PER_S] "
                           "[--seconds S] [--max-rss-mb MB] [--no-bare]\n");
      return 2;
    }
  }
  std::printf("fanout: %d WebSocket clients (4 users x 4 subscriptions), "
              "%.0f posts/s for %.0f s, on %u cores\n",
              o.clients, o.rate, o.seconds,
              std::thread::hardware_concurrency());
  std::printf("latency = client receipt - injection (steady clock stamped "
              "in the post text); rate = posts received by all clients / "
              "(last receipt - first injection)\n");
  result live, bare;
  {
    fanout_world w;
    live = run_socialcrm(o, w);
    print("socialcrm", live);
  }
  if (o.bare) {
    fanout_world w;
    bare = run_bare(o, w);
    print("bare", bare);
    std::printf("delivered rate vs bare: socialcrm %.0f%% (target >= 60%%); "
                "p99 %.2f ms (target < 50 ms)\n",
                bare.delivered_per_s > 0
                  ? 100.0 * live.delivered_per_s / bare.delivered_per_s
                  : 0.0,
                live.p99_ms);
  }
  std::printf("peak RSS of this process: %ld MB\n", status_kb("VmHWM") / 1024);
  return 0;
}
