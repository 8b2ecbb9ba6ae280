// `socialcrm console --connect HOST:PORT [--json] [--yes] COMMAND ...`
// (issue 22, API.md): the actor console from a terminal, over the REST API
// of a running serve (web/actor_routes.cpp), authenticated with a personal
// API token from --token-file or SOCIALCRM_TOKEN (never the command line).
// Every command prints plain lines, or one JSON document with --json.
// Exit codes: 0 done, 1 failure, 2 bad usage, 3 not found, 4 not allowed.

#include "app/console.hpp"
#include "app/console_detail.hpp"

#include "http/client.hpp"
#include "http/url.hpp"

#include <nlohmann/json.hpp>

#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <iostream>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace socialcrm::app::console {

namespace {


/// Actors asked for per request when listing: the server's largest page,
/// so the whole list of 10,000 takes 10 requests (bench/console).
constexpr int list_page = 1000;

const char* usage_text =
  "usage: socialcrm console --connect HOST:PORT|URL [--token-file FILE]\n"
  "                         [--ca-file FILE] [--json] [--yes] COMMAND ...\n"
  "commands:\n"
  "  nodes                       the nodes and their actors by state\n"
  "  ls [SELECTOR]               actors; SELECTOR: kind=K state=S node=N,\n"
  "                              a glob on the id (source:*), or ids\n"
  "  show ID                     one actor's figures\n"
  "  pause|resume|restart|poll ID|SELECTOR\n"
  "                              steer sources (asks before acting on more\n"
  "                              than one unless --yes)\n"
  "  top [--sort KEY]            full-screen view refreshed every second\n"
  "                              (keys: r rate, m mailbox, e errors,\n"
  "                              f freshness, i id, s state, R restarts,\n"
  "                              q quit)\n"
  "  tail [SELECTOR]             actor events as they happen (state\n"
  "                              changes, errors, posts emitted)\n"
  "  audit                       the control actions, newest first\n"
  "With no command: an interactive shell (history, completion).\n"
  "The token comes from --token-file (mode 0600) or SOCIALCRM_TOKEN.\n"
  "Exit codes: 0 done, 1 failure, 2 bad usage, 3 not found, 4 not allowed.\n";

} // namespace

const std::map<std::string, std::string>& command_help() {
  static const std::map<std::string, std::string> help{
    {"nodes", "socialcrm console nodes: the nodes of the service, their role "
              "and their actors by state.\n"},
    {"ls", "socialcrm console ls [kind=K] [state=S] [node=N] [GLOB]: every "
           "actor the selector names (all without one), one per line: id, "
           "kind, state, errors, restarts, freshness of a source.\n"},
    {"show", "socialcrm console show ID: one actor's figures.\n"},
    {"pause", "socialcrm console pause ID|SELECTOR: the source stops its "
              "requests to the network until resumed.\n"},
    {"resume", "socialcrm console resume ID|SELECTOR: a paused source polls "
               "again.\n"},
    {"restart", "socialcrm console restart ID|SELECTOR: the source reads its "
                "credentials and cursors again and starts a cycle.\n"},
    {"poll", "socialcrm console poll ID|SELECTOR: the source polls now, not "
             "at its next interval.\n"},
    {"top", "socialcrm console top [--sort KEY]: a full-screen view of the "
            "busiest actors, refreshed every second; keys r (rate), m "
            "(mailbox), e (errors), f (freshness), i (id), s (state), R "
            "(restarts) sort, q quits. "
            "When stdout is not a terminal it prints the table once.\n"},
    {"tail", "socialcrm console tail [SELECTOR]: prints actor events as "
             "they happen (state changes, errors, posts a source emitted), "
             "one line each, or JSON lines with --json; Ctrl-C ends it.\n"},
    {"audit", "socialcrm console audit: every control action (who, what, "
              "which actors, result), newest first.\n"},
  };
  return help;
}

answer call(session& s, const std::string& method, const std::string& path,
            const json* body) {
  http::header_list h;
  h.set("Authorization", "Bearer " + s.token);
  h.set("Accept", "application/json");
  http::client_result r;
  if (body)
    r = s.client.post(s.base + path, body->dump(), "application/json", h);
  else
    r = s.client.send(method, s.base + path, h);
  answer a;
  if (!r) {
    a.error = r.error;
    return a;
  }
  a.status = static_cast<int>(r->status);
  a.body = json::parse(r->body, nullptr, false);
  return a;
}

