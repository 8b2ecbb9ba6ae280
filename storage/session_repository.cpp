#include "storage/session_repository.hpp"

#include "storage/sql_values.hpp"

#include <SQLiteCpp/Statement.h>

namespace socialcrm::storage {

namespace {

void bind_blob(SQLite::Statement& st, int index, const std::string& bytes) {
  st.bind(index, bytes.data(), static_cast<int>(bytes.size()));
}

constexpr const char* token_columns =
    "id, user_id, name, created_at, COALESCE(last_used_at, 0), "
    "COALESCE(revoked_at, 0)";

token_info read_token(SQLite::Statement& st) {
  token_info t;
  t.id = st.getColumn(0).getInt64();
  t.user_id = st.getColumn(1).getInt64();
  t.name = st.getColumn(2).getString();
  t.created_at = st.getColumn(3).getInt64();
  t.last_used_at = st.getColumn(4).getInt64();
  t.revoked_at = st.getColumn(5).getInt64();
  return t;
}

} // namespace

session_repository::session_repository(SQLite::Database& db)
    : db_(db) {}

std::int64_t session_repository::create_session(std::int64_t user_id,
                                                const std::string& digest,
                                                const std::string& csrf,
                                                unix_ms now,
                                                unix_ms expires_at) {
  SQLite::Statement st(db_, "INSERT INTO sessions (token_hash, user_id, "
                            "csrf_token, created_at, expires_at, "
                            "last_seen_at) VALUES (?, ?, ?, ?, ?, ?)");
  bind_blob(st, 1, digest);
  st.bind(2, user_id);
  st.bind(3, csrf);
  st.bind(4, now);
  st.bind(5, expires_at);
  st.bind(6, now);
  st.exec();
  return db_.getLastInsertRowid();
}

std::optional<session_repository::session_row>
session_repository::find_session(const std::string& digest, unix_ms now) {
  SQLite::Statement st(db_, "SELECT id, user_id, csrf_token, expires_at "
                            "FROM sessions WHERE token_hash = ? "
                            "AND expires_at > ?");
  bind_blob(st, 1, digest);
  st.bind(2, now);
  if (!st.executeStep())
    return std::nullopt;
  return session_row{st.getColumn(0).getInt64(), st.getColumn(1).getInt64(),
                     st.getColumn(2).getString(), st.getColumn(3).getInt64()};
}

bool session_repository::delete_session(std::int64_t id) {
  return delete_row(db_, "sessions", id) > 0;
}

void session_repository::delete_session_by_digest(const std::string& digest) {
  SQLite::Statement st(db_, "DELETE FROM sessions WHERE token_hash = ?");
  bind_blob(st, 1, digest);
  st.exec();
}

int session_repository::delete_expired_sessions(unix_ms now) {
  SQLite::Statement st(db_, "DELETE FROM sessions WHERE expires_at <= ?");
  st.bind(1, now);
  return st.exec();
}

std::int64_t session_repository::count_sessions(unix_ms now) {
  SQLite::Statement st(db_, "SELECT COUNT(*) FROM sessions "
                            "WHERE expires_at > ?");
  st.bind(1, now);
  st.executeStep();
  return st.getColumn(0).getInt64();
}

token_info session_repository::create_token(std::int64_t user_id,
                                            const std::string& name,
                                            const std::string& digest,
                                            unix_ms now) {
  SQLite::Statement st(db_, "INSERT INTO api_tokens (token_hash, user_id, "
                            "name, created_at) VALUES (?, ?, ?, ?)");
  bind_blob(st, 1, digest);
  st.bind(2, user_id);
  st.bind(3, name);
  st.bind(4, now);
  st.exec();
  return *find_token_by_id(user_id, db_.getLastInsertRowid());
}

std::optional<token_info>
session_repository::find_token(const std::string& digest) {
  SQLite::Statement st(db_, std::string("SELECT ") + token_columns +
                                " FROM api_tokens WHERE token_hash = ? "
                                "AND revoked_at IS NULL");
  bind_blob(st, 1, digest);
  if (!st.executeStep())
    return std::nullopt;
  return read_token(st);
}

std::optional<token_info>
session_repository::find_token_by_id(std::int64_t user_id, std::int64_t id) {
  SQLite::Statement st(db_, std::string("SELECT ") + token_columns +
                                " FROM api_tokens WHERE id = ? "
                                "AND user_id = ?");
  st.bind(1, id);
  st.bind(2, user_id);
  if (!st.executeStep())
    return std::nullopt;
  return read_token(st);
}

void session_repository::touch_token(std::int64_t id, unix_ms now) {
  SQLite::Statement st(db_, "UPDATE api_tokens SET last_used_at = ? "
                            "WHERE id = ?");
  st.bind(1, now);
  st.bind(2, id);
  st.exec();
}

record_page<token_info> session_repository::list_tokens(std::int64_t user_id,
                                                        std::int64_t offset,
                                                        std::int64_t limit) {
  SQLite::Statement st(db_, std::string("SELECT ") + token_columns +
                                " FROM api_tokens WHERE user_id = ? "
                                "ORDER BY id LIMIT ? OFFSET ?");
  st.bind(1, user_id);
  st.bind(2, limit + 1);
  st.bind(3, offset);
  return read_page<record_page<token_info>>(st, limit, read_token);
}

expected<token_info> session_repository::revoke_token(std::int64_t user_id,
                                                      std::int64_t id,
                                                      unix_ms now) {
  SQLite::Statement st(db_, "UPDATE api_tokens SET revoked_at = ? "
                            "WHERE id = ? AND user_id = ? "
                            "AND revoked_at IS NULL");
  st.bind(1, now);
  st.bind(2, id);
  st.bind(3, user_id);
  st.exec();
  auto t = find_token_by_id(user_id, id);
  if (!t)
    return make_error("not_found",
                      "token " + std::to_string(id) + " does not exist");
  return *t;
}

std::int64_t session_repository::count_attempts(const std::string& key,
                                                unix_ms since) {
  SQLite::Statement st(db_, "SELECT COUNT(*) FROM sign_in_attempts "
                            "WHERE key = ? AND at >= ?");
  st.bind(1, key);
  st.bind(2, since);
  st.executeStep();
  return st.getColumn(0).getInt64();
}

void session_repository::add_attempt(const std::string& key, unix_ms at) {
  SQLite::Statement st(db_, "INSERT INTO sign_in_attempts (key, at) "
                            "VALUES (?, ?)");
  st.bind(1, key);
  st.bind(2, at);
  st.exec();
}

void session_repository::clear_attempts(const std::string& key) {
  SQLite::Statement st(db_, "DELETE FROM sign_in_attempts WHERE key = ?");
  st.bind(1, key);
  st.exec();
}

void session_repository::prune_attempts(unix_ms before) {
  SQLite::Statement st(db_, "DELETE FROM sign_in_attempts WHERE at < ?");
  st.bind(1, before);
  st.exec();
}

} // namespace socialcrm::storage
