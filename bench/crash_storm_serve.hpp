#pragma once

// `socialcrm serve` as bench/crash_storm drives it: started on one data
// directory again and again, timed from exec to its "socialcrm ready" line
// and to the first post it stores, and killed with SIGKILL at a chosen
// moment.

#include "bench/crash_storm_child.hpp"
#include "bench/crash_storm_traffic.hpp"

#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace socialcrm::bench {

struct serve_setup {
  std::string binary;
  std::string data_dir;
  std::string sim_url;
  double poll_interval_s = 0.1;
  std::string log_path; // stdout and stderr of every run, one after another
  /// Also read the database file with a read-only connection of the
  /// bench's own every 10 ms while serve runs, as a backup tool or the
  /// sqlite3 shell would. Off by default: the figures are about kills, and
  /// serve's own /metrics tells the stored count without a second process
  /// touching the file.
  bool probe_file = false;
  std::string db_path() const { return data_dir + "/socialcrm.db"; }
  std::vector<std::string> argv() const;
};

/// What one start-and-kill of serve showed.
struct cycle_result {
  int number = 0;
  int kill_after_ms = 0;           // drawn from the seed
  std::optional<double> ready_ms;  // exec to "socialcrm ready"
  std::optional<double> store_ms;  // exec to the first new row seen
  std::optional<int> exited_early; // status, if it ended before the kill
  double kill_late_ms = 0;         // SIGKILL sent this late (a probe ran)
  std::int64_t rows_before = 0;    // posts rows at exec
  std::int64_t rows_seen = 0;      // most rows seen while it ran
  std::int64_t rows_after = 0;     // posts rows after the kill
  std::string integrity;           // after the kill ("" when not run)
};

/// Appends a line to the log, between runs.
void log_note(const std::string& log_path, const std::string& line);

struct running_serve {
  std::unique_ptr<child> process;
  std::string base_url; // "http://127.0.0.1:PORT"
};

/// Starts serve and waits for its "socialcrm ready" line; throws
/// std::runtime_error when it does not come.
running_serve start_serve(const serve_setup& s);

/// Rows of the posts table as serve's GET /metrics counts them (the sum of
/// socialcrm_posts_ingested), or nullopt when serve does not answer.
std::optional<std::int64_t> metrics_rows(http::client& c,
                                         const std::string& base_url);

/// Waits until serve reports `want` posts rows on /metrics, or until the
/// count stops moving for `stall`; returns the seconds it took, negative
/// when it gave up.
double wait_for_rows(const std::string& base_url, std::int64_t want,
                     std::chrono::seconds stall, std::chrono::seconds limit);

/// Signs in as the super administrator and links every account of
/// `traffic` over POST /api/v1/social/accounts.
void link_accounts(const std::string& base_url, storm_traffic& traffic);

/// Starts serve, kills it with SIGKILL `kill_after_ms` after the exec, and
/// reports what was seen meanwhile; runs integrity_check afterwards when
/// `check` is set.
cycle_result run_cycle(const serve_setup& s, int number, int kill_after_ms,
                       bool check);

/// The admin's e-mail and password serve creates on the first start.
std::vector<std::string> serve_env();

} // namespace socialcrm::bench
