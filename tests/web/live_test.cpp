// The live WebSocket `GET /api/v1/live` against a real `socialcrm serve`
// polling a real emulator: refusals, what each user may see, resuming,
// standing changes, slow clients and bad messages.

#include "tests/web/social_fixture.hpp"
#include "tests/web/ws_client.hpp"

#include <catch2/catch.hpp>

#include <algorithm>
#include <csignal>

using namespace socialcrm;
using namespace socialcrm::test;

namespace {

using networks = std::initializer_list<const char*>;

/// Lifts the emulator's rate windows on `nets`, which would stretch a
/// burst over minutes; before linking, so the first window is already
/// the wide one.
void lift_rate_limits(social_env& env, networks nets) {
  for (auto net : nets)
    env.control("/limits",
                {{"network", net}, {"limit", 1000000}, {"window_s", 900}});
}

/// `count` items of emulator traffic, every one a mention (about 2 in 5
/// name a linked account, the only targets on X and Mastodon); returns how
/// many items `nets` gained, the posts the linked accounts will see.
std::int64_t mention_traffic(social_env& env, int count, networks nets) {
  auto items = [&] {
    auto stats = env.sim_get("/stats")["networks"];
    std::int64_t n = 0;
    for (auto net : nets)
      n += stats[net]["items"].get<std::int64_t>();
    return n;
  };
  auto before = items();
  env.control("/traffic", {{"count", count},
                           {"mention_ratio", 1.0},
                           {"dm_ratio", 0.0},
                           {"comment_ratio", 0.0},
                           {"keyword_ratio", 0.0}});
  return items() - before;
}

} // namespace

TEST_CASE("an upgrade without credentials is refused with 401, a foreign "
          "Origin with 403, another path with 404",
          "[live]") {
  social_env env;
  auto base = env.server().base();

  ws_client anonymous;
  CHECK(anonymous.open(base, {}) == 401);
  CHECK(anonymous.refusal_code() == "unauthenticated");

  ws_client stale;
  http::header_list bad_cookie;
  bad_cookie.add("Cookie", "socialcrm_session=not-a-session");
  CHECK(stale.open(base, bad_cookie) == 401);

  auto foreign_headers = cookie_of(env.admin());
  foreign_headers.add("Origin", "http://evil.example");
  ws_client foreign;
  CHECK(foreign.open(base, foreign_headers) == 403);
  CHECK(foreign.refusal_code() == "origin_not_allowed");

  auto own_headers = cookie_of(env.admin());
  own_headers.add("Origin", base);
  ws_client own;
  CHECK(own.open(base, own_headers) == 101);

  ws_client elsewhere;
  CHECK(elsewhere.open(base, cookie_of(env.admin()), "/api/v1/leads") == 404);

  // A profile without the social tab permission.
  auto created = env.admin().post("/api/v1/profiles",
                                  {{"name", "No social"}, {"social_tab", false}});
  REQUIRE(created.status == 201);
  auto outsider = env.user("outsider@example.com", id_of(created));
  ws_client refused;
  CHECK(refused.open(base, cookie_of(outsider)) == 403);
  CHECK(refused.refusal_code() == "forbidden");

  // A bearer token works like the cookie.
  auto token = env.admin().post("/api/v1/tokens", {{"name", "live script"}});
  REQUIRE(token.status == 201);
  http::header_list bearer;
  bearer.add("Authorization", "Bearer " + token.body.value("token", ""));
  ws_client script;
  REQUIRE(script.open(base, bearer) == 101);
  script.send({{"type", "ping"}});
  auto pong = script.next();
  REQUIRE(pong);
  CHECK((*pong)["type"] == "pong");
}

