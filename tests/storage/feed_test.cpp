#include "storage/account_repository.hpp"
#include "storage/column_repository.hpp"
#include "storage/feed_repository.hpp"
#include "storage/writer.hpp"
#include "tests/storage/fixtures.hpp"

#include <catch2/catch.hpp>

using namespace socialcrm;
using namespace socialcrm::storage;
using socialcrm::test::make_post;

namespace {

constexpr unix_ms now = 1772323200000 + 86400000LL * 10; // 2026-03-11

struct crm {
  database db{":memory:"};
  writer w{db};
  feed_repository feed{db.handle()};
  std::int64_t x_account = 0;
  std::int64_t fb_account = 0;

  crm() {
    account_repository accounts(db.handle());
    linked_account x;
    x.net = network::x;
    x.network_user_id = "org";
    x_account = accounts.add(x, 0, 1);
    linked_account fb;
    fb.net = network::facebook;
    fb.network_user_id = "fb-owner";
    fb.page_id = "page1";
    fb_account = accounts.add(fb, 0, 1);
  }

  feed_scope all() const { return {{x_account, fb_account}}; }

  person_ref person(record_type t, const std::string& x_id) {
    auto id = w.people_repo().create(t, {.last_name = x_id}, 1);
    person_ref who{t, id};
    REQUIRE(w.link({who, {network::x, x_id}, x_id}, 1));
    return who;
  }

  void ingest(std::int64_t account, std::vector<post> posts) {
    ingest_batch b;
    b.source = {account, 0};
    b.posts = std::move(posts);
    w.ingest(b, 1);
  }

  std::vector<std::string> ids(const std::vector<feed_item>& items) {
    std::vector<std::string> out;
    for (auto& i : items)
      out.push_back(i.body.external_id);
    return out;
  }

  std::vector<std::string> column(standing s,
                                  feed_view v = feed_view::conversations,
                                  negotiation_filter f = negotiation_filter::none) {
    feed_query q;
    q.column = s;
    q.view = v;
    q.filter = f;
    q.now = now;
    return ids(feed.crm_view(q, all()));
  }
};

using ids_t = std::vector<std::string>;

} // namespace

TEST_CASE("each post shows in the column its author stands in now",
          "[storage][feed]") {
  crm c;
  c.person(record_type::lead, "lead");
  auto contact = c.person(record_type::contact, "contact");
  c.ingest(c.x_account, {make_post(network::x, "1", "lead"),
                         make_post(network::x, "2", "contact"),
                         make_post(network::x, "3", "stranger")});
  CHECK(c.column(standing::leads) == ids_t{"2", "1"});
  CHECK(c.column(standing::unknown) == ids_t{"3"});
  CHECK(c.column(standing::negotiation).empty());

  SECTION("a deal moves the contact's posts, past ones included") {
    c.w.deals().create(contact.id, "d", 1, deal_stage::open, now);
    c.w.refresh(contact, now);
    CHECK(c.column(standing::negotiation) == ids_t{"2"});
    CHECK(c.column(standing::leads) == ids_t{"1"});
  }
  SECTION("associating an unknown author moves their posts") {
    auto id = c.w.people_repo().create(record_type::lead, {.last_name = "S"}, 1);
    REQUIRE(c.w.link({{record_type::lead, id}, {network::x, "stranger"}, ""}, 1));
    CHECK(c.column(standing::unknown).empty());
    CHECK(c.column(standing::leads) == ids_t{"3", "2", "1"});
  }
}

TEST_CASE("conversations and stream split by kind and network",
          "[storage][feed]") {
  crm c;
  c.person(record_type::lead, "lead");
  auto fb_lead = c.w.people_repo().create(record_type::lead, {.last_name = "F"}, 1);
  REQUIRE(c.w.link({{record_type::lead, fb_lead}, {network::facebook, "fbu"}, ""}, 1));
  c.ingest(c.x_account, {make_post(network::x, "m", "lead", post_kind::mention),
                         make_post(network::x, "p", "lead", post_kind::post),
                         make_post(network::x, "d", "lead", post_kind::dm)});
  c.ingest(c.fb_account, {make_post(network::facebook, "c", "fbu",
                                    post_kind::comment)});
  CHECK(c.column(standing::leads, feed_view::conversations)
        == ids_t{"c", "d", "m"});
  CHECK(c.column(standing::leads, feed_view::stream) == ids_t{"p", "m"});
}