// The exit code of a refused answer, after saying why on stderr.
int refused(const answer& a) {
  if (a.status == 0) {
    std::fprintf(stderr, "socialcrm console: cannot reach the server: %s\n",
                 a.error.c_str());
    return exit_failure;
  }
  std::string code, message;
  if (a.body.is_object() && a.body.contains("error")) {
    code = a.body["error"].value("code", "");
    message = a.body["error"].value("message", "");
  }
  std::fprintf(stderr, "socialcrm console: %s [%s]\n",
               message.empty() ? ("HTTP " + std::to_string(a.status)).c_str()
                               : message.c_str(),
               code.c_str());
  if (a.status == 401 || a.status == 403)
    return exit_not_allowed;
  if (a.status == 404)
    return exit_not_found;
  if (a.status == 400 || a.status == 422)
    return exit_usage;
  return exit_failure;
}

bool ok(const answer& a) {
  return a.status >= 200 && a.status < 300 && !a.body.is_discarded();
}

void print_json(const json& j) {
  std::printf("%s\n", j.dump(2).c_str());
}

std::optional<selector> parse_selector(const std::vector<std::string>& words,
                                       std::string& why) {
  selector s;
  for (auto& w : words) {
    auto eq = w.find('=');
    if (eq != std::string::npos) {
      auto key = w.substr(0, eq);
      if (key != "kind" && key != "state" && key != "node" && key != "q") {
        why = "unknown selector field '" + key + "': kind, state, node or q";
        return std::nullopt;
      }
      s.fields[key] = w.substr(eq + 1);
    } else if (w.find_first_of("*?[") != std::string::npos) {
      if (s.fields.count("q")) {
        why = "one glob at a time";
        return std::nullopt;
      }
      s.fields["q"] = w;
    } else {
      s.ids.push_back(w);
    }
  }
  return s;
}

std::string query_of(const selector& s) {
  std::string q;
  for (auto& [k, v] : s.fields)
    q += (q.empty() ? "?" : "&") + k + "=" + http::url_encode(v);
  return q;
}