TEST_CASE("two users with different operations and filters each receive "
          "exactly the posts they may see",
          "[live]") {
  social_env env;
  auto x = env.link("x", "acme_x");
  auto m = env.link("mastodon", "acme_m");
  auto& admin = env.admin();
  // Standard users may reply on the X account but not view it.
  auto standard_profile = profile_id(admin, "Standard");
  auto ops = admin.send("PUT",
                        "/api/v1/social/accounts/" + x.account_id
                          + "/operations",
                        json{{standard_profile, {"reply"}}});
  INFO(ops.body.dump());
  REQUIRE(ops.status == 200);
  auto standard = env.user("standard@example.com", "Standard");
  // An administrator who chose to see the X account only.
  auto narrow = env.user("narrow@example.com", "Administrator");
  auto filter = narrow.send("PUT", "/api/v1/social/filter",
                            json{{"accounts", {x.account_id}}});
  INFO(filter.body.dump());
  REQUIRE(filter.status == 200);

  // Joined in this order, so by the time the observer (joined last) has
  // an event, the hub has handed it to the other two sessions.
  auto standard_ws = live(env, standard);
  auto narrow_ws = live(env, narrow);
  auto observer = live(env, admin);

  auto fan_x = env.sim_user("x", "fan_x");
  auto fan_m = env.sim_user("mastodon", "fan_m");
  for (auto t : {"tokx1", "tokx2", "tokxend"})
    env.sim_post("x", fan_x, std::string("@acme_x ") + t, "mention",
                 x.org_user_id);
  for (auto t : {"tokm1", "tokm2", "tokmend"})
    env.sim_post("mastodon", fan_m, std::string("@acme_m ") + t, "mention",
                 m.org_user_id);
  std::vector<std::string> tokens{"tokx1", "tokx2", "tokxend",
                                  "tokm1", "tokm2", "tokmend"};
  std::set<std::string> seen;
  auto all = observer->until([&](const json& msg) {
    for (const auto& t : tokens)
      if (has_text(msg, t))
        seen.insert(t);
    return seen.size() == tokens.size();
  }, std::chrono::seconds(60));
  REQUIRE(seen.size() == tokens.size());

  auto standard_got = standard_ws->drain();
  auto narrow_got = narrow_ws->drain();
  CHECK(tokens_in(standard_got, tokens)
        == std::multiset<std::string>{"tokm1", "tokm2", "tokmend"});
  CHECK(tokens_in(narrow_got, tokens)
        == std::multiset<std::string>{"tokx1", "tokx2", "tokxend"});
  for (const auto& msg : standard_got)
    if (is_post(msg))
      CHECK(msg["post"]["account_id"] == m.account_id);
  for (const auto& msg : narrow_got)
    if (is_post(msg)) {
      CHECK(msg["post"]["account_id"] == x.account_id);
      CHECK(msg["views"] == unknown_conversations);
    }
}

