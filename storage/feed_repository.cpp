#include "storage/feed_repository.hpp"

#include "protocol/standing.hpp"

#include <SQLiteCpp/Statement.h>

#include <algorithm>

namespace socialcrm::storage {

namespace {

// The author's person and standing are joined as they are now, so a post
// shows in the column its author stands in today.
constexpr const char* select_items
  = "SELECT p.id, p.seq, COALESCE(p.account_id, 0), p.network, "
    "p.external_id, p.kind, p.author_id, p.author_handle, p.author_name, "
    "p.text, p.created_at, p.in_reply_to, p.media_url, "
    "COALESCE(sp.record_type, ''), COALESCE(sp.record_id, 0), "
    "COALESCE(ps.standing, 'unknown') "
    "FROM posts p "
    "LEFT JOIN social_profiles sp ON sp.network = p.network "
    "AND sp.network_user_id = p.author_id "
    "LEFT JOIN person_standing ps ON ps.record_type = sp.record_type "
    "AND ps.record_id = sp.record_id ";

// Posts written by a linked account (or its page) itself.
constexpr const char* own_post
  = "EXISTS (SELECT 1 FROM linked_accounts la WHERE la.network = p.network "
    "AND (la.network_user_id = p.author_id OR (la.page_id != '' AND "
    "la.page_id = p.author_id)))";

feed_item read_item(SQLite::Statement& st) {
  feed_item it;
  it.id = st.getColumn(0).getInt64();
  it.seq = st.getColumn(1).getInt64();
  it.account_id = st.getColumn(2).getInt64();
  it.body.net = parse_network(st.getColumn(3).getString()).value_or(network::x);
  it.body.external_id = st.getColumn(4).getString();
  it.body.kind = parse_post_kind(st.getColumn(5).getString())
                   .value_or(post_kind::post);
  it.body.from = {st.getColumn(6).getString(), st.getColumn(7).getString(),
                  st.getColumn(8).getString()};
  it.body.text = st.getColumn(9).getString();
  it.body.created_at = st.getColumn(10).getInt64();
  it.body.in_reply_to = st.getColumn(11).getString();
  it.body.media_url = st.getColumn(12).getString();
  if (auto type = parse_record_type(st.getColumn(13).getString()))
    it.person = {*type, st.getColumn(14).getInt64()};
  it.where = parse_standing(st.getColumn(15).getString())
               .value_or(standing::unknown);
  if (!it.person)
    it.where = standing::unknown;
  return it;
}

std::string in_list(size_t n) {
  std::string out = "(";
  for (size_t i = 0; i < n; ++i)
    out += i ? ", ?" : "?";
  return out + ")";
}

std::string kinds_sql(feed_view view) {
  std::string kinds;
  for (auto k : {post_kind::mention, post_kind::dm, post_kind::comment,
                 post_kind::reply, post_kind::message, post_kind::post,
                 post_kind::repost})
    if (view == feed_view::conversations ? is_conversation(k)
                                         : k != post_kind::dm
                                             && k != post_kind::message) {
      kinds += kinds.empty() ? "'" : ", '";
      kinds += std::string(to_string(k)) + "'";
    }
  return "p.kind IN (" + kinds + ")";
}

std::string timeline_networks_sql() {
  std::string nets;
  for (auto n : all_networks)
    if (has_timeline(n)) {
      nets += nets.empty() ? "'" : ", '";
      nets += std::string(to_string(n)) + "'";
    }
  return "p.network IN (" + nets + ")";
}

int clamp_limit(int limit) {
  return std::clamp(limit, 1, max_feed_page);
}

} // namespace

feed_repository::feed_repository(SQLite::Database& db) : db_(db) {
}

std::vector<feed_item>
feed_repository::run(const std::string& where,
                     const std::vector<std::int64_t>& ints,
                     const std::string& order, int limit) {
  SQLite::Statement st(db_, std::string(select_items) + "WHERE " + where
                              + " ORDER BY " + order + " LIMIT ?");
  int i = 1;
  for (auto v : ints)
    st.bind(i++, v);
  st.bind(i, clamp_limit(limit));
  std::vector<feed_item> out;
  while (st.executeStep())
    out.push_back(read_item(st));
  return out;
}

std::vector<feed_item> feed_repository::crm_view(const feed_query& q,
                                                 const feed_scope& s) {
  if (s.account_ids.empty())
    return {}; // no linked account visible: no data (S-1.7)
  std::vector<std::int64_t> ints = s.account_ids;
  std::string where = "p.account_id IN " + in_list(s.account_ids.size())
                      + " AND NOT " + own_post + " AND " + kinds_sql(q.view);
  if (q.view == feed_view::stream)
    where += " AND " + timeline_networks_sql();
  if (q.column == standing::unknown)
    where += " AND (sp.id IS NULL OR ps.standing IS NULL)";
  else
    where += " AND ps.standing = '" + std::string(to_string(q.column)) + "'";
  if (q.column == standing::negotiation) {
    switch (q.filter) {
      case negotiation_filter::none:
        break;
      case negotiation_filter::this_month: {
        auto month = utc_month_of(q.now);
        where += " AND sp.record_type = 'contact' AND sp.record_id IN "
                 "(SELECT contact_id FROM deals WHERE created_at >= ? "
                 "AND created_at < ?)";
        ints.push_back(month.begin);
        ints.push_back(month.end);
        break;
      }
      case negotiation_filter::new_deals:
        where += " AND sp.record_type = 'contact' AND sp.record_id IN "
                 "(SELECT contact_id FROM deals GROUP BY contact_id "
                 "HAVING COUNT(*) = 1)";
        break;
      case negotiation_filter::top10:
        // The day's frozen list (the store writes it at the first call of
        // each UTC day); rank 0 is the "computed" marker.
        where += " AND sp.record_type = 'contact' AND sp.record_id IN "
                 "(SELECT contact_id FROM top10_snapshot WHERE day = ? "
                 "AND rank > 0)";
        ints.push_back(utc_day_of(q.now));
        break;
    }
  }
  if (q.before_seq > 0) {
    where += " AND p.seq < ?";
    ints.push_back(q.before_seq);
  }
  return run(where, ints, "p.seq DESC", q.limit);
}

std::vector<feed_item> feed_repository::my_posts(const feed_scope& s,
                                                 std::int64_t before_seq,
                                                 int limit) {
  if (s.account_ids.empty())
    return {};
  std::vector<std::int64_t> ints = s.account_ids;
  std::string where = "p.account_id IN " + in_list(s.account_ids.size())
                      + " AND " + own_post;
  if (before_seq > 0) {
    where += " AND p.seq < ?";
    ints.push_back(before_seq);
  }
  return run(where, ints, "p.seq DESC", limit);
}

std::vector<feed_item> feed_repository::column_posts(std::int64_t column_id,
                                                     std::int64_t before_seq,
                                                     int limit) {
  std::vector<std::int64_t> ints{column_id};
  std::string where = "p.id IN (SELECT post_id FROM column_posts "
                      "WHERE column_id = ?)";
  if (before_seq > 0) {
    where += " AND p.seq < ?";
    ints.push_back(before_seq);
  }
  return run(where, ints, "p.seq DESC", limit);
}

std::vector<feed_item> feed_repository::person_posts(person_ref who,
                                                     std::int64_t before_seq,
                                                     int limit) {
  std::vector<std::int64_t> ints{who.id};
  std::string where = "sp.record_type = '" + std::string(to_string(who.type))
                      + "' AND sp.record_id = ?";
  if (before_seq > 0) {
    where += " AND p.seq < ?";
    ints.push_back(before_seq);
  }
  return run(where, ints, "p.seq DESC", limit);
}

std::optional<feed_item> feed_repository::find(std::int64_t post_id) {
  auto items = run("p.id = ?", {post_id}, "p.id", 1);
  if (items.empty())
    return std::nullopt;
  return items.front();
}

std::vector<feed_item> feed_repository::posts_after(std::int64_t after_seq,
                                                    int limit) {
  return run("p.seq > ?", {after_seq}, "p.seq ASC", limit);
}

} // namespace socialcrm::storage
