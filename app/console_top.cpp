// `socialcrm console top [--sort KEY]` (issue 22): the busiest actors on a
// full screen (ncurses), one page of GET /admin/actors a second sorted by
// the server, so a registry of any size costs one small answer per refresh.
// Without a terminal to draw on and read keys from (stdout or stdin is a
// file or a pipe) it prints that page once, as lines or JSON.

#include "app/console_detail.hpp"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <exception>
#include <iterator>
#include <map>
#include <optional>
#include <string>
#include <vector>

// Last: curses.h defines macros (OK, ERR, timeout, clear, ...) that would
// rename things in the headers above.
#include <curses.h>

namespace socialcrm::app::console {

namespace {

/// How often the view asks the server again: the registry's rates move per
/// second, and one request a second is nothing to serve.
constexpr auto refresh_period = std::chrono::seconds(1);

/// Actors printed without a terminal: a classic screenful, the busiest;
/// a script that wants them all has `ls`.
constexpr int rows_without_terminal = 20;

/// The server's largest page (web/actor_routes.cpp, max_actor_page).
constexpr int max_rows = 1000;

/// Screen lines that are not actors: the header, the column titles and
/// the status line.
constexpr int chrome_lines = 3;

/// The narrowest id column the screen gives before cutting the others off
/// at the right edge.
constexpr int min_id_width = 12;

/// A sort key: the letter that picks it, its name, and the server's sort
/// parameter (descending where the biggest number is the interesting one).
struct sort_order {
  int key;
  const char* name;
  const char* query;
};

constexpr sort_order orders[] = {
  {'r', "rate", "-rate"},           {'m', "mailbox", "-mailbox"},
  {'e', "errors", "-errors"},       {'f', "freshness", "-freshness"},
  {'i', "id", "id"},                {'s', "state", "state"},
  {'R', "restarts", "-restarts"},
};

const sort_order* order_by_key(int key) {
  for (auto& o : orders)
    if (o.key == key)
      return &o;
  return nullptr;
}

// A key's name or its letter.
const sort_order* order_named(const std::string& word) {
  for (auto& o : orders)
    if (word == o.name)
      return &o;
  return word.size() == 1 ? order_by_key(word[0]) : nullptr;
}

// `--sort KEY`, `--sort=KEY` or a bare KEY (the usage line's `top [SORT]`).
const sort_order* parse_args(const std::vector<std::string>& words) {
  const sort_order* order = &orders[0];
  for (std::size_t i = 0; i < words.size(); ++i) {
    std::string name = words[i];
    if (name == "--sort") {
      if (++i == words.size())
        return nullptr;
      name = words[i];
    } else if (name.rfind("--sort=", 0) == 0) {
      name = name.substr(7);
    }
    order = order_named(name);
    if (!order)
      return nullptr;
  }
  return order;
}

answer fetch_page(session& s, const sort_order& order, int rows) {
  return call(s, "GET",
              std::string("/api/v1/admin/actors?sort=") + order.query
                + "&limit=" + std::to_string(std::clamp(rows, 1, max_rows)));
}

// Why an answer is not a page, for the status line: refused() would write
// on stderr, under the screen.
std::string describe(const answer& a) {
  if (a.status == 0)
    return "cannot reach the server: " + a.error;
  std::string message;
  if (a.body.is_object() && a.body.contains("error"))
    message = a.body["error"].value("message", "");
  return "HTTP " + std::to_string(a.status)
         + (message.empty() ? "" : ": " + message);
}

bool not_allowed(const answer& a) {
  return a.status == 401 || a.status == 403;
}

// --- the table, shared by the screen and the plain lines ------------------

std::string posts_of(const json& a) {
  const json* p = nullptr;
  if (a.contains("source"))
    p = &a["source"]["posts"];
  else if (a.contains("posts"))
    p = &a["posts"];
  return p && p->is_number() ? std::to_string(p->get<std::int64_t>()) : "-";
}

std::string rate_of(const json& a) {
  auto r = a.contains("rates") ? a["rates"].value("10s", 0.0) : 0.0;
  char text[32];
  std::snprintf(text, sizeof text, "%.1f", r);
  return text;
}

// Everything right of the id column: its width is what the id leaves.
constexpr int figures_width = 1 + 15 + 1 + 6 + 1 + 7 + 1 + 5 + 1 + 4 + 1 + 7
                              + 1 + 7;

std::string titles_line(int id_width) {
  char line[256];
  std::snprintf(line, sizeof line, "%-*s %-15s %6s %7s %5s %4s %7s %7s",
                id_width, "ID", "STATE", "MBOX", "RATE/S", "ERR", "RST",
                "POSTS", "FRESH");
  return line;
}

std::string row_line(const json& a, int id_width) {
  auto id = a.value("id", "");
  if (static_cast<int>(id.size()) > id_width)
    id.resize(id_width);
  char figures[256];
  std::snprintf(figures, sizeof figures, " %-15s %6lld %7s %5lld %4lld %7s %7s",
                a.value("state", "").c_str(),
                static_cast<long long>(a.value("mailbox", 0LL)),
                rate_of(a).c_str(),
                static_cast<long long>(a.value("errors", 0LL)),
                static_cast<long long>(a.value("restarts", 0LL)),
                posts_of(a).c_str(), freshness(a).c_str());
  id.resize(id_width, ' ');
  return id + figures;
}

// "12 actors: running 9, polling 2, paused 1" from GET /admin/nodes.
std::string state_counts(const json& nodes) {
  std::map<std::string, std::int64_t> states;
  std::int64_t total = 0;
  for (auto& n : nodes["items"]) {
    total += n.value("actors", 0LL);
    for (auto& [state, count] : n["states"].items())
      states[state] += count.get<std::int64_t>();
  }
  std::string out = std::to_string(total) + " actors";
  std::string sep = ": ";
  for (auto& [state, count] : states) {
    out += sep + state + " " + std::to_string(count);
    sep = ", ";
  }
  return out;
}

// No terminal: the page once.
int print_once(session& s, const sort_order& order) {
  auto a = fetch_page(s, order, rows_without_terminal);
  if (!ok(a))
    return refused(a);
  auto& items = a.body["items"];
  if (s.json_out) {
    print_json({{"items", items}});
    return exit_done;
  }
  int id_width = 2;
  for (auto& i : items)
    id_width = std::max(id_width, static_cast<int>(i.value("id", "").size()));
  std::printf("%s\n", titles_line(id_width).c_str());
  for (auto& i : items)
    std::printf("%s\n", row_line(i, id_width).c_str());
  return exit_done;
}

// --- the screen -------------------------------------------------------------

/// Where the stop signals' handler writes: the write end of the pipe of
/// the one stop_signals alive.
int stop_pipe_in = -1;

void note_stop(int sig) {
  auto saved = errno;
  auto n = static_cast<unsigned char>(sig);
  [[maybe_unused]] auto written = ::write(stop_pipe_in, &n, 1);
  errno = saved;
}

/// While top runs, SIGINT, SIGTERM and SIGHUP only write their number on
/// a pipe that the wait for keys watches, whichever thread they reach, so
/// the screen is put back before anything ends; their previous handling
/// comes back after. Set before the screen, they also keep curses from
/// installing its own handlers, which would exit the process (the shell
/// with it) on Ctrl-C.
class stop_signals {
public:
  stop_signals() {
    if (::pipe2(pipe_, O_CLOEXEC | O_NONBLOCK) != 0)
      return;
    stop_pipe_in = pipe_[1];
    struct sigaction note {};
    note.sa_handler = &note_stop;
    note.sa_flags = SA_RESTART; // the HTTP client's calls go on
    sigemptyset(&note.sa_mask);
    sigset_t set;
    sigemptyset(&set);
    for (std::size_t i = 0; i < std::size(signals); ++i) {
      ::sigaction(signals[i], &note, &old_[i]);
      sigaddset(&set, signals[i]);
    }
    // main() blocks them (for serve); should this thread still do, it
    // takes them now.
    pthread_sigmask(SIG_UNBLOCK, &set, &mask_);
  }
  ~stop_signals() {
    if (stop_pipe_in < 0)
      return;
    pthread_sigmask(SIG_SETMASK, &mask_, nullptr);
    for (std::size_t i = 0; i < std::size(signals); ++i)
      ::sigaction(signals[i], &old_[i], nullptr);
    stop_pipe_in = -1;
    ::close(pipe_[0]);
    ::close(pipe_[1]);
  }
  stop_signals(const stop_signals&) = delete;
  stop_signals& operator=(const stop_signals&) = delete;