TEST_CASE("the organisation's own posts are in My posts, not the CRM view",
          "[storage][feed]") {
  crm c;
  c.ingest(c.x_account, {make_post(network::x, "ours", "org", post_kind::post),
                         make_post(network::x, "theirs", "fan")});
  c.ingest(c.fb_account, {make_post(network::facebook, "page-post", "page1",
                                    post_kind::post)});
  CHECK(c.column(standing::unknown) == ids_t{"theirs"});
  CHECK(c.ids(c.feed.my_posts(c.all(), 0, 50)) == ids_t{"page-post", "ours"});
}

TEST_CASE("the account scope limits what a reader sees", "[storage][feed]") {
  crm c;
  c.ingest(c.x_account, {make_post(network::x, "x1", "a")});
  c.ingest(c.fb_account, {make_post(network::facebook, "f1", "b")});
  feed_query q;
  q.column = standing::unknown;
  CHECK(c.ids(c.feed.crm_view(q, {{c.fb_account}})) == ids_t{"f1"});
  CHECK(c.feed.crm_view(q, {}).empty()); // nothing linked or visible
}

TEST_CASE("pages of the feed continue before a sequence number",
          "[storage][feed]") {
  crm c;
  std::vector<post> posts;
  for (int i = 1; i <= 5; ++i)
    posts.push_back(make_post(network::x, std::to_string(i), "a"));
  c.ingest(c.x_account, posts);
  feed_query q;
  q.column = standing::unknown;
  q.limit = 2;
  auto first = c.feed.crm_view(q, c.all());
  CHECK(c.ids(first) == ids_t{"5", "4"});
  q.before_seq = first.back().seq;
  CHECK(c.ids(c.feed.crm_view(q, c.all())) == ids_t{"3", "2"});
}

TEST_CASE("the negotiation filters narrow the column", "[storage][feed]") {
  crm c;
  auto old_deal = c.person(record_type::contact, "old");
  auto fresh = c.person(record_type::contact, "fresh");
  auto two = c.person(record_type::contact, "two");
  c.w.deals().create(old_deal.id, "d", 50, deal_stage::open, now - 40 * 86400000LL);
  c.w.deals().create(fresh.id, "d", 10, deal_stage::open, now);
  c.w.deals().create(two.id, "d", 900, deal_stage::open, now - 40 * 86400000LL);
  c.w.deals().create(two.id, "e", 5, deal_stage::lost, now - 40 * 86400000LL);
  for (auto p : {old_deal, fresh, two})
    c.w.refresh(p, now);
  c.ingest(c.x_account, {make_post(network::x, "o", "old"),
                         make_post(network::x, "f", "fresh"),
                         make_post(network::x, "t", "two")});
  CHECK(c.column(standing::negotiation) == ids_t{"t", "f", "o"});
  CHECK(c.column(standing::negotiation, feed_view::conversations,
                 negotiation_filter::this_month)
        == ids_t{"f"});
  CHECK(c.column(standing::negotiation, feed_view::conversations,
                 negotiation_filter::new_deals)
        == ids_t{"f", "o"});
  c.w.standings().top10(now); // the store freezes the day's list
  CHECK(c.column(standing::negotiation, feed_view::conversations,
                 negotiation_filter::top10)
        == ids_t{"t", "f", "o"});
}

TEST_CASE("user columns and a person's interactions list their posts",
          "[storage][feed]") {
  crm c;
  c.db.handle().exec("INSERT INTO profiles (id, name, created_at) VALUES (1, 'p', 0)");
  c.db.handle().exec("INSERT INTO users (id, email, name, password_hash, "
                     "profile_id, created_at) VALUES (1, 'a@b', 'a', 'x', 1, 0)");
  column_repository columns(c.db.handle());
  auto col = columns.add({0, 1, column_type::keyword, "", {"crm"}, {}}, 1);
  REQUIRE(col);
  ingest_batch b;
  b.source = {0, *col};
  b.posts = {make_post(network::x, "k1", "anyone", post_kind::post)};
  c.w.ingest(b, 1);
  CHECK(c.ids(c.feed.column_posts(*col, 0, 50)) == ids_t{"k1"});
  // Keyword hits are not in the CRM view.
  CHECK(c.column(standing::unknown).empty());

  auto lead = c.person(record_type::lead, "ld");
  c.ingest(c.x_account, {make_post(network::x, "i1", "ld")});
  CHECK(c.ids(c.feed.person_posts(lead, 0, 50)) == ids_t{"i1"});
}
