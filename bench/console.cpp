// bench/console: the actor console at 10,000 actors (issue 22).
//
// In this process: the real registry, store, hub and classifier and the
// real web service (the console's REST routes) on a fresh database, plus N
// simulated sources: actors that register with the registry as sources do
// and report their figures (actor_info, with a moving poll count) once per
// --report-ms, the most a real source reports its routine
// (actors/source_actor.cpp report_interval_ms). Then it measures:
//   (a) one page of 500 actors, GET /api/v1/admin/actors?limit=500, over
//       one kept-alive connection: median and worst of --repeat requests;
//   (b) the whole list: `socialcrm console --json ls`, a real process
//       paging through it (1,000 a page), wall time from start to exit,
//       median and worst of --repeat runs;
//   (c) one `top` refresh: the page top asks for each second
//       (?sort=-rate&limit=50), median and worst; and `socialcrm console
//       top` with stdout a pipe (prints the table once), wall time;
//   (d) what the reporting costs: this process's CPU time (getrusage) over
//       --seconds while every actor reports, minus the same span with
//       reporting stopped, as a share of one core. The reports include the
//       simulated actors' own sends, so the figure is an upper bound of
//       the registry's share.
//
// Usage: console [--actors N] [--report-ms MS] [--seconds S] [--repeat K]
// (defaults 10,000 actors, 2,000 ms, 10 s, 10; about a minute)

#include "actors/classifier_actor.hpp"
#include "actors/hub_actor.hpp"
#include "actors/registry_actor.hpp"
#include "actors/source_actor.hpp"
#include "actors/store_actor.hpp"
#include "actors/system_config.hpp"
#include "http/client.hpp"
#include "web/bootstrap.hpp"
#include "web/service.hpp"
#include "web/social_context.hpp"

#include <CLI/CLI.hpp>
#include <caf/actor_system.hpp>
#include <caf/event_based_actor.hpp>
#include <caf/send.hpp>
#include <nlohmann/json.hpp>

#include <fcntl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <string>
#include <thread>
#include <vector>

using namespace socialcrm;
using nlohmann::json;
using clock_type = std::chrono::steady_clock;

