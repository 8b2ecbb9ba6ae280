#pragma once

// One child process of bench/crash_storm (`socialcrm sim` or `socialcrm
// serve`): its stdout comes through a pipe so the bench can time lines such
// as "socialcrm ready", and stdout and stderr both end in a log file kept
// for the post-mortem.

#include <chrono>
#include <optional>
#include <string>
#include <sys/types.h>
#include <vector>

namespace socialcrm::bench {

using clock_type = std::chrono::steady_clock;

/// A line of the child's stdout and when the bench read it.
struct child_line {
  std::string text;
  clock_type::time_point at;
};

class child {
public:
  /// Starts argv[0] with `env` ("K=V") added to the inherited environment;
  /// stderr and a copy of stdout are appended to `log_path`. Throws
  /// std::runtime_error when it cannot start.
  child(const std::vector<std::string>& argv,
        const std::vector<std::string>& env, const std::string& log_path);
  ~child(); // SIGKILL and reap when still running
  child(const child&) = delete;
  child& operator=(const child&) = delete;

  pid_t pid() const { return pid_; }

  /// Waits up to `wait` for stdout, copies what came to the log and returns
  /// the complete lines read.
  std::vector<child_line> pump(std::chrono::milliseconds wait);

  /// Pumps until a line containing `needle` arrives (returned), `timeout`
  /// passes or stdout closes (nullopt).
  std::optional<child_line> wait_for_line(const std::string& needle,
                                          std::chrono::milliseconds timeout);

  void signal(int sig);

  /// The exit status if the child has ended (128 + signal when killed),
  /// without waiting.
  std::optional<int> exited();

  /// Waits for the end; nullopt when `timeout` passes first.
  std::optional<int> wait(std::chrono::milliseconds timeout);

private:
  pid_t pid_ = -1;
  int out_fd_ = -1;
  int log_fd_ = -1;
  std::string partial_; // stdout after the last newline
  std::optional<int> status_;
};

} // namespace socialcrm::bench
