// The actor console over HTTP (issue 22) against a real emulator and a real
// `socialcrm serve`, started once per test program run (CTest runs each
// case on its own, so each case starts them once). The poll interval is an
// hour: after their first cycle the sources poll only when the console
// says so, so "a paused source makes no request" is shown by polling every
// source and counting the emulator's requests per network, not by waiting.

#include "tests/support/child_process.hpp"
#include "tests/support/temp_dir.hpp"
#include "tests/web/social_fixture.hpp"
#include "tests/web/ws_client.hpp"

#include <catch2/catch.hpp>

#include <unistd.h>

#include <algorithm>
#include <csignal>
#include <filesystem>
#include <fstream>
#include <set>

using namespace socialcrm::test;
using nlohmann::json;

namespace {

social_env& env() {
  static social_env e{"3600"};
  return e;
}

// The emulator's request count for `net` so far.
std::int64_t requests(const std::string& net) {
  auto stats = env().sim_get("/stats");
  return stats.at("networks").at(net).at("requests").get<std::int64_t>();
}

json actor(const std::string& id) {
  auto r = env().admin().get("/api/v1/admin/actors/" + id);
  REQUIRE(r.status == 200);
  return r.body;
}

std::string source_of(const social_env::linked& a) {
  return "source:account:" + a.account_id;
}

// The sources have made their first poll since they started.
void wait_first_polls(const std::vector<std::string>& ids) {
  REQUIRE(social_env::eventually([&] {
    for (auto& id : ids) {
      auto r = env().admin().get("/api/v1/admin/actors/" + id);
      if (r.status != 200 || r.body.at("source").at("last_poll").is_null()
          || r.body.at("state") == "starting"
          || r.body.at("state") == "polling")
        return false;
    }
    return true;
  }));
}

struct accounts {
  social_env::linked x;
  social_env::linked mastodon;
};

// The two linked accounts, their sources running: each case starts from
// there, whether CTest runs it alone or the program runs them all.
accounts& linked() {
  static accounts a = [] {
    accounts out{env().link("x", "consolex"),
                 env().link("mastodon", "consolemasto")};
    wait_first_polls({source_of(out.x), source_of(out.mastodon)});
    return out;
  }();
  REQUIRE(env().admin()
            .post("/api/v1/admin/actors/resume", {{"kind", "source"}})
            .status == 200);
  REQUIRE(social_env::eventually([&] {
    return actor(source_of(a.x)).at("state") != "paused"
           && actor(source_of(a.mastodon)).at("state") != "paused";
  }));
  return a;
}

std::set<std::string> ids_of(const json& items) {
  std::set<std::string> out;
  for (auto& i : items)
    out.insert(i.at("id").get<std::string>());
  return out;
}

} // namespace

