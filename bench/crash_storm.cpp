// bench/crash_storm: kills `socialcrm serve` with SIGKILL at random moments
// while the emulator publishes posts on all five networks, restarts it on
// the same data directory each time, and at the end compares what the
// emulator published with what serve stored: expected / stored / missing /
// doubled per network, PRAGMA integrity_check, and the restart times.
//
// Usage: crash_storm [--kills N] [--seed S] [--rate POSTS_PER_S]
//   [--poll-interval S] [--min-up-ms MS] [--max-up-ms MS] [--binary PATH]
//   [--keep] [--no-check-each] [--probe-file]
//
// Why the bench publishes the traffic itself (POST /_sim/posts) instead of
// `socialcrm sim --rate`: the emulator's generator also makes posts no
// linked feed brings in (plain posts, keyword posts) and no control
// endpoint lists what it made, so "expected" could only be guessed. Each
// post the bench publishes is addressed to a linked account, on a kind its
// feeds bring in, and carries its own token.

#include "bench/crash_storm_serve.hpp"
#include "bench/crash_storm_tally.hpp"
#include "bench/crash_storm_traffic.hpp"

#include <CLI/CLI.hpp>

#include <algorithm>
#include <cmath>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <random>
#include <thread>

using namespace socialcrm::bench;

namespace {

/// How long the bench waits for serve to store the posts published before
/// the storm (one of each kind on each network) before it decides a feed
/// does not bring in what the bench publishes.
constexpr auto first_poll_timeout = std::chrono::seconds(60);

/// A kill this much later than drawn is reported (a probe of serve ran
/// over the moment).
constexpr double late_kill_ms = 5;

/// The catch-up ends when every post is stored, or when the count has not
/// moved for this long (polls run every 0.1 s: 20 s without a new row
/// means nothing more is coming), or after `catch_up_limit`.
constexpr auto catch_up_stall = std::chrono::seconds(20);
constexpr auto catch_up_limit = std::chrono::seconds(300);

/// Missing and doubled posts listed one by one, at most.
constexpr std::size_t listed_at_most = 20;

struct storm_options {
  int kills = 100;
  std::uint64_t seed = 0;
  double rate = 25;
  double poll_interval_s = 0.1;
  int min_up_ms = 0;
  int max_up_ms = 3000;
  std::string binary = SOCIALCRM_BINARY;
  bool keep = false;
  bool check_each = true;
  bool probe_file = false;
};

std::string cpu_model() {
  std::ifstream in("/proc/cpuinfo");
  for (std::string line; std::getline(in, line);)
    if (line.rfind("model name", 0) == 0)
      return line.substr(line.find(':') + 2);
  return "unknown CPU";
}

std::string load_average() {
  double l[3] = {0, 0, 0};
  if (getloadavg(l, 3) != 3)
    return "unknown";
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.2f %.2f %.2f", l[0], l[1], l[2]);
  return buf;
}

std::string joined(const std::vector<std::string>& argv) {
  std::string out;
  for (auto& a : argv)
    out += (out.empty() ? "" : " ") + a;
  return out;
}

/// "n=97 min 180 / median 240 / p95 390 / max 610 ms" (nearest rank).
std::string spread(std::vector<double> v) {
  if (v.empty())
    return "n=0";
  std::sort(v.begin(), v.end());
  auto rank = [&](double p) {
    auto i =
        static_cast<std::size_t>(std::ceil(p * static_cast<double>(v.size())));
    return v[std::clamp<std::size_t>(i, 1, v.size()) - 1];
  };
  char buf[160];
  std::snprintf(buf, sizeof buf,
                "n=%zu  min %.0f / median %.0f / p95 %.0f / max %.0f ms",
                v.size(), v.front(), rank(0.5), rank(0.95), v.back());
  return buf;
}

std::string make_work_dir() {
  std::string dir =
      (std::filesystem::temp_directory_path() / "socialcrm-crash-storm-XXXXXX")
          .string();
  if (!mkdtemp(dir.data()))
    throw std::runtime_error("mkdtemp failed");
  return dir;
}

void print_tally(const storm_tally& t) {
  std::printf("\n%-11s %9s %9s %9s %9s\n", "network", "expected", "stored",
              "missing", "doubled");
  for (const char* net : storm_networks) {
    auto it = t.by_network.find(net);
    network_tally n = it == t.by_network.end() ? network_tally{} : it->second;
    std::printf("%-11s %9zu %9zu %9zu %9zu\n", net, n.expected, n.stored,
                n.missing, n.doubled);
  }
  std::printf("%-11s %9zu %9zu %9zu %9zu\n", "total", t.total.expected,
              t.total.stored, t.total.missing, t.total.doubled);
  std::printf("posts rows: %zu; rows that are no published post: %zu\n", t.rows,
              t.unknown.size());
  std::size_t listed = 0;
  for (auto& m : t.missing)
    if (listed++ < listed_at_most)
      std::printf("  MISSING %s %s id %s token csk%lluq\n", m.network.c_str(),
                  m.kind.c_str(), m.external_id.c_str(),
                  static_cast<unsigned long long>(m.token));
  for (auto& [s, rows] : t.doubled)
    if (listed++ < listed_at_most) {
      std::printf("  DOUBLED %s %s id %s token csk%lluq:", s.network.c_str(),
                  s.kind.c_str(), s.external_id.c_str(),
                  static_cast<unsigned long long>(s.token));
      for (auto& r : rows)
        std::printf(" [seq %lld, %s]", static_cast<long long>(r.seq),
                    r.external_id.c_str());
      std::printf("\n");
    }
  for (auto& r : t.unknown)
    if (listed++ < listed_at_most)
      std::printf("  UNKNOWN row seq %lld %s %s id %s\n",
                  static_cast<long long>(r.seq), r.network.c_str(),
                  r.kind.c_str(), r.external_id.c_str());
}

} // namespace

