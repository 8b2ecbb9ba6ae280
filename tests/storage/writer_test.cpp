#include "storage/writer.hpp"
#include "tests/storage/fixtures.hpp"
#include "tests/support/temp_dir.hpp"

#include <catch2/catch.hpp>

using namespace socialcrm;
using namespace socialcrm::storage;
using socialcrm::test::make_post;

namespace {

constexpr unix_ms now = 1772323200000;

ingest_batch batch_of(std::vector<post> posts, source_ref src = {1, 0}) {
  ingest_batch b;
  b.source = src;
  b.posts = std::move(posts);
  return b;
}

void add_linked_account(database& db) {
  db.handle().exec("INSERT INTO linked_accounts (id, network, network_user_id, "
                   "status, created_at) VALUES (1, 'x', 'org', 'active', 0)");
}

} // namespace

TEST_CASE("a post delivered twice is stored once", "[storage][writer]") {
  database db(":memory:");
  add_linked_account(db);
  writer w(db);
  SECTION("within one batch") {
    auto r = w.ingest(batch_of({make_post(network::x, "1", "u1"),
                                make_post(network::x, "1", "u1")}),
                      now);
    CHECK(r.stored.size() == 1);
    CHECK(r.duplicates == 1);
    CHECK(w.posts().count() == 1);
  }
  SECTION("across batches, and the same id on another network is distinct") {
    w.ingest(batch_of({make_post(network::x, "1", "u1")}), now);
    auto r = w.ingest(batch_of({make_post(network::x, "1", "u1"),
                                make_post(network::mastodon, "1", "u1")}),
                      now);
    REQUIRE(r.stored.size() == 1);
    CHECK(r.stored[0].body.net == network::mastodon);
    CHECK(r.duplicates == 1);
    CHECK(w.posts().count() == 2);
  }
}

TEST_CASE("stored posts get consecutive sequence numbers that survive a "
          "reopen",
          "[storage][writer]") {
  test::temp_dir dir;
  auto path = dir.file("crm.db");
  std::int64_t last = 0;
  {
    database db(path);
    add_linked_account(db);
    writer w(db);
    auto r = w.ingest(batch_of({make_post(network::x, "1", "a"),
                                make_post(network::x, "2", "b"),
                                make_post(network::x, "3", "c")}),
                      now);
    REQUIRE(r.stored.size() == 3);
    CHECK(r.stored[0].seq == 1);
    CHECK(r.stored[1].seq == 2);
    CHECK(r.stored[2].seq == 3);
    // The last number handed out goes to a standing event, not a post.
    auto lead = w.people_repo().create(record_type::lead,
                                       {.last_name = "Kato"}, now);
    auto ev = w.link({{record_type::lead, lead}, {network::x, "a"}, "@a"},
                     now);
    REQUIRE(ev);
    CHECK(ev->seq == 4);
    last = w.last_seq();
  }
  database db(path);
  writer again(db);
  CHECK(again.last_seq() == last);
  auto r = again.ingest(batch_of({make_post(network::x, "4", "d")}), now);
  CHECK(r.stored.at(0).seq == last + 1);
}

TEST_CASE("a batch's cursor is saved with its posts, or neither is",
          "[storage][writer]") {
  database db(":memory:");
  add_linked_account(db);
  writer w(db);
  auto b = batch_of({make_post(network::x, "10", "a")});
  b.cursors.push_back({"account:1:mentions", "10"});
  w.ingest(b, now);
  CHECK(w.cursors().get("account:1:mentions") == "10");

  SECTION("a failing batch rolls back posts and cursor and uses no seq") {
    auto before = w.last_seq();
    // Column 99 does not exist: filing the post under it violates a foreign
    // key after the post row was written.
    auto bad = batch_of({make_post(network::x, "11", "a")}, {0, 99});
    bad.cursors.push_back({"account:1:mentions", "11"});
    CHECK_THROWS(w.ingest(bad, now));
    CHECK(w.cursors().get("account:1:mentions") == "10");
    CHECK_FALSE(w.posts().find_id(network::x, "11"));
    CHECK(w.last_seq() == before);
  }
}