TEST_CASE("the console lists the core actors and one source per linked "
          "account, filtered, sorted and paged",
          "[web][console][integration]") {
  auto& a = linked();
  auto& admin = env().admin();
  auto all = admin.get("/api/v1/admin/actors");
  REQUIRE(all.status == 200);
  auto ids = ids_of(all.body.at("items"));
  for (auto core : {"classifier", "store", "hub", "registry", "supervisor",
                    "crm", "live_router"})
    CHECK(ids.count(core) == 1);
  CHECK(ids.count(source_of(a.x)) == 1);
  CHECK(ids.count(source_of(a.mastodon)) == 1);
  CHECK(all.body.at("total") == all.body.at("items").size());

  SECTION("kind and glob filters") {
    auto sources = admin.get("/api/v1/admin/actors?kind=source");
    REQUIRE(sources.status == 200);
    for (auto& i : sources.body.at("items"))
      CHECK(i.at("kind") == "source");
    CHECK(ids_of(sources.body.at("items")).count(source_of(a.x)) == 1);
    auto glob = admin.get("/api/v1/admin/actors?q=source:account:"
                          + a.x.account_id);
    REQUIRE(glob.status == 200);
    CHECK(ids_of(glob.body.at("items"))
          == std::set<std::string>{source_of(a.x)});
  }
  SECTION("pages of one follow each other by cursor, each actor once") {
    std::vector<std::string> seen;
    std::string cursor;
    for (int page = 0; page < 50; ++page) {
      auto r = admin.get("/api/v1/admin/actors?sort=-kind&limit=1"
                         + (cursor.empty() ? "" : "&cursor=" + cursor));
      REQUIRE(r.status == 200);
      REQUIRE(r.body.at("items").size() <= 1);
      for (auto& i : r.body.at("items"))
        seen.push_back(i.at("id"));
      if (r.body.at("next_cursor").is_null())
        break;
      cursor = r.body.at("next_cursor").get<std::string>();
    }
    CHECK(std::set<std::string>(seen.begin(), seen.end()) == ids);
    CHECK(seen.size() == ids.size());
    // Sorted by kind, descending: "store" before "source" before "hub".
    auto at = [&](const std::string& id) {
      return std::find(seen.begin(), seen.end(), id) - seen.begin();
    };
    CHECK(at("store") < at(source_of(a.x)));
    CHECK(at(source_of(a.x)) < at("hub"));
  }
  SECTION("bad filters are refused with a reason") {
    CHECK(admin.get("/api/v1/admin/actors?state=asleep").code()
          == "bad_query");
    CHECK(admin.get("/api/v1/admin/actors?sort=colour").code() == "bad_query");
    CHECK(admin.get("/api/v1/admin/actors?limit=0").code() == "bad_query");
    CHECK(admin.get("/api/v1/admin/actors?cursor=zz").code() == "bad_query");
    auto none = admin.get("/api/v1/admin/actors/no-such-actor");
    CHECK(none.status == 404);
    CHECK(none.code() == "actor_not_found");
  }
}

TEST_CASE("show gives a source's figures", "[web][console][integration]") {
  auto& a = linked();
  auto s = actor(source_of(a.x));
  CHECK(s.at("kind") == "source");
  CHECK(s.at("node") == "local");
  auto& src = s.at("source");
  CHECK(src.at("network") == "x");
  CHECK(src.at("target") == "account:" + a.x.account_id);
  CHECK(src.at("tasks").get<int>() > 0);
  CHECK(src.at("polls").get<int>() > 0);
  CHECK(src.at("freshness_ms").get<std::int64_t>() >= 0);
  CHECK(s.at("since").get<std::int64_t>() > 0);
  CHECK(s.at("rates").contains("10s"));
  // The emulator sends X's rate-limit headers: the token's window shows.
  auto& budget = src.at("rate_budget");
  REQUIRE(budget.is_object());
  CHECK(budget.at("limit").get<std::int64_t>() > 0);
  CHECK(budget.at("remaining").get<std::int64_t>() >= 0);
  CHECK(budget.at("remaining").get<std::int64_t>()
        <= budget.at("limit").get<std::int64_t>());
  CHECK(budget.at("reset_at").get<std::int64_t>() > 0);
}

