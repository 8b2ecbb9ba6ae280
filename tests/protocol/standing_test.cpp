#include "protocol/standing.hpp"

#include <catch2/catch.hpp>

#include <vector>

using namespace socialcrm;

namespace {

standing of_contact(std::vector<deal_stage> deals) {
  return compute_standing(record_type::contact, deals);
}

// 2026-03-01T00:00:00Z and neighbours, in ms.
constexpr unix_ms march_1 = 1772323200000;

} // namespace

TEST_CASE("a post author with no CRM record is unknown", "[standing]") {
  CHECK(compute_standing(std::nullopt, {}) == standing::unknown);
}

TEST_CASE("a lead stands in leads whatever deals are passed", "[standing]") {
  std::vector<deal_stage> won{deal_stage::won};
  CHECK(compute_standing(record_type::lead, {}) == standing::leads);
  CHECK(compute_standing(record_type::lead, won) == standing::leads);
}

TEST_CASE("a contact's standing follows its deals", "[standing]") {
  using enum deal_stage;
  SECTION("no deal: leads/contacts") {
    CHECK(of_contact({}) == standing::leads);
  }
  SECTION("only lost deals: leads/contacts") {
    CHECK(of_contact({lost}) == standing::leads);
    CHECK(of_contact({lost, lost}) == standing::leads);
  }
  SECTION("one won and one lost: customer") {
    CHECK(of_contact({won, lost}) == standing::customers);
    CHECK(of_contact({lost, won}) == standing::customers);
  }
  SECTION("all won: customer") {
    CHECK(of_contact({won}) == standing::customers);
  }
  SECTION("one open among closed ones: in negotiation") {
    CHECK(of_contact({won, lost, open}) == standing::negotiation);
    CHECK(of_contact({open}) == standing::negotiation);
  }
}

TEST_CASE("conversations hold what is addressed to the brand", "[standing]") {
  for (auto net : all_networks) {
    CHECK(in_view(feed_view::conversations, post_kind::mention, net));
    CHECK(in_view(feed_view::conversations, post_kind::dm, net));
    CHECK(in_view(feed_view::conversations, post_kind::comment, net));
    CHECK(in_view(feed_view::conversations, post_kind::reply, net));
    CHECK(in_view(feed_view::conversations, post_kind::message, net));
    CHECK_FALSE(in_view(feed_view::conversations, post_kind::post, net));
    CHECK_FALSE(in_view(feed_view::conversations, post_kind::repost, net));
  }
}

TEST_CASE("the stream holds public posts of timeline networks only",
          "[standing]") {
  CHECK(in_view(feed_view::stream, post_kind::post, network::x));
  CHECK(in_view(feed_view::stream, post_kind::repost, network::mastodon));
  CHECK(in_view(feed_view::stream, post_kind::mention, network::bluesky));
  CHECK_FALSE(in_view(feed_view::stream, post_kind::dm, network::x));
  CHECK_FALSE(in_view(feed_view::stream, post_kind::post, network::facebook));
  CHECK_FALSE(in_view(feed_view::stream, post_kind::comment,
                      network::googleplus));
}

TEST_CASE("UTC month ranges start and end at midnight of the first",
          "[standing]") {
  auto m = utc_month_of(march_1);
  CHECK(m.begin == march_1);
  CHECK(utc_month_of(march_1 - 1).end == march_1);
  CHECK(utc_month_of(march_1 - 1).begin == march_1 - 28LL * 86400000);
  CHECK(m.end == march_1 + 31LL * 86400000);
  SECTION("December rolls into the next year") {
    constexpr unix_ms dec_15_2025 = 1765756800000;
    constexpr unix_ms jan_1_2026 = 1767225600000;
    CHECK(utc_month_of(dec_15_2025).end == jan_1_2026);
  }
}

TEST_CASE("UTC days change at midnight", "[standing]") {
  CHECK(utc_day_of(march_1) == utc_day_of(march_1 + 86399999));
  CHECK(utc_day_of(march_1) == utc_day_of(march_1 - 1) + 1);
}
