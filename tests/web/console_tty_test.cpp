// The console's terminal side (issue 22): `socialcrm console top` and the
// interactive shell as a real child process in a real pseudo-terminal
// (TERM=xterm), against a real emulator and `socialcrm serve`; and both
// again with stdout or stdin a pipe. Screen output is matched with its
// escape sequences taken out, and every wait has a deadline, never a sleep.

#include "tests/support/child_process.hpp"
#include "tests/support/temp_dir.hpp"
#include "tests/web/social_fixture.hpp"

#include <catch2/catch.hpp>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <pty.h>
#include <signal.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <termios.h>
#include <unistd.h>
#include <utmp.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <chrono>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <optional>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

extern char** environ;

using namespace socialcrm::test;
using nlohmann::json;

namespace {

/// How long the screen may take to show something: generous, so a loaded
/// CI machine fails only when the thing never comes.
constexpr auto screen_deadline = std::chrono::seconds(20);

social_env& env() {
  static social_env e{"3600"};
  return e;
}

// One linked account, its source registered: what `top` and completion
// have to show besides the core actors.
const std::string& source_id() {
  static const std::string source = [] {
    auto id = "source:account:" + env().link("x", "ttyx").account_id;
    REQUIRE(social_env::eventually([&] {
      return env().admin().get("/api/v1/admin/actors/" + id).status == 200;
    }));
    return id;
  }();
  return source;
}

// A token of a Standard user, who may not see the actors.
std::string standard_token(temp_dir& dir) {
  static api_client standard =
    env().user("tty.standard@example.com", "Standard");
  return token_file(standard, dir, "standard");
}

std::vector<std::string> console_argv(const std::string& token,
                                      std::vector<std::string> words) {
  std::vector<std::string> argv{SOCIALCRM_BINARY, "console", "--connect",
                                env().server().base(), "--token-file", token};
  argv.insert(argv.end(), words.begin(), words.end());
  return argv;
}

/// The text a terminal would show, roughly: the escape sequences curses
/// and libedit write for xterm (CSI, charset and keypad switches) and
/// carriage returns taken out.
std::string visible(const std::string& raw) {
  std::string out;
  for (std::size_t i = 0; i < raw.size(); ++i) {
    char ch = raw[i];
    if (ch == '\r')
      continue;
    if (ch != '\x1b') {
      out += ch;
      continue;
    }
    if (i + 1 >= raw.size())
      break;
    char kind = raw[++i];
    if (kind == '[') { // CSI: parameters, then a final byte @ to ~
      while (i + 1 < raw.size() && !(raw[i + 1] >= '@' && raw[i + 1] <= '~'))
        ++i;
      ++i;
    } else if (kind == '(' || kind == ')') { // charset: one more byte
      ++i;
    } // else a two-byte sequence (ESC = , ESC >): already skipped
  }
  return out;
}

/// A child process on a new pseudo-terminal (30 lines by 100 columns
/// unless told), with TERM=xterm: the console the way a person at a
/// terminal runs it.
class pty_child {
public:
  pty_child(const std::vector<std::string>& argv,
            std::vector<std::string> extra_env = {},
            unsigned short rows = 30) {
    winsize size{};
    size.ws_row = rows;
    size.ws_col = 100;
    int slave = -1;
    REQUIRE(::openpty(&master_, &slave, nullptr, nullptr, &size) == 0);
    REQUIRE(::tcgetattr(master_, &before_) == 0);
    // Everything exec needs, built before fork: the child only execs.
    extra_env.push_back("TERM=xterm");
    std::vector<std::string> env_text;
    for (char** e = environ; *e; ++e) {
      std::string entry = *e;
      auto key = entry.substr(0, entry.find('=') + 1);
      if (std::none_of(extra_env.begin(), extra_env.end(),
                       [&](auto& x) { return x.rfind(key, 0) == 0; }))
        env_text.push_back(entry);
    }
    env_text.insert(env_text.end(), extra_env.begin(), extra_env.end());
    auto argv_text = argv;
    auto args = pointers(argv_text);
    auto envp = pointers(env_text);
    pid_ = ::fork();
    REQUIRE(pid_ >= 0);
    if (pid_ == 0) {
      ::close(master_);
      ::login_tty(slave); // new session, the pty its terminal and 0, 1, 2
      ::execve(args[0], args.data(), envp.data());
      ::_exit(127);
    }
    ::close(slave);
  }