TEST_CASE("pause stops a source's requests while the others go on, resume "
          "brings them back, poll polls now, restart counts",
          "[web][console][integration]") {
  auto& a = linked();
  auto& admin = env().admin();
  auto x = source_of(a.x);
  auto masto = source_of(a.mastodon);

  auto paused = admin.post("/api/v1/admin/actors/" + x + "/pause",
                           json::object());
  REQUIRE(paused.status == 200);
  CHECK(paused.body.at("ids") == json::array({x}));
  REQUIRE(social_env::eventually(
    [&] { return actor(x).at("state") == "paused"; }));

  // Everything polls now, twice: Mastodon's requests move, X's do not.
  auto x_before = requests("x");
  for (int round = 0; round < 2; ++round) {
    auto m = requests("mastodon");
    auto polled = admin.post("/api/v1/admin/actors/poll", {{"kind", "source"}});
    REQUIRE(polled.status == 200);
    auto acted = polled.body.at("ids");
    CHECK(std::count(acted.begin(), acted.end(), masto) == 1);
    CHECK(std::count(acted.begin(), acted.end(), x) == 1);
    REQUIRE(social_env::eventually([&] { return requests("mastodon") > m; }));
    wait_first_polls({masto});
  }
  CHECK(requests("x") == x_before);
  CHECK(actor(x).at("state") == "paused");

  // Resumed, it polls again.
  REQUIRE(admin.post("/api/v1/admin/actors/" + x + "/resume", json::object())
            .status == 200);
  REQUIRE(social_env::eventually([&] { return requests("x") > x_before; }));
  wait_first_polls({x});

  // poll: one more request now, long before the hour's interval.
  auto polls = actor(x).at("source").at("polls").get<std::int64_t>();
  auto xr = requests("x");
  REQUIRE(admin.post("/api/v1/admin/actors/" + x + "/poll", json::object())
            .status == 200);
  REQUIRE(social_env::eventually([&] {
    return actor(x).at("source").at("polls").get<std::int64_t>() > polls;
  }));
  CHECK(requests("x") > xr);

  // restart: counted once.
  auto restarts = actor(x).at("restarts").get<std::int64_t>();
  REQUIRE(admin.post("/api/v1/admin/actors/" + x + "/restart", json::object())
            .status == 200);
  REQUIRE(social_env::eventually([&] {
    return actor(x).at("restarts").get<std::int64_t>() == restarts + 1;
  }));
}

TEST_CASE("a selector acts on exactly the actors it names, and only sources "
          "take actions",
          "[web][console][integration]") {
  auto& a = linked();
  auto& admin = env().admin();
  auto x = source_of(a.x);
  auto masto = source_of(a.mastodon);
  auto r = admin.post("/api/v1/admin/actors/pause",
                      {{"q", "source:account:" + a.mastodon.account_id}});
  REQUIRE(r.status == 200);
  CHECK(r.body.at("ids") == json::array({masto}));
  REQUIRE(social_env::eventually(
    [&] { return actor(masto).at("state") == "paused"; }));
  CHECK(actor(x).at("state") != "paused");
  auto back = admin.post("/api/v1/admin/actors/resume", {{"state", "paused"}});
  REQUIRE(back.status == 200);
  CHECK(back.body.at("ids") == json::array({masto}));
  REQUIRE(social_env::eventually(
    [&] { return actor(masto).at("state") != "paused"; }));

  auto core = admin.post("/api/v1/admin/actors/pause", {{"kind", "store"}});
  REQUIRE(core.status == 200);
  CHECK(core.body.at("ids").empty());
  CHECK(core.body.at("skipped") == json::array({"store"}));
  auto one = admin.post("/api/v1/admin/actors/store/pause", json::object());
  CHECK(one.status == 422);
  CHECK(one.code() == "action_not_supported");
  CHECK(actor("store").at("state") != "paused");

  CHECK(admin.post("/api/v1/admin/actors/pause", json::object()).code()
        == "missing_field");
  CHECK(admin.post("/api/v1/admin/actors/pause", {{"colour", "red"}}).code()
        == "unknown_field");
  CHECK(admin.post("/api/v1/admin/actors/" + x + "/sleep", json::object())
          .status == 404);
}

