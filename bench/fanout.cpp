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
//   (c) socialcrm again with bench/fanout_hub.hpp in place of the product's
//       hub: the change this benchmark proposes (one shared CAF message per
//       event instead of a copy per session, posts batched for 2 ms),
//       everything else the same.
//
// A run whose process grows by more than --max-rss-mb stops feeding and
// says so (a guard for a shared machine; the live sessions bound their
// own backlog, see web/live_session.hpp max_backlog).
//
// Usage: fanout [--clients N] [--rate POSTS_PER_S] [--seconds S]
//               [--max-rss-mb MB] [--no-bare] [--no-shared-hub] [--no-batch]
// (defaults 1000 clients, 5000 posts/s, 10 s, 2048 MB; under 2 minutes)

#include "actors/classifier_actor.hpp"
#include "actors/hub_actor.hpp"
#include "actors/registry_actor.hpp"
#include "actors/store_actor.hpp"
#include "actors/system_config.hpp"
#include "bench/broadcast_server.hpp"
#include "bench/fanout_clients.hpp"
#include "bench/fanout_hub.hpp"
#include "bench/fanout_world.hpp"
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

using namespace socialcrm;
using namespace socialcrm::bench;

namespace {

struct options {
  int clients = 1000;
  double rate = 5000;
  double seconds = 10;
  long max_rss_mb = 2048;
  bool bare = true;
  bool shared_hub = true;
  bool batch = true; // the proposed hub batches; --no-batch only shares
};

struct result {
  double delivered_per_s = 0;
  std::uint64_t delivered = 0;
  std::uint64_t expected = 0;
  std::uint64_t resyncs = 0;
  std::uint64_t errors = 0;
  double p50_ms = 0, p99_ms = 0, max_ms = 0;
  double fed_s = 0; // less than --seconds when the RSS guard stopped it
};

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
               std::uint64_t expected) {
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
  r.delivered = t.posts;
  r.expected = expected;
  r.resyncs = t.resyncs;
  r.errors = t.errors;
  auto took = std::chrono::duration<double>(t.last_post - start).count();
  r.delivered_per_s = took > 0 ? static_cast<double>(t.posts) / took : 0;
  auto lat = clients.latencies();
  if (!lat.empty()) {
    std::sort(lat.begin(), lat.end());
    auto at = [&](double q) {
      return lat[std::min(lat.size() - 1,
                          static_cast<std::size_t>(q * lat.size()))]
             / 1000.0;
    };
    r.p50_ms = at(0.50);
    r.p99_ms = at(0.99);
    r.max_ms = lat.back() / 1000.0;
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
  std::fflush(stdout);
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

result run_socialcrm(const options& o, fanout_world& w, bool shared_hub) {
  system_config cfg;
  caf::actor_system sys{cfg};
  auto registry = spawn_registry(sys);
  auto store = spawn_store(sys, w.db_path());
  auto hub = shared_hub ? spawn_shared_message_hub(sys, o.batch)
                        : spawn_hub(sys, registry);
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
    auto start = std::chrono::steady_clock::now();
    auto fed = feed(o, [&](std::int64_t first, std::int64_t n) {
      for (auto& batch : w.batches(first, n, expected))
        caf::anon_send(classifier, ingest_atom::value, std::move(batch));
    });
    r = measure(clients, start, expected);
    r.fed_s = fed;
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
  auto fed = feed(o, [&](std::int64_t first, std::int64_t n) {
    for (auto& [tags, text] : w.bare_messages(first, n, expected))
      server.broadcast(tags, std::move(text));
  });
  auto r = measure(clients, start, expected);
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
    else if (arg == "--no-shared-hub")
      o.shared_hub = false;
    else if (arg == "--no-batch")
      o.batch = false;
    else {
      std::fprintf(stderr, "usage: fanout [--clients N] [--rate POSTS_PER_S] "
                           "[--seconds S] [--max-rss-mb MB] [--no-bare] "
                           "[--no-shared-hub] [--no-batch]\n");
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
  result live, shared, bare;
  {
    fanout_world w;
    live = run_socialcrm(o, w, false);
    print("socialcrm", live);
  }
  if (o.shared_hub) {
    fanout_world w;
    shared = run_socialcrm(o, w, true);
    print("socialcrm+hub", shared);
  }
  if (o.bare) {
    fanout_world w;
    bare = run_bare(o, w);
    print("bare", bare);
    auto pct = [&](const result& r) {
      return bare.delivered_per_s > 0
               ? 100.0 * r.delivered_per_s / bare.delivered_per_s
               : 0.0;
    };
    std::printf("delivered rate vs bare: socialcrm %.0f%%", pct(live));
    if (o.shared_hub)
      std::printf(", socialcrm with the shared-message hub %.0f%%",
                  pct(shared));
    std::printf("\n");
  }
  std::printf("peak RSS of this process: %ld MB\n", status_kb("VmHWM") / 1024);
  return 0;
}
