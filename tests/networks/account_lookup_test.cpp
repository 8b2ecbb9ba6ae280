// networks/oauth and networks/account_lookup: the OAuth endpoints of each
// network, PKCE, and the identity, page and user lookups, against an
// in-process emulator on a real socket.

#include "networks/account_lookup.hpp"
#include "networks/oauth.hpp"
#include "tests/sim/sim_fixture.hpp"

#include <catch2/catch.hpp>

using namespace socialcrm;
using namespace socialcrm::networks;
using socialcrm::test::sim_fixture;

namespace {

struct lookup_world : sim_fixture {
  std::shared_ptr<rate_budgets> budgets = std::make_shared<rate_budgets>();
  account_lookup of(network net) {
    return account_lookup(net, base + "/" + std::string(to_string(net)),
                          budgets);
  }
};

} // namespace

TEST_CASE("the S256 challenge is the unpadded base64url SHA-256 of the "
          "verifier, and verifiers are random",
          "[oauth]") {
  // Expected value computed with Python's hashlib + base64, padding dropped.
  CHECK(s256_challenge("dBjftJeZ4CVP-mJ0z5gNjZhL2OIr3oe1Tf1IwZzQWBI")
        == "-JgyX1iQEI-ADi-XOyrjt2W_U_SGwbU-vLDqZ1Ey2Ww");
  auto a = make_pkce(), b = make_pkce();
  CHECK(a.verifier.size() == 43);
  CHECK(a.verifier != b.verifier);
  CHECK(a.challenge == s256_challenge(a.verifier));
}

TEST_CASE("each network's OAuth pages are where the network serves them",
          "[oauth]") {
  auto x = oauth_flow_of(network::x, "https://api.x.com");
  REQUIRE(x);
  CHECK(x->authorize_url == "https://x.com/i/oauth2/authorize");
  CHECK(x->token_url == "https://api.x.com/2/oauth2/token");
  CHECK(x->pkce);
  auto fb = oauth_flow_of(network::facebook, "https://graph.facebook.com/");
  REQUIRE(fb);
  CHECK(fb->authorize_url == "https://www.facebook.com/v19.0/dialog/oauth");
  CHECK(fb->token_url == "https://graph.facebook.com/v19.0/oauth/access_token");
  CHECK_FALSE(fb->pkce);
  auto emu = oauth_flow_of(network::x, "http://127.0.0.1:9/x");
  REQUIRE(emu);
  CHECK(emu->authorize_url == "http://127.0.0.1:9/x/i/oauth2/authorize");
  auto masto = oauth_flow_of(network::mastodon, "https://mastodon.social");
  REQUIRE(masto);
  CHECK(masto->authorize_url == "https://mastodon.social/oauth/authorize");
  CHECK_FALSE(oauth_flow_of(network::bluesky, "https://bsky.social"));

  CHECK(is_emulator_url(network::x, "http://127.0.0.1:9/x/"));
  CHECK_FALSE(is_emulator_url(network::x, "https://api.x.com"));
  CHECK_FALSE(is_emulator_url(network::facebook, "http://127.0.0.1:9/x"));
}

TEST_CASE("the OAuth client is the configured one, the emulator's default, "
          "or none for a real network",
          "[oauth]") {
  auto configured = client_for(network::x, "https://api.x.com",
                               oauth_client{"id1", "s1"}, "http://h/cb");
  REQUIRE(configured);
  CHECK(configured->id == "id1");
  auto emu = client_for(network::facebook, "http://127.0.0.1:9/facebook",
                        std::nullopt, "http://h/cb");
  REQUIRE(emu);
  CHECK(emu->id == emulator_client_id);
  auto real = client_for(network::x, "https://api.x.com", std::nullopt,
                         "http://h/cb");
  REQUIRE_FALSE(real);
  CHECK(real.error().code == "network_not_configured");
}

TEST_CASE("a Mastodon instance registers socialcrm as an app once per "
          "redirect URI",
          "[oauth][integration]") {
  lookup_world w;
  auto a = client_for(network::mastodon, w.base + "/mastodon", std::nullopt,
                      "http://127.0.0.1:1/cb");
  REQUIRE(a);
  CHECK_FALSE(a->id.empty());
  CHECK_FALSE(a->secret.empty());
  auto b = client_for(network::mastodon, w.base + "/mastodon", std::nullopt,
                      "http://127.0.0.1:1/cb");
  REQUIRE(b);
  CHECK(b->id == a->id);
}