TEST_CASE("a client that reconnects with resume_from gets exactly the "
          "events it missed, in order, then live ones",
          "[live]") {
  social_env env;
  auto x = env.link("x", "acme_x");
  auto fan = env.sim_user("x", "fan");
  auto say = [&](const std::string& token) {
    env.sim_post("x", fan, "@acme_x " + token, "mention", x.org_user_id);
  };

  auto first = live(env, env.admin());
  say("tokr1");
  auto got = first->until([](const json& m) { return has_text(m, "tokr1"); });
  REQUIRE(has_text(got.back(), "tokr1"));
  std::int64_t last_seen = got.back()["seq"];
  first->close();

  auto observer = live(env, env.admin());
  say("tokr2");
  say("tokr3");
  auto meanwhile = observer->until([](const json& m) {
    return has_text(m, "tokr3");
  });
  REQUIRE(has_text(meanwhile.back(), "tokr3"));

  ws_client again;
  REQUIRE(again.open(env.server().base(), cookie_of(env.admin())) == 101);
  auto replay = again.subscribe(unknown_conversations, last_seen);
  REQUIRE(!replay.empty());
  REQUIRE(replay.back()["type"] == "subscribed");
  CHECK(replay.back()["seq"].get<std::int64_t>()
        >= meanwhile.back()["seq"].get<std::int64_t>());
  replay.pop_back();
  CHECK(tokens_in(replay, {"tokr1", "tokr2", "tokr3"})
        == std::multiset<std::string>{"tokr2", "tokr3"});
  say("tokr4");
  auto live_part = again.until([](const json& m) {
    return has_text(m, "tokr4");
  });
  REQUIRE(has_text(live_part.back(), "tokr4"));
  CHECK(tokens_in(live_part, {"tokr1", "tokr2", "tokr3", "tokr4"})
        == std::multiset<std::string>{"tokr4"});
  // One increasing seq order over the replay and what followed.
  std::int64_t previous = last_seen;
  for (const auto& part : {replay, live_part})
    for (const auto& msg : part)
      if (msg.contains("seq")) {
        CHECK(msg["seq"].get<std::int64_t>() > previous);
        previous = msg["seq"];
      }

  // A resume point this server never reached: refetch over REST.
  ws_client future;
  REQUIRE(future.open(env.server().base(), cookie_of(env.admin())) == 101);
  auto told = future.subscribe(unknown_conversations, 1'000'000'000);
  REQUIRE(!told.empty());
  CHECK(told.back()["type"] == "resync");
}

TEST_CASE("winning a deal moves its contact to customers live, and their "
          "later posts arrive as customers",
          "[live]") {
  social_env env;
  auto x = env.link("x", "acme_x");
  auto fan = env.sim_user("x", "carol_fan");
  auto& admin = env.admin();
  json views = json::array();
  for (auto column : {"customers", "negotiation", "leads", "unknown"})
    views.push_back({{"column", column}, {"view", "conversations"}});
  auto ws = live(env, admin, views);

  auto contact = admin.post("/api/v1/contacts",
                            {{"first_name", "Carol"}, {"last_name", "Buyer"}});
  REQUIRE(contact.status == 201);
  auto contact_id = id_of(contact);
  auto linked = admin.post("/api/v1/contacts/" + contact_id
                             + "/social-profiles",
                           {{"network", "x"},
                            {"user_id", fan},
                            {"handle", "carol_fan"}});
  INFO(linked.body.dump());
  REQUIRE(linked.status / 100 == 2);
  auto deal = admin.post("/api/v1/deals", {{"contact_id", contact_id},
                                           {"name", "Big deal"},
                                           {"amount", 5000},
                                           {"stage", "open"}});
  REQUIRE(deal.status == 201);
  auto won = admin.patch("/api/v1/deals/" + id_of(deal), {{"stage", "won"}});
  REQUIRE(won.status == 200);

  auto moves = ws->until([](const json& m) {
    return m.value("type", "") == "standing_changed"
           && m.value("to", "") == "customers";
  });
  REQUIRE(!moves.empty());
  auto& change = moves.back();
  REQUIRE(change["type"] == "standing_changed");
  CHECK(change["from"] == "negotiation");
  CHECK(change["person"]["record_type"] == "contact");
  CHECK(change["person"]["record_id"] == contact_id);
  CHECK(change["authors"]
        == json::array({{{"network", "x"}, {"user_id", fan}}}));
  // The earlier moves came first, in seq order (adding the contact and
  // associating the profile may each say unknown > leads).
  std::vector<std::string> path;
  for (const auto& m : moves)
    if (m.value("type", "") == "standing_changed")
      path.push_back(m["from"].get<std::string>() + ">"
                     + m["to"].get<std::string>());
  path.erase(std::unique(path.begin(), path.end()), path.end());
  CHECK(path == std::vector<std::string>{"unknown>leads", "leads>negotiation",
                                         "negotiation>customers"});

  env.sim_post("x", fan, "@acme_x tokwon thanks!", "mention", x.org_user_id);
  auto after = ws->until([](const json& m) { return has_text(m, "tokwon"); });
  REQUIRE(has_text(after.back(), "tokwon"));
  CHECK(after.back()["post"]["standing"] == "customers");
  CHECK(after.back()["views"]
        == json::array({{{"column", "customers"}, {"view", "conversations"}}}));
}

TEST_CASE("malformed messages get an error with a stable code and the "
          "connection stays usable",
          "[live]") {
  social_env env;
  ws_client ws;
  REQUIRE(ws.open(env.server().base(), cookie_of(env.admin())) == 101);
  auto expect_error = [&](const std::string& text, const std::string& code) {
    ws.send_text(text);
    auto m = ws.next();
    INFO(text);
    REQUIRE(m);
    CHECK((*m)["type"] == "error");
    CHECK((*m)["error"]["code"] == code);
    CHECK(!(*m)["error"].value("message", "").empty());
  };
  expect_error("{not json", "bad_message");
  expect_error("[1,2]", "bad_message");
  expect_error(R"({"kind":"ping"})", "bad_message");
  expect_error(R"({"type":"dance"})", "unknown_type");
  expect_error(R"({"type":"subscribe"})", "bad_message");
  expect_error(R"({"type":"subscribe","views":[],"resume_from":-1})",
               "bad_message");
  expect_error(R"({"type":"subscribe","views":[],"batch":"yes"})",
               "bad_message");
  expect_error(R"({"type":"subscribe","views":[{"column":"vips","view":"stream"}]})",
               "bad_view");
  expect_error(R"({"type":"subscribe","views":[{"column":"leads","view":"stream","filter":"top10"}]})",
               "bad_view");
  expect_error(R"({"type":"subscribe","views":[{"column_id":"x1"}]})",
               "bad_view");
  expect_error(R"({"type":"subscribe","views":[{"column_id":"999"}]})",
               "column_not_found");
  // Nesting far deeper than any message of the protocol.
  expect_error(R"({"type":"ping","pad":)" + std::string(70, '[')
                 + std::string(70, ']') + "}",
               "bad_message");

  // Still usable: a valid subscribe is acknowledged.
  auto ack = ws.subscribe(unknown_conversations);
  REQUIRE(!ack.empty());
  CHECK(ack.back()["type"] == "subscribed");

  // A frame over the server's limit (64 KiB) ends the connection; the
  // server may close before the client has even finished writing it.
  try {
    ws.send_text(R"({"type":"ping","pad":")" + std::string(100 * 1024, 'a')
                 + "\"}");
    CHECK(!ws.next(std::chrono::seconds(10)));
  } catch (const std::runtime_error&) {
  }
  CHECK(ws.closed());
}

