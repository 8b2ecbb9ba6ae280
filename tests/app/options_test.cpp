#include "app/options.hpp"
#include "tests/support/temp_dir.hpp"

#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>

using namespace socialcrm;
using namespace socialcrm::app;

TEST_CASE("HOST:PORT is parsed and nonsense is refused", "[options]") {
  CHECK(parse_endpoint("127.0.0.1:8080")->port == 8080);
  CHECK(parse_endpoint("[::1]:0")->host == "::1");
  CHECK_FALSE(parse_endpoint("localhost"));
  CHECK_FALSE(parse_endpoint(":80"));
  CHECK_FALSE(parse_endpoint("host:70000"));
  CHECK_FALSE(parse_endpoint("host:80x"));
  CHECK(parse_endpoint("host:").error().code == "bad_endpoint");
}

TEST_CASE("the sim URL flag points every network at one emulator", "[options]") {
  serve_flags f;
  f.data_dir = "d";
  f.sim_url = "http://127.0.0.1:9000/";
  auto opts = resolve(f);
  REQUIRE(opts);
  CHECK(opts->network_urls.at(network::x) == "http://127.0.0.1:9000/x");
  CHECK(opts->network_urls.at(network::bluesky)
        == "http://127.0.0.1:9000/bluesky");
  SECTION("--network overrides one of them") {
    f.networks = {"mastodon=https://mastodon.example"};
    auto o = resolve(f);
    REQUIRE(o);
    CHECK(o->network_urls.at(network::mastodon) == "https://mastodon.example");
    CHECK(o->network_urls.at(network::x) == "http://127.0.0.1:9000/x");
  }
}

TEST_CASE("serve options are validated with a code naming the problem",
          "[options]") {
  serve_flags f;
  f.data_dir = "d";
  auto code_of = [&](serve_flags flags) { return resolve(flags).error().code; };
  SECTION("no data directory outside the demo") {
    f.data_dir.clear();
    CHECK(code_of(f) == "missing_data_dir");
    f.demo = true;
    CHECK(resolve(f)->data_dir == "./demo-data");
    CHECK(resolve(f)->poll_interval_s == demo_poll_interval_s);
    f.poll_interval = 7;
    CHECK(resolve(f)->poll_interval_s == 7);
  }
  SECTION("a network that does not exist") {
    f.networks = {"myspace=http://x"};
    CHECK(code_of(f) == "bad_network");
  }
  SECTION("a network URL without scheme") {
    f.networks = {"x=api.x.com"};
    CHECK(code_of(f) == "bad_network");
  }
  SECTION("a poll interval out of range") {
    f.poll_interval = 0.01;
    CHECK(code_of(f) == "bad_poll_interval");
  }
  SECTION("a cluster role without a core to join") {
    f.role = "poller";
    CHECK(code_of(f) == "missing_join");
    f.role = "leader";
    CHECK(code_of(f) == "bad_role");
  }
}

TEST_CASE("the config file sets networks and is checked", "[options]") {
  test::temp_dir dir;
  auto write = [&](const std::string& text) {
    auto path = dir.file("socialcrm.toml");
    std::ofstream(path) << text;
    return path;
  };
  serve_flags f;
  SECTION("a valid file") {
    f.config_file = write("[server]\ndata = \"/var/lib/socialcrm\"\n"
                          "listen = \"0.0.0.0:8443\"\n"
                          "[networks.x]\nbase_url = \"https://api.x.com\"\n");
    auto o = resolve(f);
    REQUIRE(o);
    CHECK(o->data_dir == "/var/lib/socialcrm");
    CHECK(o->listen.port == 8443);
    CHECK(o->network_urls.at(network::x) == "https://api.x.com");
    SECTION("flags win over the file") {
      f.listen = "127.0.0.1:1";
      CHECK(resolve(f)->listen.port == 1);
    }
  }
  SECTION("OAuth client credentials per network") {
    f.data_dir = "d";
    f.config_file = write("[networks.mastodon]\nbase_url = \"https://m.example\"\n"
                          "client_id = \"abc\"\nclient_secret = \"s3\"\n");
    auto o = resolve(f);
    REQUIRE(o);
    CHECK(o->oauth_clients.at(network::mastodon).first == "abc");
    CHECK(o->oauth_clients.at(network::mastodon).second == "s3");
  }
  SECTION("a CA file per network is taken when it exists, refused by name "
          "when it does not") {
    f.data_dir = "d";
    auto ca = write("-----BEGIN CERTIFICATE-----\n");
    f.config_file = write("[networks.x]\nbase_url = \"https://x.internal\"\n"
                          "ca_file = \"" + ca + "\"\n");
    auto o = resolve(f);
    REQUIRE(o);
    CHECK(o->network_ca_files.at(network::x) == ca);
    f.config_file = write("[networks.x]\nbase_url = \"https://x.internal\"\n"
                          "ca_file = \"/nonexistent/ca.pem\"\n");
    auto bad = resolve(f);
    REQUIRE_FALSE(bad);
    CHECK(bad.error().code == "bad_config");
    CHECK_THAT(bad.error().message, Catch::Contains("[networks.x] ca_file"));
  }
  SECTION("a client secret without its id is refused") {
    f.data_dir = "d";
    f.config_file = write("[networks.x]\nbase_url = \"https://api.x.com\"\n"
                          "client_secret = \"s3\"\n");
    CHECK_THAT(resolve(f).error().message, Catch::Contains("client_id"));
  }
  SECTION("a syntax error names the line") {
    f.config_file = write("[server\n");
    auto o = resolve(f);
    REQUIRE_FALSE(o);
    CHECK(o.error().code == "bad_config");
    CHECK_THAT(o.error().message, Catch::Contains("line 1"));
  }
  SECTION("an unknown network is refused") {
    f.config_file = write("[networks.friendster]\nbase_url = \"http://x\"\n");
    CHECK(resolve(f).error().code == "bad_config");
  }
  SECTION("[server] integers are checked against their range") {
    f.data_dir = "d";
    REQUIRE(resolve(f));
    CHECK(resolve(f)->actor_threads == 0);
    CHECK_FALSE(resolve(f)->live_flush_ms); // the web layer's default
    CHECK(resolve(f)->live_threads == 0);
    f.config_file = write("[server]\nactor_threads = 3\nlive_flush_ms = 0\n"
                          "live_threads = 2\n");
    REQUIRE(resolve(f));
    CHECK(resolve(f)->actor_threads == 3);
    CHECK(resolve(f)->live_flush_ms == 0);
    CHECK(resolve(f)->live_threads == 2);
    struct bad_value {
      const char* key;
      const char* value;
    };
    for (auto [key, value] :
         {bad_value{"actor_threads", "-1"}, {"actor_threads", "100000"},
          {"actor_threads", "\"two\""}, {"actor_threads", "1.5"},
          {"live_flush_ms", "-5"}, {"live_flush_ms", "1001"},
          {"live_flush_ms", "\"fast\""}, {"live_flush_ms", "2.5"},
          {"live_threads", "-1"}, {"live_threads", "65"}}) {
      f.config_file = write(std::string("[server]\n") + key + " = " + value
                            + "\n");
      auto o = resolve(f);
      REQUIRE_FALSE(o);
      CHECK(o.error().code == "bad_config");
      CHECK_THAT(o.error().message, Catch::Contains(key));
    }
  }
  SECTION("a base URL that is not http(s) is refused") {
    f.config_file = write("[networks.x]\nbase_url = \"ftp://x\"\n");
    CHECK_THAT(resolve(f).error().message, Catch::Contains("base_url"));
  }
}

