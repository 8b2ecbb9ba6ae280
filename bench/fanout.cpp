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
// received by all clients / (last receipt - first injection). For (a) a
// probe beside the hub takes the same latency at the classifier's publish
// (stored, not yet fanned out), which splits the total between the store
// and the fan-out. --warmup feeds that long first, unmeasured, for both.
// The clients ask both servers for batch messages ("batch":true in the
// subscribe, as the browser does); --one-per-message takes one per event.
//
// A run whose process grows by more than --max-rss-mb stops feeding and
// says so (a guard for a shared machine; the live sessions bound their
// own backlog, see web/live_delivery.hpp max_backlog).
//
// Usage: fanout [--clients N] [--rate POSTS_PER_S] [--seconds S] [--warmup S]
//               [--step-ms MS] [--max-rss-mb MB] [--flush-ms MS]
//               [--ws-threads N] [--one-per-message] [--no-bare]
// (defaults 1000 clients, 5000 posts/s, 10 s, no warm-up, p99 per
// 1,000 ms, 2048 MB, the server's default send cadence
// (`[server] live_flush_ms`) and I/O threads (`[server] live_threads`);
// under 2 minutes)

#include "actors/classifier_actor.hpp"
#include "actors/hub_actor.hpp"
#include "actors/registry_actor.hpp"
#include "actors/store_actor.hpp"
#include "actors/system_config.hpp"
#include "bench/broadcast_server.hpp"
#include "bench/fanout_clients.hpp"
#include "bench/fanout_world.hpp"
#include "http/client.hpp"
#include "http/ws_session.hpp"
#include "web/bootstrap.hpp"
#include "web/service.hpp"
#include "web/social_context.hpp"

#include <caf/actor_system.hpp>
#include <caf/send.hpp>
#include <caf/typed_event_based_actor.hpp>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <mutex>
#include <thread>

#include <sys/resource.h>

using namespace socialcrm;
using namespace socialcrm::bench;