namespace {

constexpr const char* admin_email = "admin@bench.example";
constexpr const char* admin_password = "correct horse battery staple";

struct options {
  int actors = 10000;
  int report_ms = 2000; // actors/source_actor.cpp report_interval_ms
  double seconds = 10;
  int repeat = 10;
};

/// Whether the simulated sources report (off for the CPU baseline).
std::atomic<bool> reporting{true};

using report_atom = caf::atom_constant<caf::atom("b_report")>;

// A source as the registry sees it: registers, then reports every
// `period`, its poll count moving, its state between running and polling.
caf::behavior simulated_source(caf::event_based_actor* self,
                               registry_actor registry, int index,
                               std::chrono::milliseconds period) {
  auto info = std::make_shared<actor_info>();
  info->id = "source:bench:" + std::to_string(index);
  info->kind = "source";
  info->state = actor_state::running;
  info->network = index % 2 ? "mastodon" : "x";
  info->target = "account:" + std::to_string(index);
  info->tasks = 3;
  caf::anon_send(registry, register_atom::value, info->id,
                 std::string("source"), caf::actor_cast<caf::actor>(self));
  // Spread over the period, as sources that started at different times.
  self->delayed_send(self, period * (index % 1000) / 1000, report_atom::value);
  return {
    [=](report_atom) {
      if (reporting) {
        auto now = now_ms();
        ++info->polls;
        info->handled = info->polls;
        info->last_poll = info->last_success = now;
        info->state = info->polls % 2 ? actor_state::polling
                                      : actor_state::running;
        caf::anon_send(registry, status_atom::value, *info);
      }
      self->delayed_send(self, period, report_atom::value);
    },
  };
}

double cpu_seconds() {
  rusage u{};
  getrusage(RUSAGE_SELF, &u);
  auto secs = [](const timeval& t) {
    return static_cast<double>(t.tv_sec) + static_cast<double>(t.tv_usec) / 1e6;
  };
  return secs(u.ru_utime) + secs(u.ru_stime);
}

double ms_since(clock_type::time_point t0) {
  return std::chrono::duration<double, std::milli>(clock_type::now() - t0)
    .count();
}

struct figures {
  double median = 0, worst = 0;
};

figures summarise(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  return {v[v.size() / 2], v.back()};
}

// Runs `argv` with stdout to a file; returns its wall time in ms, or -1,
// and adds the CPU time it used (user + system) to `cpu_ms`.
double timed_run(const std::vector<std::string>& argv, const std::string& out,
                 double& cpu_ms) {
  auto t0 = clock_type::now();
  pid_t pid = fork();
  if (pid == 0) {
    auto fd = ::open(out.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
    dup2(fd, 1);
    std::vector<char*> args;
    for (auto& a : argv)
      args.push_back(const_cast<char*>(a.c_str()));
    args.push_back(nullptr);
    execv(args[0], args.data());
    _exit(127);
  }
  int status = 0;
  rusage used{};
  wait4(pid, &status, 0, &used);
  auto ms = ms_since(t0);
  cpu_ms += (static_cast<double>(used.ru_utime.tv_sec + used.ru_stime.tv_sec) * 1e3
             + static_cast<double>(used.ru_utime.tv_usec + used.ru_stime.tv_usec)
                 / 1e3);
  return WIFEXITED(status) && WEXITSTATUS(status) == 0 ? ms : -1;
}

json call(http::client& c, const std::string& url, const std::string& token) {
  http::header_list h;
  h.set("Authorization", "Bearer " + token);
  auto r = c.get(url, h);
  if (!r || r->status != 200) {
    std::fprintf(stderr, "GET %s failed: %s\n", url.c_str(),
                 r ? r->body.c_str() : r.error.c_str());
    std::exit(1);
  }
  return json::parse(r->body);
}

} // namespace

int main(int argc, char** argv) {
  options o;
  CLI::App app{"bench/console: the actor console at 10,000 actors"};
  app.add_option("--actors", o.actors, "simulated sources")
    ->check(CLI::Range(1, 1000000));
  app.add_option("--report-ms", o.report_ms, "each one reports this often")
    ->check(CLI::Range(10, 60000));
  app.add_option("--seconds", o.seconds, "CPU measurement span")
    ->check(CLI::Range(1.0, 600.0));
  app.add_option("--repeat", o.repeat, "runs of each timing")
    ->check(CLI::Range(1, 1000));
  CLI11_PARSE(app, argc, argv);
  // Lines as they are measured, also into a pipe or file.
  std::setvbuf(stdout, nullptr, _IOLBF, 0);

  auto dir = std::filesystem::temp_directory_path() / "socialcrm-console-XXXXXX";
  auto dir_s = dir.string();
  if (!mkdtemp(dir_s.data()))
    return 1;
  auto db_path = dir_s + "/bench.db";
  setenv("SOCIALCRM_ADMIN_EMAIL", admin_email, 1);
  setenv("SOCIALCRM_ADMIN_PASSWORD", admin_password, 1);
  if (auto boot = web::bootstrap_users(db_path, false); boot.exit_code != 0) {
    std::fprintf(stderr, "bootstrap failed: %s\n", boot.error.c_str());
    return 1;
  }

  system_config cfg;
  caf::actor_system sys{cfg};
  auto registry = spawn_registry(sys);
  auto store = spawn_store(sys, db_path);
  auto hub = spawn_hub(sys, registry);
  auto classifier = spawn_classifier(sys, store, registry);
  caf::anon_send(classifier, add_hub_atom::value, hub);
  {
    web::service_options opts;
    opts.social = std::make_shared<web::social_context>();
    auto ctx = std::make_shared<source_context>();
    ctx->db_path = db_path;
    opts.social->sources = ctx;
    opts.social->hub = hub;
    web::service service(sys, db_path, classifier, registry, opts);
    auto port = service.start("127.0.0.1", 0);
    auto base = "http://127.0.0.1:" + std::to_string(port);

    // An administrator's API token in a 0600 file, for the console.
    http::client c;
    http::header_list h;
    h.set("Content-Type", "application/json");
    auto signed_in = c.post(base + "/api/v1/session",
                            json{{"email", admin_email},
                                 {"password", admin_password}}
                              .dump(),
                            "application/json");
    if (!signed_in || signed_in->status != 200) {
      std::fprintf(stderr, "sign-in failed\n");
      return 1;
    }
    auto session = json::parse(signed_in->body);
    std::string cookie;
    for (auto& [k, v] : signed_in->headers)
      if (http::iequals(k, "Set-Cookie"))
        cookie = v.substr(0, v.find(';'));
    http::header_list th;
    th.set("Cookie", cookie);
    th.set("X-CSRF-Token", session["csrf_token"].get<std::string>());
    auto made = c.post(base + "/api/v1/tokens", json{{"name", "bench"}}.dump(),
                       "application/json", th);
    if (!made || made->status != 201) {
      std::fprintf(stderr, "token failed\n");
      return 1;
    }
    auto token = json::parse(made->body)["token"].get<std::string>();
    auto token_file = dir_s + "/token";
    {
      std::ofstream f(token_file);
      f << token << "\n";
    }
    chmod(token_file.c_str(), 0600);

    std::printf("bench/console: %d simulated sources reporting every %d ms "
                "(%.0f reports/s) to the real registry; the real web "
                "service on %s\n",
                o.actors, o.report_ms, o.actors * 1000.0 / o.report_ms,
                base.c_str());
    auto t_spawn = clock_type::now();
    std::vector<caf::actor> simulated;
    simulated.reserve(static_cast<std::size_t>(o.actors));
    for (int i = 0; i < o.actors; ++i)
      simulated.push_back(sys.spawn(simulated_source, registry, i,
                                    std::chrono::milliseconds(o.report_ms)));
    std::int64_t total = 0;
    while (total < o.actors) {
      total = call(c, base + "/api/v1/admin/actors?limit=1&kind=source", token)
                .value("total", 0LL);
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    std::printf("  %lld sources registered in %.0f ms\n",
                static_cast<long long>(total), ms_since(t_spawn));
    // A full round of reports, so rates and states are real.
    std::this_thread::sleep_for(std::chrono::milliseconds(o.report_ms * 2));

    std::vector<double> page, top_page, whole, top_run;
    std::size_t page_bytes = 0;
    for (int k = 0; k < o.repeat; ++k) {
      http::header_list ah;
      ah.set("Authorization", "Bearer " + token);
      auto t0 = clock_type::now();
      auto r = c.get(base + "/api/v1/admin/actors?limit=500", ah);
      page.push_back(ms_since(t0));
      page_bytes = r ? r->body.size() : 0;
      t0 = clock_type::now();
      c.get(base + "/api/v1/admin/actors?sort=-rate&limit=50", ah);
      top_page.push_back(ms_since(t0));
    }
    auto out = dir_s + "/ls.json";
    std::size_t listed = 0;
    double ls_cpu = 0, top_cpu = 0;
    for (int k = 0; k < o.repeat; ++k) {
      auto ms = timed_run({SOCIALCRM_BINARY, "console", "--connect", base,
                           "--token-file", token_file, "--json", "ls"},
                          out, ls_cpu);
      if (ms < 0) {
        std::fprintf(stderr, "socialcrm console ls failed\n");
        return 1;
      }
      whole.push_back(ms);
      std::ifstream f(out);
      listed = json::parse(f)["items"].size();
      auto top_ms = timed_run({SOCIALCRM_BINARY, "console", "--connect", base,
                               "--token-file", token_file, "top"},
                              dir_s + "/top.txt", top_cpu);
      if (top_ms < 0) {
        std::fprintf(stderr, "socialcrm console top failed\n");
        return 1;
      }
      top_run.push_back(top_ms);
    }
    auto p = summarise(page), tp = summarise(top_page), w = summarise(whole),
         tr = summarise(top_run);
    std::printf("  (a) a page of 500 (GET /admin/actors?limit=500, %zu "
                "bytes): median %.1f ms, worst %.1f ms of %d   [target < 50 ms]\n",
                page_bytes, p.median, p.worst, o.repeat);
    std::printf("  (b) the whole list, `socialcrm console --json ls` (%zu "
                "actors, %zu pages), process start to exit: median %.0f ms, "
                "worst %.0f ms of %d (the console process used %.0f ms of CPU "
                "a run)   [target < 1 s]\n",
                listed, (listed + 999) / 1000, w.median, w.worst, o.repeat,
                ls_cpu / o.repeat);
    std::printf("  (c) one top refresh (GET ?sort=-rate&limit=50): median "
                "%.1f ms, worst %.1f ms; `socialcrm console top` to a pipe, "
                "process start to exit: median %.0f ms, worst %.0f ms\n",
                tp.median, tp.worst, tr.median, tr.worst);

    // CPU: reporting on, then off, over the same span each.
    auto span = std::chrono::duration<double>(o.seconds);
    auto measure = [&] {
      auto cpu0 = cpu_seconds();
      auto t0 = clock_type::now();
      std::this_thread::sleep_for(span);
      auto wall = std::chrono::duration<double>(clock_type::now() - t0).count();
      return (cpu_seconds() - cpu0) / wall * 100.0;
    };
    reporting = true;
    auto with = measure();
    reporting = false;
    auto without = measure();
    std::printf("  (d) process CPU over %.0f s: %.2f%% of one core with "
                "every source reporting, %.2f%% with none; reporting costs "
                "%.2f%% of one core   [target < 2%%]\n",
                o.seconds, with, without, with - without);
    service.stop();
    for (auto& a : simulated)
      caf::anon_send_exit(a, caf::exit_reason::user_shutdown);
  }
  for (auto a : {caf::actor_cast<caf::actor>(classifier),
                 caf::actor_cast<caf::actor>(hub),
                 caf::actor_cast<caf::actor>(store),
                 caf::actor_cast<caf::actor>(registry)})
    caf::anon_send_exit(a, caf::exit_reason::user_shutdown);
  std::error_code ec;
  std::filesystem::remove_all(dir_s, ec);
  return 0;
}
