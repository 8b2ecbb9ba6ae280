#include "protocol/actor_error.hpp"
#include "storage/cursor_repository.hpp"
#include "storage/post_repository.hpp"
#include "tests/actors/actor_fixture.hpp"
#include "tests/storage/fixtures.hpp"

#include <catch2/catch.hpp>

#include <caf/event_based_actor.hpp>

#include <mutex>
#include <optional>
#include <thread>

using namespace socialcrm;
using socialcrm::test::actor_fixture;
using socialcrm::test::make_post;

namespace {

struct answers {
  std::mutex m;
  std::vector<std::optional<ingest_result>> results =
    std::vector<std::optional<ingest_result>>(3);
  std::vector<std::string> errors = std::vector<std::string>(3);
  int count = 0;
};

} // namespace

TEST_CASE("ingest batches sent to the store together are each stored or "
          "refused on their own and each answered",
          "[store][integration]") {
  actor_fixture f;
  auto db = f.open_db();
  db.handle().exec("INSERT INTO linked_accounts (id, network, "
                   "network_user_id, status, created_at) VALUES (1, 'x', "
                   "'org', 'active', 0)");
  std::vector<ingest_batch> batches(3);
  batches[0].source = {1, 0};
  batches[0].posts = {make_post(network::x, "s1", "a"),
                      make_post(network::x, "s2", "b")};
  batches[0].cursors = {{"account:1:mentions", "s2"}};
  // Column 99 does not exist: this batch fails after writing its post.
  batches[1].source = {0, 99};
  batches[1].posts = {make_post(network::x, "s3", "c")};
  batches[1].cursors = {{"column:99", "s3"}};
  batches[2].source = {1, 0};
  batches[2].posts = {make_post(network::x, "s4", "d")};

  answers got;
  // One actor sends all three at once, so they reach the store's mailbox
  // back to back, as the batches of several sources polled together do.
  f.spawn_fn([&](caf::event_based_actor* self) {
    for (int i = 0; i < 3; ++i)
      self->request(f.store, actor_fixture::timeout, ingest_atom::value,
                    batches[static_cast<std::size_t>(i)])
        .then(
          [&, i](ingest_result& r) {
            std::lock_guard g{got.m};
            got.results[static_cast<std::size_t>(i)] = std::move(r);
            ++got.count;
          },
          [&, i](caf::error& e) {
            std::lock_guard g{got.m};
            got.errors[static_cast<std::size_t>(i)] = to_error_info(e).code;
            ++got.count;
          });
  });
  for (int i = 0; i < 1000; ++i) {
    {
      std::lock_guard g{got.m};
      if (got.count == 3)
        break;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  std::lock_guard g{got.m};
  REQUIRE(got.count == 3);
  REQUIRE(got.results[0]);
  REQUIRE_FALSE(got.results[1]);
  REQUIRE(got.results[2]);
  CHECK(got.errors[1] == "storage_failure");
  REQUIRE(got.results[0]->stored.size() == 2);
  REQUIRE(got.results[2]->stored.size() == 1);
  // Consecutive numbers in the order the batches were sent; the refused
  // batch used none.
  CHECK(got.results[0]->stored[0].seq == 1);
  CHECK(got.results[0]->stored[1].seq == 2);
  CHECK(got.results[2]->stored[0].seq == 3);

  storage::post_repository posts(db.handle());
  storage::cursor_repository cursors(db.handle());
  CHECK(posts.count() == 3);
  CHECK_FALSE(posts.find_id(network::x, "s3"));
  CHECK_FALSE(cursors.get("column:99"));
  CHECK(cursors.get("account:1:mentions") == "s2");
}

TEST_CASE("a batch the store accepted is committed and answered when it is "
          "told to stop before its group commit",
          "[store][integration]") {
  actor_fixture f;
  auto db = f.open_db();
  db.handle().exec("INSERT INTO linked_accounts (id, network, "
                   "network_user_id, status, created_at) VALUES (1, 'x', "
                   "'org', 'active', 0)");
  ingest_batch batch;
  batch.source = {1, 0};
  batch.posts = {make_post(network::x, "last", "a")};
  std::optional<ingest_result> answer;
  std::string refused;
  // The store is held in a write that waits for the lock this connection
  // takes, while the batch and then the exit reach its mailbox: it reads
  // the exit before the flush it sends itself on taking the batch.
  db.handle().exec("BEGIN IMMEDIATE");
  account_update nothing; // changes nothing, but takes the write lock
  nothing.account_id = 1;
  auto held = f.self->request(f.store, actor_fixture::timeout,
                              account_atom::value, nothing);
  auto handle = f.self->request(f.store, actor_fixture::timeout,
                                ingest_atom::value, batch);
  f.self->send_exit(f.store, caf::exit_reason::user_shutdown);
  db.handle().exec("COMMIT");
  std::move(held).receive([](bool) {},
                          [](caf::error& e) { FAIL(caf::to_string(e)); });
  std::move(handle).receive(
    [&](ingest_result& r) { answer = std::move(r); },
    [&](caf::error& e) { refused = to_error_info(e).message; });
  INFO("refused: " << refused);
  REQUIRE(answer);
  REQUIRE(answer->stored.size() == 1);
  storage::post_repository posts(db.handle());
  CHECK(posts.find_id(network::x, "last"));
}
