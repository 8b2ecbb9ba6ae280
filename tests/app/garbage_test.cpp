// The emulator's `garbage` fault against a real `socialcrm serve`: whatever
// malformed answer a network sends (truncated JSON, wrong types, an array
// for an object, an HTML page), every source keeps running, the account's
// source reports the error, the account stays linked, and once the
// network answers properly again the posts arrive, none lost, none
// doubled: one `socialcrm sim` and one `socialcrm serve` for that test
// case, each network in turn. The second test case gives every feed of
// every connector every variant, from an emulator in this process.

#include "networks/connector.hpp"
#include "tests/app/ingest_env.hpp"
#include "tests/sim/sim_fixture.hpp"

#include <catch2/catch.hpp>

#include <chrono>
#include <regex>
#include <string>
#include <thread>
#include <vector>

using namespace socialcrm;
using socialcrm::test::ingest_env;

namespace {

std::string count_of(const std::string& net) {
  return "SELECT COUNT(*) FROM posts WHERE network = '" + net + "'";
}

/// One linked account per network and what it needs to be written to.
struct linked_net {
  std::string net;
  network id;
  std::int64_t account = 0;
  std::string org;    // the organisation's user
  std::string page;   // Facebook / Google+
  std::string fan;    // a person writing to it
  std::string parent; // a post of ours (Google+ comments go under it)
  std::vector<std::string> expected; // every post that must be stored
};

/// A post addressed to the organisation, as each network has one.
std::string write_to(ingest_env& env, linked_net& n, const std::string& text) {
  std::string id;
  if (n.net == "googleplus")
    id = env.post(n.net, n.fan, text, "comment", "", n.parent);
  else if (n.net == "facebook")
    id = env.post(n.net, n.fan, "@Acme " + text, "mention", n.page);
  else
    id = env.post(n.net, n.fan, "@acme " + text, "mention", n.org);
  n.expected.push_back(id);
  return id;
}

/// The server's base URL, from the line it prints when it listens.
std::string server_url(ingest_env& env) {
  std::smatch m;
  static const std::regex re("listening on (http://[^\\s]+)");
  REQUIRE(std::regex_search(env.server->out(), m, re));
  return m[1];
}

/// socialcrm_actor_errors_total of an account's source (GET /metrics,
/// which loopback scrapers read without a token); -1 when absent.
long source_errors(ingest_env& env, const std::string& url,
                   std::int64_t account) {
  auto r = env.client.get(url + "/metrics");
  REQUIRE(r.ok());
  REQUIRE(r->status == 200);
  auto name = "socialcrm_actor_errors_total{id=\"source:account:"
              + std::to_string(account) + "\"} ";
  auto at = r->body.find(name);
  if (at == std::string::npos)
    return -1;
  return std::stol(r->body.substr(at + name.size()));
}

/// Polls `done` until it holds or a generous deadline passes.
template <class F>
bool eventually(F done, std::chrono::seconds limit = std::chrono::seconds(30)) {
  auto deadline = std::chrono::steady_clock::now() + limit;
  while (!done()) {
    if (std::chrono::steady_clock::now() > deadline)
      return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  return true;
}

} // namespace

TEST_CASE("garbage answers from any network are reported, and once they "
          "stop every post arrives once",
          "[ingestion][faults][garbage][integration]") {
  ingest_env env;
  std::vector<linked_net> nets{{"x", network::x},
                               {"facebook", network::facebook},
                               {"googleplus", network::googleplus},
                               {"mastodon", network::mastodon},
                               {"bluesky", network::bluesky}};
  for (auto& n : nets) {
    n.org = env.add_user(n.net, "acme");
    n.fan = env.add_user(n.net, "fan");
    if (n.net == "facebook" || n.net == "googleplus")
      n.page = env.add_page(n.net, n.org, "Acme");
    n.account = env.link(n.id, n.org,
                         n.net == "bluesky" ? "acme.bsky.social" : "acme",
                         n.page);
    n.parent = env.post(n.net, n.page.empty() ? n.org : n.page, "our news",
                        "post");
    n.expected.push_back(n.parent);
    write_to(env, n, "before");
    // Rate windows out of the way: the server polls every 0.1 s, and a
    // paced source would take minutes to poll again.
    env.control("/limits", {{"network", n.net}, {"limit", 1000000},
                            {"window_s", 3600}});
  }
  env.start_server();
  auto url = server_url(env);
  for (auto& n : nets)
    REQUIRE(env.wait_count(count_of(n.net), 2) >= 2);

  for (auto& n : nets) {
    INFO("network " << n.net);
    auto errors = source_errors(env, url, n.account);
    REQUIRE(errors >= 0);
    auto served = env.sim_get("/stats").at("networks").at(n.net)
                    .at("faults_served").get<long>();
    // Two rounds of garbage (the variants come in turn), a post waiting
    // behind them.
    constexpr long rounds = 2 * 4;
    env.control("/faults", {{"network", n.net}, {"kind", "garbage"},
                            {"count", rounds}});
    write_to(env, n, "during");
    REQUIRE(env.wait_faults_served(n.net, served + rounds) >= served + rounds);
    // Each garbage answer failed the poll it hit and was counted as the
    // source's error: none was taken for an (empty) page.
    long now = -1;
    CHECK(eventually([&] {
      now = source_errors(env, url, n.account);
      return now >= errors + rounds;
    }));
    INFO("errors before " << errors << ", after " << now);
    CHECK(now == errors + rounds);
    // Still serving, the account still linked.
    auto health = env.client.get(url + "/healthz");
    REQUIRE(health.ok());
    CHECK(health->status == 200);
    CHECK(env.account_status(n.account) == "active");

    write_to(env, n, "after");
    auto want = static_cast<std::int64_t>(n.expected.size());
    CHECK(env.wait_count(count_of(n.net), want) == want);
    auto stored = env.stored_ids();
    for (auto& id : n.expected)
      CHECK(stored[id] == 1);
  }
  // Nothing of any network doubled, nothing but the expected stored.
  std::int64_t all = 0;
  for (auto& n : nets)
    all += static_cast<std::int64_t>(n.expected.size());
  CHECK(env.count("SELECT COUNT(*) FROM posts") == all);
}

// The same, one level down and feed by feed: a source retries the feed
// that failed, so the test above meets the garbage on whichever feed was
// polled at the time. Here every feed of every connector gets every
// variant, from an emulator in this process.
TEST_CASE("every connector refuses every garbage variant on every feed as "
          "a bad response",
          "[networks][faults][garbage][integration]") {
  test::sim_fixture sim;
  const std::vector<std::pair<std::string, network>> nets{
    {"x", network::x},
    {"facebook", network::facebook},
    {"googleplus", network::googleplus},
    {"mastodon", network::mastodon},
    {"bluesky", network::bluesky}};
  for (const auto& [net, id] : nets) {
    INFO("network " << net);
    auto org = sim.add_user(net, "acme");
    auto fan = sim.add_user(net, "fan");
    std::string page;
    if (net == "facebook" || net == "googleplus")
      page = sim.control("/pages", {{"network", net}, {"owner_id", org},
                                    {"name", "Acme"}})
               .at("page_id");
    networks::credentials who;
    who.access_token = sim.token_for(net, org, page);
    who.account_user_id = org;
    who.page_id = page;
    // Something on every feed: our post, a comment or reply under it, a
    // mention and a direct message where the network has them.
    auto ours = sim.add_post(net, page.empty() ? org : page, "launch day",
                             "post");
    sim.add_post(net, fan, "congrats", net == "facebook" || net == "googleplus"
                                         ? "comment"
                                         : "reply",
                 "", ours);
    if (net != "googleplus")
      sim.add_post(net, fan, "@acme hello launch", "mention",
                   page.empty() ? org : page);
    if (net == "x" || net == "facebook")
      sim.add_post(net, fan, "a question", "dm", page.empty() ? org : page);

    networks::connector_options opts;
    opts.base_url = sim.base + "/" + net;
    auto c = networks::make_connector(id, opts);
    auto feeds = c->account_feeds();
    if (c->has_timelines())
      feeds.push_back(networks::feed::timeline);
    if (c->can_search())
      feeds.push_back(networks::feed::search);
    for (auto f : feeds) {
      INFO("feed " << to_string(f));
      networks::poll_request req;
      req.what = f;
      req.user_id = fan;
      req.terms = {"launch"};
      REQUIRE(c->poll(who, req)); // the feed works
      for (int variant = 0; variant < 4; ++variant) {
        INFO("variant " << variant);
        sim.control("/faults", {{"network", net}, {"kind", "garbage"},
                                {"count", 1}});
        auto garbage = c->poll(who, req);
        CHECK_FALSE(garbage);
        if (!garbage)
          CHECK(garbage.error.kind == networks::failure_kind::bad_response);
        // The fault was used by this poll, not left for the next one.
        CHECK(sim.stats(net).at("faults_pending") == 0);
      }
      CHECK(c->poll(who, req));
    }
  }
}