namespace {

struct options {
  int clients = 1000;
  double rate = 5000;
  double seconds = 10;
  double warmup = 0;
  double step_ms = 1000; // the p99 series' step
  long max_rss_mb = 2048;
  // socialcrm's live send cadence (web_limits::live_flush_interval).
  double flush_ms = static_cast<double>(
    web::web_limits{}.live_flush_interval.count());
  // socialcrm's live I/O threads (web_limits::live_threads; 0: per core).
  double ws_threads = static_cast<double>(web::web_limits{}.live_threads);
  // The clients ask both servers for batch messages, as the browser does.
  bool batch = true;
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
  std::vector<double> p99_by_step; // of posts injected in each step
  double cpu_cores = 0; // CPU time of the process / wall time, while fed
  // socialcrm only, from /metrics: messages written, socket sends.
  double messages = 0, sends = 0;
  // socialcrm only: injection to the classifier's publish (stored, before
  // the hub), the same way.
  double stored_p50_ms = 0, stored_p99_ms = 0;
  std::vector<double> stored_p99_by_step;
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
// returns the seconds it fed. Post numbers start at `first_post`.
template <class Emit>
double feed(const options& o, double seconds, std::int64_t first_post,
            Emit emit) {
  using clock = std::chrono::steady_clock;
  constexpr auto tick = std::chrono::milliseconds(10);
  auto start = clock::now();
  auto end = start + std::chrono::duration_cast<clock::duration>(
                       std::chrono::duration<double>(seconds));
  std::int64_t sent = first_post;
  auto next = start;
  auto rss_start = status_kb("VmRSS");
  for (int i = 0; clock::now() < end; ++i) {
    if (i % 10 == 0 && (status_kb("VmRSS") - rss_start) / 1024 > o.max_rss_mb) {
      std::printf("  stopped feeding: the process grew by %ld MB\n",
                  o.max_rss_mb);
      break;
    }
    next += tick;
    auto due = first_post + static_cast<std::int64_t>(
      o.rate * std::chrono::duration<double>(next - start).count());
    if (due > sent) {
      emit(sent, due - sent);
      sent = due;
    }
    std::this_thread::sleep_until(next);
  }
  return std::chrono::duration<double>(clock::now() - start).count();
}

// Waits until deliveries stop (none for a second, at most 15 s more).
void wait_quiet(fanout_clients& clients) {
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
}

// Numbers of the measured posts start here; the warm-up's start at 0.
constexpr std::int64_t measured_from = 1'000'000'000;

// The warm-up: the same feed for --warmup seconds, delivered and then
// forgotten, so the measured feed meets a running system (caches,
// allocator arenas, socket buffers, the WAL file already grown), as a
// server that has run for a while does.
template <class Emit>
void warm_up(const options& o, fanout_clients& clients, Emit emit) {
  if (o.warmup <= 0)
    return;
  feed(o, o.warmup, 0, emit);
  wait_quiet(clients);
  clients.reset();
}

struct summary {
  double p50_ms = 0, p99_ms = 0, max_ms = 0;
  std::vector<double> p99_by_step; // of posts injected in each step
};

summary summarize(const std::vector<latency_sample>& samples,
                  std::chrono::steady_clock::time_point start,
                  double step_ms) {
  std::vector<std::uint32_t> lat;
  std::vector<std::vector<std::uint32_t>> by_step;
  auto start_ns = std::chrono::duration_cast<std::chrono::nanoseconds>(
                    start.time_since_epoch())
                    .count();
  auto step_ns = static_cast<std::int64_t>(std::max(1.0, step_ms) * 1e6);
  lat.reserve(samples.size());
  for (const auto& s : samples) {
    lat.push_back(s.latency_us);
    auto i = static_cast<std::size_t>(
      std::max<std::int64_t>(0, s.stamp_ns - start_ns) / step_ns);
    if (i >= by_step.size())
      by_step.resize(i + 1);
    by_step[i].push_back(s.latency_us);
  }
  std::sort(lat.begin(), lat.end());
  summary out;
  out.p50_ms = quantile_ms(lat, 0.50);
  out.p99_ms = quantile_ms(lat, 0.99);
  out.max_ms = lat.empty() ? 0 : lat.back() / 1000.0;
  for (auto& v : by_step) {
    std::sort(v.begin(), v.end());
    out.p99_by_step.push_back(quantile_ms(v, 0.99));
  }
  return out;
}

// Waits until deliveries stop, then sums up.
result measure(const options& o, fanout_clients& clients,
               std::chrono::steady_clock::time_point start,
               std::uint64_t expected, double cpu_cores) {
  wait_quiet(clients);
  auto t = clients.totals();
  result r;
  r.cpu_cores = cpu_cores;
  r.delivered = t.posts;
  r.expected = expected;
  r.resyncs = t.resyncs;
  r.errors = t.errors;
  auto took = std::chrono::duration<double>(t.last_post - start).count();
  r.delivered_per_s = took > 0 ? static_cast<double>(t.posts) / took : 0;
  auto sum = summarize(clients.latencies(), start, o.step_ms);
  r.p50_ms = sum.p50_ms;
  r.p99_ms = sum.p99_ms;
  r.max_ms = sum.max_ms;
  r.p99_by_step = std::move(sum.p99_by_step);
  return r;
}

// The latency of every post from injection to the classifier's publish
// (stored, on its way to the hub): a second hub the classifier sends to.
struct stored_probe {
  std::mutex mutex;
  std::vector<latency_sample> samples;
  bool on = false;
};

hub_actor spawn_probe(caf::actor_system& sys,
                      std::shared_ptr<stored_probe> probe) {
  return sys.spawn([probe](hub_actor::pointer) -> hub_actor::behavior_type {
    auto take = [probe](const post_event& ev) {
      auto s = sample_of(ev.item.body.text, steady_ns());
      std::lock_guard guard{probe->mutex};
      if (s && probe->on)
        probe->samples.push_back(*s);
    };
    return {
      [take](const post_event& ev) { take(ev); },
      [](const standing_event&) {},
      [take](const std::vector<post_event>& batch) {
        for (const auto& ev : batch)
          take(ev);
      },
      [](join_atom, const caf::actor&) { return std::int64_t{0}; },
      [](leave_atom, const caf::actor&) {},
      [](info_atom) { return make_info("stored_probe"); },
      [](flush_atom) {},
    };
  });
}

void print(const char* name, const result& r, const char* step_name) {
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
              "%s of feed (ms):", "", r.cpu_cores, step_name);
  for (auto v : r.p99_by_step)
    std::printf(" %.1f", v);
  std::printf("\n");
  if (!r.stored_p99_by_step.empty()) {
    std::printf("%-16s stored (injection to the classifier's publish): p50 "
                "%.2f ms, p99 %.2f ms; p99 by %s (ms):", "", r.stored_p50_ms,
                r.stored_p99_ms, step_name);
    for (auto v : r.stored_p99_by_step)
      std::printf(" %.1f", v);
    std::printf("\n");
  }
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
  auto probe = std::make_shared<stored_probe>();
  auto probe_hub = spawn_probe(sys, probe);
  caf::anon_send(classifier, add_hub_atom::value, probe_hub);
  result r;
  {
    web::service_options opts;
    opts.limits.live_flush_interval =
      std::chrono::milliseconds(static_cast<std::int64_t>(o.flush_ms));
    opts.limits.live_threads = static_cast<std::size_t>(o.ws_threads);
    opts.social = std::make_shared<web::social_context>();
    auto ctx = std::make_shared<source_context>();
    ctx->db_path = w.db_path();
    opts.social->sources = ctx;
    opts.social->hub = hub;
    web::service service(sys, w.db_path(), classifier, registry, opts);
    auto port = service.start("127.0.0.1", 0);
    w.populate("http://127.0.0.1:" + std::to_string(port));
    fanout_clients clients;
    clients.open(port, w.client_specs(o.clients, false, o.batch));
    wait_subscribed(clients, o.clients);
    clients.reset();
    std::uint64_t expected = 0, warm = 0;
    warm_up(o, clients, [&](std::int64_t first, std::int64_t n) {
      for (auto& batch : w.batches(first, n, warm))
        caf::anon_send(classifier, ingest_atom::value, std::move(batch));
    });
    auto messages = metric(port, "socialcrm_live_messages_total");
    auto sends = metric(port, "socialcrm_live_sends_total");
    {
      std::lock_guard guard{probe->mutex};
      probe->on = true;
      probe->samples.reserve(static_cast<std::size_t>(o.rate * o.seconds * 1.1));
    }
    auto start = std::chrono::steady_clock::now();
    auto cpu = cpu_seconds();
    auto fed = feed(o, o.seconds, measured_from,
                    [&](std::int64_t first, std::int64_t n) {
      for (auto& batch : w.batches(first, n, expected))
        caf::anon_send(classifier, ingest_atom::value, std::move(batch));
    });
    auto cores = (cpu_seconds() - cpu) / fed;
    r = measure(o, clients, start, expected, cores);
    r.fed_s = fed;
    {
      std::lock_guard guard{probe->mutex};
      auto stored = summarize(probe->samples, start, o.step_ms);
      r.stored_p50_ms = stored.p50_ms;
      r.stored_p99_ms = stored.p99_ms;
      r.stored_p99_by_step = std::move(stored.p99_by_step);
    }
    r.messages = metric(port, "socialcrm_live_messages_total") - messages;
    r.sends = metric(port, "socialcrm_live_sends_total") - sends;
    clients.close();
  }
  for (auto a : {caf::actor_cast<caf::actor>(classifier),
                 caf::actor_cast<caf::actor>(probe_hub),
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
  clients.open(port, w.client_specs(o.clients, true, o.batch));
  wait_subscribed(clients, o.clients);
  clients.reset();
  std::uint64_t expected = 0, warm = 0;
  warm_up(o, clients, [&](std::int64_t first, std::int64_t n) {
    for (auto& [tags, text] : w.bare_messages(first, n, warm))
      server.broadcast(tags, std::move(text));
  });
  auto start = std::chrono::steady_clock::now();
  auto cpu = cpu_seconds();
  auto fed = feed(o, o.seconds, measured_from,
                  [&](std::int64_t first, std::int64_t n) {
    for (auto& [tags, text] : w.bare_messages(first, n, expected))
      server.broadcast(tags, std::move(text));
  });
  auto r = measure(o, clients, start, expected, (cpu_seconds() - cpu) / fed);
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
    // A number above 0 (or 0 itself where `zero_ok`); anything else ends
    // the run with exit code 2 before anything is started.
    auto value = [&](bool zero_ok = false) {
      if (i + 1 >= argc) {
        std::fprintf(stderr, "%s needs a value\n", arg.c_str());
        std::exit(2);
      }
      const char* text = argv[++i];
      char* end = nullptr;
      double v = std::strtod(text, &end);
      if (end == text || *end != '\0' || !std::isfinite(v) || v < 0
          || (v == 0 && !zero_ok)) {
        std::fprintf(stderr, "%s takes a number %s, not '%s'\n", arg.c_str(),
                     zero_ok ? "of 0 or more" : "above 0", text);
        std::exit(2);
      }
      return v;
    };
    if (arg == "--clients")
      o.clients = static_cast<int>(value());
    else if (arg == "--rate")
      o.rate = value();
    else if (arg == "--seconds")
      o.seconds = value();
    else if (arg == "--warmup")
      o.warmup = value(true);
    else if (arg == "--step-ms")
      o.step_ms = value();
    else if (arg == "--max-rss-mb")
      o.max_rss_mb = static_cast<long>(value());
    else if (arg == "--flush-ms")
      o.flush_ms = value(true);
    else if (arg == "--ws-threads")
      o.ws_threads = value(true);
    else if (arg == "--one-per-message")
      o.batch = false;
    else if (arg == "--no-bare")
      o.bare = false;
    else {
      std::fprintf(stderr, "usage: fanout [--clients N] [--rate POSTS_PER_S] "
                           "[--seconds S] [--warmup S] [--step-ms MS] "
                           "[--max-rss-mb MB] [--flush-ms MS] "
                           "[--ws-threads N] [--one-per-message] "
                           "[--no-bare]\n");
      return 2;
    }
  }
  std::printf("fanout: %d WebSocket clients (4 users x 4 subscriptions), "
              "%.0f posts/s for %.0f s, on %u cores\n",
              o.clients, o.rate, o.seconds,
              std::thread::hardware_concurrency());
  std::printf("socialcrm's send cadence: under load a write waits up to "
              "%.0f ms for the events after it (--flush-ms, [server] "
              "live_flush_ms)\n",
              o.flush_ms);
  {
    http::ws_limits ws;
    ws.io_threads = static_cast<std::size_t>(o.ws_threads);
    std::printf("socialcrm's WebSockets on %zu I/O threads (--ws-threads, "
                "[server] live_threads; 0 = one per core, at most %zu)\n",
                ws.threads(), http::ws_limits::max_auto_io_threads);
  }
  std::printf("%s\n",
              o.batch ? "clients subscribe with \"batch\":true, as the "
                        "browser does: what waits for one write comes as one "
                        "message, from both servers (--one-per-message: "
                        "one message per event)"
                      : "clients take one message per event "
                        "(--one-per-message)");
  std::printf("latency = client receipt - injection (steady clock stamped "
              "in the post text); rate = posts received by all clients / "
              "(last receipt - first injection)\n");
  auto step_name = o.step_ms == 1000
                     ? std::string("second")
                     : std::to_string(static_cast<int>(o.step_ms)) + " ms";
  result live, bare;
  {
    fanout_world w;
    live = run_socialcrm(o, w);
    print("socialcrm", live, step_name.c_str());
  }
  if (o.bare) {
    fanout_world w;
    bare = run_bare(o, w);
    print("bare", bare, step_name.c_str());
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
