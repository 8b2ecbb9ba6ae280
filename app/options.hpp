#pragma once

#include "protocol/error.hpp"
#include "protocol/types.hpp"

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace socialcrm::app {

/// HOST:PORT as given on the command line or in the config file.
struct endpoint {
  std::string host;
  std::uint16_t port = 0;
  std::string to_string() const;
};

/// Longest token a secret file may hold: long random tokens fit; a file
/// that is not a token (a certificate, a key) does not.
inline constexpr std::size_t max_secret_length = 512;

/// Reads a secret token from `path`: one line without spaces (a trailing
/// newline is dropped), in a file no group or other may access
/// (`bad_secret_file` otherwise, naming the mode and the fix).
expected<std::string> read_secret_file(const std::string& path);

/// Checks the private key file of [server] tls_key / --tls-key: a regular
/// file no group or other may access (`bad_tls_key` otherwise, naming the
/// file, its mode and the fix). Whether it holds a key that matches the
/// certificate is for OpenSSL to say (http::check_tls_files).
std::optional<error_info> check_private_key_file(const std::string& path);

/// Parses "HOST:PORT" ("[::1]:80" for IPv6); port 0 is allowed (any free).
expected<endpoint> parse_endpoint(const std::string& text);

/// The validated settings of `socialcrm serve`, from flags and the config
/// file (flags win).
struct serve_options {
  std::string data_dir;
  endpoint listen{"127.0.0.1", 8080};
  bool demo = false;
  std::string role = "all"; // all, core, poller, gateway
  std::optional<endpoint> join;
  std::map<network, std::string> network_urls; // base URL per network
  /// [networks.NAME] ca_file: PEM certificates trusted for that network's
  /// https base URL instead of the system's store.
  std::map<network, std::string> network_ca_files;
  /// OAuth client of this deployment per network ([networks.NAME]
  /// client_id / client_secret): what token refreshes and linking use.
  std::map<network, std::pair<std::string, std::string>> oauth_clients;
  double poll_interval_s = 15;
  /// Where browsers reach this server ([server] public_url), for the OAuth
  /// redirect URI behind a proxy; "" = the listen address.
  std::string public_url;
  /// Scheduler threads for the event-based actors ([server] actor_threads);
  /// 0 = one per core but one (actors/system_config.hpp).
  std::size_t actor_threads = 0;
  /// The live feed's send cadence in ms ([server] live_flush_ms; 0 sends
  /// at once); unset keeps web::web_limits' default.
  std::optional<std::int64_t> live_flush_ms;
  /// Threads writing the live feed's WebSockets ([server] live_threads);
  /// 0 = one per two cores, 1 to 4 (http::ws_limits::io_threads).
  std::size_t live_threads = 0;
  /// The bearer token non-loopback scrapers of /metrics must send, read
  /// from [server] metrics_token_file (mode 0600 or stricter); "" =
  /// loopback peers only.
  std::string metrics_token;
  /// PEM certificate chain and private key ([server] tls_cert / tls_key,
  /// --tls-cert / --tls-key, both or neither): serve speaks HTTPS and WSS
  /// itself and reloads both files on SIGHUP; "" = plain HTTP (behind a
  /// TLS-terminating proxy, with public_url).
  std::string tls_cert;
  std::string tls_key;
  /// [storage] max_size_mb: the database refuses writes that would grow it
  /// beyond this (507 storage_full), so one runaway cannot fill a disk
  /// other services share; 0 = no cap but the disk.
  std::int64_t max_database_mb = 0;
};

/// Most ms [server] live_flush_ms accepts: beyond a second the feed is
/// no longer live.
inline constexpr std::int64_t max_live_flush_ms = 1000;

/// Most WebSocket I/O threads [server] live_threads accepts.
inline constexpr std::int64_t max_live_threads = 64;

/// Most [storage] max_size_mb accepts: 16 TiB, SQLite's practical ceiling.
inline constexpr std::int64_t max_database_mb = 16LL * 1024 * 1024;
/// Most scheduler threads [server] actor_threads accepts.
inline constexpr std::int64_t max_actor_threads = 256;

/// The validated settings of `socialcrm sim`.
struct sim_cli_options {
  endpoint listen{"127.0.0.1", 8090};
  std::uint64_t seed = 1;
  double rate = 0;
  /// Root listeners named by --network-listen; the others follow --listen.
  std::map<std::string, endpoint> network_listen;
  std::string tls_dir; // --tls DIR: https on the root listeners
};

/// `socialcrm backup --data DIR --to FILE`.
struct backup_options {
  std::string data_dir;
  std::string to;
};

/// `socialcrm restore --from FILE --data DIR [--key FILE]`.
struct restore_options {
  std::string from;
  std::string data_dir;
  std::string key_file; // the backed-up DATA/secret.key; "" = none
};

/// Raw values of the sim flags before validation (what CLI11 fills).
struct sim_flags {
  std::string listen = "127.0.0.1:8090";
  std::uint64_t seed = 1;
  double rate = 0;
  std::vector<std::string> network_listen; // "NAME=HOST:PORT"
  std::string tls_dir;
};

/// Validates the sim flags: `bad_endpoint` for a HOST:PORT that is not
/// one, `unknown_network` for a name that is no network's, `bad_flag` for a
/// network named twice or without '='.
expected<sim_cli_options> resolve_sim(const sim_flags& flags);

/// Raw values of the serve flags before validation (what CLI11 fills).
struct serve_flags {
  std::string data_dir;
  std::string listen;
  std::string config_file;
  bool demo = false;
  std::string role;
  std::string join;
  std::vector<std::string> networks; // NAME=URL
  std::string sim_url;
  std::optional<double> poll_interval;
  std::string tls_cert; // --tls-cert FILE
  std::string tls_key;  // --tls-key FILE
};

/// Reads the config file (if any), applies the flags over it and checks
/// everything; the error names the flag or config key at fault.
expected<serve_options> resolve(const serve_flags& flags);

/// Checks a network base URL: http:// or https:// with a host.
bool valid_base_url(const std::string& url);

/// Limits on what the operator may ask for, and why.
/// Polling faster than 10 times a second only burns the rate limits.
inline constexpr double min_poll_interval_s = 0.1;
/// The demo polls its local emulator every 2 s so columns move visibly.
inline constexpr double demo_poll_interval_s = 2;
/// An hour between polls makes columns look dead; nobody wants that.
inline constexpr double max_poll_interval_s = 3600;

} // namespace socialcrm::app