TEST_CASE("a client that stops reading is told to resync and the server's "
          "memory stays bounded",
          "[live][slow]") {
  social_env env;
  lift_rate_limits(env, {"x", "mastodon"});
  auto x = env.link("x", "acme_x");
  auto m = env.link("mastodon", "acme_m");
  // The slow client joins first (see the two-users test) and reads
  // through a tiny socket buffer.
  ws_client slow;
  REQUIRE(slow.open(env.server().base(), cookie_of(env.admin()),
                    "/api/v1/live", 4096)
          == 101);
  auto ack = slow.subscribe(unknown_conversations);
  REQUIRE(ack.back()["type"] == "subscribed");
  auto observer = live(env, env.admin());

  auto pid = env.server().process().pid();
  auto rss_before = status_kb(pid, "VmRSS");
  REQUIRE(rss_before > 0);
  // Well over the queue's 1,000 messages plus what the socket buffers
  // hold (about 150 posts).
  auto mentions = mention_traffic(env, 6000, {"x", "mastodon"});
  REQUIRE(mentions > 2000);
  // The server's resident memory, sampled with every post the reading
  // client gets (VmHWM would be the sign-in's argon2id peak).
  long rss_peak = rss_before;
  std::int64_t delivered = 0;
  auto burst = observer->until([&](const json& msg) {
    rss_peak = std::max(rss_peak, status_kb(pid, "VmRSS"));
    delivered += is_post(msg);
    return delivered >= mentions;
  }, std::chrono::seconds(120));
  INFO("posts delivered to the reading client: " << delivered << " of "
                                                  << mentions);
  REQUIRE(delivered == mentions);

  auto got = slow.drain(std::chrono::seconds(60));
  INFO("the slow client read " << got.size() << " messages");
  auto resync = std::find_if(got.begin(), got.end(), [](const json& msg) {
    return msg.value("type", "") == "resync";
  });
  REQUIRE(resync != got.end());
  CHECK((*resync)["reason"] == "client fell behind");
  // Nothing after the resync until the client subscribes again.
  CHECK(std::none_of(resync + 1, got.end(), is_post));
  CHECK(std::count_if(got.begin(), resync, is_post) < delivered);

  // The whole server, ingesting the burst included, stayed within a few
  // MB of where it started: the queue (1,000 messages or 1 MiB) and the
  // kernel buffers are all a stuck client costs.
  rss_peak = std::max(rss_peak, status_kb(pid, "VmRSS"));
  INFO("RSS before " << rss_before << " kB, peak " << rss_peak << " kB");
#if defined(__SANITIZE_ADDRESS__)
  // AddressSanitizer keeps up to 256 MB of freed memory in quarantine.
  constexpr long bound_kb = 512 * 1024;
#else
  constexpr long bound_kb = 32 * 1024;
#endif
  CHECK(rss_peak - rss_before < bound_kb);

  // Subscribing again resumes the feed.
  auto again = slow.subscribe(unknown_conversations);
  REQUIRE(again.back()["type"] == "subscribed");
  env.sim_post("mastodon", env.sim_user("mastodon", "late_fan"),
               "@acme_m tokslowback", "mention", m.org_user_id);
  auto back = slow.until([](const json& msg) {
    return has_text(msg, "tokslowback");
  });
  CHECK(has_text(back.back(), "tokslowback"));
}

