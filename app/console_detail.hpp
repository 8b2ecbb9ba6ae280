#pragma once

// What the console's commands share (app/console_*.cpp): the connection to
// serve's REST API, answers, selectors and exit codes. Internal to
// socialcrm_app; app/console.hpp is the entry point.

#include "http/client.hpp"

#include <nlohmann/json.hpp>

#include <map>
#include <optional>
#include <string>
#include <vector>

namespace socialcrm::app::console {

using nlohmann::json;

constexpr int exit_done = 0;
constexpr int exit_failure = 1;
constexpr int exit_usage = 2;
constexpr int exit_not_found = 3;
constexpr int exit_not_allowed = 4;

struct session {
  std::string base; // http(s)://host:port
  std::string token;
  bool json_out = false;
  bool yes = false;
  http::client client;
  std::string ca_file; // for connections the client does not make (tail)
  bool interactive = false; // inside the shell: no process-wide effects
};

struct answer {
  int status = 0; // 0: no answer
  json body;
  std::string error; // transport failure
};

/// One request with the token; `body` makes it a JSON POST.
answer call(session& s, const std::string& method, const std::string& path,
            const json* body = nullptr);

/// The exit code of a refused answer, after saying why on stderr.
int refused(const answer& a);

bool ok(const answer& a);

void print_json(const json& j);

/// key=value words and a glob or ids.
struct selector {
  std::map<std::string, std::string> fields; // kind, state, node, q
  std::vector<std::string> ids;
  bool one_id() const { return fields.empty() && ids.size() == 1; }
};

std::optional<selector> parse_selector(const std::vector<std::string>& words,
                                       std::string& why);

/// "?kind=source&q=..." (empty for no fields).
std::string query_of(const selector& s);

/// A source's freshness as "850ms", "12s" or "never"; "-" for others.
std::string freshness(const json& actor);

/// Every actor the selector names, page after page; nullopt with `code`
/// set (after saying why) when the server refused.
std::optional<json> list_all(session& s, const selector& sel, int& code);

/// The console's commands and their one-paragraph help.
const std::map<std::string, std::string>& command_help();

/// Runs one command line (words[0] is the command) on an open session.
int run_command(session& s, const std::vector<std::string>& words);

// Commands with their own files.
int cmd_top(session& s, const std::vector<std::string>& words);
int cmd_tail(session& s, const std::vector<std::string>& words);
int run_shell(session& s);

} // namespace socialcrm::app::console