TEST_CASE("a standard user's token changes nothing, a revoked token is "
          "refused, and every control action is in the audit log with its "
          "user",
          "[web][console][integration]") {
  auto& a = linked();
  auto& admin = env().admin();
  auto x = source_of(a.x);
  auto standard = env().user("console.standard@example.com", "Standard");
  auto made = standard.post("/api/v1/tokens", {{"name", "console"}});
  REQUIRE(made.status == 201);
  auto script = env().server().client();
  script.use_token(made.body.at("token").get<std::string>());
  auto refused = script.post("/api/v1/admin/actors/" + x + "/pause",
                             json::object());
  CHECK(refused.status == 403);
  CHECK(refused.code() == "forbidden");
  CHECK(script.get("/api/v1/admin/actors").status == 403);
  CHECK(actor(x).at("state") != "paused");

  auto mine = admin.post("/api/v1/tokens", {{"name", "console"}});
  REQUIRE(mine.status == 201);
  auto revoked = env().server().client();
  revoked.use_token(mine.body.at("token").get<std::string>());
  REQUIRE(revoked.get("/api/v1/admin/actors").status == 200);
  REQUIRE(admin.del("/api/v1/tokens/" + mine.body.at("id").get<std::string>())
            .status / 100 == 2);
  CHECK(revoked.get("/api/v1/admin/actors").status == 401);

  REQUIRE(admin.post("/api/v1/admin/actors/" + x + "/poll", json::object())
            .status == 200);
  REQUIRE(admin.post("/api/v1/admin/actors/store/pause", json::object())
            .status == 422);
  auto audit = admin.get("/api/v1/admin/audit?limit=500");
  REQUIRE(audit.status == 200);
  bool found_poll = false, found_refusal = false;
  for (auto& e : audit.body.at("items")) {
    CHECK(e.at("user").at("email") == "admin@example.com");
    if (e.at("action") == "poll" && e.at("target") == x
        && e.at("ids") == json::array({x}) && e.at("result") == "ok")
      found_poll = true;
    if (e.at("action") == "pause" && e.at("target") == "store"
        && e.at("result") == "action_not_supported")
      found_refusal = true;
  }
  CHECK(found_poll);
  CHECK(found_refusal);
  // Newest first; the standard user's refused attempt was never an action.
  CHECK(audit.body.at("items").at(0).at("action") == "pause");
  CHECK(audit.body.at("items").at(1).at("action") == "poll");
}

// --- socialcrm console: the command line, as a real process -----------------

namespace {

run_result console(const std::string& token, std::vector<std::string> words) {
  std::vector<std::string> argv{SOCIALCRM_BINARY, "console", "--connect",
                                env().server().base(), "--token-file", token};
  argv.insert(argv.end(), words.begin(), words.end());
  return run(argv);
}

} // namespace

TEST_CASE("socialcrm console lists, shows and steers actors, in lines or "
          "JSON, with its exit codes",
          "[web][console][cli][integration]") {
  auto& a = linked();
  temp_dir dir;
  auto admin_token = token_file(env().admin(), dir, "admin");
  auto x = source_of(a.x);

  SECTION("ls and --json list the core actors and the sources") {
    auto lines = console(admin_token, {"ls"});
    REQUIRE(lines.code == 0);
    CHECK_THAT(lines.out, Catch::Contains("classifier"));
    CHECK_THAT(lines.out, Catch::Contains(x));
    auto doc = console(admin_token, {"--json", "ls", "kind=source"});
    REQUIRE(doc.code == 0);
    auto items = json::parse(doc.out).at("items");
    CHECK(ids_of(items)
          == std::set<std::string>{x, source_of(a.mastodon)});
  }
  SECTION("show gives a source's figures, and 3 for an unknown id") {
    auto shown = console(admin_token, {"--json", "show", x});
    REQUIRE(shown.code == 0);
    CHECK(json::parse(shown.out).at("source").at("network") == "x");
    auto lines = console(admin_token, {"show", x});
    CHECK_THAT(lines.out, Catch::Contains("source.network: x"));
    auto missing = console(admin_token, {"show", "source:account:999999"});
    CHECK(missing.code == 3);
    CHECK_THAT(missing.err, Catch::Contains("actor_not_found"));
  }
  SECTION("pause and resume one source") {
    auto paused = console(admin_token, {"pause", x});
    REQUIRE(paused.code == 0);
    CHECK_THAT(paused.out, Catch::Contains("pause " + x));
    REQUIRE(social_env::eventually(
      [&] { return actor(x).at("state") == "paused"; }));
    REQUIRE(console(admin_token, {"resume", x}).code == 0);
    REQUIRE(social_env::eventually(
      [&] { return actor(x).at("state") != "paused"; }));
  }
  SECTION("several actors need --yes, and without it nothing is done") {
    auto asked = console(admin_token, {"pause", "kind=source"});
    CHECK(asked.code == 2);
    CHECK_THAT(asked.err, Catch::Contains("--yes"));
    CHECK(actor(x).at("state") != "paused");
    auto done = console(admin_token, {"--yes", "--json", "poll", "kind=source"});
    REQUIRE(done.code == 0);
    CHECK(json::parse(done.out).at("ids").size() == 2);
  }
  SECTION("a standard user's token gets 4 and changes nothing") {
    auto standard = env().user("cli.standard@example.com", "Standard");
    auto theirs = token_file(standard, dir, "standard");
    auto refused = console(theirs, {"pause", x});
    CHECK(refused.code == 4);
    CHECK(actor(x).at("state") != "paused");
  }
  SECTION("bad usage is 2 and says what to do") {
    CHECK(console(admin_token, {"sleep", x}).code == 2);
    CHECK(console(admin_token, {"ls", "colour=red"}).code == 2);
    auto help = console(admin_token, {"ls", "--help"});
    CHECK(help.code == 0);
    CHECK_THAT(help.out, Catch::Contains("socialcrm console ls"));
    auto no_token = run({SOCIALCRM_BINARY, "console", "--connect",
                         env().server().base(), "ls"});
    CHECK(no_token.code == 2);
    CHECK_THAT(no_token.err, Catch::Contains("SOCIALCRM_TOKEN"));
  }
  SECTION("the audit log names the actions the console took") {
    REQUIRE(console(admin_token, {"poll", x}).code == 0);
    auto audit = console(admin_token, {"audit"});
    REQUIRE(audit.code == 0);
    CHECK_THAT(audit.out, Catch::Contains("admin@example.com poll " + x));
  }
}