TEST_CASE("a client that asks for batches gets the events that waited "
          "together as one message, each once and in seq order",
          "[live][slow]") {
  social_env env;
  lift_rate_limits(env, {"x", "mastodon"});
  env.link("x", "acme_x");
  env.link("mastodon", "acme_m");
  // Reads nothing through a tiny socket buffer until every post is out,
  // so the posts past what the socket buffers hold (about 150) wait in
  // its queue, and go in batches once it reads. The observer does not
  // batch.
  ws_client batching;
  batching.batch = true;
  REQUIRE(batching.open(env.server().base(), cookie_of(env.admin()),
                        "/api/v1/live", 4096)
          == 101);
  auto ack = batching.subscribe(unknown_conversations);
  REQUIRE(ack.back()["type"] == "subscribed");
  auto observer = live(env, env.admin());
  // Some 500 posts, under the queue's bound (1,000 messages, 1 MiB).
  auto mentions = mention_traffic(env, 1200, {"x", "mastodon"});
  REQUIRE(mentions > 300);
  std::int64_t delivered = 0;
  auto seen = observer->until([&](const json& msg) {
    delivered += is_post(msg);
    return delivered >= mentions;
  }, std::chrono::seconds(120));
  REQUIRE(delivered == mentions);
  CHECK(observer->batches == 0);

  auto got = batching.drain(std::chrono::seconds(60));
  INFO("read " << got.size() << " events in " << batching.batches
               << " batch messages");
  CHECK(batching.batches > 0);
  CHECK(std::none_of(got.begin(), got.end(), [](const json& msg) {
    return msg.value("type", "") == "resync";
  }));
  // The same posts as the observer's, in the same (increasing) order.
  auto seqs = [](const std::vector<json>& msgs) {
    std::vector<std::int64_t> out;
    for (const auto& msg : msgs)
      if (is_post(msg))
        out.push_back(msg["seq"].get<std::int64_t>());
    return out;
  };
  auto ours = seqs(got);
  CHECK(ours == seqs(seen));
  CHECK(std::adjacent_find(ours.begin(), ours.end(),
                           std::greater_equal<>())
        == ours.end());
}

TEST_CASE("stopping the server closes open live connections and it exits "
          "cleanly",
          "[live]") {
  social_env env;
  auto subscribed = live(env, env.admin());
  ws_client idle; // upgraded, never subscribed
  REQUIRE(idle.open(env.server().base(), cookie_of(env.admin())) == 101);
  env.server().process().signal(SIGTERM);
  auto code = env.server().process().wait(std::chrono::seconds(20));
  REQUIRE(code);
  CHECK(*code == 0);
  CHECK(!subscribed->next(std::chrono::seconds(5)));
  CHECK(subscribed->closed());
  CHECK(!idle.next(std::chrono::seconds(5)));
  CHECK(idle.closed());
}

TEST_CASE("a replay longer than the connection's queue arrives whole, in "
          "order, before the acknowledgement",
          "[live][slow]") {
  social_env env;
  lift_rate_limits(env, {"x", "mastodon"});
  env.link("x", "acme_x");
  env.link("mastodon", "acme_m");
  auto first = live(env, env.admin());
  first->close();
  // The client is away while well over 1,000 mentions come in.
  auto observer = live(env, env.admin());
  auto missed = mention_traffic(env, 5000, {"x", "mastodon"});
  REQUIRE(missed > 1200);
  std::int64_t seen = 0;
  std::int64_t first_seq = 0;
  observer->until([&](const json& m) {
    if (is_post(m) && seen++ == 0)
      first_seq = m["seq"];
    return seen >= missed;
  }, std::chrono::seconds(120));
  REQUIRE(seen == missed);

  ws_client again;
  REQUIRE(again.open(env.server().base(), cookie_of(env.admin())) == 101);
  auto replay = again.subscribe(unknown_conversations, first_seq - 1);
  REQUIRE(!replay.empty());
  CHECK(replay.back()["type"] == "subscribed");
  auto posts = std::count_if(replay.begin(), replay.end(), is_post);
  CHECK(posts == missed);
  std::int64_t previous = first_seq - 1;
  bool ordered = true;
  for (const auto& m : replay)
    if (is_post(m)) {
      ordered = ordered && m["seq"].get<std::int64_t>() > previous;
      previous = m["seq"];
    }
  CHECK(ordered);

  // /metrics counts what the live WebSockets wrote: at least every post
  // the two clients read, in fewer sends than messages (a replay goes out
  // in bursts; each live post is one message and at most one send).
  auto page = env.server().client().get("/metrics").raw.body;
  auto value = [&](const std::string& name) {
    auto at = page.find("\n" + name + " ");
    REQUIRE(at != std::string::npos);
    return std::stod(page.substr(at + name.size() + 2));
  };
  auto messages = value("socialcrm_live_messages_total");
  auto sends = value("socialcrm_live_sends_total");
  CHECK(messages >= static_cast<double>(seen + posts));
  CHECK(sends > 0);
  CHECK(sends < messages);
  CHECK(value("socialcrm_live_connections") >= 2);
}

