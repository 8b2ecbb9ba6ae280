#include "networks/html_text.hpp"
#include "networks/time_walk.hpp"

#include <catch2/catch.hpp>

#include <map>

using namespace socialcrm;
using namespace socialcrm::networks;

namespace {

/// A newest-first list served in pages of `size`, the way a network pages
/// with an opaque token (here: the id of the last item served).
struct fake_list {
  std::vector<std::pair<unix_ms, std::string>> items; // newest first
  std::size_t size = 2;
  int requests = 0;

  void add(unix_ms at, std::string id) {
    items.insert(items.begin(), {at, std::move(id)});
  }

  outcome<listed_page> fetch(const std::string& token) {
    ++requests;
    std::size_t begin = 0;
    while (!token.empty() && begin < items.size()
           && items[begin++].second != token) {
    }
    listed_page page;
    for (auto i = begin; i < std::min(items.size(), begin + size); ++i) {
      listed_item li;
      li.item.external_id = items[i].second;
      li.item.created_at = items[i].first;
      li.at = items[i].first;
      page.items.push_back(li);
    }
    if (begin + size < items.size())
      page.next = items[begin + size - 1].second;
    return {std::move(page), {}};
  }

  std::vector<std::string> poll(std::string& cursor, int max_pages,
                                bool* more = nullptr) {
    cursor_state cur(cursor), after;
    auto r = walk_list(cur, "", max_pages,
                       [&](const std::string& t) { return fetch(t); }, after);
    REQUIRE(r);
    cursor = after.str();
    if (more)
      *more = r.value->more;
    std::vector<std::string> ids;
    for (auto& p : r.value->posts)
      ids.push_back(p.external_id);
    return ids;
  }
};

using ids = std::vector<std::string>;

} // namespace

TEST_CASE("a time walk delivers items sharing the mark's instant once each",
          "[time_walk]") {
  fake_list l;
  l.add(1000, "a");
  l.add(2000, "b");
  l.add(2000, "c");
  std::string cursor;
  CHECK(l.poll(cursor, 10) == ids{"a", "b", "c"});
  CHECK(l.poll(cursor, 10).empty());
  // Same instant as the mark, listed later: new.
  l.add(2000, "d");
  l.add(3000, "e");
  CHECK(l.poll(cursor, 10) == ids{"d", "e"});
  CHECK(l.poll(cursor, 10).empty());
}

TEST_CASE("a time walk stops paging once it lists what it saw",
          "[time_walk]") {
  fake_list l;
  for (int i = 0; i < 10; ++i)
    l.add(1000 * (i + 1), "i" + std::to_string(i));
  std::string cursor;
  CHECK(l.poll(cursor, 10).size() == 10);
  l.requests = 0;
  l.add(20000, "new");
  CHECK(l.poll(cursor, 10) == ids{"new"});
  CHECK(l.requests == 1);
  // At the mark's instant too: the first item seen there ends the walk.
  l.requests = 0;
  l.add(20000, "same");
  l.add(20000, "again");
  CHECK(l.poll(cursor, 10) == ids{"same", "again"});
  CHECK(l.requests == 2);
  l.requests = 0;
  CHECK(l.poll(cursor, 10).empty());
  CHECK(l.requests == 1);
}

TEST_CASE("a time walk cut short resumes where it stopped and moves its "
          "mark only at the end",
          "[time_walk]") {
  fake_list l;
  for (int i = 0; i < 7; ++i)
    l.add(1000 * (i + 1), "i" + std::to_string(i));
  std::string cursor;
  bool more = false;
  CHECK(l.poll(cursor, 2, &more) == ids{"i3", "i4", "i5", "i6"});
  CHECK(more);
  l.add(9000, "late"); // arrives during the walk
  CHECK(l.poll(cursor, 2, &more) == ids{"i0", "i1", "i2"});
  CHECK_FALSE(more);
  CHECK(l.poll(cursor, 2, &more) == ids{"late"});
  CHECK(l.poll(cursor, 2, &more).empty());
}

TEST_CASE("HTML texts become plain text", "[html_text]") {
  CHECK(html_to_text("<p>Hello &amp; <b>welcome</b></p><p>line<br />two</p>")
        == "Hello & welcome\n\nline\ntwo");
  CHECK(html_to_text("&lt;3 &#233;t&#xE9; &bogus; a & b")
        == "<3 \xC3\xA9t\xC3\xA9 &bogus; a & b");
}