// --- the event stream: GET /api/v1/admin/actors/events ----------------------

TEST_CASE("the actor event stream sends the state changes of the actors its "
          "selector names, and refuses who may not watch",
          "[web][console][integration]") {
  auto& a = linked();
  auto& admin = env().admin();
  auto x = source_of(a.x);
  auto masto = source_of(a.mastodon);
  ws_client ws;
  REQUIRE(ws.open(env().server().base(), admin.credential_headers(),
                  "/api/v1/admin/actors/events?kind=source&q=source:account:"
                    + a.mastodon.account_id)
          == 101);
  auto first = ws.next();
  REQUIRE(first);
  CHECK(first->at("type") == "watching");
  CHECK(first->at("selector").at("kind") == "source");

  // Both paused, then both resumed: only Mastodon's changes come.
  REQUIRE(admin.post("/api/v1/admin/actors/pause", {{"kind", "source"}})
            .status == 200);
  REQUIRE(admin.post("/api/v1/admin/actors/resume", {{"kind", "source"}})
            .status == 200);
  auto seen = ws.until([](const json& m) {
    return m.value("type", "") == "actor_event"
           && m.at("event").at("previous") == "paused";
  });
  REQUIRE_FALSE(ws.timed_out);
  std::vector<std::string> changes;
  for (auto& m : seen) {
    REQUIRE(m.at("type") == "actor_event");
    auto& e = m.at("event");
    CHECK(e.at("id") == masto);
    CHECK(e.at("kind") == "source");
    CHECK(e.at("node") == "local");
    CHECK(e.at("at").get<std::int64_t>() > 0);
    if (e.at("event") == "state")
      changes.push_back(e.at("previous").get<std::string>() + ">"
                        + e.at("state").get<std::string>());
  }
  REQUIRE_FALSE(changes.empty());
  CHECK(changes.back().rfind("paused>", 0) == 0);
  CHECK(std::find_if(changes.begin(), changes.end(), [](auto& c) {
          return c.size() > 7 && c.compare(c.size() - 7, 7, ">paused") == 0;
        }) != changes.end());
  // The stream answers pings and refuses other messages, staying open.
  ws.send({{"type", "subscribe"}});
  auto refused = ws.next();
  REQUIRE(refused);
  CHECK(refused->at("error").at("code") == "unknown_type");
  ws.send({{"type", "ping"}});
  auto pong = ws.next();
  REQUIRE(pong);
  CHECK(pong->at("type") == "pong");

  SECTION("a standard user is refused 403, no credential 401, a bad "
          "filter 400") {
    auto standard = env().user("watch.standard@example.com", "Standard");
    ws_client theirs;
    CHECK(theirs.open(env().server().base(), standard.credential_headers(),
                      "/api/v1/admin/actors/events")
          == 403);
    CHECK(theirs.refusal_code() == "forbidden");
    ws_client nobody;
    CHECK(nobody.open(env().server().base(), {}, "/api/v1/admin/actors/events")
          == 401);
    ws_client bad;
    CHECK(bad.open(env().server().base(), admin.credential_headers(),
                   "/api/v1/admin/actors/events?state=asleep")
          == 400);
    CHECK(bad.refusal_code() == "bad_query");
    auto plain = admin.get("/api/v1/admin/actors/events");
    CHECK(plain.status == 426);
    CHECK(plain.code() == "websocket_required");
  }
}

