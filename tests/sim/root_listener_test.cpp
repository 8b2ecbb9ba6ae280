// Each network at the root of a listener of its own, as the real hosts
// serve them, over http or over https with the emulator's private CA.

#include "tests/sim/sim_fixture.hpp"
#include "tests/support/temp_dir.hpp"

#include <stdexcept>

using namespace socialcrm;
using namespace socialcrm::test;

namespace {

const char* const all_ids[] = {"x", "facebook", "googleplus", "mastodon",
                               "bluesky"};

http::header_list bearer(const std::string& token) {
  http::header_list h;
  h.set("Authorization", "Bearer " + token);
  return h;
}

} // namespace

TEST_CASE("every network is served at the root of its own listener, beside "
          "its prefix, with the control API on every listener",
          "[sim][root]") {
  sim_fixture f;
  auto eps = f.emu.network_endpoints();
  REQUIRE(eps.size() == std::size(all_ids));
  for (std::size_t i = 0; i < eps.size(); ++i) {
    CHECK(eps[i].network == all_ids[i]);
    CHECK(eps[i].url.rfind("http://127.0.0.1:", 0) == 0);
    CHECK(f.emu.network_url(all_ids[i]) == eps[i].url);
    CHECK(eps[i].url != f.base);
  }
  CHECK(f.emu.network_url("myspace").empty());
  CHECK(f.emu.ca_file().empty());

  auto x = f.emu.network_url("x");
  auto id = f.add_user("x", "acme");
  auto token = f.token_for("x", id);

  SECTION("X at the root answers as under /x") {
    auto root = f.client.get(x + "/2/users/me", bearer(token));
    auto prefixed = f.client.get(f.base + "/x/2/users/me", bearer(token));
    REQUIRE(root.ok());
    REQUIRE(prefixed.ok());
    CHECK(root->status == 200);
    CHECK(body_of(*root.response).at("data") == body_of(*prefixed.response).at("data"));
    // A path no X endpoint has is X's own 404, not the prefix router's.
    auto missing = f.client.get(x + "/x/2/users/me", bearer(token));
    REQUIRE(missing.ok());
    CHECK(missing->status == 404);
    CHECK_THAT(missing->body, !Catch::Contains("no network serves"));
  }
  SECTION("links the network hands out point at the listener asked") {
    auto mastodon = f.emu.network_url("mastodon");
    auto author = f.add_user("mastodon", "ann");
    auto me = f.add_user("mastodon", "crm");
    for (int i = 0; i < 3; ++i)
      f.add_post("mastodon", author, "@crm hello " + std::to_string(i),
                 "mention", me);
    auto page = f.client.get(mastodon + "/api/v1/notifications?limit=1",
                             bearer(f.token_for("mastodon", me)));
    REQUIRE(page.ok());
    REQUIRE(page->status == 200);
    CHECK(page->headers.value("Link").rfind("<" + mastodon + "/api/v1/", 0)
          == 0);
  }
  SECTION("the control API answers on a network's listener too") {
    auto r = f.client.send("POST", f.emu.network_url("bluesky") + "/_sim/users",
                           [] {
                             http::header_list h;
                             h.set("Content-Type", "application/json");
                             return h;
                           }(),
                           json{{"network", "bluesky"}, {"handle", "b.test"}}
                             .dump());
    REQUIRE(r.ok());
    CHECK(r->status == 201);
  }
  SECTION("GET /_sim/networks lists every listener") {
    auto list = f.control_get("/networks");
    CHECK(list.at("tls") == false);
    REQUIRE(list.at("networks").size() == std::size(all_ids));
    for (std::size_t i = 0; i < eps.size(); ++i) {
      auto& n = list.at("networks").at(i);
      CHECK(n.at("network") == all_ids[i]);
      CHECK(n.at("url") == eps[i].url);
      CHECK(n.at("prefix_url") == f.base + "/" + all_ids[i]);
    }
  }
}

TEST_CASE("with a TLS directory the networks' listeners speak https under a "
          "private CA that clients can trust",
          "[sim][root][tls][integration]") {
  test::temp_dir tmp;
  sim::options o{"127.0.0.1", 0, 7, 0};
  o.tls_dir = tmp.file("tls");
  sim::emulator emu(o);
  emu.start();
  REQUIRE(emu.ca_file() == tmp.file("tls") + "/ca.pem");
  auto x = emu.network_url("x");
  REQUIRE(x.rfind("https://127.0.0.1:", 0) == 0);

  // The prefixed listener stays plain http, for --sim-url.
  http::client plain;
  auto networks = plain.get(emu.base_url() + "/_sim/networks");
  REQUIRE(networks.ok());
  CHECK(body_of(*networks.response).at("tls") == true);
  CHECK(body_of(*networks.response).at("ca_file") == emu.ca_file());

  http::client trusting({.ca_file = emu.ca_file()});
  auto r = trusting.get(x + "/2/users/me");
  INFO(r.error);
  REQUIRE(r.ok());
  CHECK(r->status == 401); // X's answer, over a verified connection
  CHECK_FALSE(http::client().get(x + "/2/users/me").ok());
}

TEST_CASE("a root listener named for no network is refused at start",
          "[sim][root]") {
  sim::options o{"127.0.0.1", 0, 7, 0};
  o.network_listen["myspace"] = {"127.0.0.1", 0};
  sim::emulator emu(o);
  CHECK_THROWS_WITH(emu.start(), Catch::Contains("myspace"));
}
