// socialcrm: one binary, subcommands as API.md fixes them.

#include "app/commands.hpp"
#include "app/console.hpp"
#include "app/options.hpp"
#include "app/signals.hpp"

#include <CLI/CLI.hpp>
#include <openssl/crypto.h>
#include <spdlog/sinks/stdout_color_sinks.h>
#include <spdlog/spdlog.h>

#include <cstdio>

namespace {

using namespace socialcrm::app;

// Exit codes of API.md.
constexpr int exit_bad_arguments = 2;

void setup_logging() {
  // Logs go to stderr: stdout carries the few lines scripts read.
  auto logger = spdlog::stderr_color_mt("socialcrm");
  spdlog::set_default_logger(logger);
  spdlog::set_pattern("%Y-%m-%dT%H:%M:%S.%eZ %^%l%$ %v", spdlog::pattern_time_type::utc);
  if (const char* level = std::getenv("SOCIALCRM_LOG"))
    spdlog::set_level(spdlog::level::from_str(level));
}

} // namespace

int main(int argc, char** argv) {
  // CAF runs detached actors (sources, the store, the CRM) on threads it
  // does not join: it counts them done before they have exited, so one can
  // still be freeing its OpenSSL thread state while main returns. OpenSSL's
  // own clean-up at exit would free that state under it (serve died by
  // SIGSEGV or a double free in one stop of a few hundred). The process
  // ends anyway; its memory goes with it.
  OPENSSL_init_crypto(OPENSSL_INIT_NO_ATEXIT, nullptr);
  block_signals();
  setup_logging();

  CLI::App app{"socialcrm: a self-hosted social CRM server"};
  app.require_subcommand(1);

  serve_flags serve;
  auto* serve_cmd = app.add_subcommand("serve", "run the CRM server");
  serve_cmd->add_option("--data", serve.data_dir, "data directory (database, keys)");
  serve_cmd->add_option("--listen", serve.listen, "HOST:PORT to serve HTTP on");
  serve_cmd->add_option("--config", serve.config_file, "TOML config file")
    ->check(CLI::ExistingFile);
  serve_cmd->add_flag("--demo", serve.demo,
                      "embedded emulator, demo accounts, CRM data and traffic");
  serve_cmd->add_option("--role", serve.role, "cluster role: all, core, poller, gateway");
  serve_cmd->add_option("--join", serve.join, "HOST:PORT of the core node");
  serve_cmd->add_option("--network", serve.networks, "NAME=URL base URL of a network");
  serve_cmd->add_option("--sim-url", serve.sim_url, "point every network at one emulator");
  serve_cmd->add_option("--poll-interval", serve.poll_interval,
                        "seconds between polls when rate limits allow");
  serve_cmd->add_option("--tls-cert", serve.tls_cert,
                        "PEM certificate chain: serve https and wss "
                        "(with --tls-key; SIGHUP reloads both)");
  serve_cmd->add_option("--tls-key", serve.tls_key,
                        "PEM private key of --tls-cert (mode 0600)");

  sim_flags sim;
  auto* sim_cmd = app.add_subcommand("sim", "run the network emulator");
  sim_cmd->add_option("--listen", sim.listen,
                      "HOST:PORT of the listener with every network under "
                      "its prefix (/x, /mastodon, ...); the networks' own "
                      "listeners take the next five ports");
  sim_cmd->add_option("--network-listen", sim.network_listen,
                      "NAME=HOST:PORT where one network is served at the "
                      "root, as its real host");
  sim_cmd->add_option("--tls", sim.tls_dir,
                      "DIR: serve https on the networks' listeners with a "
                      "private CA made in DIR (clients trust DIR/ca.pem)");
  sim_cmd->add_option("--seed", sim.seed, "seed of the synthetic population");
  sim_cmd->add_option("--rate", sim.rate, "generated posts per second")
    ->check(CLI::Range(0.0, 10000.0));

  backup_options backup;
  auto* backup_cmd = app.add_subcommand(
    "backup", "copy the database consistently, also while serve runs");
  backup_cmd->add_option("--data", backup.data_dir, "data directory of serve")
    ->required()
    ->check(CLI::ExistingDirectory);
  backup_cmd->add_option("--to", backup.to, "the backup file to create")
    ->required();

  restore_options restore;
  auto* restore_cmd = app.add_subcommand(
    "restore", "put a backup into a data directory without a database");
  restore_cmd->add_option("--from", restore.from, "the backup file")
    ->required()
    ->check(CLI::ExistingFile);
  restore_cmd->add_option("--data", restore.data_dir,
                          "data directory to restore into (made if missing)")
    ->required();
  restore_cmd->add_option("--key", restore.key_file,
                          "the data directory's secret.key, kept apart from "
                          "the backup");

  console_options console;
  auto* console_cmd = app.add_subcommand(
    "console", "see and steer the actors of a running serve (run "
               "'socialcrm console help' for the commands)");
  console_cmd->add_option("--connect", console.connect,
                          "HOST:PORT or http(s) URL of serve");
  console_cmd->add_option("--token-file", console.token_file,
                          "file holding a personal API token (mode 0600); "
                          "else SOCIALCRM_TOKEN");
  console_cmd->add_option("--ca-file", console.ca_file,
                          "PEM certificates trusted for an https URL");
  console_cmd->add_flag("--json", console.json_out,
                        "one JSON document per command");
  console_cmd->add_flag("--yes", console.yes,
                        "act on several actors without asking");
  // The command and its words go through as they are (`ls --help` too).
  console_cmd->prefix_command();

  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForAllHelp& e) {
    return app.exit(e);
  } catch (const CLI::ParseError& e) {
    std::fprintf(stderr, "socialcrm: %s\nRun 'socialcrm --help' for usage.\n",
                 e.what());
    return exit_bad_arguments;
  }

  if (serve_cmd->parsed()) {
    auto opts = resolve(serve);
    if (!opts) {
      std::fprintf(stderr, "socialcrm serve: %s [%s]\n",
                   opts.error().message.c_str(), opts.error().code.c_str());
      return exit_bad_arguments;
    }
    return run_serve(*opts);
  }
  if (console_cmd->parsed()) {
    console.words = console_cmd->remaining();
    unblock_signals();
    return run_console(console);
  }
  if (backup_cmd->parsed())
    return run_backup(backup);
  if (restore_cmd->parsed())
    return run_restore(restore);
  auto sim_opts = resolve_sim(sim);
  if (!sim_opts) {
    std::fprintf(stderr, "socialcrm sim: %s [%s]\n",
                 sim_opts.error().message.c_str(),
                 sim_opts.error().code.c_str());
    return exit_bad_arguments;
  }
  return run_sim(*sim_opts);
}