TEST_CASE("a group commit that fails stores none of its batches and uses "
          "no sequence numbers",
          "[storage][writer]") {
  database db(":memory:");
  add_linked_account(db);
  writer w(db);
  w.ingest(batch_of({make_post(network::x, "1", "a")}), now);
  auto before = w.last_seq();
  // Post "3" leaves a reference to no post, in a foreign key checked only
  // at COMMIT: its batch passes its savepoint, and the commit of the whole
  // group fails.
  db.handle().exec(
    "CREATE TABLE gate (post_id INTEGER REFERENCES posts(id) DEFERRABLE "
    "INITIALLY DEFERRED); CREATE TRIGGER fail_commit AFTER INSERT ON posts "
    "WHEN NEW.external_id = '3' BEGIN INSERT INTO gate VALUES (-1); END");
  auto good = batch_of({make_post(network::x, "2", "a")});
  good.cursors.push_back({"account:1:mentions", "2"});
  auto bad = batch_of({make_post(network::x, "3", "b")});
  auto results = w.ingest_group({&good, &bad}, now);
  REQUIRE(results.size() == 2);
  for (auto& r : results) {
    REQUIRE_FALSE(r);
    CHECK(r.error().code == "storage_failure");
  }
  CHECK(w.posts().count() == 1);
  CHECK_FALSE(w.cursors().get("account:1:mentions"));
  CHECK(w.last_seq() == before);
  // Rolled back, not left open: the next group commits and goes on from
  // the same number.
  auto next = w.ingest(good, now);
  REQUIRE(next.stored.size() == 1);
  CHECK(next.stored[0].seq == before + 1);
  CHECK(w.cursors().get("account:1:mentions") == "2");
}

TEST_CASE("linking a social profile moves that author's posts",
          "[storage][writer]") {
  database db(":memory:");
  writer w(db);
  auto lead = w.people_repo().create(record_type::lead, {.last_name = "Kato"},
                                     now);
  auto contact = w.people_repo().create(record_type::contact,
                                        {.last_name = "Mori"}, now);
  author_key key{network::x, "42"};

  auto ev = w.link({{record_type::lead, lead}, key, "@kato"}, now);
  REQUIRE(ev);
  CHECK(ev->seq > 0);
  CHECK(ev->from == standing::unknown);
  CHECK(ev->to == standing::leads);
  CHECK(ev->authors == std::vector<author_key>{key});

  SECTION("linking it again to the same person changes nothing") {
    auto again = w.link({{record_type::lead, lead}, key, "@kato"}, now);
    REQUIRE(again);
    CHECK(again->seq == 0);
  }
  SECTION("another person may only take it explicitly") {
    auto refused = w.link({{record_type::contact, contact}, key, "@kato"},
                          now);
    REQUIRE_FALSE(refused);
    CHECK(refused.error().code == "profile_owned_by_other");
    CHECK(w.people_repo().owner_of(key)->id == lead);

    auto moved = w.link({{record_type::contact, contact}, key, "@kato", true},
                        now);
    REQUIRE(moved);
    CHECK(moved->from == standing::leads);
    CHECK(moved->to == standing::leads); // a contact without deals
    CHECK(w.people_repo().owner_of(key)->type == record_type::contact);
  }
  SECTION("a person that does not exist is refused") {
    auto refused = w.link({{record_type::contact, 999}, {network::x, "7"}, ""},
                          now);
    REQUIRE_FALSE(refused);
    CHECK(refused.error().code == "person_not_found");
  }
}