  explicit operator bool() const { return stop_pipe_in >= 0; }
  int fd() const { return pipe_[0]; }

  /// The stop signal that came, 0 for none.
  int arrived() const {
    unsigned char n = 0;
    return ::read(pipe_[0], &n, 1) == 1 ? n : 0;
  }

private:
  static constexpr int signals[] = {SIGINT, SIGTERM, SIGHUP};
  int pipe_[2] = {-1, -1};
  struct sigaction old_[std::size(signals)] = {};
  sigset_t mask_;
};

/// The terminal in curses mode for as long as this lives; newterm rather
/// than initscr so that the shell can open it again for the next `top`.
class screen {
public:
  screen() : screen_(newterm(nullptr, stdout, stdin)) {
    if (!screen_)
      return;
    set_term(screen_);
    cbreak(); // keys one at a time; Ctrl-C still a signal
    noecho();
    keypad(stdscr, TRUE);
    nodelay(stdscr, TRUE); // poll() waits, getch() only takes
    curs_set(0);
  }
  ~screen() {
    if (!screen_)
      return;
    endwin();
    delscreen(screen_);
  }
  screen(const screen&) = delete;
  screen& operator=(const screen&) = delete;

  explicit operator bool() const { return screen_ != nullptr; }

private:
  SCREEN* screen_;
};

/// What the screen shows between two refreshes.
struct view {
  const sort_order* order;
  json items = json::array();
  std::string counts;
  std::string error; // the last refresh's failure; "" when it worked
};

int actor_rows() {
  return std::max(1, LINES - chrome_lines);
}

std::string clock_text() {
  auto t = std::time(nullptr);
  std::tm local{};
  ::localtime_r(&t, &local);
  char text[16];
  std::strftime(text, sizeof text, "%H:%M:%S", &local);
  return text;
}

// A refresh that did not work: the answer when it refuses us (a wrong
// token stays wrong, so top ends), else its reason on the status line,
// over the last table, until a later refresh works.
std::optional<answer> failed(const answer& a, view& v) {
  if (not_allowed(a))
    return a;
  v.error = describe(a);
  return std::nullopt;
}

// Asks for the page, then the counts; returns the answer that refused us,
// if one did.
std::optional<answer> fetch_view(session& s, view& v) {
  auto page = fetch_page(s, *v.order, actor_rows());
  if (!ok(page))
    return failed(page, v);
  auto nodes = call(s, "GET", "/api/v1/admin/nodes");
  if (!ok(nodes))
    return failed(nodes, v);
  v.items = page.body["items"];
  v.counts = state_counts(nodes.body);
  v.error.clear();
  return std::nullopt;
}

void draw(const session& s, const view& v) {
  erase();
  auto line = [](int y, const std::string& text) {
    mvaddnstr(y, 0, text.c_str(), COLS);
  };
  line(0, "socialcrm top  " + s.base + "  " + clock_text() + "  " + v.counts);
  int id_width = std::max(min_id_width, COLS - figures_width);
  attron(A_REVERSE);
  auto titles = titles_line(id_width);
  titles.resize(std::max<std::size_t>(titles.size(), COLS), ' ');
  line(1, titles);
  attroff(A_REVERSE);
  int y = 2;
  for (auto& a : v.items) {
    if (y >= LINES - 1)
      break;
    line(y++, row_line(a, id_width));
  }
  if (v.error.empty()) {
    line(LINES - 1, std::string("sort: ") + v.order->name
                      + "   keys: r rate  m mailbox  e errors  f freshness"
                        "  i id  s state  R restarts  q quit");
  } else {
    attron(A_BOLD);
    line(LINES - 1, v.error + " (retrying)");
    attroff(A_BOLD);
  }
  refresh();
}

/// How a key press changes the view.
enum class key_effect { none, refetch, quit };

key_effect on_key(int key, view& v) {
  if (key == 'q' || key == 'Q')
    return key_effect::quit;
  if (key == KEY_RESIZE) // more or fewer rows: a page of the new size
    return key_effect::refetch;
  if (auto* o = order_by_key(key)) {
    v.order = o;
    return key_effect::refetch;
  }
  return key_effect::none;
}

/// Why the view ended.
struct ending {
  int code = exit_done;
  int signal = 0; // SIGTERM or SIGHUP: passed on once the screen is back
};

ending stopped_by(int sig) {
  if (sig == SIGINT) // Ctrl-C: the way out of top, as q is
    return {};
  return {128 + sig, sig};
}

// Waits up to `until` for keys or a stop signal; an ending when the view
// should end.
std::optional<ending> wait_keys(const stop_signals& stops, view& v,
                                std::chrono::steady_clock::time_point until,
                                bool& refetch) {
  auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
    until - std::chrono::steady_clock::now());
  pollfd fds[] = {{STDIN_FILENO, POLLIN, 0}, {stops.fd(), POLLIN, 0}};
  // EINTR is the SIGWINCH curses catches: getch() then says KEY_RESIZE.
  ::poll(fds, 2, static_cast<int>(std::max<long long>(0, left.count())));
  if (int sig = stops.arrived())
    return stopped_by(sig);
  if (fds[0].revents & (POLLHUP | POLLERR)) // the terminal went away
    return stopped_by(SIGHUP);
  for (int key; (key = getch()) != ERR;) {
    switch (on_key(key, v)) {
    case key_effect::quit:
      return ending{};
    case key_effect::refetch:
      refetch = true;
      break;
    case key_effect::none:
      break;
    }
  }
  return std::nullopt;
}

// The full-screen loop; the screen is restored when it returns or throws.
int run_screen(session& s, const sort_order& order) {
  std::optional<answer> denied;
  std::optional<ending> end;
  {
    stop_signals stops;
    screen scr;
    if (!stops || !scr) {
      std::fprintf(stderr, "socialcrm console top: cannot use the terminal "
                           "(TERM=%s)\n",
                   std::getenv("TERM") ? std::getenv("TERM") : "");
      return exit_failure;
    }
    view v{&order};
    while (!end) {
      denied = fetch_view(s, v);
      if (denied)
        break;
      draw(s, v);
      auto next = std::chrono::steady_clock::now() + refresh_period;
      bool refetch = false;
      while (!end && !refetch && std::chrono::steady_clock::now() < next)
        end = wait_keys(stops, v, next, refetch);
    }
  }
  if (denied)
    return refused(*denied);
  // What the signal would have done without top (usually end the process,
  // the shell too), now that the terminal is as it was.
  if (end->signal)
    ::raise(end->signal);
  return end->code;
}

} // namespace

int cmd_top(session& s, const std::vector<std::string>& words) {
  auto* order = parse_args(words);
  if (!order) {
    std::fprintf(stderr, "socialcrm console top: --sort takes rate (r), "
                         "mailbox (m), errors (e), freshness (f), id (i), "
                         "state (s) or restarts (R)\n");
    return exit_usage;
  }
  if (!::isatty(STDOUT_FILENO) || !::isatty(STDIN_FILENO))
    return print_once(s, *order);
  // Caught here, not in main: an exception that no one catches ends the
  // process without unwinding, and so without the screen's endwin().
  try {
    return run_screen(s, *order);
  } catch (const std::exception& e) {
    std::fprintf(stderr, "socialcrm console top: %s\n", e.what());
    return exit_failure;
  }
}

} // namespace socialcrm::app::console
