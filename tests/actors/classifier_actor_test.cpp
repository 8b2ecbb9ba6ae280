#include "protocol/actor_error.hpp"
#include "storage/deal_repository.hpp"
#include "storage/people_repository.hpp"
#include "storage/post_repository.hpp"
#include "tests/actors/actor_fixture.hpp"
#include "tests/storage/fixtures.hpp"

#include <catch2/catch.hpp>

#include <caf/event_based_actor.hpp>

#include <atomic>
#include <thread>

using namespace socialcrm;
using socialcrm::test::actor_fixture;
using socialcrm::test::make_post;

namespace {

ingest_ack ingest(actor_fixture& f, std::vector<post> posts,
                  source_ref src = {}) {
  ingest_ack ack;
  f.self
    ->request(f.classifier, actor_fixture::timeout, ingest_atom::value,
              ingest_batch{src, std::move(posts), {}})
    .receive([&](ingest_ack& a) { ack = a; },
             [](caf::error& e) { FAIL(caf::to_string(e)); });
  return ack;
}

standing_event link(actor_fixture& f, profile_link l) {
  standing_event out;
  f.self->request(f.classifier, actor_fixture::timeout, link_atom::value, l)
    .receive([&](standing_event& ev) { out = ev; },
             [](caf::error& e) { FAIL(caf::to_string(e)); });
  return out;
}

struct pushed_events {
  std::vector<post_event> posts;
  std::vector<standing_event> standings;
};

// Ingests a sentinel post, then receives what the hub pushed to the test's
// session up to the sentinel's event. Events arrive in seq order, so
// anything emitted before the sentinel (a duplicate included) is collected,
// with no guessing how long to wait.
pushed_events drain(actor_fixture& f) {
  static int n = 0;
  auto id = "sentinel-" + std::to_string(++n);
  ingest(f, {make_post(network::x, id, "sentinel")});
  pushed_events out;
  bool done = false;
  while (!done)
    f.self->receive(
      [&](std::vector<post_event>& batch) {
        for (auto& ev : batch)
          if (ev.item.body.external_id == id)
            done = true;
          else
            out.posts.push_back(std::move(ev));
      },
      [&](post_event& ev) {
        if (ev.item.body.external_id == id)
          done = true;
        else
          out.posts.push_back(std::move(ev));
      },
      [&](standing_event& ev) { out.standings.push_back(std::move(ev)); },
      caf::after(actor_fixture::timeout) >> [&] {
        FAIL("the sentinel event never arrived");
      });
  return out;
}

} // namespace

TEST_CASE("the classifier stores a post delivered twice once and emits it "
          "once",
          "[classifier][integration]") {
  actor_fixture f;
  auto p = make_post(network::x, "100", "u1");

  SECTION("in two batches one after the other") {
    CHECK(ingest(f, {p}).stored == 1);
    auto second = ingest(f, {p});
    CHECK(second.stored == 0);
    CHECK(second.duplicates == 1);
  }
  SECTION("from two source actors at the same time") {
    // Two sources race to hand over the same post (e.g. an account poll and
    // a keyword column both saw it).
    std::atomic<int> acked{0};
    auto source = [&](caf::event_based_actor* self) {
      self->request(f.classifier, actor_fixture::timeout, ingest_atom::value,
                    ingest_batch{{}, {p}, {}})
        .then([&](const ingest_ack&) { ++acked; });
    };
    f.spawn_fn(source);
    f.spawn_fn(source);
    for (int i = 0; i < 1000 && acked < 2; ++i)
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    REQUIRE(acked == 2);
  }
  auto events = drain(f).posts;
  REQUIRE(events.size() == 1);
  CHECK(events[0].item.body.external_id == "100");
  CHECK(events[0].seq == 1);
  auto db = f.open_db();
  storage::post_repository posts(db.handle());
  CHECK(posts.count() == 2); // the post and drain()'s sentinel
  CHECK(posts.find_id(network::x, "100"));
}

TEST_CASE("the classifier matches authors to people and annotates standing",
          "[classifier][integration]") {
  actor_fixture f;
  std::int64_t lead = 0;
  {
    auto db = f.open_db();
    storage::people_repository people(db.handle());
    lead = people.create(record_type::lead, {.last_name = "Sasaki"}, 1);
  }
  // A profile associated before any post arrives counts at once (S-2.4).
  auto ev = link(f, {{record_type::lead, lead}, {network::mastodon, "m1"},
                     "@sasaki"});
  CHECK(ev.seq == 1);
  CHECK(ev.to == standing::leads);

  ingest(f, {make_post(network::mastodon, "a", "m1"),
             make_post(network::mastodon, "b", "stranger"),
             make_post(network::x, "c", "m1")}); // same id, other network
  auto events = drain(f).posts;
  REQUIRE(events.size() == 3);
  CHECK(events[0].item.person.id == lead);
  CHECK(events[0].item.where == standing::leads);
  CHECK_FALSE(events[1].item.person);
  CHECK(events[1].item.where == standing::unknown);
  CHECK(events[2].item.where == standing::unknown);
  SECTION("events carry increasing sequence numbers") {
    CHECK(events[0].seq == 2);
    CHECK(events[1].seq == 3);
    CHECK(events[2].seq == 4);
    CHECK(events[0].seq < events[1].seq);
  }
}

