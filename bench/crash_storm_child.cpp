#include "bench/crash_storm_child.hpp"

#include <cerrno>
#include <csignal>
#include <cstring>
#include <fcntl.h>
#include <poll.h>
#include <spawn.h>
#include <stdexcept>
#include <sys/wait.h>
#include <thread>
#include <unistd.h>

extern char** environ;

namespace socialcrm::bench {

child::child(const std::vector<std::string>& argv,
             const std::vector<std::string>& env, const std::string& log_path) {
  log_fd_ =
      ::open(log_path.c_str(), O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0600);
  if (log_fd_ < 0)
    throw std::runtime_error("cannot open " + log_path + ": " +
                             std::strerror(errno));
  int out_pipe[2];
  if (::pipe2(out_pipe, O_CLOEXEC) != 0) {
    ::close(log_fd_);
    throw std::runtime_error("pipe failed");
  }
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_adddup2(&actions, out_pipe[1], 1);
  posix_spawn_file_actions_adddup2(&actions, log_fd_, 2);
  std::vector<std::string> args = argv;
  std::vector<char*> arg_ptrs;
  for (auto& a : args)
    arg_ptrs.push_back(a.data());
  arg_ptrs.push_back(nullptr);
  std::vector<std::string> env_strings;
  for (char** e = environ; *e != nullptr; ++e)
    env_strings.emplace_back(*e);
  env_strings.insert(env_strings.end(), env.begin(), env.end());
  std::vector<char*> env_ptrs;
  for (auto& e : env_strings)
    env_ptrs.push_back(e.data());
  env_ptrs.push_back(nullptr);
  int rc = ::posix_spawn(&pid_, arg_ptrs[0], &actions, nullptr, arg_ptrs.data(),
                         env_ptrs.data());
  posix_spawn_file_actions_destroy(&actions);
  ::close(out_pipe[1]);
  out_fd_ = out_pipe[0];
  if (rc != 0) {
    ::close(out_fd_);
    ::close(log_fd_);
    throw std::runtime_error("cannot start " + argv[0] + ": " +
                             std::strerror(rc));
  }
}

child::~child() {
  if (!status_ && pid_ > 0) {
    ::kill(pid_, SIGKILL);
    int st = 0;
    ::waitpid(pid_, &st, 0);
  }
  if (out_fd_ >= 0)
    ::close(out_fd_);
  if (log_fd_ >= 0)
    ::close(log_fd_);
}

std::vector<child_line> child::pump(std::chrono::milliseconds wait) {
  std::vector<child_line> lines;
  if (out_fd_ < 0) {
    std::this_thread::sleep_for(wait);
    return lines;
  }
  pollfd fd{out_fd_, POLLIN, 0};
  if (::poll(&fd, 1, static_cast<int>(wait.count())) <= 0)
    return lines;
  char buf[4096];
  auto got = ::read(out_fd_, buf, sizeof(buf));
  auto now = clock_type::now();
  if (got <= 0) {
    ::close(out_fd_);
    out_fd_ = -1;
    return lines;
  }
  // The log is for people: a failed write there must not stop the run.
  [[maybe_unused]] auto w = ::write(log_fd_, buf, static_cast<size_t>(got));
  partial_.append(buf, static_cast<size_t>(got));
  for (auto eol = partial_.find('\n'); eol != std::string::npos;
       eol = partial_.find('\n')) {
    lines.push_back({partial_.substr(0, eol), now});
    partial_.erase(0, eol + 1);
  }
  return lines;
}

std::optional<child_line>
child::wait_for_line(const std::string& needle,
                     std::chrono::milliseconds timeout) {
  auto deadline = clock_type::now() + timeout;
  while (out_fd_ >= 0 && clock_type::now() < deadline) {
    for (auto& line : pump(std::chrono::milliseconds(20)))
      if (line.text.find(needle) != std::string::npos)
        return line;
  }
  return std::nullopt;
}

void child::signal(int sig) {
  if (!status_ && pid_ > 0)
    ::kill(pid_, sig);
}

std::optional<int> child::exited() {
  if (status_ || pid_ <= 0)
    return status_;
  int st = 0;
  if (::waitpid(pid_, &st, WNOHANG) == pid_)
    status_ = WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
  return status_;
}

std::optional<int> child::wait(std::chrono::milliseconds timeout) {
  auto deadline = clock_type::now() + timeout;
  while (!exited()) {
    if (clock_type::now() >= deadline)
      return std::nullopt;
    pump(std::chrono::milliseconds(5)); // keeps the pipe from filling
  }
  while (out_fd_ >= 0) // what the child wrote before it ended
    pump(std::chrono::milliseconds(5));
  return status_;
}

} // namespace socialcrm::bench