  ~pty_child() {
    if (pid_ > 0 && !status_) {
      ::kill(pid_, SIGKILL);
      ::waitpid(pid_, nullptr, 0);
    }
    ::close(master_);
  }

  pty_child(const pty_child&) = delete;
  pty_child& operator=(const pty_child&) = delete;

  /// The terminal window resized: the kernel sends the child SIGWINCH.
  void resize(unsigned short rows, unsigned short cols) {
    winsize size{};
    size.ws_row = rows;
    size.ws_col = cols;
    REQUIRE(::ioctl(master_, TIOCSWINSZ, &size) == 0);
  }

  void signal(int sig) { REQUIRE(::kill(pid_, sig) == 0); }

  void type(const std::string& keys) {
    REQUIRE(::write(master_, keys.data(), keys.size())
            == static_cast<ssize_t>(keys.size()));
  }

  /// Reads until `text` shows after what earlier calls matched; false when
  /// the deadline passes or the output ends first.
  bool expect(const std::string& text) {
    auto until = std::chrono::steady_clock::now() + screen_deadline;
    for (;;) {
      auto shown = visible(raw_);
      auto at = shown.find(text, mark_);
      if (at != std::string::npos) {
        mark_ = at + text.size();
        return true;
      }
      if (!pump(until))
        return false;
    }
  }

  /// Reads the rest of the output and waits for the exit code (nullopt
  /// when the child does not end before the deadline).
  std::optional<int> finish() {
    auto until = std::chrono::steady_clock::now() + screen_deadline;
    while (pump(until)) {
    }
    while (std::chrono::steady_clock::now() < until) {
      int status = 0;
      if (::waitpid(pid_, &status, WNOHANG) == pid_) {
        status_ = WIFEXITED(status) ? WEXITSTATUS(status)
                                    : 128 + WTERMSIG(status);
        return status_;
      }
      ::poll(nullptr, 0, 20);
    }
    return std::nullopt;
  }

  const std::string& raw() const { return raw_; }
  std::string shown() const { return visible(raw_); }
  const termios& before() const { return before_; }
  termios now() const {
    termios t{};
    ::tcgetattr(master_, &t);
    return t;
  }

private:
  static std::vector<char*> pointers(std::vector<std::string>& strings) {
    std::vector<char*> out;
    for (auto& s : strings)
      out.push_back(s.data());
    out.push_back(nullptr);
    return out;
  }

  // One read of what the child wrote; false at its end (EIO once the
  // child's side is closed) or when `until` passes.
  bool pump(std::chrono::steady_clock::time_point until) {
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
      until - std::chrono::steady_clock::now());
    if (left.count() <= 0)
      return false;
    pollfd p{master_, POLLIN, 0};
    if (::poll(&p, 1, static_cast<int>(left.count())) <= 0)
      return true;
    char buf[4096];
    auto n = ::read(master_, buf, sizeof buf);
    if (n <= 0)
      return n < 0 && errno == EINTR;
    raw_.append(buf, static_cast<std::size_t>(n));
    return true;
  }

  int master_ = -1;
  pid_t pid_ = -1;
  termios before_{};
  std::string raw_;
  std::size_t mark_ = 0; // in visible(raw_)
  std::optional<int> status_;
};