std::string freshness(const json& a) {
  if (!a.contains("source"))
    return "-";
  auto& f = a["source"]["freshness_ms"];
  if (!f.is_number())
    return "never";
  auto ms = f.get<std::int64_t>();
  if (ms < 10'000)
    return std::to_string(ms) + "ms";
  return std::to_string(ms / 1000) + "s";
}

// Every actor the selector names, page after page.
std::optional<json> list_all(session& s, const selector& sel, int& code) {
  json items = json::array();
  std::string cursor;
  auto query = query_of(sel);
  for (;;) {
    auto path = "/api/v1/admin/actors" + query
                + (query.empty() ? "?" : "&") + "limit="
                + std::to_string(list_page)
                + (cursor.empty() ? "" : "&cursor=" + cursor);
    auto a = call(s, "GET", path);
    if (!ok(a)) {
      code = refused(a);
      return std::nullopt;
    }
    for (auto& i : a.body["items"])
      if (sel.ids.empty()
          || std::find(sel.ids.begin(), sel.ids.end(), i.value("id", ""))
               != sel.ids.end())
        items.push_back(std::move(i));
    if (!a.body["next_cursor"].is_string())
      break;
    cursor = a.body["next_cursor"].get<std::string>();
  }
  return items;
}

namespace {

int cmd_nodes(session& s) {
  auto a = call(s, "GET", "/api/v1/admin/nodes");
  if (!ok(a))
    return refused(a);
  if (s.json_out) {
    print_json(a.body);
    return exit_done;
  }
  for (auto& n : a.body["items"]) {
    std::string states;
    for (auto& [k, v] : n["states"].items())
      states += " " + k + "=" + std::to_string(v.get<std::int64_t>());
    std::printf("%s role=%s actors=%lld%s\n", n.value("id", "").c_str(),
                n.value("role", "").c_str(),
                static_cast<long long>(n.value("actors", 0LL)), states.c_str());
  }
  return exit_done;
}

int cmd_ls(session& s, const std::vector<std::string>& words) {
  std::string why;
  auto sel = parse_selector(words, why);
  if (!sel) {
    std::fprintf(stderr, "socialcrm console ls: %s\n", why.c_str());
    return exit_usage;
  }
  int code = exit_done;
  auto items = list_all(s, *sel, code);
  if (!items)
    return code;
  if (s.json_out) {
    print_json({{"items", *items}});
    return exit_done;
  }
  for (auto& a : *items)
    std::printf("%-28s %-12s %-15s errors=%lld restarts=%lld fresh=%s\n",
                a.value("id", "").c_str(), a.value("kind", "").c_str(),
                a.value("state", "").c_str(),
                static_cast<long long>(a.value("errors", 0LL)),
                static_cast<long long>(a.value("restarts", 0LL)),
                freshness(a).c_str());
  return exit_done;
}

int cmd_show(session& s, const std::vector<std::string>& words) {
  if (words.size() != 1) {
    std::fprintf(stderr, "socialcrm console show: give one actor id\n");
    return exit_usage;
  }
  auto a = call(s, "GET", "/api/v1/admin/actors/"
                            + http::url_encode(words[0]));
  if (!ok(a))
    return refused(a);
  if (s.json_out) {
    print_json(a.body);
    return exit_done;
  }
  for (auto& [k, v] : a.body.items()) {
    if (v.is_object()) {
      for (auto& [k2, v2] : v.items())
        std::printf("%s.%s: %s\n", k.c_str(), k2.c_str(),
                    v2.is_string() ? v2.get<std::string>().c_str()
                                   : v2.dump().c_str());
    } else {
      std::printf("%s: %s\n", k.c_str(),
                  v.is_string() ? v.get<std::string>().c_str()
                                : v.dump().c_str());
    }
  }
  return exit_done;
}

// Asks on the terminal; refuses when there is none (a script must say --yes).
bool confirm(const std::string& question) {
  if (!::isatty(STDIN_FILENO))
    return false;
  std::fprintf(stderr, "%s [y/N] ", question.c_str());
  std::string line;
  if (!std::getline(std::cin, line))
    return false;
  return line == "y" || line == "Y" || line == "yes";
}

int cmd_act(session& s, const std::string& action,
            const std::vector<std::string>& words) {
  std::string why;
  auto sel = parse_selector(words, why);
  if (!sel || (sel->fields.empty() && sel->ids.empty())) {
    std::fprintf(stderr, "socialcrm console %s: %s\n", action.c_str(),
                 sel ? "name an actor id or a selector (kind=source, ...)"
                     : why.c_str());
    return exit_usage;
  }
  answer a;
  if (sel->one_id()) {
    json empty = json::object();
    a = call(s, "POST",
             "/api/v1/admin/actors/" + http::url_encode(sel->ids[0]) + "/"
               + action,
             &empty);
  } else {
    int code = exit_done;
    auto matched = list_all(s, *sel, code);
    if (!matched)
      return code;
    if (matched->size() > 1 && !s.yes
        && !confirm(action + " " + std::to_string(matched->size())
                    + " actors?")) {
      std::fprintf(stderr,
                   "socialcrm console %s: %zu actors match; nothing done "
                   "(confirm at the prompt, or give --yes)\n",
                   action.c_str(), matched->size());
      return exit_usage;
    }
    json body = json::object();
    for (auto& [k, v] : sel->fields)
      body[k] = v;
    if (!sel->ids.empty())
      body["ids"] = sel->ids;
    a = call(s, "POST", "/api/v1/admin/actors/" + action, &body);
  }
  if (!ok(a))
    return refused(a);
  if (s.json_out) {
    print_json(a.body);
    return exit_done;
  }
  for (auto& id : a.body["ids"])
    std::printf("%s %s\n", action.c_str(), id.get<std::string>().c_str());
  for (auto& id : a.body["skipped"])
    std::printf("skipped %s (only sources take %s)\n",
                id.get<std::string>().c_str(), action.c_str());
  return exit_done;
}

int cmd_audit(session& s) {
  auto a = call(s, "GET", "/api/v1/admin/audit");
  if (!ok(a))
    return refused(a);
  if (s.json_out) {
    print_json(a.body);
    return exit_done;
  }
  for (auto& e : a.body["items"])
    std::printf("%lld %s %s %s -> %s [%s]\n",
                static_cast<long long>(e.value("at", 0LL)),
                e["user"].value("email", "").c_str(),
                e.value("action", "").c_str(),
                e["target"].is_string() ? e["target"].get<std::string>().c_str()
                                        : e["target"].dump().c_str(),
                e["ids"].dump().c_str(), e.value("result", "").c_str());
  return exit_done;
}

std::string base_of(const std::string& connect) {
  if (connect.rfind("http://", 0) == 0 || connect.rfind("https://", 0) == 0) {
    auto b = connect;
    while (!b.empty() && b.back() == '/')
      b.pop_back();
    return b;
  }
  return "http://" + connect;
}

} // namespace

int run_command(session& s, const std::vector<std::string>& given) {
  // --json and --yes may come after the command too ("pause kind=source
  // --yes"); they hold for this command only (the shell runs many).
  std::vector<std::string> words;
  bool json_out = s.json_out, yes = s.yes;
  for (const auto& w : given) {
    if (w == "--json")
      json_out = true;
    else if (w == "--yes" || w == "-y")
      yes = true;
    else
      words.push_back(w);
  }
  if (words.empty())
    return exit_done;
  struct restore {
    session& s;
    bool json_out, yes;
    ~restore() {
      s.json_out = json_out;
      s.yes = yes;
    }
  } restore_flags{s, s.json_out, s.yes};
  s.json_out = json_out;
  s.yes = yes;
  const auto& name = words[0];
  std::vector<std::string> rest(words.begin() + 1, words.end());
  auto& help = command_help();
  if (name == "help" || name == "--help") {
    std::fputs(usage_text, stdout);
    return exit_done;
  }
  if (!help.count(name)) {
    std::fprintf(stderr, "socialcrm console: unknown command '%s'\n%s",
                 name.c_str(), usage_text);
    return exit_usage;
  }
  if (std::find(rest.begin(), rest.end(), "--help") != rest.end()
      || std::find(rest.begin(), rest.end(), "-h") != rest.end()) {
    std::fputs(help.at(name).c_str(), stdout);
    return exit_done;
  }
  if (name == "nodes")
    return cmd_nodes(s);
  if (name == "ls")
    return cmd_ls(s, rest);
  if (name == "show")
    return cmd_show(s, rest);
  if (name == "audit")
    return cmd_audit(s);
  if (name == "top")
    return cmd_top(s, rest);
  if (name == "tail")
    return cmd_tail(s, rest);
  return cmd_act(s, name, rest);
}

} // namespace socialcrm::app::console