TEST_CASE("a deal changing stage changes the contact's standing once",
          "[storage][writer]") {
  database db(":memory:");
  writer w(db);
  auto contact = w.people_repo().create(record_type::contact,
                                        {.last_name = "Abe"}, now);
  person_ref who{record_type::contact, contact};
  w.link({who, {network::x, "5"}, "@abe"}, now);
  w.link({who, {network::facebook, "fb5"}, "abe"}, now);

  auto deal = w.deals().create(contact, "Licence", 100000, deal_stage::open,
                               now);
  auto ev = w.refresh(who, now);
  CHECK(ev.seq > 0);
  CHECK(ev.from == standing::leads);
  CHECK(ev.to == standing::negotiation);
  CHECK(ev.authors.size() == 2); // both networks move

  CHECK(w.refresh(who, now).seq == 0); // nothing changed since

  w.deals().set_stage(deal, deal_stage::won, now + 1);
  auto won = w.refresh(who, now + 1);
  CHECK(won.from == standing::negotiation);
  CHECK(won.to == standing::customers);
  CHECK(w.deals().find(deal)->closed_at == now + 1);

  SECTION("reopening a won deal puts the contact back in negotiation") {
    w.deals().set_stage(deal, deal_stage::open, now + 2);
    CHECK(w.refresh(who, now + 2).to == standing::negotiation);
    CHECK(w.deals().find(deal)->closed_at == 0);
  }
  SECTION("standing events are kept in sequence for resuming clients") {
    auto events = w.standings().events_after(0, 100);
    REQUIRE(events.size() == 4);
    CHECK(events.back().to == standing::customers);
    CHECK(events.back().authors.size() == 2);
    CHECK(events[0].seq < events[1].seq);
  }
}

TEST_CASE("the people index lists every profile with its standing",
          "[storage][writer]") {
  database db(":memory:");
  writer w(db);
  auto c = w.people_repo().create(record_type::contact, {.last_name = "Ono"},
                                  now);
  w.link({{record_type::contact, c}, {network::bluesky, "did:plc:ono"}, ""},
         now);
  w.deals().create(c, "Renewal", 5, deal_stage::won, now);
  w.refresh({record_type::contact, c}, now);
  auto index = w.people();
  REQUIRE(index.size() == 1);
  CHECK(index[0].key.user_id == "did:plc:ono");
  CHECK(index[0].where == standing::customers);
}

TEST_CASE("a group commit stores each batch on its own terms",
          "[storage][writer]") {
  database db(":memory:");
  add_linked_account(db);
  writer w(db);
  auto first = batch_of({make_post(network::x, "g1", "a"),
                         make_post(network::x, "g2", "b")});
  first.cursors.push_back({"account:1:mentions", "g2"});
  // Column 99 does not exist: the second batch fails after writing its post.
  auto bad = batch_of({make_post(network::x, "g3", "c")}, {0, 99});
  bad.cursors.push_back({"account:1:search", "g3"});
  auto third = batch_of({make_post(network::x, "g4", "d"),
                         make_post(network::x, "g1", "a")});
  auto before = w.last_seq();

  auto out = w.ingest_group({&first, &bad, &third}, now);

  REQUIRE(out.size() == 3);
  REQUIRE(out[0]);
  REQUIRE_FALSE(out[1]);
  REQUIRE(out[2]);
  CHECK(out[1].error().code == "storage_failure");
  // The failed batch left nothing: no post, no cursor, no sequence number.
  CHECK_FALSE(w.posts().find_id(network::x, "g3"));
  CHECK_FALSE(w.cursors().get("account:1:search"));
  CHECK(w.cursors().get("account:1:mentions") == "g2");
  // The others got consecutive numbers in request order, and a post
  // repeated from an earlier batch of the same group is a duplicate.
  REQUIRE(out[0]->stored.size() == 2);
  CHECK(out[0]->stored[0].seq == before + 1);
  CHECK(out[0]->stored[1].seq == before + 2);
  REQUIRE(out[2]->stored.size() == 1);
  CHECK(out[2]->stored[0].seq == before + 3);
  CHECK(out[2]->duplicates == 1);
  CHECK(w.last_seq() == before + 3);
  CHECK(w.posts().count() == 3);

  SECTION("and the numbers go on from there after a reopen") {
    writer again(db);
    CHECK(again.last_seq() == before + 3);
  }
}