/// A TCP server that hangs up on every connection, counting them: a
/// server that fails, so that retries can be seen.
class hang_up_server {
public:
  hang_up_server() {
    fd_ = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t len = sizeof addr;
    REQUIRE(::bind(fd_, reinterpret_cast<sockaddr*>(&addr), len) == 0);
    REQUIRE(::listen(fd_, 16) == 0);
    REQUIRE(::getsockname(fd_, reinterpret_cast<sockaddr*>(&addr), &len)
            == 0);
    port_ = ntohs(addr.sin_port);
    thread_ = std::thread([this] { serve(); });
  }
  ~hang_up_server() {
    stop_ = true;
    thread_.join();
    ::close(fd_);
  }
  hang_up_server(const hang_up_server&) = delete;
  hang_up_server& operator=(const hang_up_server&) = delete;

  unsigned short port() const { return port_; }
  int connections() const { return connections_; }

private:
  void serve() {
    while (!stop_) {
      pollfd p{fd_, POLLIN, 0};
      if (::poll(&p, 1, 50) <= 0)
        continue;
      int c = ::accept(fd_, nullptr, nullptr);
      if (c < 0)
        continue;
      ++connections_;
      ::close(c);
    }
  }

  int fd_ = -1;
  unsigned short port_ = 0;
  std::atomic<bool> stop_{false};
  std::atomic<int> connections_{0};
  std::thread thread_;
};

bool same_modes(const termios& a, const termios& b) {
  return a.c_iflag == b.c_iflag && a.c_oflag == b.c_oflag
         && a.c_cflag == b.c_cflag && a.c_lflag == b.c_lflag
         && std::memcmp(a.c_cc, b.c_cc, sizeof a.c_cc) == 0;
}

// The screen was left: the last switch to the alternate screen (xterm's
// smcup) is followed by the switch back (rmcup), and by nothing visible.
bool left_alternate_screen(const std::string& raw) {
  auto enter = raw.rfind("\x1b[?1049h");
  auto leave = raw.rfind("\x1b[?1049l");
  return enter != std::string::npos && leave != std::string::npos
         && leave > enter
         && visible(raw.substr(leave)).find_first_not_of(" \n")
              == std::string::npos;
}

// "a b" as one word for sh -c.
std::string quoted(const std::string& word) {
  std::string out = "'";
  for (char ch : word)
    out += ch == '\'' ? std::string("'\\''") : std::string(1, ch);
  return out + "'";
}

// The console run with `lines` piped to its stdin.
run_result piped(const std::string& lines,
                  const std::vector<std::string>& argv) {
  std::string command = "printf %s " + quoted(lines) + " | exec";
  for (auto& a : argv)
    command += " " + quoted(a);
  return run({"/bin/sh", "-c", command});
}

// The history file's lines, libedit's vis(3) encoding of blanks undone.
std::vector<std::string> history_lines(const std::string& path) {
  std::vector<std::string> lines;
  std::istringstream in(read_file(path));
  for (std::string line; std::getline(in, line);) {
    for (std::size_t at; (at = line.find("\\040")) != std::string::npos;)
      line.replace(at, 4, " ");
    lines.push_back(line);
  }
  return lines;
}

} // namespace

TEST_CASE("top in a terminal shows the actors and the header then q leaves "
          "the terminal as it found it",
          "[web][console][tty][integration]") {
  auto& id = source_id();
  temp_dir dir;
  auto token = token_file(env().admin(), dir, "admin");
  pty_child top(console_argv(token, {"top"}));
  CHECK(top.expect("socialcrm top  " + env().server().base()));
  CHECK(top.expect(id));
  top.type("q");
  CHECK(top.finish() == 0);
  CHECK(left_alternate_screen(top.raw()));
  auto after = top.now();
  CHECK(same_modes(after, top.before()));
  CHECK((after.c_lflag & ICANON) != 0);
  CHECK((after.c_lflag & ECHO) != 0);
}

