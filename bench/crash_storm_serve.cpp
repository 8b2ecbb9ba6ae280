#include "bench/crash_storm_serve.hpp"

#include "bench/crash_storm_tally.hpp"

#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <stdexcept>
#include <thread>

namespace socialcrm::bench {

namespace {

constexpr const char* admin_email = "storm@example.com";
constexpr const char* admin_password = "crash storm password";

/// How often the bench asks serve's /metrics for the stored count while it
/// runs: fine enough for restart times of a few hundred ms, coarse enough
/// that the probes stay a small part of the 2-core host's work.
constexpr auto store_probe_period = std::chrono::milliseconds(10);

/// Longest wait for "socialcrm ready" before the bench gives up.
constexpr auto ready_timeout = std::chrono::seconds(60);

double ms_since(clock_type::time_point from, clock_type::time_point to) {
  return std::chrono::duration<double, std::milli>(to - from).count();
}

std::string session_cookie(const http::response& res) {
  const std::string prefix = "socialcrm_session=";
  for (auto& [name, value] : res.headers)
    if (http::iequals(name, "Set-Cookie") && value.rfind(prefix, 0) == 0)
      return value.substr(0, value.find(';'));
  return {};
}

std::optional<std::string> listening_url(const std::string& line) {
  auto at = line.find("socialcrm listening on http://");
  if (at == std::string::npos)
    return std::nullopt;
  return line.substr(line.find("http://", at));
}

/// Probes are answered in a millisecond on loopback; a serve that takes
/// longer is busy starting, and the kill must not wait for it.
http::client_options probe_client_options() {
  http::client_options o;
  o.connect_timeout = std::chrono::milliseconds(200);
  o.request_timeout = std::chrono::milliseconds(500);
  return o;
}

} // namespace

std::vector<std::string> serve_setup::argv() const {
  char interval[32];
  std::snprintf(interval, sizeof interval, "%g", poll_interval_s);
  return {binary,        "serve",     "--data", data_dir,          "--listen",
          "127.0.0.1:0", "--sim-url", sim_url,  "--poll-interval", interval};
}

std::vector<std::string> serve_env() {
  return {std::string("SOCIALCRM_ADMIN_EMAIL=") + admin_email,
          std::string("SOCIALCRM_ADMIN_PASSWORD=") + admin_password};
}

void log_note(const std::string& log_path, const std::string& line) {
  if (FILE* f = std::fopen(log_path.c_str(), "a")) {
    std::fprintf(f, "%s\n", line.c_str());
    std::fclose(f);
  }
}

running_serve start_serve(const serve_setup& s) {
  running_serve out;
  out.process = std::make_unique<child>(s.argv(), serve_env(), s.log_path);
  auto deadline = clock_type::now() + ready_timeout;
  while (clock_type::now() < deadline) {
    for (auto& line : out.process->pump(std::chrono::milliseconds(20))) {
      if (auto url = listening_url(line.text))
        out.base_url = *url;
      if (line.text.find("socialcrm ready") != std::string::npos)
        return out;
    }
    if (auto st = out.process->exited())
      throw std::runtime_error("serve exited with status " +
                               std::to_string(*st) + " before ready; see " +
                               s.log_path);
  }
  throw std::runtime_error("serve not ready within 60 s; see " + s.log_path);
}

std::optional<std::int64_t> metrics_rows(http::client& c,
                                         const std::string& base_url) {
  auto r = c.get(base_url + "/metrics");
  if (!r || r->status != 200)
    return std::nullopt;
  const std::string name = "\nsocialcrm_posts_ingested{";
  std::int64_t rows = 0;
  for (auto at = r->body.find(name); at != std::string::npos;
       at = r->body.find(name, at + 1)) {
    auto value = r->body.find("} ", at);
    if (value == std::string::npos)
      return std::nullopt;
    rows += std::strtoll(r->body.c_str() + value + 2, nullptr, 10);
  }
  return rows;
}

double wait_for_rows(const std::string& base_url, std::int64_t want,
                     std::chrono::seconds stall, std::chrono::seconds limit) {
  http::client c(probe_client_options());
  auto start = clock_type::now();
  auto moved = start;
  std::int64_t last = -1;
  for (auto now = start; now - start < limit; now = clock_type::now()) {
    auto rows = metrics_rows(c, base_url).value_or(-1);
    if (rows >= want)
      return std::chrono::duration<double>(now - start).count();
    if (rows != last) {
      last = rows;
      moved = now;
    } else if (now - moved > stall) {
      break;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  return -std::chrono::duration<double>(clock_type::now() - start).count();
}

void link_accounts(const std::string& base_url, storm_traffic& traffic) {
  http::client c;
  http::header_list h;
  h.set("Content-Type", "application/json");
  auto r =
      c.send("POST", base_url + "/api/v1/session", h,
             json{{"email", admin_email}, {"password", admin_password}}.dump());
  if (!r || r->status != 200)
    throw std::runtime_error("sign-in failed: " + (r ? r->body : r.error));
  h.set("Cookie", session_cookie(*r.response));
  h.set("X-CSRF-Token",
        json::parse(r->body).at("csrf_token").get<std::string>());
  for (auto& a : traffic.accounts()) {
    auto body = traffic.link_body(a);
    auto l =
        c.send("POST", base_url + "/api/v1/social/accounts", h, body.dump());
    if (!l || l->status != 201)
      throw std::runtime_error("linking " + a.network +
                               " failed: " + (l ? l->body : l.error));
  }
}

cycle_result run_cycle(const serve_setup& s, int number, int kill_after_ms,
                       bool check) {
  cycle_result out;
  out.number = number;
  out.kill_after_ms = kill_after_ms;
  out.rows_before = count_posts(s.db_path()).value_or(0);
  out.rows_seen = out.rows_before;
  log_note(s.log_path, "=== crash_storm cycle " + std::to_string(number) +
                           ": exec, SIGKILL after " +
                           std::to_string(kill_after_ms) + " ms, " +
                           std::to_string(out.rows_before) + " posts rows");
  http::client probe(probe_client_options());
  std::string base_url;
  auto exec_at = clock_type::now();
  child serve(s.argv(), serve_env(), s.log_path);
  auto kill_at = exec_at + std::chrono::milliseconds(kill_after_ms);
  auto next_probe = exec_at;
  for (auto now = clock_type::now(); now < kill_at; now = clock_type::now()) {
    auto left =
        std::chrono::duration_cast<std::chrono::milliseconds>(kill_at - now);
    for (auto& line :
         serve.pump(std::min(left, std::chrono::milliseconds(2)))) {
      if (auto url = listening_url(line.text))
        base_url = *url;
      if (!out.ready_ms &&
          line.text.find("socialcrm ready") != std::string::npos)
        out.ready_ms = ms_since(exec_at, line.at);
    }
    if (clock_type::now() >= next_probe) {
      next_probe += store_probe_period;
      std::optional<std::int64_t> rows;
      if (!base_url.empty())
        rows = metrics_rows(probe, base_url);
      if (s.probe_file)
        if (auto file_rows = count_posts(s.db_path()))
          rows = std::max(rows.value_or(0), *file_rows);
      if (rows) {
        out.rows_seen = std::max(out.rows_seen, *rows);
        if (!out.store_ms && *rows > out.rows_before)
          out.store_ms = ms_since(exec_at, clock_type::now());
      }
    }
    if ((out.exited_early = serve.exited()))
      break;
  }
  if (!out.exited_early)
    out.kill_late_ms = std::max(0.0, ms_since(kill_at, clock_type::now()));
  serve.signal(SIGKILL);
  serve.wait(std::chrono::seconds(30));
  out.rows_after = count_posts(s.db_path()).value_or(-1);
  if (check)
    out.integrity = integrity_check(s.db_path());
  return out;
}

} // namespace socialcrm::bench