namespace socialcrm::app {

int run_console(const console_options& opts) {
  using namespace console;
  auto& words = opts.words;
  if (!words.empty()) {
    const auto& name = words[0];
    bool asks_help = name == "help" || name == "--help"
                     || std::find(words.begin(), words.end(), "--help")
                          != words.end()
                     || std::find(words.begin(), words.end(), "-h")
                          != words.end();
    // Help and unknown commands need no server.
    if (asks_help || !command_help().count(name)) {
      http::client_options co;
      session offline{"", "", opts.json_out, opts.yes, http::client(co)};
      return run_command(offline, words);
    }
  }
  if (opts.connect.empty()) {
    std::fprintf(stderr, "socialcrm console: --connect HOST:PORT is "
                         "required\n");
    return exit_usage;
  }
  std::string token;
  if (!opts.token_file.empty()) {
    auto t = read_secret_file(opts.token_file);
    if (!t) {
      std::fprintf(stderr, "socialcrm console: --token-file: %s [%s]\n",
                   t.error().message.c_str(), t.error().code.c_str());
      return exit_usage;
    }
    token = *t;
  } else if (const char* env = std::getenv("SOCIALCRM_TOKEN")) {
    token = env;
  }
  if (token.empty()) {
    std::fprintf(stderr, "socialcrm console: no API token: give --token-file "
                         "FILE (mode 0600) or set SOCIALCRM_TOKEN\n");
    return exit_usage;
  }
  http::client_options co;
  co.ca_file = opts.ca_file;
  co.user_agent = "socialcrm-console";
  session s{base_of(opts.connect), token, opts.json_out, opts.yes,
            http::client(co), opts.ca_file};
  if (words.empty())
    return run_shell(s);
  return run_command(s, words);
}

} // namespace socialcrm::app
