#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <sys/types.h>
#include <vector>

namespace socialcrm::test {

/// A real child process with its stdout and stderr captured, for tests that
/// drive the `socialcrm` binary the way a user or script would.
class child_process {
public:
  /// Starts `argv[0]` with the given arguments; `env` entries ("K=V") are
  /// added to the inherited environment.
  explicit child_process(std::vector<std::string> argv,
                         std::vector<std::string> env = {});
  ~child_process(); // kills the child (SIGKILL) if it still runs
  child_process(const child_process&) = delete;
  child_process& operator=(const child_process&) = delete;

  pid_t pid() const { return pid_; }

  /// Reads stdout until a line containing `needle` arrives; returns that
  /// line, or nullopt on timeout or end of output.
  std::optional<std::string>
  wait_for_line(const std::string& needle,
                std::chrono::milliseconds timeout = std::chrono::seconds(30));

  /// Sends `sig` to the child.
  void signal(int sig);

  /// Waits for the child to exit; returns its exit code (128+signal when
  /// killed by a signal), or nullopt on timeout.
  std::optional<int>
  wait(std::chrono::milliseconds timeout = std::chrono::seconds(30));

  /// Everything read so far from stdout and stderr (stderr is drained by
  /// wait() and wait_for_line()).
  const std::string& out() const { return out_; }
  const std::string& err() const { return err_; }

private:
  void pump(std::chrono::milliseconds budget);

  pid_t pid_ = -1;
  int out_fd_ = -1;
  int err_fd_ = -1;
  std::string out_;
  std::string err_;
  size_t scanned_ = 0; // stdout bytes already handed out by wait_for_line
  std::optional<int> status_;
};

/// Runs a command to completion and returns {exit code, stdout, stderr}.
struct run_result {
  int code;
  std::string out;
  std::string err;
};
run_result run(std::vector<std::string> argv,
               std::vector<std::string> env = {},
               std::chrono::milliseconds timeout = std::chrono::seconds(60));

/// A free TCP port on 127.0.0.1 (bound and released; good enough for tests
/// that need to restart a server on the same port).
unsigned short free_port();

} // namespace socialcrm::test