TEST_CASE("top in a terminal restores the terminal when a signal ends it",
          "[web][console][tty][integration]") {
  temp_dir dir;
  auto token = token_file(env().admin(), dir, "admin");
  pty_child top(console_argv(token, {"top", "--sort", "errors"}));
  REQUIRE(top.expect("sort: errors"));
  SECTION("Ctrl-C is a way out, as q is") {
    top.type("\x03");
    CHECK(top.finish() == 0);
  }
  SECTION("SIGTERM ends the process by the signal") {
    top.signal(SIGTERM);
    CHECK(top.finish() == 128 + SIGTERM);
  }
  SECTION("SIGHUP ends the process by the signal") {
    top.signal(SIGHUP);
    CHECK(top.finish() == 128 + SIGHUP);
  }
  CHECK(left_alternate_screen(top.raw()));
  CHECK(same_modes(top.now(), top.before()));
}

TEST_CASE("top asks for a page as tall as the terminal again when the "
          "window is resized",
          "[web][console][tty][integration]") {
  source_id();
  temp_dir dir;
  auto token = token_file(env().admin(), dir, "admin");
  // Five lines: the header, the titles, two actors (classifier and crm
  // by id) and the status line.
  pty_child top(console_argv(token, {"top", "--sort", "id"}), {}, 5);
  REQUIRE(top.expect("classifier"));
  REQUIRE(top.expect("crm"));
  top.resize(30, 100);
  CHECK(top.expect("supervisor"));
  top.type("q");
  CHECK(top.finish() == 0);
}

TEST_CASE("top says in its status line that the server cannot be reached "
          "and keeps trying",
          "[web][console][tty][integration]") {
  temp_dir dir;
  auto token = token_file(env().admin(), dir, "admin");
  hang_up_server broken;
  auto argv = console_argv(token, {"top"});
  argv[3] = "127.0.0.1:" + std::to_string(broken.port()); // --connect
  pty_child top(argv);
  REQUIRE(top.expect("cannot reach the server"));
  auto seen = broken.connections();
  CHECK(social_env::eventually([&] { return broken.connections() > seen; }));
  top.type("q");
  CHECK(top.finish() == 0);
  CHECK(same_modes(top.now(), top.before()));
}

TEST_CASE("top with stdout a pipe prints the table once and --json prints "
          "one document",
          "[web][console][tty][integration]") {
  auto& id = source_id();
  temp_dir dir;
  auto token = token_file(env().admin(), dir, "admin");
  SECTION("lines") {
    auto r = run(console_argv(token, {"top"}));
    CHECK(r.code == 0);
    CHECK(r.out.rfind("ID ", 0) == 0);
    CHECK_THAT(r.out, Catch::Contains("\n" + id + " "));
    CHECK_THAT(r.out, Catch::Contains("\nclassifier "));
    CHECK(r.out.find('\x1b') == std::string::npos);
  }
  SECTION("JSON") {
    auto r = run(console_argv(token, {"--json", "top", "--sort", "id"}));
    CHECK(r.code == 0);
    auto doc = json::parse(r.out);
    REQUIRE(doc.at("items").is_array());
    std::vector<std::string> ids;
    for (auto& i : doc.at("items"))
      ids.push_back(i.at("id").get<std::string>());
    CHECK(std::count(ids.begin(), ids.end(), id) == 1);
    CHECK(std::is_sorted(ids.begin(), ids.end()));
  }
  SECTION("a sort key it does not know is bad usage") {
    CHECK(run(console_argv(token, {"top", "--sort", "colour"})).code == 2);
  }
}

TEST_CASE("top with a standard user's token exits 4",
          "[web][console][tty][integration]") {
  temp_dir dir;
  auto token = standard_token(dir);
  SECTION("with stdout a pipe") {
    auto r = run(console_argv(token, {"top"}));
    CHECK(r.code == 4);
  }
  SECTION("in a terminal, which it leaves as it found it") {
    pty_child top(console_argv(token, {"top"}));
    CHECK(top.finish() == 4);
    CHECK(same_modes(top.now(), top.before()));
    CHECK_THAT(top.shown(), Catch::Contains("socialcrm console:"));
  }
}