TEST_CASE("whoami names the token's account on every network",
          "[account_lookup][integration]") {
  lookup_world w;
  for (auto net : all_networks) {
    auto name = std::string(to_string(net));
    auto user = w.add_user(name, "org_" + name);
    auto who = w.of(net).whoami(w.token_for(name, user));
    INFO(name << ": " << who.error.message);
    REQUIRE(who);
    CHECK(who.value->user_id == user);
    CHECK_FALSE(who.value->handle.empty());

    auto bad = w.of(net).whoami("no-such-token");
    REQUIRE_FALSE(bad);
    CHECK((bad.error.kind == failure_kind::reauth_required
           || bad.error.kind == failure_kind::rejected));
  }
}

TEST_CASE("the pages of a Facebook or Google+ user are listed, with "
          "Facebook's page tokens",
          "[account_lookup][integration]") {
  lookup_world w;
  for (auto name : {"facebook", "googleplus"}) {
    auto net = *parse_network(name);
    auto owner = w.add_user(name, "owner");
    auto lonely = w.add_user(name, "lonely");
    auto page = w.control("/pages", {{"network", name},
                                     {"owner_id", owner},
                                     {"name", "Shop"}})
                  .at("page_id")
                  .get<std::string>();
    auto pages = w.of(net).pages(w.token_for(name, owner));
    INFO(name << ": " << pages.error.message);
    REQUIRE(pages);
    REQUIRE(pages.value->size() == 1);
    CHECK(pages.value->at(0).id == page);
    CHECK(pages.value->at(0).name == "Shop");
    CHECK(pages.value->at(0).access_token.empty()
          == (net == network::googleplus));
    auto none = w.of(net).pages(w.token_for(name, lonely));
    REQUIRE(none);
    CHECK(none.value->empty());
  }
  auto x = w.of(network::x).pages("whatever");
  REQUIRE(x);
  CHECK(x.value->empty());
}

TEST_CASE("Bluesky signs in with a handle and an app password",
          "[account_lookup][integration]") {
  lookup_world w;
  auto did = w.add_user("bluesky", "sky", "app-pass");
  auto s = w.of(network::bluesky).sign_in("sky", "app-pass");
  REQUIRE(s);
  CHECK(s.value->who.user_id == did);
  CHECK_FALSE(s.value->tokens.refresh_token.empty());
  CHECK(s.value->tokens.expires_at > now_ms());
  auto bad = w.of(network::bluesky).sign_in("sky", "nope");
  REQUIRE_FALSE(bad);
  CHECK(bad.error.kind == failure_kind::reauth_required);
}

TEST_CASE("users are found by handle, and an unknown handle is no failure",
          "[account_lookup][integration]") {
  lookup_world w;
  for (auto net : {network::x, network::mastodon, network::bluesky}) {
    auto name = std::string(to_string(net));
    auto org = w.add_user(name, "org");
    auto target = w.add_user(name, "target");
    auto token = w.token_for(name, org);
    auto found = w.of(net).find_user(token, "@target");
    INFO(name << ": " << found.error.message);
    REQUIRE(found);
    REQUIRE(*found.value);
    CHECK((*found.value)->user_id == target);
    auto missing = w.of(net).find_user(token, "nobody_at_all");
    REQUIRE(missing);
    CHECK_FALSE(*missing.value);
  }
  // Facebook and Google+ name people by id.
  for (auto name : {"facebook", "googleplus"}) {
    auto net = *parse_network(name);
    auto org = w.add_user(name, "org");
    auto target = w.add_user(name, "target");
    auto token = w.token_for(name, org);
    auto found = w.of(net).find_user(token, target);
    REQUIRE(found);
    REQUIRE(*found.value);
    CHECK((*found.value)->user_id == target);
    auto missing = w.of(net).find_user(token, "123456789");
    INFO(name << ": " << missing.error.message);
    REQUIRE(missing);
    CHECK_FALSE(*missing.value);
  }
  CHECK(network_operations(network::googleplus)
        == std::vector<std::string>{"view", "post", "reply"});
  CHECK(network_operations(network::x).size() == 6);
}