TEST_CASE("a deal changing stage emits standing_changed for the person",
          "[classifier][integration]") {
  actor_fixture f;
  std::int64_t contact = 0;
  std::int64_t deal = 0;
  auto db = f.open_db();
  storage::people_repository people(db.handle());
  storage::deal_repository deals(db.handle());
  contact = people.create(record_type::contact, {.last_name = "Kudo"}, 1);
  person_ref who{record_type::contact, contact};
  link(f, {who, {network::x, "k1"}, "@kudo"});
  drain(f).standings;

  deal = deals.create(contact, "Pilot", 500000, deal_stage::open, 1);
  standing_event changed;
  f.self->request(f.classifier, actor_fixture::timeout, refresh_atom::value, who)
    .receive([&](standing_event& e) { changed = e; },
             [](caf::error& e) { FAIL(caf::to_string(e)); });
  CHECK(changed.from == standing::leads);
  CHECK(changed.to == standing::negotiation);

  deals.set_stage(deal, deal_stage::won, 2);
  f.self->request(f.classifier, actor_fixture::timeout, refresh_atom::value, who)
    .receive([](standing_event&) {},
             [](caf::error& e) { FAIL(caf::to_string(e)); });
  auto pushed = drain(f).standings;
  REQUIRE(pushed.size() == 2);
  CHECK(pushed[1].from == standing::negotiation);
  CHECK(pushed[1].to == standing::customers);
  CHECK(pushed[1].authors.at(0).user_id == "k1");

  // The classifier's index follows: new posts land in Customers.
  ingest(f, {make_post(network::x, "after-win", "k1")});
  auto posts = drain(f).posts;
  REQUIRE(posts.size() == 1);
  CHECK(posts[0].item.where == standing::customers);
}

TEST_CASE("the classifier refuses to take a profile from another person "
          "silently",
          "[classifier][integration]") {
  actor_fixture f;
  auto db = f.open_db();
  storage::people_repository people(db.handle());
  auto a = people.create(record_type::lead, {.last_name = "A"}, 1);
  auto b = people.create(record_type::contact, {.last_name = "B"}, 1);
  link(f, {{record_type::lead, a}, {network::bluesky, "did:plc:x"}, ""});
  std::string code;
  f.self
    ->request(f.classifier, actor_fixture::timeout, link_atom::value,
              profile_link{{record_type::contact, b},
                           {network::bluesky, "did:plc:x"},
                           "",
                           false})
    .receive([](standing_event&) { FAIL("link should be refused"); },
             [&](caf::error& e) { code = to_error_info(e).code; });
  CHECK(code == "profile_owned_by_other");
}

TEST_CASE("posts and standing changes reach the hub in seq order when "
          "batches and associations arrive together",
          "[classifier][integration]") {
  actor_fixture f;
  std::vector<std::int64_t> leads;
  {
    auto db = f.open_db();
    storage::people_repository people(db.handle());
    for (int i = 0; i < 20; ++i)
      leads.push_back(people.create(record_type::lead,
                                    {.last_name = "L" + std::to_string(i)}, 1));
  }
  // Each round: several batches and an association at once, none awaited,
  // so the store answers them together and the classifier gathers the
  // posts while the association's answer is already queued behind them.
  int sent = 0;
  for (int round = 0; round < 20; ++round) {
    for (int b = 0; b < 5; ++b) {
      std::vector<post> posts;
      for (int i = 0; i < 4; ++i) {
        ++sent;
        posts.push_back(make_post(network::x, std::to_string(sent),
                                  "a" + std::to_string(sent % 7)));
      }
      caf::anon_send(f.classifier, ingest_atom::value,
                     ingest_batch{{}, std::move(posts), {}});
    }
    caf::anon_send(f.classifier, link_atom::value,
                   profile_link{{record_type::lead, leads[round]},
                                {network::mastodon, "m" + std::to_string(round)},
                                ""});
  }
  // The sentinel is ingested after all of them: drain collects the lot.
  std::vector<std::int64_t> seqs;
  {
    static int n = 0;
    auto id = "order-sentinel-" + std::to_string(++n);
    ingest(f, {make_post(network::x, id, "sentinel")});
    bool done = false;
    std::size_t standings = 0;
    while (!done)
      f.self->receive(
        [&](std::vector<post_event>& batch) {
          for (auto& ev : batch) {
            seqs.push_back(ev.seq);
            done = done || ev.item.body.external_id == id;
          }
        },
        [&](post_event& ev) {
          seqs.push_back(ev.seq);
          done = done || ev.item.body.external_id == id;
        },
        [&](standing_event& ev) {
          seqs.push_back(ev.seq);
          ++standings;
        },
        caf::after(actor_fixture::timeout) >> [&] {
          FAIL("the sentinel event never arrived");
        });
    CHECK(standings == 20);
  }
  CHECK(seqs.size() == static_cast<std::size_t>(sent) + 20 + 1);
  for (std::size_t i = 1; i < seqs.size(); ++i) {
    INFO("event " << i);
    REQUIRE(seqs[i] == seqs[i - 1] + 1);
  }
}
