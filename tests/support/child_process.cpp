#include "tests/support/child_process.hpp"

#include <arpa/inet.h>
#include <cerrno>
#include <csignal>
#include <cstring>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <spawn.h>
#include <stdexcept>
#include <sys/socket.h>
#include <sys/wait.h>
#include <thread>
#include <unistd.h>

extern char** environ;

namespace socialcrm::test {

namespace {

using clock_type = std::chrono::steady_clock;

} // namespace

child_process::child_process(std::vector<std::string> argv,
                             std::vector<std::string> env) {
  int out_pipe[2];
  int err_pipe[2];
  if (::pipe2(out_pipe, O_CLOEXEC) != 0 || ::pipe2(err_pipe, O_CLOEXEC) != 0)
    throw std::runtime_error("pipe failed");
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_adddup2(&actions, out_pipe[1], 1);
  posix_spawn_file_actions_adddup2(&actions, err_pipe[1], 2);
  std::vector<char*> args;
  for (auto& a : argv)
    args.push_back(a.data());
  args.push_back(nullptr);
  std::vector<std::string> env_strings;
  for (char** e = environ; *e != nullptr; ++e)
    env_strings.emplace_back(*e);
  for (auto& e : env)
    env_strings.push_back(e);
  std::vector<char*> envp;
  for (auto& e : env_strings)
    envp.push_back(e.data());
  envp.push_back(nullptr);
  int rc = ::posix_spawn(&pid_, args[0], &actions, nullptr, args.data(),
                         envp.data());
  posix_spawn_file_actions_destroy(&actions);
  ::close(out_pipe[1]);
  ::close(err_pipe[1]);
  out_fd_ = out_pipe[0];
  err_fd_ = err_pipe[0];
  if (rc != 0)
    throw std::runtime_error("posix_spawn " + argv[0] + ": " + strerror(rc));
}

child_process::~child_process() {
  if (!status_ && pid_ > 0) {
    ::kill(pid_, SIGKILL);
    int st = 0;
    ::waitpid(pid_, &st, 0);
  }
  if (out_fd_ >= 0)
    ::close(out_fd_);
  if (err_fd_ >= 0)
    ::close(err_fd_);
}

void child_process::pump(std::chrono::milliseconds budget) {
  pollfd fds[2] = {{out_fd_, POLLIN, 0}, {err_fd_, POLLIN, 0}};
  int n = ::poll(fds, 2, static_cast<int>(budget.count()));
  if (n <= 0)
    return;
  char buf[4096];
  for (int i = 0; i < 2; ++i) {
    if (fds[i].fd < 0 || (fds[i].revents & (POLLIN | POLLHUP)) == 0)
      continue;
    auto got = ::read(fds[i].fd, buf, sizeof(buf));
    if (got > 0) {
      (i == 0 ? out_ : err_).append(buf, static_cast<size_t>(got));
    } else if (got == 0) {
      ::close(fds[i].fd);
      (i == 0 ? out_fd_ : err_fd_) = -1;
    }
  }
}

std::optional<std::string>
child_process::wait_for_line(const std::string& needle,
                             std::chrono::milliseconds timeout) {
  auto deadline = clock_type::now() + timeout;
  for (;;) {
    // Look at complete lines not handed out yet.
    for (;;) {
      auto eol = out_.find('\n', scanned_);
      if (eol == std::string::npos)
        break;
      auto line = out_.substr(scanned_, eol - scanned_);
      scanned_ = eol + 1;
      if (line.find(needle) != std::string::npos)
        return line;
    }
    if (out_fd_ < 0 && err_fd_ < 0)
      return std::nullopt;
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
      deadline - clock_type::now());
    if (left.count() <= 0)
      return std::nullopt;
    if (out_fd_ < 0) {
      // Only stderr left open: keep draining it so the child never blocks.
      pump(std::min(left, std::chrono::milliseconds(50)));
      return std::nullopt;
    }
    pump(std::min(left, std::chrono::milliseconds(50)));
  }
}

void child_process::signal(int sig) {
  if (!status_ && pid_ > 0)
    ::kill(pid_, sig);
}

std::optional<int> child_process::wait(std::chrono::milliseconds timeout) {
  if (status_)
    return status_;
  auto deadline = clock_type::now() + timeout;
  for (;;) {
    int st = 0;
    auto r = ::waitpid(pid_, &st, WNOHANG);
    if (r == pid_) {
      // Collect what is still buffered in the pipes.
      while (out_fd_ >= 0 || err_fd_ >= 0)
        pump(std::chrono::milliseconds(10));
      status_ = WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
      return status_;
    }
    if (clock_type::now() >= deadline)
      return std::nullopt;
    if (out_fd_ >= 0 || err_fd_ >= 0)
      pump(std::chrono::milliseconds(20));
    else
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
}

run_result run(std::vector<std::string> argv, std::vector<std::string> env,
               std::chrono::milliseconds timeout) {
  child_process p(std::move(argv), std::move(env));
  auto code = p.wait(timeout);
  if (!code) {
    p.signal(SIGKILL);
    p.wait();
    throw std::runtime_error("child did not exit in time");
  }
  return {*code, p.out(), p.err()};
}

unsigned short free_port() {
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = 0;
  ::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr));
  socklen_t len = sizeof(addr);
  ::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len);
  ::close(fd);
  return ntohs(addr.sin_port);
}

} // namespace socialcrm::test
