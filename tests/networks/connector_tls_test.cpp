// The connectors over https, against the emulator's networks at the root of
// their own listeners under its private CA: the certificate is verified for
// real, trusted through `ca_file` ([networks.NAME] ca_file) and refused
// without it.

#include "networks/account_lookup.hpp"
#include "networks/oauth.hpp"
#include "networks/x_connector.hpp"
#include "tests/sim/sim_fixture.hpp"
#include "tests/support/temp_dir.hpp"

#include <catch2/catch.hpp>

using namespace socialcrm;
using namespace socialcrm::networks;

namespace {

struct tls_world {
  test::temp_dir tmp;
  sim::emulator emu{[this] {
    sim::options o{"127.0.0.1", 0, 7, 0};
    o.tls_dir = tmp.file("tls");
    return o;
  }()};
  http::client control;
  std::string base;

  tls_world() {
    emu.start();
    base = emu.base_url();
  }

  nlohmann::json sim(const std::string& path, const nlohmann::json& body) {
    http::header_list h;
    h.set("Content-Type", "application/json");
    auto r = control.send("POST", base + "/_sim" + path, h, body.dump());
    REQUIRE(r.ok());
    INFO(r->body);
    REQUIRE(r->status / 100 == 2);
    return nlohmann::json::parse(r->body);
  }

  std::string user(const std::string& net, const std::string& handle) {
    return sim("/users", {{"network", net}, {"handle", handle}})
      .at("user_id")
      .get<std::string>();
  }

  std::string token(const std::string& net, const std::string& id) {
    return sim("/tokens", {{"network", net}, {"user_id", id}})
      .at("access_token")
      .get<std::string>();
  }
};

} // namespace

TEST_CASE("a connector with the network's CA file polls over verified "
          "https, and without it the certificate is refused and nothing is read",
          "[networks][tls][integration]") {
  tls_world w;
  auto x = w.emu.network_url("x");
  REQUIRE(x.rfind("https://", 0) == 0);
  auto org = w.user("x", "acme");
  auto fan = w.user("x", "fan");
  auto id = w.sim("/posts", {{"network", "x"},
                             {"author_id", fan},
                             {"text", "@acme over tls"},
                             {"kind", "mention"},
                             {"to_account", org}})
              .at("external_id");
  credentials creds{w.token("x", org), "", 0, org, "acme", ""};
  auto budgets = std::make_shared<rate_budgets>();

  connector_options trusting{x, budgets, "", ""};
  trusting.ca_file = w.emu.ca_file();
  x_connector good(trusting);
  auto page = good.poll(creds, {feed::mentions, "", "", {}});
  INFO(page.error.message);
  REQUIRE(page);
  REQUIRE(page.value->posts.size() == 1);
  CHECK(page.value->posts[0].external_id == id);

  x_connector blind({x, budgets, "", ""});
  auto refused = blind.poll(creds, {feed::mentions, "", "", {}});
  REQUIRE_FALSE(refused);
  CHECK(refused.error.kind == failure_kind::transient);
  CHECK_THAT(refused.error.message, Catch::Contains("certificate"));
}

TEST_CASE("linking over https trusts the CA file too: the account lookup and "
          "Mastodon's app registration",
          "[networks][tls][oauth][integration]") {
  tls_world w;
  auto mastodon = w.emu.network_url("mastodon");
  auto org = w.user("mastodon", "acme");
  auto who = account_lookup(network::mastodon, mastodon, nullptr,
                            w.emu.ca_file())
               .whoami(w.token("mastodon", org));
  INFO(who.error.message);
  REQUIRE(who);
  CHECK(who.value->handle == "acme");
  CHECK_FALSE(account_lookup(network::mastodon, mastodon, nullptr)
                .whoami(w.token("mastodon", org)));

  auto app = client_for(network::mastodon, mastodon, std::nullopt,
                        "http://crm.test/cb", w.emu.ca_file());
  INFO((app ? "" : app.error().message));
  REQUIRE(app);
  CHECK_FALSE(app->id.empty());
}

TEST_CASE("Google+ signs in on Google's hosts only when the API base is "
          "Google's, and elsewhere (the emulator at its root) on that host",
          "[networks][oauth]") {
  auto google = oauth_flow_of(network::googleplus, "https://www.googleapis.com");
  REQUIRE(google);
  CHECK(google->authorize_url.rfind("https://accounts.google.com/", 0) == 0);
  auto root = oauth_flow_of(network::googleplus, "https://127.0.0.1:8093",
                            "/tmp/ca.pem");
  REQUIRE(root);
  CHECK(root->authorize_url.rfind("https://127.0.0.1:8093/", 0) == 0);
  CHECK(root->token_url.rfind("https://127.0.0.1:8093/", 0) == 0);
  CHECK(root->ca_file == "/tmp/ca.pem");
}