TEST_CASE("sim flags name each network's listener and are checked",
          "[options]") {
  sim_flags f;
  f.listen = "127.0.0.1:8090";
  f.network_listen = {"x=127.0.0.1:9001", "bluesky=[::1]:0"};
  auto o = resolve_sim(f);
  REQUIRE(o);
  CHECK(o->listen.port == 8090);
  CHECK(o->network_listen.at("x").port == 9001);
  CHECK(o->network_listen.at("bluesky").host == "::1");
  f.network_listen = {"orkut=127.0.0.1:1"};
  CHECK(resolve_sim(f).error().code == "unknown_network");
  f.network_listen = {"x=127.0.0.1"};
  CHECK(resolve_sim(f).error().code == "bad_endpoint");
  f.network_listen = {"x"};
  CHECK(resolve_sim(f).error().code == "bad_flag");
  f.network_listen = {"x=127.0.0.1:1", "x=127.0.0.1:2"};
  CHECK(resolve_sim(f).error().code == "bad_flag");
  f.network_listen = {};
  f.listen = "nowhere";
  CHECK(resolve_sim(f).error().code == "bad_endpoint");
}

TEST_CASE("the TLS files come from [server] or the flags, both or neither, "
          "with a key only its owner may read",
          "[options][tls]") {
  test::temp_dir dir;
  auto cert = dir.file("c.pem");
  auto key = dir.file("c.key");
  std::ofstream(cert) << "certificate\n";
  std::ofstream(key) << "key\n";
  std::filesystem::permissions(key, std::filesystem::perms::owner_read
                                      | std::filesystem::perms::owner_write);
  auto config = dir.file("socialcrm.toml");
  std::ofstream(config) << "[server]\ntls_cert = \"" << cert
                        << "\"\ntls_key = \"" << key << "\"\n";

  serve_flags flags;
  flags.data_dir = dir.file("data");
  flags.config_file = config;
  auto opts = resolve(flags);
  REQUIRE(opts);
  CHECK(opts->tls_cert == cert);
  CHECK(opts->tls_key == key);

  SECTION("the flags win") {
    auto other = dir.file("other.pem");
    std::ofstream(other) << "certificate\n";
    flags.tls_cert = other;
    CHECK(resolve(flags)->tls_cert == other);
  }
  SECTION("a key others may read is refused by name") {
    std::filesystem::permissions(key, std::filesystem::perms::others_read,
                                 std::filesystem::perm_options::add);
    auto r = resolve(flags);
    REQUIRE_FALSE(r);
    CHECK(r.error().code == "bad_tls_key");
    CHECK_THAT(r.error().message, Catch::Contains(key));
  }
  SECTION("a key without a certificate is refused") {
    serve_flags only_key;
    only_key.data_dir = dir.file("data");
    only_key.tls_key = key;
    auto r = resolve(only_key);
    REQUIRE_FALSE(r);
    CHECK(r.error().code == "bad_tls");
  }
  SECTION("no TLS files: plain HTTP") {
    serve_flags plain;
    plain.data_dir = dir.file("data");
    auto r = resolve(plain);
    REQUIRE(r);
    CHECK(r->tls_cert.empty());
    CHECK(r->tls_key.empty());
  }
}
