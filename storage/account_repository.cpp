#include "storage/account_repository.hpp"
#include "storage/id_sequence.hpp"
#include "storage/savepoint.hpp"

#include <SQLiteCpp/Statement.h>

namespace socialcrm::storage {

namespace {

constexpr const char* columns
  = "id, network, network_user_id, handle, page_id, page_name, "
    "COALESCE(access_token, x''), COALESCE(refresh_token, x''), "
    "COALESCE(token_expires_at, 0), status, COALESCE(linked_by, 0), "
    "created_at";

std::string blob(const SQLite::Column& c) {
  return std::string(static_cast<const char*>(c.getBlob()),
                     static_cast<size_t>(c.getBytes()));
}

linked_account read(SQLite::Statement& st) {
  linked_account a;
  a.id = st.getColumn(0).getInt64();
  a.net = parse_network(st.getColumn(1).getString()).value_or(network::x);
  a.network_user_id = st.getColumn(2).getString();
  a.handle = st.getColumn(3).getString();
  a.page_id = st.getColumn(4).getString();
  a.page_name = st.getColumn(5).getString();
  a.access_token = blob(st.getColumn(6));
  a.refresh_token = blob(st.getColumn(7));
  a.token_expires_at = st.getColumn(8).getInt64();
  // linked_accounts.status has a CHECK naming exactly these states.
  a.status = parse_account_status(st.getColumn(9).getString())
               .value_or(account_status::paused);
  a.linked_by = st.getColumn(10).getInt64();
  a.created_at = st.getColumn(11).getInt64();
  return a;
}

std::vector<linked_account> read_all(SQLite::Statement& st) {
  std::vector<linked_account> out;
  while (st.executeStep())
    out.push_back(read(st));
  return out;
}

} // namespace

account_repository::account_repository(SQLite::Database& db) : db_(db) {
}

std::int64_t account_repository::add(const linked_account& a,
                                     std::int64_t linked_by, unix_ms now) {
  savepoint sp(db_, "account_add");
  auto id = next_id(db_, id_table::linked_accounts);
  SQLite::Statement st(db_,
                       "INSERT INTO linked_accounts (network, network_user_id, "
                       "handle, page_id, page_name, access_token, "
                       "refresh_token, token_expires_at, status, linked_by, "
                       "created_at, id) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, "
                       "NULLIF(?, 0), ?, ?)");
  st.bind(1, std::string(to_string(a.net)));
  st.bind(2, a.network_user_id);
  st.bind(3, a.handle);
  st.bind(4, a.page_id);
  st.bind(5, a.page_name);
  st.bind(6, a.access_token.data(), static_cast<int>(a.access_token.size()));
  st.bind(7, a.refresh_token.data(), static_cast<int>(a.refresh_token.size()));
  st.bind(8, a.token_expires_at);
  st.bind(9, std::string(to_string(a.status)));
  st.bind(10, linked_by);
  st.bind(11, now);
  st.bind(12, id);
  st.exec();
  if (a.status != account_status::pending_page)
    reattach(id, a);
  sp.release();
  return id;
}

std::optional<linked_account> account_repository::find(std::int64_t id) {
  SQLite::Statement st(db_, std::string("SELECT ") + columns
                              + " FROM linked_accounts WHERE id = ?");
  st.bind(1, id);
  if (!st.executeStep())
    return std::nullopt;
  return read(st);
}

std::vector<linked_account> account_repository::all() {
  SQLite::Statement st(db_, std::string("SELECT ") + columns
                              + " FROM linked_accounts ORDER BY id");
  return read_all(st);
}

std::vector<linked_account> account_repository::pollable() {
  SQLite::Statement st(db_, std::string("SELECT ") + columns
                              + " FROM linked_accounts WHERE status = "
                                "'active' ORDER BY id");
  return read_all(st);
}

bool account_repository::set_status(std::int64_t id, account_status status) {
  SQLite::Statement st(db_,
                       "UPDATE linked_accounts SET status = ? WHERE id = ?");
  st.bind(1, std::string(to_string(status)));
  st.bind(2, id);
  return st.exec() == 1;
}

bool account_repository::update_tokens(std::int64_t id,
                                       const std::string& access,
                                       const std::string& refresh,
                                       unix_ms expires_at) {
  SQLite::Statement st(db_, "UPDATE linked_accounts SET access_token = ?, "
                            "refresh_token = ?, token_expires_at = ? "
                            "WHERE id = ?");
  st.bind(1, access.data(), static_cast<int>(access.size()));
  st.bind(2, refresh.data(), static_cast<int>(refresh.size()));
  st.bind(3, expires_at);
  st.bind(4, id);
  return st.exec() == 1;
}

bool account_repository::remove(std::int64_t id) {
  // The posts' identity is written down in the same savepoint that deletes
  // the row (and so sets their account_id to NULL): no post is left that a
  // later link could not take back.
  savepoint sp(db_, "account_remove");
  SQLite::Statement keep(db_,
                         "INSERT OR REPLACE INTO unlinked_posts (post_id, "
                         "network, network_user_id, page_id) SELECT p.id, "
                         "a.network, a.network_user_id, a.page_id FROM posts p "
                         "JOIN linked_accounts a ON a.id = p.account_id "
                         "WHERE p.account_id = ?");
  keep.bind(1, id);
  keep.exec();
  SQLite::Statement st(db_, "DELETE FROM linked_accounts WHERE id = ?");
  st.bind(1, id);
  bool removed = st.exec() == 1;
  sp.release();
  return removed;
}

std::int64_t account_repository::reattach(std::int64_t id,
                                          const linked_account& identity) {
  SQLite::Statement move(db_,
                         "UPDATE posts SET account_id = ? WHERE account_id IS "
                         "NULL AND id IN (SELECT post_id FROM unlinked_posts "
                         "WHERE network = ? AND network_user_id = ? AND "
                         "page_id = ?)");
  move.bind(1, id);
  move.bind(2, std::string(to_string(identity.net)));
  move.bind(3, identity.network_user_id);
  move.bind(4, identity.page_id);
  auto moved = move.exec();
  SQLite::Statement done(db_, "DELETE FROM unlinked_posts WHERE network = ? "
                              "AND network_user_id = ? AND page_id = ?");
  done.bind(1, std::string(to_string(identity.net)));
  done.bind(2, identity.network_user_id);
  done.bind(3, identity.page_id);
  done.exec();
  return moved;
}

std::optional<linked_account>
account_repository::find_identity(network net, const std::string& user_id,
                                  const std::string& page_id) {
  SQLite::Statement st(db_, std::string("SELECT ") + columns
                              + " FROM linked_accounts WHERE network = ? AND "
                                "network_user_id = ? AND page_id = ?");
  st.bind(1, std::string(to_string(net)));
  st.bind(2, user_id);
  st.bind(3, page_id);
  if (!st.executeStep())
    return std::nullopt;
  return read(st);
}

bool account_repository::update(const linked_account& a) {
  savepoint sp(db_, "account_update");
  SQLite::Statement st(db_, "UPDATE linked_accounts SET network_user_id = ?, "
                            "handle = ?, page_id = ?, page_name = ?, "
                            "access_token = ?, refresh_token = ?, "
                            "token_expires_at = ?, status = ? WHERE id = ?");
  st.bind(1, a.network_user_id);
  st.bind(2, a.handle);
  st.bind(3, a.page_id);
  st.bind(4, a.page_name);
  st.bind(5, a.access_token.data(), static_cast<int>(a.access_token.size()));
  st.bind(6, a.refresh_token.data(), static_cast<int>(a.refresh_token.size()));
  st.bind(7, a.token_expires_at);
  st.bind(8, std::string(to_string(a.status)));
  st.bind(9, a.id);
  bool updated = st.exec() == 1;
  if (updated && a.status != account_status::pending_page)
    reattach(a.id, a);
  sp.release();
  return updated;
}

std::int64_t account_repository::linked_count() {
  SQLite::Statement st(db_, "SELECT COUNT(*) FROM linked_accounts "
                            "WHERE status != 'pending_page'");
  st.executeStep();
  return st.getColumn(0).getInt64();
}

std::optional<linked_account> account_repository::first_active(network net) {
  SQLite::Statement st(db_, std::string("SELECT ") + columns
                              + " FROM linked_accounts WHERE network = ? AND "
                                "status = 'active' ORDER BY id LIMIT 1");
  st.bind(1, std::string(to_string(net)));
  if (!st.executeStep())
    return std::nullopt;
  return read(st);
}

int account_repository::remove_pending_before(unix_ms cutoff) {
  {
    // Readers call this on every list: take the write lock only when there
    // is something to delete.
    SQLite::Statement any(db_, "SELECT 1 FROM linked_accounts WHERE status "
                               "= 'pending_page' AND created_at < ? LIMIT 1");
    any.bind(1, cutoff);
    if (!any.executeStep())
      return 0;
  }
  SQLite::Statement st(db_, "DELETE FROM linked_accounts WHERE status = "
                            "'pending_page' AND created_at < ?");
  st.bind(1, cutoff);
  return st.exec();
}

std::int64_t account_repository::post_count(std::int64_t id) {
  SQLite::Statement st(db_, "SELECT COUNT(*) FROM posts WHERE account_id = ?");
  st.bind(1, id);
  st.executeStep();
  return st.getColumn(0).getInt64();
}

std::vector<std::string> account_repository::associated_user_ids(network net) {
  SQLite::Statement st(db_, "SELECT network_user_id FROM social_profiles "
                            "WHERE network = ? ORDER BY id");
  st.bind(1, std::string(to_string(net)));
  std::vector<std::string> out;
  while (st.executeStep())
    out.push_back(st.getColumn(0).getString());
  return out;
}

} // namespace socialcrm::storage
