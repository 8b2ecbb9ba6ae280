#pragma once

// `socialcrm console` (issue 22): the actor console from a terminal.

#include "app/options.hpp"

#include <string>
#include <vector>

namespace socialcrm::app {

struct console_options {
  std::string connect;    // HOST:PORT or an http(s) URL of serve
  std::string token_file; // "" = SOCIALCRM_TOKEN
  std::string ca_file;    // PEM trusted for https; "" = the system's store
  bool json_out = false;
  bool yes = false;
  std::vector<std::string> words; // the command and its arguments
};

/// Runs one console command; returns the exit code (0 done, 1 failure,
/// 2 bad usage, 3 not found, 4 not allowed).
int run_console(const console_options& opts);

} // namespace socialcrm::app