int main(int argc, char** argv) {
  storm_options o;
  o.seed = std::random_device{}();
  CLI::App app{"bench/crash_storm: SIGKILLs of socialcrm serve under "
               "traffic on all five networks"};
  app.add_option("--kills", o.kills, "SIGKILLs")->check(CLI::Range(0, 100000));
  app.add_option("--seed", o.seed, "seed of the kill moments and traffic");
  app.add_option("--rate", o.rate, "posts published per second")
      ->check(CLI::Range(0.1, 1000.0));
  app.add_option("--poll-interval", o.poll_interval_s,
                 "serve --poll-interval (s)");
  app.add_option("--min-up-ms", o.min_up_ms, "shortest life before a kill")
      ->check(CLI::Range(0, 600000));
  app.add_option("--max-up-ms", o.max_up_ms, "longest life before a kill")
      ->check(CLI::Range(1, 600000));
  app.add_option("--binary", o.binary, "the socialcrm binary");
  app.add_flag("--keep", o.keep, "keep the data directory and logs");
  app.add_flag("!--no-check-each", o.check_each,
               "skip integrity_check after each kill");
  app.add_flag("--probe-file", o.probe_file,
               "also read the database file while serve runs");
  CLI11_PARSE(app, argc, argv);
  if (o.min_up_ms > o.max_up_ms) {
    std::fprintf(stderr, "--min-up-ms is above --max-up-ms\n");
    return 2;
  }
  std::setvbuf(stdout, nullptr, _IOLBF, 0);
  auto started = clock_type::now();
  auto work = make_work_dir();
  serve_setup s{o.binary,          work + "/data",      "",
                o.poll_interval_s, work + "/serve.log", o.probe_file};
  std::vector<std::string> sim_argv{
      o.binary,      "sim",    "--listen",
      "127.0.0.1:0", "--seed", std::to_string(o.seed % 1000000)};
  std::printf("bench/crash_storm: %d SIGKILLs of socialcrm serve under "
              "traffic on all five networks\n",
              o.kills);
  std::printf("machine: %u hardware threads, %s; load average at start %s\n",
              std::thread::hardware_concurrency(), cpu_model().c_str(),
              load_average().c_str());
  std::printf("seed %llu (--seed %llu replays the kill moments and the "
              "traffic mix)\n",
              static_cast<unsigned long long>(o.seed),
              static_cast<unsigned long long>(o.seed));
  try {
    child sim(sim_argv, {}, work + "/sim.log");
    auto line = sim.wait_for_line("listening on", std::chrono::seconds(30));
    if (!line)
      throw std::runtime_error("the emulator did not start; see " + work +
                               "/sim.log");
    s.sim_url = line->text.substr(line->text.find("http://"));
    std::printf("emulator: %s\nserve:    %s\n", joined(sim_argv).c_str(),
                joined(s.argv()).c_str());

    storm_traffic traffic(s.sim_url, o.seed);
    traffic.create_accounts();
    {
      auto first = start_serve(s);
      link_accounts(first.base_url, traffic);
      traffic.publish_each_kind();
      auto want = static_cast<std::int64_t>(traffic.sent().size());
      if (wait_for_rows(first.base_url, want, catch_up_stall,
                        first_poll_timeout) < 0) {
        first.process->signal(SIGTERM);
        first.process->wait(std::chrono::seconds(30));
        print_tally(compare(s.db_path(), traffic.sent()));
        throw std::runtime_error("serve did not store one post of each kind "
                                 "on each network within 60 s");
      }
      first.process->signal(SIGTERM);
      first.process->wait(std::chrono::seconds(30));
    }
    std::printf("setup: 5 accounts linked; one post of each kind stored "
                "on each network\n");

    std::mt19937_64 kill_rng(o.seed ^ 0x6b696c6cULL);
    std::uniform_int_distribution<int> up(o.min_up_ms, o.max_up_ms);
    std::vector<cycle_result> cycles;
    traffic.start(o.rate);
    for (int i = 1; i <= o.kills; ++i) {
      sim.pump(std::chrono::milliseconds(0));
      auto c = run_cycle(s, i, up(kill_rng), o.check_each);
      std::fprintf(stderr,
                   "kill %3d after %4d ms: ready %s, first store %s, rows "
                   "%lld -> %lld%s\n",
                   i, c.kill_after_ms,
                   c.ready_ms ? std::to_string(int(*c.ready_ms)).c_str() : "-",
                   c.store_ms ? std::to_string(int(*c.store_ms)).c_str() : "-",
                   static_cast<long long>(c.rows_before),
                   static_cast<long long>(c.rows_after),
                   c.exited_early ? (" ENDED BY ITSELF, status " +
                                     std::to_string(*c.exited_early))
                                        .c_str()
                                  : "");
      cycles.push_back(std::move(c));
    }
    traffic.stop();
    auto sent = traffic.sent();

    auto final_serve = start_serve(s);
    auto catch_up_s = wait_for_rows(final_serve.base_url,
                                    static_cast<std::int64_t>(sent.size()),
                                    catch_up_stall, catch_up_limit);
    final_serve.process->signal(SIGTERM);
    auto stop_status = final_serve.process->wait(std::chrono::seconds(60));

    std::vector<double> ready, store;
    int before_ready = 0, before_store = 0, early = 0, bad_checks = 0,
        shrunk = 0, late = 0;
    double latest = 0;
    for (auto& c : cycles) {
      late += c.kill_late_ms > late_kill_ms;
      latest = std::max(latest, c.kill_late_ms);
      if (c.ready_ms)
        ready.push_back(*c.ready_ms);
      else
        ++before_ready;
      if (c.store_ms)
        store.push_back(*c.store_ms);
      else
        ++before_store;
      early += c.exited_early.has_value();
      bad_checks += o.check_each && c.integrity != "ok";
      shrunk += c.rows_after < c.rows_seen;
    }
    std::printf("\nkills: %zu; landed before \"socialcrm ready\": %d; before "
                "the first new row: %d; serve ended by itself: %d\n",
                cycles.size(), before_ready, before_store, early);
    std::printf("kills more than %.0f ms late: %d (latest %.0f ms)\n",
                late_kill_ms, late, latest);
    std::printf("restart, exec to \"socialcrm ready\":  %s\n",
                spread(ready).c_str());
    std::printf("restart, exec to first post stored:  %s (serve's "
                "/metrics read every 10 ms%s)\n",
                spread(store).c_str(), o.probe_file ? ", and the file" : "");
    std::printf("committed rows gone after a kill: %d kills\n", shrunk);
    if (o.check_each)
      std::printf("integrity_check after each kill: %zu of %zu ok\n",
                  cycles.size() - static_cast<std::size_t>(bad_checks),
                  cycles.size());
    std::printf("catch-up after the traffic stopped: %s %.1f s; clean stop: "
                "%s\n",
                catch_up_s >= 0 ? "all stored in" : "gave up after",
                catch_up_s < 0 ? -catch_up_s : catch_up_s,
                stop_status ? ("exit " + std::to_string(*stop_status)).c_str()
                            : "no exit within 60 s");
    auto tally = compare(s.db_path(), sent);
    print_tally(tally);
    auto integrity = integrity_check(s.db_path());
    std::printf("PRAGMA integrity_check: %s\n", integrity.c_str());
    std::printf("emulator refused %zu of the bench's posts (not counted)\n",
                traffic.refused());

    double runtime =
        std::chrono::duration<double>(clock_type::now() - started).count();
    std::printf(
        "\nhow: one `socialcrm sim` (rate limits lifted to 1,000,000 a window) "
        "and `socialcrm serve` on one data directory, one account linked on "
        "each network over POST /api/v1/social/accounts. The bench publishes "
        "%.0f posts/s over POST /_sim/posts, round the five networks, each of "
        "a kind a linked feed brings in (own post, mention, DM, reply, "
        "comment; replies and comments on one of its 10 newest posts), each "
        "text with a unique token. Each cycle execs serve, "
        "kills it with SIGKILL after a time drawn uniformly from %d to %d ms "
        "(seeded), reads the stored count from serve's GET /metrics every 10 "
        "ms for the first new row%s, and after the kill counts the rows and "
        "runs integrity_check (read-only connection, serve dead). Then "
        "the traffic stops, serve starts once more until every post is "
        "stored (or nothing moved for 20 s), stops with SIGTERM, and its "
        "database is read: a post is stored when a row carries its token, "
        "doubled when more than one does. Poll interval %g s. Load average "
        "at the end %s. Runtime %.0f s.\n",
        o.rate, o.min_up_ms, o.max_up_ms,
        o.probe_file ? " (and from the file, read-only: --probe-file)" : "",
        o.poll_interval_s, load_average().c_str(), runtime);

    bool trouble = tally.total.missing || tally.total.doubled ||
                   !tally.unknown.empty() || integrity != "ok" || early ||
                   bad_checks || shrunk;
    sim.signal(SIGTERM);
    sim.wait(std::chrono::seconds(30));
    if (o.keep || trouble) {
      std::printf("kept: %s (serve.log, sim.log, data/)\n", work.c_str());
    } else {
      std::filesystem::remove_all(work);
    }
    return trouble ? 1 : 0;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "crash_storm: %s (kept %s)\n", e.what(), work.c_str());
    return 1;
  }
}
