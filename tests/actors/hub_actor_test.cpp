#include "tests/actors/actor_fixture.hpp"

#include <caf/scoped_actor.hpp>
#include <catch2/catch.hpp>

#include <variant>
#include <vector>

using namespace socialcrm;
using socialcrm::test::actor_fixture;

namespace {

post_event post_at(std::int64_t seq) {
  post_event ev;
  ev.seq = seq;
  ev.item.seq = seq;
  ev.item.body.text = "post " + std::to_string(seq);
  return ev;
}

// What one session received: the seqs in order, and where each batch's
// posts lived (to tell one shared message from copies).
struct received {
  std::vector<std::int64_t> seqs;
  std::vector<std::int64_t> standings;
  std::vector<const post_event*> batch_data;
};

received drain(caf::scoped_actor& s, std::int64_t last_seq) {
  received out;
  while (out.seqs.empty() || out.seqs.back() < last_seq)
    s->receive(
      [&](const std::vector<post_event>& batch) {
        out.batch_data.push_back(batch.data());
        for (auto& ev : batch)
          out.seqs.push_back(ev.seq);
      },
      [&](const post_event& ev) { out.seqs.push_back(ev.seq); },
      [&](const standing_event& ev) {
        out.seqs.push_back(ev.seq);
        out.standings.push_back(ev.seq);
      },
      caf::after(actor_fixture::timeout) >> [&] {
        FAIL("the hub stopped sending before seq " << last_seq);
      });
  return out;
}

} // namespace

TEST_CASE("the hub hands every session the same events in seq order, a "
          "batch as one message they share",
          "[hub]") {
  actor_fixture f; // f.self joined the hub as one session
  caf::scoped_actor other{f.sys};
  f.self->request(f.hub, actor_fixture::timeout, join_atom::value,
                  caf::actor{other})
    .receive([](std::int64_t sessions) { CHECK(sessions == 2); },
             [](caf::error& e) { FAIL(caf::to_string(e)); });
  // Asked again (as after a timed-out answer), the join adds nothing: a
  // session there twice would get every event twice (drain() below sees
  // exactly six).
  f.self->request(f.hub, actor_fixture::timeout, join_atom::value,
                  caf::actor{other})
    .receive([](std::int64_t sessions) { CHECK(sessions == 2); },
             [](caf::error& e) { FAIL(caf::to_string(e)); });

  std::vector<post_event> batch{post_at(4), post_at(5), post_at(6)};
  standing_event moved;
  moved.seq = 3;
  moved.to = standing::customers;
  f.self->send(f.hub, post_at(1));
  f.self->send(f.hub, post_at(2));
  f.self->send(f.hub, moved);
  f.self->send(f.hub, batch);

  auto mine = drain(f.self, 6);
  auto theirs = drain(other, 6);
  // Posts gathered while the hub was busy go out together, never after a
  // standing change that came later.
  CHECK(mine.seqs == std::vector<std::int64_t>{1, 2, 3, 4, 5, 6});
  CHECK(theirs.seqs == mine.seqs);
  CHECK(mine.standings == std::vector<std::int64_t>{3});
  // The batch reached both sessions as one message, not a copy each.
  REQUIRE_FALSE(mine.batch_data.empty());
  CHECK(mine.batch_data.back() == theirs.batch_data.back());

  f.self->request(f.hub, actor_fixture::timeout, info_atom::value)
    .receive([](const actor_info& info) { CHECK(info.posts == 5); },
             [](caf::error& e) { FAIL(caf::to_string(e)); });
}

TEST_CASE("a session that leaves the hub gets nothing more", "[hub]") {
  actor_fixture f; // f.self joined the hub as one session
  auto sessions = [&] {
    std::int64_t n = -1;
    f.self->request(f.hub, actor_fixture::timeout, info_atom::value)
      .receive([&](const actor_info& info) { n = info.sessions; },
               [](caf::error& e) { FAIL(caf::to_string(e)); });
    return n;
  };
  CHECK(sessions() == 1);
  f.self->send(f.hub, leave_atom::value, caf::actor{f.self});
  CHECK(sessions() == 0);
  caf::scoped_actor other{f.sys};
  f.self->request(f.hub, actor_fixture::timeout, join_atom::value,
                  caf::actor{other})
    .receive([](std::int64_t n) { CHECK(n == 1); },
             [](caf::error& e) { FAIL(caf::to_string(e)); });
  f.self->send(f.hub, std::vector<post_event>{post_at(1)});
  f.self->send(f.hub, post_at(2));
  // The hub has sent posts 1 and 2 to its sessions once `other` has them.
  CHECK(drain(other, 2).seqs == std::vector<std::int64_t>{1, 2});
  // f.self joins again and post 3 follows. The hub sends in the order it
  // handles messages, so had it still sent posts 1 and 2 to f.self, they
  // would reach f.self before post 3.
  f.self->request(f.hub, actor_fixture::timeout, join_atom::value,
                  caf::actor{f.self})
    .receive([](std::int64_t n) { CHECK(n == 2); },
             [](caf::error& e) { FAIL(caf::to_string(e)); });
  f.self->send(f.hub, post_at(3));
  CHECK(drain(f.self, 3).seqs == std::vector<std::int64_t>{3});
}
