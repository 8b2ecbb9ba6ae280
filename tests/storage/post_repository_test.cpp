#include "storage/database.hpp"
#include "storage/post_repository.hpp"
#include "tests/storage/fixtures.hpp"

#include <catch2/catch.hpp>

#include <algorithm>

using namespace socialcrm;
using namespace socialcrm::storage;
using socialcrm::test::make_post;

namespace {

constexpr unix_ms now = 1772323200000;

std::vector<std::int64_t> seqs_of(const std::vector<stored_post>& posts) {
  std::vector<std::int64_t> out(posts.size());
  std::transform(posts.begin(), posts.end(), out.begin(),
                 [](const stored_post& p) { return p.seq; });
  return out;
}

} // namespace

TEST_CASE("posts after a sequence number come back oldest first, page after "
          "page",
          "[storage][posts]") {
  database db(":memory:");
  post_repository posts(db.handle());
  for (int i = 1; i <= 5; ++i)
    REQUIRE(posts.insert(make_post(network::mastodon, "m" + std::to_string(i),
                                   "fan", post_kind::dm),
                         0, i, now));
  auto first = posts.after(0, 2);
  REQUIRE(first);
  CHECK(seqs_of(*first) == std::vector<std::int64_t>{1, 2});
  auto rest = posts.after(2, 10);
  REQUIRE(rest);
  CHECK(seqs_of(*rest) == std::vector<std::int64_t>{3, 4, 5});
  CHECK(rest->front().body.net == network::mastodon);
  CHECK(rest->front().body.kind == post_kind::dm);
  CHECK(rest->front().body.external_id == "m3");
  auto none = posts.after(5, 10);
  REQUIRE(none);
  CHECK(none->empty());
}

TEST_CASE("a stored post of a network or kind this socialcrm does not know "
          "is an error, not a post filed under another one",
          "[storage][posts]") {
  database db(":memory:");
  post_repository posts(db.handle());
  REQUIRE(posts.insert(make_post(network::x, "known", "fan"), 0, 1, now));
  std::string unknown;
  SECTION("network") {
    // posts.network has no CHECK: a newer socialcrm may link more networks.
    unknown = "myspace";
    db.handle().exec("INSERT INTO posts (seq, network, external_id, kind, "
                     "author_id, created_at, stored_at) VALUES (2, 'myspace', "
                     "'m1', 'mention', 'u', 0, 0)");
  }
  SECTION("kind") {
    // As a newer schema with more kinds in its CHECK would have stored it.
    unknown = "story";
    db.handle().exec("PRAGMA ignore_check_constraints = ON");
    db.handle().exec("INSERT INTO posts (seq, network, external_id, kind, "
                     "author_id, created_at, stored_at) VALUES (2, 'x', 's1', "
                     "'story', 'u', 0, 0)");
  }
  auto r = posts.after(0, 10);
  REQUIRE_FALSE(r);
  CHECK(r.error().code == "bad_row");
  CHECK_THAT(r.error().message, Catch::Contains("'" + unknown + "'"));
  // The statement is ready again: the posts before the unknown one read.
  auto before = posts.after(0, 1);
  REQUIRE(before);
  CHECK(seqs_of(*before) == std::vector<std::int64_t>{1});
}
