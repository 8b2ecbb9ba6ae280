#include "storage/live_repository.hpp"

namespace socialcrm::storage {

namespace {

// Resets a statement when its read ends, by an exception too: one left
// stepping would keep its read transaction, and with it an old snapshot,
// open on the reader's long-lived connection.
class reset_after {
public:
  explicit reset_after(SQLite::Statement& st) : st_(st) {}
  ~reset_after() { st_.tryReset(); }
  reset_after(const reset_after&) = delete;
  reset_after& operator=(const reset_after&) = delete;

private:
  SQLite::Statement& st_;
};

} // namespace

read_snapshot::read_snapshot(SQLite::Database& db) : db_(db) {
  db_.exec("BEGIN");
}

read_snapshot::~read_snapshot() {
  try {
    db_.exec("COMMIT");
  } catch (const std::exception&) {
    // A read transaction has nothing to lose; the connection stays usable.
  }
}

live_repository::live_repository(SQLite::Database& db)
  : head_seq_(db, "SELECT MAX(COALESCE((SELECT MAX(seq) FROM posts), 0), "
                  "COALESCE((SELECT MAX(seq) FROM standing_events), 0))"),
    column_types_(db, "SELECT id, type FROM user_columns WHERE user_id = ?"),
    own_authors_(db, "SELECT network, network_user_id, page_id "
                     "FROM linked_accounts"),
    frozen_top10_(db, "SELECT contact_id FROM top10_snapshot "
                      "WHERE day = ? AND rank > 0"),
    column_posts_(db, "SELECT cp.post_id FROM column_posts cp JOIN posts p "
                      "ON p.id = cp.post_id WHERE cp.column_id = ? "
                      "AND p.seq > ? AND p.seq <= ?") {
}

std::int64_t live_repository::head_seq() {
  reset_after done(head_seq_);
  head_seq_.executeStep();
  return head_seq_.getColumn(0).getInt64();
}

std::map<std::int64_t, column_type>
live_repository::column_types(std::int64_t user_id) {
  std::map<std::int64_t, column_type> out;
  auto& st = column_types_;
  reset_after done(st);
  st.bind(1, user_id);
  while (st.executeStep())
    out[st.getColumn(0).getInt64()]
      = parse_column_type(st.getColumn(1).getString())
          .value_or(column_type::keyword);
  return out;
}

std::vector<author_key> live_repository::own_authors() {
  std::vector<author_key> out;
  auto& st = own_authors_;
  reset_after done(st);
  while (st.executeStep()) {
    auto net = parse_network(st.getColumn(0).getString());
    if (!net)
      continue;
    out.push_back({*net, st.getColumn(1).getString()});
    auto page = st.getColumn(2).getString();
    if (!page.empty())
      out.push_back({*net, page});
  }
  return out;
}

std::vector<std::int64_t> live_repository::frozen_top10(std::int64_t day) {
  std::vector<std::int64_t> out;
  auto& st = frozen_top10_;
  reset_after done(st);
  st.bind(1, day);
  while (st.executeStep())
    out.push_back(st.getColumn(0).getInt64());
  return out;
}

std::vector<std::int64_t>
live_repository::column_posts_between(std::int64_t column_id,
                                      std::int64_t after_seq,
                                      std::int64_t upto_seq) {
  std::vector<std::int64_t> out;
  auto& st = column_posts_;
  reset_after done(st);
  st.bind(1, column_id);
  st.bind(2, after_seq);
  st.bind(3, upto_seq);
  while (st.executeStep())
    out.push_back(st.getColumn(0).getInt64());
  return out;
}

} // namespace socialcrm::storage
