// The live feed's shared work (web/live_messages.hpp message_cache,
// web/live_views.hpp filter_key): sessions with the same filter share one
// match per batch; different filters never do.

#include "web/live_messages.hpp"
#include "web/live_views.hpp"

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

using namespace socialcrm;
using namespace socialcrm::web::live;

namespace {

std::vector<view> views_of(const std::string& json) {
  auto req = parse_subscribe(nlohmann::json::parse(json));
  REQUIRE(req);
  return req->views;
}

} // namespace

TEST_CASE("the filter key tells apart every input of matched_views",
          "[live]") {
  auto unknown = views_of(
    R"({"type":"subscribe","views":[{"column":"unknown","view":"stream"}]})");
  auto both = views_of(R"({"type":"subscribe","views":[
      {"column":"unknown","view":"stream"},
      {"column":"customers","view":"conversations"}]})");
  auto swapped = views_of(R"({"type":"subscribe","views":[
      {"column":"customers","view":"conversations"},
      {"column":"unknown","view":"stream"}]})");
  user_scope a{{1, 2}, {}};
  user_scope b{{1, 2, 3}, {}};
  user_scope c{{1, 2}, {{7, storage::column_type::my_posts}}};
  auto key = filter_key(unknown, a, 1);
  CHECK(key == filter_key(unknown, user_scope{{1, 2}, {}}, 1));
  CHECK(key != filter_key(both, a, 1));
  CHECK(filter_key(both, a, 1) != filter_key(swapped, a, 1));
  CHECK(key != filter_key(unknown, b, 1));
  CHECK(key != filter_key(unknown, c, 1));
  CHECK(key != filter_key(unknown, a, 2));
  // Account 12 is not accounts 1 and 2.
  CHECK(filter_key(unknown, user_scope{{12}, {}}, 1)
        != filter_key(unknown, user_scope{{1, 2}, {}}, 1));
}

TEST_CASE("a batch is matched once per filter and shared", "[live]") {
  message_cache cache;
  int computed = 0;
  auto compute = [&] {
    ++computed;
    message_cache::batch_match m;
    m.texts.push_back(std::make_shared<const std::string>("text"));
    return m;
  };
  auto first = cache.batch(100, 3, "filter-a", compute);
  auto again = cache.batch(100, 3, "filter-a", compute);
  CHECK(computed == 1);
  CHECK(first == again);
  SECTION("another filter computes its own") {
    auto other = cache.batch(100, 3, "filter-b", compute);
    CHECK(computed == 2);
    CHECK(other != first);
  }
  SECTION("a batch of another size starting at the same seq is not "
          "taken for it") {
    auto other = cache.batch(100, 4, "filter-a", compute);
    CHECK(computed == 2);
    CHECK(other != first);
  }
  SECTION("old batches are forgotten, a bounded cache") {
    for (std::int64_t seq = 1000;
         seq < 1000 + static_cast<std::int64_t>(message_cache::max_batches);
         ++seq)
      cache.batch(seq, 1, "filter-a", compute);
    computed = 0;
    cache.batch(100, 3, "filter-a", compute);
    CHECK(computed == 1);
  }
}