TEST_CASE("an operation an administrator withdraws stops that account's "
          "posts on sockets already open",
          "[live]") {
  social_env env;
  auto x = env.link("x", "acme_x");
  auto standard = env.user("standard@example.com", "Standard");
  auto ws = live(env, standard);
  auto observer = live(env, env.admin()); // joined last, sees everything
  auto fan = env.sim_user("x", "fan_x");
  int round = 0;
  // Whether a new X mention reaches the standard user: once the observer
  // has it, the hub has handed it to the standard session too.
  auto x_delivered = [&] {
    auto token = "tokop" + std::to_string(round++) + "z";
    env.sim_post("x", fan, "@acme_x " + token, "mention", x.org_user_id);
    auto seen = observer->until([&](const json& msg) {
      return has_text(msg, token);
    });
    REQUIRE(has_text(seen.back(), token));
    return tokens_in(ws->drain(), {token}).size() == 1;
  };
  CHECK(x_delivered()); // the Standard profile views accounts by default
  auto ops = env.admin().send("PUT",
                              "/api/v1/social/accounts/" + x.account_id
                                + "/operations",
                              json{{profile_id(env.admin(), "Standard"),
                                    {"reply"}}});
  REQUIRE(ops.status == 200);
  // Open sessions re-read what their users may see every few seconds.
  CHECK(social_env::eventually([&] { return !x_delivered(); },
                               std::chrono::seconds(30)));
  CHECK(!x_delivered());
}

TEST_CASE("a client that subscribes again and again while posts flow misses "
          "none, and after each acknowledgement gets them once, in order",
          "[live][slow]") {
  social_env env;
  lift_rate_limits(env, {"x"});
  env.link("x", "acme_x");
  auto client = live(env, env.admin());
  auto expected = mention_traffic(env, 5000, {"x"});
  REQUIRE(expected > 400);

  // Every 25 posts the client subscribes again, resuming from the newest
  // it has: each time the server takes the live feed back from the
  // connection's fast path, replays, and hands it over again.
  std::set<std::int64_t> seen;
  std::int64_t newest = 0;
  // The newest seq since the last ack (live() waited for the first one);
  // -1 while a subscribe is unanswered.
  std::int64_t since_ack = 0;
  int posts_since = 0;
  int resubscribes = 0;
  bool ordered = true;
  std::vector<std::string> refusals;
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(120);
  while (static_cast<std::int64_t>(seen.size()) < expected
         && std::chrono::steady_clock::now() < deadline) {
    auto m = client->next(std::chrono::seconds(10));
    if (!m)
      break;
    auto type = m->value("type", "");
    if (is_post(*m)) {
      auto seq = (*m)["seq"].get<std::int64_t>();
      if (since_ack >= 0) {
        ordered = ordered && seq > since_ack; // a repeat fails this too
        since_ack = seq;
      }
      seen.insert(seq);
      newest = std::max(newest, seq);
      // One subscribe at a time: a second one before the first's ack
      // makes the server skip to the newest (S-9.1), and its replay may
      // repeat what followed the first ack.
      if (++posts_since >= 25 && since_ack >= 0) {
        posts_since = 0;
        since_ack = -1; // the old subscription's posts and the replay next
        ++resubscribes;
        client->send({{"type", "subscribe"},
                      {"views", unknown_conversations},
                      {"resume_from", newest}});
      }
    } else if (type == "subscribed") {
      since_ack = (*m)["seq"].get<std::int64_t>();
    } else if (type == "resync" || type == "error") {
      refusals.push_back(m->dump());
    }
  }
  CHECK(refusals.empty());
  CHECK(static_cast<std::int64_t>(seen.size()) == expected);
  CHECK(ordered);
  CHECK(resubscribes >= 3);
}
