#include "storage/post_repository.hpp"

namespace socialcrm::storage {

post_repository::post_repository(SQLite::Database& db)
  : db_(db),
    insert_(db, "INSERT INTO posts (seq, network, external_id, account_id, "
                "kind, author_id, author_handle, author_name, text, "
                "created_at, in_reply_to, media_url, stored_at) "
                "VALUES (?, ?, ?, NULLIF(?, 0), ?, ?, ?, ?, ?, ?, ?, ?, ?) "
                "ON CONFLICT (network, external_id) DO NOTHING"),
    find_id_(db, "SELECT id FROM posts WHERE network = ? AND external_id = ?"),
    add_to_column_(db, "INSERT OR IGNORE INTO column_posts (column_id, "
                       "post_id) VALUES (?, ?)"),
    after_(db, "SELECT id, seq, COALESCE(account_id, 0), network, "
               "external_id, kind, author_id, author_handle, author_name, "
               "text, created_at, in_reply_to, media_url FROM posts "
               "WHERE seq > ? ORDER BY seq LIMIT ?") {
}

std::optional<std::int64_t> post_repository::insert(const post& p,
                                                    std::int64_t account_id,
                                                    std::int64_t seq,
                                                    unix_ms now) {
  // tryReset, here and in every repository that keeps its statements: a
  // statement whose last step failed (a full disk) reports that stale
  // error again on reset and would refuse the first write after recovery.
  // The reset happens either way; the next step tells the truth.
  insert_.tryReset();
  insert_.bind(1, seq);
  // The enum names are NUL-terminated literals, so no copy is needed.
  insert_.bindNoCopy(2, to_string(p.net).data());
  insert_.bindNoCopy(3, p.external_id);
  insert_.bind(4, account_id);
  insert_.bindNoCopy(5, to_string(p.kind).data());
  insert_.bindNoCopy(6, p.from.network_user_id);
  insert_.bindNoCopy(7, p.from.handle);
  insert_.bindNoCopy(8, p.from.name);
  insert_.bindNoCopy(9, p.text);
  insert_.bind(10, p.created_at);
  insert_.bindNoCopy(11, p.in_reply_to);
  insert_.bindNoCopy(12, p.media_url);
  insert_.bind(13, now);
  if (insert_.exec() == 0)
    return std::nullopt;
  return db_.getLastInsertRowid();
}

std::optional<std::int64_t>
post_repository::find_id(network net, const std::string& external_id) {
  find_id_.tryReset();
  find_id_.bind(1, std::string(to_string(net)));
  find_id_.bind(2, external_id);
  if (!find_id_.executeStep())
    return std::nullopt;
  auto id = find_id_.getColumn(0).getInt64();
  find_id_.tryReset(); // ends the statement's read transaction now
  return id;
}

void post_repository::add_to_column(std::int64_t column_id,
                                    std::int64_t post_id) {
  add_to_column_.tryReset();
  add_to_column_.bind(1, column_id);
  add_to_column_.bind(2, post_id);
  add_to_column_.exec();
}

expected<std::vector<stored_post>>
post_repository::after(std::int64_t after, int limit) {
  std::vector<stored_post> out;
  auto& st = after_;
  st.tryReset();
  st.bind(1, after);
  st.bind(2, limit);
  while (st.executeStep()) {
    stored_post sp;
    sp.id = st.getColumn(0).getInt64();
    sp.seq = st.getColumn(1).getInt64();
    sp.account_id = st.getColumn(2).getInt64();
    auto net = parse_network(st.getColumn(3).getString());
    sp.body.external_id = st.getColumn(4).getString();
    auto kind = parse_post_kind(st.getColumn(5).getString());
    if (!net || !kind) {
      auto what = net ? "kind '" + st.getColumn(5).getString() + "'"
                      : "network '" + st.getColumn(3).getString() + "'";
      st.tryReset(); // ends the statement's read transaction now
      return make_error("bad_row", "post " + std::to_string(sp.id) + " has a "
                                     + what + " unknown to this socialcrm");
    }
    sp.body.net = *net;
    sp.body.kind = *kind;
    sp.body.from = {st.getColumn(6).getString(), st.getColumn(7).getString(),
                    st.getColumn(8).getString()};
    sp.body.text = st.getColumn(9).getString();
    sp.body.created_at = st.getColumn(10).getInt64();
    sp.body.in_reply_to = st.getColumn(11).getString();
    sp.body.media_url = st.getColumn(12).getString();
    out.push_back(std::move(sp));
  }
  return out;
}

std::int64_t post_repository::count() {
  return db_.execAndGet("SELECT COUNT(*) FROM posts").getInt64();
}

std::int64_t post_repository::max_seq() {
  return db_
    .execAndGet("SELECT MAX(COALESCE((SELECT MAX(seq) FROM posts), 0), "
                "COALESCE((SELECT MAX(seq) FROM standing_events), 0))")
    .getInt64();
}

} // namespace socialcrm::storage
