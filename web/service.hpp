#pragma once

// The web server of `socialcrm serve`: the REST API, /healthz, /metrics and
// the UI's static files on one listener. Owns the CRM actor it asks.

#include "protocol/actor_interfaces.hpp"
#include "web/limits.hpp"

#include <caf/actor_system.hpp>

#include <cstdint>
#include <filesystem>
#include <memory>
#include <string>

namespace socialcrm::web {

struct social_context; // web/social_context.hpp

struct service_options {
  /// Where the UI's files are; SOCIALCRM_STATIC_DIR overrides the default
  /// (web/static/ of the source tree the binary was built from).
  std::filesystem::path static_dir;
  web_limits limits;
  /// Linked accounts, feeds, actions and the live WebSocket; without it
  /// the social routes answer 503 `social_unavailable`.
  std::shared_ptr<social_context> social;
  /// The listener serves TLS (`[server] tls_cert`): the session cookie is
  /// Secure and answers carry Strict-Transport-Security.
  bool tls = false;
  /// PEM certificate chain and key the listener serves HTTPS/WSS with;
  /// empty: plain HTTP. start() loads them, reload_tls() again.
  std::string tls_cert;
  std::string tls_key;
  /// Bearer token every /metrics scraper must send, loopback ones too
  /// (`[server] metrics_token_file`); empty: loopback peers only
  /// (web/metrics.hpp metrics_refusal).
  std::string metrics_token;
};

/// The default static directory: $SOCIALCRM_STATIC_DIR, else the
/// source tree's web/static.
std::filesystem::path default_static_dir();

class service {
public:
  /// Spawns the CRM actor on the database at `database_path`. Throws when
  /// the database cannot be opened.
  service(caf::actor_system& sys, const std::string& database_path,
          classifier_actor classifier, registry_actor registry,
          service_options opts = {});
  ~service(); // stop()s
  service(const service&) = delete;
  service& operator=(const service&) = delete;

  /// Listens on host:port (0: any free port) and returns the bound port.
  /// Throws std::system_error when it cannot bind.
  std::uint16_t start(const std::string& host, std::uint16_t port);

  /// Loads service_options::tls_cert/tls_key again (SIGHUP after a
  /// certificate renewal): connections accepted afterwards use the new
  /// files, open ones keep theirs. Throws std::system_error naming the file
  /// that cannot be loaded; the files in use stay in use then.
  void reload_tls();

  /// Stops taking requests (answers in flight finish within the server's
  /// grace period), then stops the CRM actor. Safe to call twice.
  void stop();

private:
  struct impl;
  std::unique_ptr<impl> impl_;
};

} // namespace socialcrm::web
