// The console's interactive shell (issue 22): `socialcrm console --connect
// HOST:PORT` with no command. On a terminal, libedit edits the line, keeps
// the history in ~/.socialcrm_console_history and completes command names
// and actor ids (asking the server, one bounded request per Tab). With
// stdin a file or a pipe it runs the lines as they come, without prompt.

#include "app/console_detail.hpp"

#include <fcntl.h>
#include <histedit.h>
#include <signal.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <iostream>
#include <optional>
#include <string>
#include <vector>

namespace socialcrm::app::console {

namespace {

/// History lines kept, in memory and in the file: months of use, and a
/// file that loads in no time.
constexpr int history_size = 1000;

/// Actor ids one Tab asks for: a single answer whatever the registry's
/// size; when more match, the user types more of the id.
constexpr int completion_limit = 200;

const char* const history_name = ".socialcrm_console_history";

/// Words that end the shell.
bool is_exit(const std::string& word) {
  return word == "exit" || word == "quit";
}

/// Commands whose arguments are actor ids, and so complete as such.
bool takes_actors(const std::string& command) {
  for (auto c : {"ls", "show", "pause", "resume", "restart", "poll", "tail"})
    if (command == c)
      return true;
  return false;
}

/// Splits a line at blanks; "double quotes" keep blanks in a word.
/// `closed` is false when a quote is left open.
std::vector<std::string> split_words(const std::string& line, bool& closed) {
  std::vector<std::string> words;
  std::string word;
  bool in_word = false;
  bool quoted = false;
  for (char ch : line) {
    if (ch == '"') {
      quoted = !quoted;
      in_word = true;
    } else if (!quoted && (ch == ' ' || ch == '\t')) {
      if (in_word)
        words.push_back(word);
      word.clear();
      in_word = false;
    } else {
      word += ch;
      in_word = true;
    }
  }
  if (in_word)
    words.push_back(word);
  closed = !quoted;
  return words;
}

/// Ctrl-C ignored while the shell lives: a command cannot be stopped in
/// the middle of a request, and the signal's default action would end the
/// shell with it. At the prompt it is a key; `top` and `tail` take it for
/// themselves while they run.
class ignore_interrupt {
public:
  ignore_interrupt() {
    struct sigaction ignore {};
    ignore.sa_handler = SIG_IGN;
    sigemptyset(&ignore.sa_mask);
    ::sigaction(SIGINT, &ignore, &old_);
  }
  ~ignore_interrupt() { ::sigaction(SIGINT, &old_, nullptr); }
  ignore_interrupt(const ignore_interrupt&) = delete;
  ignore_interrupt& operator=(const ignore_interrupt&) = delete;

private:
  struct sigaction old_ {};
};

// --- completion -----------------------------------------------------------

struct candidates {
  std::vector<std::string> words;
  bool complete = true; // false: the server had more than one answer holds
};

candidates command_names(const std::string& prefix) {
  candidates c;
  auto add = [&](const std::string& name) {
    if (name.rfind(prefix, 0) == 0)
      c.words.push_back(name);
  };
  for (auto& [name, help] : command_help())
    add(name);
  for (auto name : {"help", "exit", "quit"})
    add(name);
  std::sort(c.words.begin(), c.words.end());
  return c;
}

// The prefix as a glob that matches only itself.
std::string glob_escape(const std::string& text) {
  std::string out;
  for (char ch : text) {
    if (ch == '*' || ch == '?' || ch == '[' || ch == '\\')
      out += '\\';
    out += ch;
  }
  return out;
}

// Ids that start with `prefix`: one page, never the whole list.
candidates actor_ids(session& s, const std::string& prefix) {
  selector sel;
  sel.fields["q"] = glob_escape(prefix) + "*";
  auto a = call(s, "GET", "/api/v1/admin/actors" + query_of(sel)
                            + "&sort=id&limit="
                            + std::to_string(completion_limit));
  candidates c;
  if (!ok(a))
    return c;
  for (auto& i : a.body["items"])
    c.words.push_back(i.value("id", ""));
  c.complete = !a.body["next_cursor"].is_string();
  return c;
}

std::string common_prefix(const std::vector<std::string>& words) {
  std::string p = words.front();
  for (auto& w : words)
    p.resize(std::mismatch(p.begin(), p.end(), w.begin(), w.end()).first
             - p.begin());
  return p;
}

// Lists the candidates under the line, in columns.
void list(EditLine* el, const candidates& c) {
  int columns = 80;
  el_get(el, EL_GETTC, "co", &columns, nullptr);
  std::size_t width = 0;
  for (auto& w : c.words)
    width = std::max(width, w.size() + 2);
  auto per_line = std::max<std::size_t>(1, columns / width);
  std::fputc('\n', stdout);
  for (std::size_t i = 0; i < c.words.size(); ++i)
    std::printf("%-*s%s", static_cast<int>(width), c.words[i].c_str(),
                (i + 1) % per_line == 0 || i + 1 == c.words.size() ? "\n"
                                                                   : "");
  if (!c.complete)
    std::printf("(more than %d match: type more of the id)\n",
                completion_limit);
  std::fflush(stdout);
}

// Puts what the candidates have in common after the typed `word`: the
// whole word and a blank when one is left, the list when it cannot grow.
unsigned char offer(EditLine* el, const std::string& word,
                    const candidates& c) {
  if (c.words.empty())
    return CC_REFRESH_BEEP;
  if (c.words.size() == 1 && c.complete) {
    el_insertstr(el, (c.words[0].substr(word.size()) + " ").c_str());
    return CC_REFRESH;
  }
  // From a partial list the common part may be too long: only list.
  auto common = c.complete ? common_prefix(c.words) : word;
  if (common.size() > word.size()) {
    el_insertstr(el, common.substr(word.size()).c_str());
    return CC_REFRESH;
  }
  list(el, c);
  return CC_REDISPLAY;
}

// Tab: a command name in first position, an actor id after a command
// that takes them.
unsigned char complete(EditLine* el, int) {
  void* data = nullptr;
  el_get(el, EL_CLIENTDATA, &data);
  auto& s = *static_cast<session*>(data);
  auto* line = el_line(el);
  std::string before(line->buffer, line->cursor);
  auto start = before.find_last_of(" \t\"");
  start = start == std::string::npos ? 0 : start + 1;
  auto word = before.substr(start);
  bool closed = true;
  auto head = split_words(before.substr(0, start), closed);
  if (head.empty())
    return offer(el, word, command_names(word));
  if (takes_actors(head[0]) && word.find('=') == std::string::npos)
    return offer(el, word, actor_ids(s, word));
  return CC_REFRESH_BEEP;
}

// --- the terminal shell ----------------------------------------------------

char* prompt(EditLine*) {
  static char text[] = "socialcrm> ";
  return text;
}

/// $HOME/.socialcrm_console_history; "" without a home.
std::string history_path() {
  const char* home = std::getenv("HOME");
  return home && *home ? std::string(home) + "/" + history_name : "";
}

/// The editor and its history, loaded from the file when made and saved
/// to it (mode 0600: commands name actors and accounts) line by line.
class editor {
public:
  explicit editor(session& s)
    : el_(el_init("socialcrm", stdin, stdout, stderr))
    , history_(history_init())
    , path_(history_path()) {
    HistEvent ev;
    history(history_, &ev, H_SETSIZE, history_size);
    history(history_, &ev, H_SETUNIQUE, 1);
    if (!path_.empty())
      history(history_, &ev, H_LOAD, path_.c_str()); // none yet is fine
    el_set(el_, EL_EDITOR, "emacs");
    // Follows window resizes (SIGWINCH), and puts the terminal back
    // before a SIGTERM or SIGHUP ends the shell.
    el_set(el_, EL_SIGNAL, 1);
    el_set(el_, EL_PROMPT, &prompt);
    el_set(el_, EL_HIST, history, history_);
    el_set(el_, EL_CLIENTDATA, &s);
    el_set(el_, EL_ADDFN, "socialcrm-complete", "complete a command or id",
           &complete);
    el_set(el_, EL_BIND, "^I", "socialcrm-complete", nullptr);
    // Ctrl-C clears the line: a key, not a signal, while editing (the
    // shell ignores SIGINT, see ignore_interrupt).
    el_set(el_, EL_SETTY, "-d", "-isig", nullptr);
    el_set(el_, EL_BIND, "^C", "ed-start-over", nullptr);
    el_source(el_, nullptr); // the user's ~/.editrc, if any
  }
  ~editor() {
    el_end(el_);
    history_end(history_);
  }
  editor(const editor&) = delete;
  editor& operator=(const editor&) = delete;

