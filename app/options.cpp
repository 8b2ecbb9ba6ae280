#include "app/options.hpp"

#include <charconv>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <toml++/toml.h>

#include <sys/stat.h>

namespace socialcrm::app {

std::string endpoint::to_string() const {
  if (host.find(':') != std::string::npos)
    return "[" + host + "]:" + std::to_string(port);
  return host + ":" + std::to_string(port);
}

namespace {

// Why `path` is no file for a secret: missing, not a regular file, or open
// to group or other; nullopt when it is one.
std::optional<error_info> private_file_error(const std::string& path,
                                             const std::string& code) {
  struct ::stat st{};
  if (::stat(path.c_str(), &st) != 0 || !S_ISREG(st.st_mode))
    return make_error(code, path + " is not a readable file");
  if ((st.st_mode & (S_IRWXG | S_IRWXO)) != 0) {
    char mode[8];
    std::snprintf(mode, sizeof mode, "%04o",
                  static_cast<unsigned>(st.st_mode & 07777));
    return make_error(code, path + " may be read by others (mode "
                              + std::string(mode) + "): chmod 600 it");
  }
  return std::nullopt;
}

} // namespace

std::optional<error_info> check_private_key_file(const std::string& path) {
  return private_file_error(path, "bad_tls_key");
}

expected<std::string> read_secret_file(const std::string& path) {
  if (auto err = private_file_error(path, "bad_secret_file"))
    return *err;
  std::ifstream in(path, std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  if (!in && !in.eof())
    return make_error("bad_secret_file", path + " cannot be read");
  auto s = text.str();
  while (!s.empty() && (s.back() == '\n' || s.back() == '\r' || s.back() == ' '))
    s.pop_back();
  if (s.empty())
    return make_error("bad_secret_file", path + " is empty");
  if (s.size() > max_secret_length || s.find_first_of(" \t\r\n") != std::string::npos)
    return make_error("bad_secret_file",
                      path + " must hold one token of at most "
                        + std::to_string(max_secret_length)
                        + " characters without spaces");
  return s;
}

expected<endpoint> parse_endpoint(const std::string& text) {
  auto bad = [&](const std::string& why) {
    return make_error("bad_endpoint",
                      "'" + text + "' is not HOST:PORT (" + why + ")");
  };
  auto colon = text.rfind(':');
  if (colon == std::string::npos || colon == 0)
    return bad("missing host or port");
  auto host = text.substr(0, colon);
  if (host.front() == '[') {
    if (host.back() != ']')
      return bad("unclosed '['");
    host = host.substr(1, host.size() - 2);
  }
  auto port_text = text.substr(colon + 1);
  unsigned port = 0;
  auto [end, ec] = std::from_chars(port_text.data(),
                                   port_text.data() + port_text.size(), port);
  if (ec != std::errc{} || end != port_text.data() + port_text.size()
      || port > 65535 || port_text.empty())
    return bad("port must be a number from 0 to 65535");
  if (host.empty())
    return bad("empty host");
  return endpoint{host, static_cast<std::uint16_t>(port)};
}

bool valid_base_url(const std::string& url) {
  for (std::string scheme : {"http://", "https://"})
    if (url.rfind(scheme, 0) == 0 && url.size() > scheme.size()
        && url[scheme.size()] != '/')
      return true;
  return false;
}

namespace {

// Reads [networks.NAME] base_url = "..." and [server]/[polling] keys.
std::optional<error_info> read_config(const std::string& path,
                                      serve_options& out) {
  toml::table cfg;
  try {
    cfg = toml::parse_file(path);
  } catch (const toml::parse_error& e) {
    return make_error("bad_config",
                      "config file " + path + ": " + std::string(e.description())
                        + " (line "
                        + std::to_string(e.source().begin.line) + ")");
  }
  if (auto nets = cfg["networks"].as_table()) {
    for (auto& [name, value] : *nets) {
      auto net = parse_network(name.str());
      if (!net)
        return make_error("bad_config", "config file " + path
                                          + ": unknown network [networks."
                                          + std::string(name.str()) + "]");
      auto url = value.as_table() ? (*value.as_table())["base_url"].value<std::string>()
                                  : std::nullopt;
      if (!url || !valid_base_url(*url))
        return make_error("bad_config",
                          "config file " + path + ": [networks."
                            + std::string(name.str())
                            + "] base_url must be an http:// or https:// URL");
      out.network_urls[*net] = *url;
      auto& t = *value.as_table();
      auto id = t["client_id"].value<std::string>();
      auto secret = t["client_secret"].value<std::string>();
      if (secret && !id)
        return make_error("bad_config", "config file " + path + ": [networks."
                                          + std::string(name.str())
                                          + "] client_secret without client_id");
      if (id)
        out.oauth_clients[*net] = {*id, secret.value_or("")};
      if (auto ca = t["ca_file"].value<std::string>()) {
        std::error_code ec;
        if (!std::filesystem::is_regular_file(*ca, ec))
          return make_error("bad_config", "config file " + path + ": [networks."
                                            + std::string(name.str())
                                            + "] ca_file " + *ca
                                            + " is not a readable file");
        out.network_ca_files[*net] = *ca;
      }
    }
  }
  if (auto listen = cfg["server"]["listen"].value<std::string>()) {
    auto ep = parse_endpoint(*listen);
    if (!ep)
      return make_error("bad_config", "config file " + path
                                        + ": [server] listen: "
                                        + ep.error().message);
    out.listen = *ep;
  }
  if (auto data = cfg["server"]["data"].value<std::string>())
    out.data_dir = *data;
  if (auto url = cfg["server"]["public_url"].value<std::string>()) {
    if (url->rfind("http://", 0) != 0 && url->rfind("https://", 0) != 0)
      return make_error("bad_config", "config file " + path +
                                          ": [server] public_url must start "
                                          "with http:// or https://");
    out.public_url = *url;
    while (!out.public_url.empty() && out.public_url.back() == '/')
      out.public_url.pop_back();
  }
  // A [server] integer from 0 (which means `zero`) to `max`, if set.
  auto server_int = [&](const std::string& key, std::int64_t max,
                        const std::string& zero)
    -> expected<std::optional<std::int64_t>> {
    auto node = cfg["server"][key];
    if (!node)
      return std::optional<std::int64_t>{};
    auto n = node.value<std::int64_t>();
    if (!n || *n < 0 || *n > max)
      return make_error("bad_config", "config file " + path + ": [server] "
                                        + key + " must be an integer from 0 ("
                                        + zero + ") to "
                                        + std::to_string(max));
    return n;
  };
  auto threads =
    server_int("actor_threads", max_actor_threads, "one per core but one");
  if (!threads)
    return threads.error();
  if (*threads)
    out.actor_threads = static_cast<std::size_t>(**threads);
  auto flush = server_int("live_flush_ms", max_live_flush_ms, "send at once");
  if (!flush)
    return flush.error();
  out.live_flush_ms = *flush;
  auto live = server_int("live_threads", max_live_threads,
                         "one per two cores, 1 to 4");
  if (!live)
    return live.error();
  if (*live)
    out.live_threads = static_cast<std::size_t>(**live);
  if (auto token_file = cfg["server"]["metrics_token_file"].value<std::string>()) {
    auto token = read_secret_file(*token_file);
    if (!token)
      return make_error("bad_config", "config file " + path
                                        + ": [server] metrics_token_file: "
                                        + token.error().message);
    out.metrics_token = *token;
  }
  // Checked with the flags once both are merged (resolve()).
  if (auto cert = cfg["server"]["tls_cert"].value<std::string>())
    out.tls_cert = *cert;
  if (auto key = cfg["server"]["tls_key"].value<std::string>())
    out.tls_key = *key;
  if (auto node = cfg["storage"]["max_size_mb"]) {
    auto n = node.value<std::int64_t>();
    if (!n || *n < 0 || *n > max_database_mb)
      return make_error("bad_config", "config file " + path
                                        + ": [storage] max_size_mb must be an "
                                          "integer from 0 (no cap) to "
                                        + std::to_string(max_database_mb));
    out.max_database_mb = *n;
  }
  if (auto interval = cfg["polling"]["interval_s"].value<double>())
    out.poll_interval_s = *interval;
  return std::nullopt;
}

} // namespace

expected<serve_options> resolve(const serve_flags& flags) {
  serve_options out;
  if (!flags.config_file.empty())
    if (auto err = read_config(flags.config_file, out))
      return *err;
  out.demo = flags.demo;
  if (!flags.data_dir.empty())
    out.data_dir = flags.data_dir;
  if (out.data_dir.empty()) {
    if (!out.demo)
      return make_error("missing_data_dir",
                        "--data DIR is required (where the database lives)");
    out.data_dir = "./demo-data";
  }
  if (!flags.listen.empty()) {
    auto ep = parse_endpoint(flags.listen);
    if (!ep)
      return make_error("bad_listen", "--listen: " + ep.error().message);
    out.listen = *ep;
  }
  if (!flags.role.empty()) {
    if (flags.role != "all" && flags.role != "core" && flags.role != "poller"
        && flags.role != "gateway")
      return make_error("bad_role", "--role must be all, core, poller or "
                                    "gateway, not '" + flags.role + "'");
    out.role = flags.role;
  }
  if (!flags.join.empty()) {
    auto ep = parse_endpoint(flags.join);
    if (!ep)
      return make_error("bad_join", "--join: " + ep.error().message);
    out.join = *ep;
  }
  if (out.role != "all" && out.role != "core" && !out.join)
    return make_error("missing_join", "--role " + out.role
                                        + " needs --join HOST:PORT of the core");
  if (!flags.sim_url.empty()) {
    if (!valid_base_url(flags.sim_url))
      return make_error("bad_sim_url",
                        "--sim-url must be an http:// or https:// URL");
    auto base = flags.sim_url;
    while (!base.empty() && base.back() == '/')
      base.pop_back();
    for (auto net : all_networks)
      out.network_urls[net] = base + "/" + std::string(to_string(net));
  }
  for (auto& n : flags.networks) {
    auto eq = n.find('=');
    auto net = parse_network(eq == std::string::npos ? n : n.substr(0, eq));
    if (eq == std::string::npos || !net)
      return make_error("bad_network",
                        "--network takes NAME=URL with NAME one of x, "
                        "facebook, googleplus, mastodon, bluesky; got '"
                          + n + "'");
    auto url = n.substr(eq + 1);
    if (!valid_base_url(url))
      return make_error("bad_network", "--network " + n
                                         + ": URL must start with http:// or "
                                           "https://");
    out.network_urls[*net] = url;
  }
  if (!flags.tls_cert.empty())
    out.tls_cert = flags.tls_cert;
  if (!flags.tls_key.empty())
    out.tls_key = flags.tls_key;
  if (out.tls_cert.empty() != out.tls_key.empty())
    return make_error("bad_tls",
                      "--tls-cert and --tls-key ([server] tls_cert and "
                      "tls_key) go together: give both files or neither");
  if (!out.tls_cert.empty()) {
    struct ::stat st{};
    if (::stat(out.tls_cert.c_str(), &st) != 0 || !S_ISREG(st.st_mode))
      return make_error("bad_tls_cert",
                        "TLS certificate " + out.tls_cert
                          + " is not a readable file");
    if (auto err = check_private_key_file(out.tls_key))
      return make_error(err->code, "TLS key " + err->message);
  }
  if (flags.poll_interval)
    out.poll_interval_s = *flags.poll_interval;
  else if (out.demo && out.poll_interval_s == serve_options{}.poll_interval_s)
    out.poll_interval_s = demo_poll_interval_s;
  if (!(out.poll_interval_s >= min_poll_interval_s
        && out.poll_interval_s <= max_poll_interval_s))
    return make_error("bad_poll_interval",
                      "--poll-interval must be between 0.1 and 3600 seconds");
  return out;
}

expected<sim_cli_options> resolve_sim(const sim_flags& flags) {
  sim_cli_options out;
  auto listen = parse_endpoint(flags.listen);
  if (!listen)
    return make_error(listen.error().code, "--listen: " + listen.error().message);
  out.listen = *listen;
  out.seed = flags.seed;
  out.rate = flags.rate;
  out.tls_dir = flags.tls_dir;
  for (const auto& item : flags.network_listen) {
    auto eq = item.find('=');
    if (eq == std::string::npos)
      return make_error("bad_flag", "--network-listen '" + item
                                      + "' is not NAME=HOST:PORT");
    auto name = item.substr(0, eq);
    if (!parse_network(name))
      return make_error("unknown_network",
                        "--network-listen: no network is called '" + name
                          + "' (x, facebook, googleplus, mastodon, bluesky)");
    auto ep = parse_endpoint(item.substr(eq + 1));
    if (!ep)
      return make_error(ep.error().code,
                        "--network-listen " + name + ": " + ep.error().message);
    if (!out.network_listen.emplace(name, *ep).second)
      return make_error("bad_flag", "--network-listen names " + name + " twice");
  }
  return out;
}

} // namespace socialcrm::app
