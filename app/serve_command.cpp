#include "actors/classifier_actor.hpp"
#include "actors/hub_actor.hpp"
#include "actors/registry_actor.hpp"
#include "actors/store_actor.hpp"
#include "actors/system_config.hpp"
#include "app/commands.hpp"
#include "app/demo.hpp"
#include "app/ingestion.hpp"
#include "app/signals.hpp"
#include "http/server.hpp"
#include "networks/oauth.hpp"
#include "sim/emulator.hpp"
#include "storage/data_dir.hpp"
#include "storage/database.hpp"
#include "web/bootstrap.hpp"
#include "web/service.hpp"
#include "web/social_context.hpp"

#include <caf/actor_system.hpp>
#include <caf/scoped_actor.hpp>
#include <caf/send.hpp>
#include <spdlog/spdlog.h>

#include <csignal>
#include <filesystem>
#include <memory>
#include <vector>

namespace socialcrm::app {

namespace {

// How long a stop waits for the actors to drain their mailboxes.
constexpr auto drain_timeout = std::chrono::seconds(10);

// Asks actors to stop (null handles are skipped): the error paths of a
// start-up that failed half-way.
void stop_actors(const std::vector<caf::actor>& actors) {
  for (const auto& a : actors)
    if (a)
      caf::anon_send_exit(a, caf::exit_reason::user_shutdown);
}

std::string database_path(const serve_options& opts) {
  return (std::filesystem::path(opts.data_dir) / storage::database_file_name)
    .string();
}

// SIGHUP: the certificate and key again, for new connections (open ones
// keep theirs). A file that cannot be used leaves the old ones serving.
void on_reload(web::service& web_server, const serve_options& opts) {
  if (opts.tls_cert.empty()) {
    spdlog::info("SIGHUP received: nothing to reload (no [server] tls_cert)");
    return;
  }
  try {
    web_server.reload_tls();
    spdlog::info("TLS certificate reloaded from {} and {}", opts.tls_cert,
                 opts.tls_key);
  } catch (const std::exception& e) {
    spdlog::error("TLS certificate not reloaded, the previous one still "
                  "serves: {}",
                  e.what());
  }
}

} // namespace

int run_serve(const serve_options& given) {
  auto opts = given;
  // The TLS files first: a bad one stops serve before anything is written.
  if (!opts.tls_cert.empty()) {
    try {
      http::check_tls_files(opts.tls_cert, opts.tls_key);
    } catch (const std::exception& e) {
      std::fprintf(stderr, "socialcrm serve: %s [bad_tls]\n", e.what());
      return 2;
    }
  }
  // 0700, its files 0600: the database holds every contact.
  if (auto err = storage::prepare_data_dir(opts.data_dir)) {
    spdlog::error("cannot create data directory {}: {}", opts.data_dir, *err);
    return 2;
  }
  // Sign-in needs a super administrator: from the environment or the demo.
  auto boot = web::bootstrap_users(database_path(opts), opts.demo);
  if (boot.exit_code != 0) {
    std::fprintf(stderr, "socialcrm serve: %s\n", boot.error.c_str());
    return boot.exit_code;
  }
  for (auto& line : boot.lines)
    std::printf("%s\n", line.c_str());
  std::unique_ptr<sim::emulator> emulator;
  if (opts.demo) {
    sim::options sim_opts;
    sim_opts.rate = 5; // enough traffic for every column to fill in seconds
    emulator = std::make_unique<sim::emulator>(sim_opts);
    try {
      emulator->start();
    } catch (const std::exception& e) {
      spdlog::error("cannot start the embedded emulator: {}", e.what());
      return 1;
    }
    spdlog::info("emulator (X, Facebook, Google+, Mastodon, Bluesky) at {}",
                 emulator->base_url());
    // The demo's networks are the emulator's, each at the root of its own
    // listener as a real host is, unless a flag said otherwise.
    for (auto net : all_networks) {
      auto url = emulator->network_url(std::string(to_string(net)));
      opts.network_urls.emplace(net, url);
      // A root-mounted emulator looks like any host: link through it with
      // the client the emulator issues every demo token to (it accepts any
      // client), unless the config names one.
      if (opts.network_urls[net] == url && net != network::mastodon
          && net != network::bluesky)
        opts.oauth_clients.emplace(
          net, std::pair{std::string(networks::emulator_client_id),
                         std::string(networks::emulator_client_secret)});
    }
    auto demo = prepare_demo(emulator->base_url(), opts.data_dir,
                             database_path(opts));
    if (!demo) {
      spdlog::error("cannot prepare the demo: {}", demo.error().message);
      return 1;
    }
    spdlog::info("demo: {} accounts linked (one per network), {} CRM people "
                 "created{}",
                 demo->accounts, demo->people,
                 demo->people == 0 ? " (reusing the data directory's)" : "");
  }

  system_config cfg{opts.actor_threads};
  caf::actor_system sys{cfg};
  auto path = database_path(opts);
  storage::set_max_database_size(opts.max_database_mb * 1024 * 1024);
  store_actor store;
  try {
    store = spawn_store(sys, path);
  } catch (const std::exception& e) {
    spdlog::error("cannot open database {}: {}", path, e.what());
    return 1;
  }
  spdlog::info("database {} open (WAL, schema migrated)", path);
  auto registry = spawn_registry(sys);
  auto hub = spawn_hub(sys, registry);
  auto classifier = spawn_classifier(sys, store, registry);
  caf::anon_send(classifier, add_hub_atom::value, hub);
  // The core actors, in the order a stop drains them.
  std::vector<caf::actor> core{caf::actor_cast<caf::actor>(classifier),
                               caf::actor_cast<caf::actor>(hub),
                               caf::actor_cast<caf::actor>(store),
                               caf::actor_cast<caf::actor>(registry)};
  caf::actor sources;
  std::shared_ptr<source_context> source_ctx;
  try {
    source_ctx = make_source_context(opts, path, classifier, store, registry);
    sources = start_ingestion(sys, source_ctx);
    // The console lists the core actors beside the sources.
    caf::anon_send(registry, register_atom::value, std::string("store"),
                   std::string("store"), caf::actor_cast<caf::actor>(store));
    caf::anon_send(registry, register_atom::value, std::string("supervisor"),
                   std::string("supervisor"), sources);
  } catch (const std::exception& e) {
    spdlog::error("cannot start ingestion: {}", e.what());
    stop_actors(core);
    return 1;
  }
  spdlog::info("actors running: registry, store, classifier, hub "
               "(role {}, poll interval {}s)",
               opts.role, opts.poll_interval_s);
  for (auto& [net, url] : opts.network_urls)
    spdlog::info("network {} at {}", to_string(net), url);
  std::unique_ptr<web::service> web_server;
  try {
    web::service_options web_opts;
    if (opts.live_flush_ms)
      web_opts.limits.live_flush_interval =
        std::chrono::milliseconds(*opts.live_flush_ms);
    web_opts.limits.live_threads = opts.live_threads;
    web_opts.social = std::make_shared<web::social_context>();
    web_opts.social->sources = source_ctx;
    web_opts.social->supervisor = sources;
    web_opts.social->hub = hub;
    web_opts.social->public_url = opts.public_url;
    web_opts.metrics_token = opts.metrics_token;
    web_opts.tls_cert = opts.tls_cert;
    web_opts.tls_key = opts.tls_key;
    web_opts.tls = !opts.tls_cert.empty();
    web_server = std::make_unique<web::service>(sys, path, classifier, registry,
                                                std::move(web_opts));
    auto port = web_server->start(opts.listen.host, opts.listen.port);
    auto host = opts.listen.host.find(':') == std::string::npos
                  ? opts.listen.host
                  : "[" + opts.listen.host + "]";
    std::printf("socialcrm listening on %s://%s:%u\n",
                opts.tls_cert.empty() ? "http" : "https", host.c_str(),
                static_cast<unsigned>(port));
    if (!opts.tls_cert.empty())
      spdlog::info("serving TLS with {} (SIGHUP reloads it)", opts.tls_cert);
  } catch (const std::exception& e) {
    spdlog::error("cannot serve HTTP on {}: {}", opts.listen.to_string(),
                  e.what());
    web_server.reset();
    stop_actors({sources});
    stop_actors(core);
    return 1;
  }
  // Scripts wait for this line.
  std::printf("socialcrm ready: data %s\n", opts.data_dir.c_str());
  std::fflush(stdout);

  auto sig = wait_for_signal();
  for (; sig == SIGHUP; sig = wait_for_signal())
    on_reload(*web_server, opts);
  spdlog::info("{} received: draining actors and closing the database",
               sig == SIGINT ? "SIGINT" : "SIGTERM");
  // HTTP first: new requests are refused, answers in flight finish.
  web_server.reset();
  {
    caf::scoped_actor self{sys};
    // Pollers first (the supervisor stops its sources): nothing new comes
    // in while the rest drains.
    self->send_exit(sources, caf::exit_reason::user_shutdown);
    self->wait_for(sources);
    // Ask the classifier something: its answer means every batch queued
    // before the signal went through the store.
    self->request(classifier, drain_timeout, info_atom::value)
      .receive([](const actor_info&) {},
               [](caf::error& err) {
                 spdlog::warn("classifier did not drain: {}",
                              caf::to_string(err));
               });
    for (const auto& a : core)
      self->send_exit(a, caf::exit_reason::user_shutdown);
  }
  sys.await_all_actors_done();
  if (emulator)
    emulator->stop();
  spdlog::info("stopped cleanly");
  return 0;
}

int run_sim(const sim_cli_options& opts) {
  sim::options sim_opts;
  sim_opts.host = opts.listen.host;
  sim_opts.port = opts.listen.port;
  sim_opts.seed = opts.seed;
  sim_opts.rate = opts.rate;
  sim_opts.tls_dir = opts.tls_dir;
  for (const auto& [name, ep] : opts.network_listen)
    sim_opts.network_listen[name] = {ep.host, ep.port};
  sim::emulator emulator(sim_opts);
  try {
    emulator.start();
  } catch (const std::exception& e) {
    spdlog::error("cannot start the emulator on {}: {}",
                  opts.listen.to_string(), e.what());
    return 1;
  }
  std::printf("socialcrm sim listening on %s\n", emulator.base_url().c_str());
  for (const auto& ep : emulator.network_endpoints())
    std::printf("socialcrm sim %s at %s\n", ep.network.c_str(), ep.url.c_str());
  if (!emulator.ca_file().empty())
    std::printf("socialcrm sim ca %s\n", emulator.ca_file().c_str());
  std::fflush(stdout);
  wait_for_stop_signal();
  emulator.stop();
  return 0;
}

} // namespace socialcrm::app
