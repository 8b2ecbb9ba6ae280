#pragma once

// What a failed write answers and how it is logged. A full disk fails every
// write until an operator acts: each failure is refused with its own error,
// and the log names the SQLite error once per burst instead of once per
// request.

#include "protocol/error.hpp"

#include <atomic>
#include <chrono>
#include <cstdint>
#include <exception>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>

namespace socialcrm::storage {

/// Why one minute: after the first line of a burst the operator knows;
/// one more line a minute says the failures go on (and how many), without
/// the server filling with its own log the disk that is already full.
inline constexpr std::chrono::seconds write_failure_quiet_period{60};

/// The error a failed SQLite operation answers: `storage_full` when the
/// database or its disk is out of space (SQLITE_FULL, whatever its
/// extended code), `storage_failure` for anything else.
error_info storage_error(const std::exception& e);

/// Whether `e` is SQLite saying it is out of space.
bool is_storage_full(const std::exception& e);

/// The log lines of write failures, per writer (`where`: "CRM", "ingest",
/// ...): the first failure of a burst gives a line; failures within the
/// quiet period after a line are counted, and the next line (or the line
/// saying writes succeed again) says how many were not logged. Pure logic
/// with the time passed in, so tests need no clock; thread-safe.
class failure_burst {
public:
  using clock = std::chrono::steady_clock;

  explicit failure_burst(clock::duration quiet = write_failure_quiet_period)
      : quiet_(quiet) {}

  /// A failed write: the line to log now, or nullopt (counted).
  std::optional<std::string> failed(std::string_view where,
                                    std::string_view error, clock::time_point now);

  /// A successful write: after failures, the line saying writes succeed
  /// again; otherwise nullopt.
  std::optional<std::string> succeeded(std::string_view where);

private:
  struct state {
    clock::time_point last_line{};
    std::int64_t failures = 0;   // since the burst began
    std::int64_t unlogged = 0;   // since the last line
  };
  clock::duration quiet_;
  // Writers in a burst: a success elsewhere costs one atomic load.
  std::atomic<int> open_{0};
  std::mutex mx_;
  std::map<std::string, state, std::less<>> bursts_;
};

/// The process's write failures, logged through spdlog (error level, and
/// info when writes succeed again). Returns what the caller answers.
error_info write_failed(std::string_view where, const std::exception& e);

/// Tells the log that `where` writes again (one line after a burst; a
/// no-op otherwise).
void write_succeeded(std::string_view where);

} // namespace socialcrm::storage