TEST_CASE("socialcrm console tail prints a post injected through the "
          "emulator as its source emits it, and state changes",
          "[web][console][cli][integration]") {
  auto& a = linked();
  temp_dir dir;
  auto token = token_file(env().admin(), dir, "tail");
  auto x = source_of(a.x);
  child_process tail({SOCIALCRM_BINARY, "console", "--connect",
                      env().server().base(), "--token-file", token, "tail",
                      "kind=source"});
  // A pause shows as a line: from then on the stream is known to flow.
  // Paused again until it shows, as the stream may open after the first.
  std::optional<std::string> paused;
  for (int i = 0; i < 20 && !paused; ++i) {
    REQUIRE(env().admin().post("/api/v1/admin/actors/" + x + "/pause",
                               json::object()).status == 200);
    paused = tail.wait_for_line("-> paused", std::chrono::seconds(1));
    if (!paused)
      REQUIRE(env().admin().post("/api/v1/admin/actors/" + x + "/resume",
                                 json::object()).status == 200);
  }
  REQUIRE(paused);
  CHECK_THAT(*paused, Catch::Contains(x + " state "));
  REQUIRE(env().admin().post("/api/v1/admin/actors/" + x + "/resume",
                             json::object()).status == 200);

  auto author = env().sim_user("x", "tailwriter");
  auto text = "tail sees this " + std::to_string(::getpid());
  auto external = env().sim_post("x", author, text, "mention", a.x.org_user_id);
  REQUIRE(env().admin().post("/api/v1/admin/actors/" + x + "/poll",
                             json::object()).status == 200);
  auto emitted = tail.wait_for_line(x + " posts");
  REQUIRE(emitted);
  CHECK_THAT(*emitted, Catch::Contains("1 new"));
  auto line = tail.wait_for_line(text);
  REQUIRE(line);
  CHECK_THAT(*line, Catch::Contains("@tailwriter"));
  CHECK_THAT(*line, Catch::Contains(external));
  // Ctrl-C ends it cleanly.
  tail.signal(SIGINT);
  CHECK(tail.wait() == 0);

  SECTION("--json prints one JSON object per event") {
    child_process json_tail({SOCIALCRM_BINARY, "console", "--connect",
                             env().server().base(), "--token-file", token,
                             "--json", "tail", x});
    std::optional<std::string> got;
    for (int i = 0; i < 20 && !got; ++i) {
      REQUIRE(env().admin().post("/api/v1/admin/actors/" + x + "/pause",
                                 json::object()).status == 200);
      got = json_tail.wait_for_line("\"paused\"", std::chrono::seconds(1));
      REQUIRE(env().admin().post("/api/v1/admin/actors/" + x + "/resume",
                                 json::object()).status == 200);
    }
    REQUIRE(got);
    auto e = json::parse(*got);
    CHECK(e.at("id") == x);
    CHECK(e.at("event") == "state");
    json_tail.signal(SIGTERM);
    CHECK(json_tail.wait() == 0);
  }
}