  /// The next line without its newline; nullopt at end of input.
  std::optional<std::string> read() {
    int count = 0;
    const char* text = el_gets(el_, &count);
    if (!text || count <= 0)
      return std::nullopt;
    std::string line(text, count);
    if (!line.empty() && line.back() == '\n')
      line.pop_back();
    return line;
  }

  /// Adds the line to the history and saves it: a shell that a signal
  /// ends (SIGTERM, SIGHUP when the terminal goes) loses nothing.
  void remember(const std::string& line) {
    HistEvent ev;
    history(history_, &ev, H_ENTER, line.c_str());
    save();
  }

private:
  void save() {
    if (path_.empty())
      return;
    // Created 0600, never wider for a moment; libedit's H_SAVE_FP also
    // sets 0600 on a file that was there before.
    int fd = ::open(path_.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC,
                    0600);
    if (fd < 0)
      return;
    FILE* f = ::fdopen(fd, "w");
    if (!f) {
      ::close(fd);
      return;
    }
    HistEvent ev;
    history(history_, &ev, H_SAVE_FP, f);
    std::fclose(f);
  }

  EditLine* el_;
  History* history_;
  std::string path_;
};

// The line without the blanks a completion leaves at its end, so that
// history holds each command once.
std::string trimmed(std::string line) {
  line.erase(line.find_last_not_of(" \t") + 1);
  return line;
}

// Runs one line; `stop` when it asks to end the shell.
int run_line(session& s, const std::string& line, bool& stop) {
  bool closed = true;
  auto words = split_words(line, closed);
  if (!closed) {
    std::fprintf(stderr, "socialcrm console: a quote is left open\n");
    return exit_usage;
  }
  if (words.empty())
    return exit_done;
  if (is_exit(words[0])) {
    stop = true;
    return exit_done;
  }
  auto code = run_command(s, words);
  std::fflush(stdout);
  return code;
}

int terminal_shell(session& s) {
  ignore_interrupt no_interrupt;
  editor ed(s);
  for (;;) {
    auto line = ed.read();
    if (!line) { // Ctrl-D: end the prompt's line before the shell's
      std::fputc('\n', stdout);
      return exit_done;
    }
    auto text = trimmed(*line);
    if (text.empty())
      continue;
    ed.remember(text);
    bool stop = false;
    auto code = run_line(s, text, stop);
    if (stop)
      return exit_done;
    if (code != exit_done)
      std::printf("(exit %d)\n", code);
  }
}

// stdin is a file or a pipe: its lines, as a script would give them.
int scripted_shell(session& s) {
  int last_failure = exit_done;
  std::string line;
  while (std::getline(std::cin, line)) {
    bool stop = false;
    auto code = run_line(s, line, stop);
    if (stop)
      break;
    if (code != exit_done)
      last_failure = code;
  }
  return last_failure;
}

} // namespace

int run_shell(session& s) {
  s.interactive = true;
  int code = ::isatty(STDIN_FILENO) ? terminal_shell(s) : scripted_shell(s);
  s.interactive = false;
  return code;
}

} // namespace socialcrm::app::console
