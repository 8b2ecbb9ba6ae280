#include "storage/writer.hpp"

#include <catch2/catch.hpp>

using namespace socialcrm;
using namespace socialcrm::storage;

namespace {

constexpr unix_ms day_ms = 86400000;
constexpr unix_ms march_1 = 1772323200000; // 2026-03-01T00:00:00Z

struct crm {
  database db{":memory:"};
  writer w{db};

  std::int64_t contact(const std::string& name) {
    return w.people_repo().create(record_type::contact, {.last_name = name},
                                  march_1);
  }
  std::int64_t deal(std::int64_t contact_id, std::int64_t amount,
                    unix_ms created, deal_stage stage = deal_stage::open) {
    return w.deals().create(contact_id, "deal", amount, stage, created);
  }
};

} // namespace

TEST_CASE("deals created this month use UTC month boundaries",
          "[storage][filters]") {
  crm c;
  auto feb = c.contact("Feb");
  auto mar = c.contact("Mar");
  auto apr = c.contact("Apr");
  c.deal(feb, 1, march_1 - 1);           // last millisecond of February
  c.deal(mar, 1, march_1);               // first millisecond of March
  c.deal(apr, 1, march_1 + 31 * day_ms); // first millisecond of April
  auto in_march = c.w.standings().contacts_with_deals_created_in(
    utc_month_of(march_1 + 10 * day_ms));
  CHECK(in_march == std::vector<std::int64_t>{mar});
}

TEST_CASE("new deals are contacts with exactly one deal",
          "[storage][filters]") {
  crm c;
  auto none = c.contact("None");
  auto one = c.contact("One");
  auto two = c.contact("Two");
  auto one_lost = c.contact("OneLost");
  c.deal(one, 1, march_1);
  c.deal(two, 1, march_1);
  c.deal(two, 1, march_1);
  c.deal(one_lost, 1, march_1, deal_stage::lost);
  auto got = c.w.standings().contacts_with_exactly_one_deal();
  CHECK(got == std::vector<std::int64_t>{one, one_lost});
  CHECK(std::find(got.begin(), got.end(), none) == got.end());
}

TEST_CASE("the top 10 open deals are ranked by expected revenue",
          "[storage][filters]") {
  crm c;
  SECTION("fewer than 10 deals: all open ones, closed ones left out") {
    auto a = c.contact("A");
    auto small = c.deal(a, 100, march_1);
    auto big = c.deal(a, 900, march_1);
    c.deal(a, 5000, march_1, deal_stage::won);
    auto top = c.w.standings().top10(march_1);
    REQUIRE(top.size() == 2);
    CHECK(top[0].deal_id == big);
    CHECK(top[0].rank == 1);
    CHECK(top[1].deal_id == small);
  }
  SECTION("ties go to the older deal, and only 10 are kept") {
    auto a = c.contact("A");
    std::vector<std::int64_t> ids;
    for (int i = 0; i < 12; ++i) // same amount, created one after another
      ids.push_back(c.deal(a, 1000, march_1 + i));
    auto top = c.w.standings().top10(march_1 + day_ms / 2);
    REQUIRE(top.size() == 10);
    for (int i = 0; i < 10; ++i)
      CHECK(top[static_cast<size_t>(i)].deal_id == ids[static_cast<size_t>(i)]);
  }
  SECTION("no open deal at all gives an empty list") {
    CHECK(c.w.standings().top10(march_1).empty());
  }
}

TEST_CASE("the top 10 snapshot is not recomputed until its day passes",
          "[storage][filters]") {
  crm c;
  auto a = c.contact("A");
  auto first = c.deal(a, 100, march_1);
  auto snapshot = c.w.standings().top10(march_1 + 1000);
  REQUIRE(snapshot.size() == 1);

  auto bigger = c.deal(a, 99999, march_1 + 2000);
  // Later the same UTC day: the list frozen at the first call stays.
  auto same_day = c.w.standings().top10(march_1 + day_ms - 1);
  REQUIRE(same_day.size() == 1);
  CHECK(same_day[0].deal_id == first);

  // The next UTC day computes afresh.
  auto next_day = c.w.standings().top10(march_1 + day_ms);
  REQUIRE(next_day.size() == 2);
  CHECK(next_day[0].deal_id == bigger);
}