TEST_CASE("the shell in a terminal completes ids and recalls history then "
          "quit exits 0 and saves the history",
          "[web][console][tty][integration]") {
  auto& id = source_id();
  temp_dir dir;
  auto token = token_file(env().admin(), dir, "admin");
  temp_dir home;
  // A history from before, longer than the 1,000 lines kept, readable by
  // others: loaded, cut to the newest, and saved private.
  auto path = (home.path() / ".socialcrm_console_history").string();
  {
    std::ofstream old(path);
    old << "_HiStOrY_V2_\n";
    for (int i = 0; i < 1100; ++i)
      old << "show\\040old-" << i << "\n";
    old << "audit\n";
  }
  std::filesystem::permissions(path, std::filesystem::perms(0644));
  pty_child shell(console_argv(token, {}), {"HOME=" + home.path().string()});
  REQUIRE(shell.expect("socialcrm> "));

  shell.type("\x1b[A"); // Up: the newest line of the file
  REQUIRE(shell.expect("audit"));
  shell.type("\x03"); // Ctrl-C: the line cleared, the shell still there

  shell.type("ls sou\t"); // the one source: its whole id
  REQUIRE(shell.expect("ls " + id + " "));
  shell.type("\r");
  REQUIRE(shell.expect(id + " "));
  REQUIRE(shell.expect("socialcrm> "));

  shell.type("no\t\r"); // a command name: nodes
  REQUIRE(shell.expect("local role=all"));
  REQUIRE(shell.expect("socialcrm> "));

  shell.type("\x1b[A"); // Up: the previous line again
  REQUIRE(shell.expect("nodes"));
  shell.type("\r");
  REQUIRE(shell.expect("local role=all"));

  shell.type("show no-such-actor\r");
  REQUIRE(shell.expect("(exit 3)"));

  shell.type("top\r"); // full screen, then back at the prompt on Ctrl-C
  REQUIRE(shell.expect("socialcrm top  "));
  shell.type("\x03");
  REQUIRE(shell.expect("socialcrm> "));

  shell.type("quit\r");
  CHECK(shell.finish() == 0);
  CHECK(same_modes(shell.now(), shell.before()));

  CHECK(file_mode(path) == 0600);
  auto lines = history_lines(path);
  CHECK(lines.size() == 1 + 1000); // libedit's first line, then the lines
  CHECK(std::count(lines.begin(), lines.end(), "show old-0") == 0);
  CHECK(std::count(lines.begin(), lines.end(), "audit") == 1);
  CHECK(std::count(lines.begin(), lines.end(), "ls " + id) == 1);
  CHECK(std::count(lines.begin(), lines.end(), "nodes") == 1);
  CHECK(std::count(lines.begin(), lines.end(), "show no-such-actor") == 1);
}

TEST_CASE("the shell reads piped commands without a prompt and exits with "
          "the last failure",
          "[web][console][tty][integration]") {
  auto& id = source_id();
  temp_dir dir;
  auto token = token_file(env().admin(), dir, "admin");
  SECTION("all succeed") {
    auto r = piped("ls\nnodes\n", console_argv(token, {}));
    CHECK(r.code == 0);
    CHECK_THAT(r.out, Catch::Contains(id + " "));
    CHECK_THAT(r.out, Catch::Contains("local role=all"));
    CHECK(r.out.find("socialcrm> ") == std::string::npos);
  }
  SECTION("one fails") {
    auto r = piped("show no-such-actor\nnodes\n", console_argv(token, {}));
    CHECK(r.code == 3);
    CHECK_THAT(r.out, Catch::Contains("local role=all"));
  }
  SECTION("quoted words and exit") {
    auto r = piped("show \"" + id + "\"\nexit\nshow no-such-actor\n",
                   console_argv(token, {}));
    CHECK(r.code == 0);
    CHECK_THAT(r.out, Catch::Contains("id: " + id));
  }
}
