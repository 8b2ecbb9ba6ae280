#include "storage/activity_repository.hpp"

#include <SQLiteCpp/Statement.h>

#include <algorithm>

namespace socialcrm::storage {

namespace {

constexpr const char* select_entries
  = "SELECT id, user_id, action, network, COALESCE(account_id, 0), "
    "COALESCE(post_id, 0), record_type, COALESCE(record_id, 0), detail, "
    "created_at FROM activity ";

// The entries a statement of select_entries finds, in its order.
std::vector<activity_entry> read_entries(SQLite::Statement& st);

} // namespace

std::string excerpt(std::string_view text, std::size_t max_chars) {
  std::size_t chars = 0;
  for (std::size_t i = 0; i < text.size(); ++i) {
    // A code point starts at every byte that is not a continuation byte.
    if ((static_cast<unsigned char>(text[i]) & 0xC0) == 0x80)
      continue;
    if (chars == max_chars)
      return std::string(text.substr(0, i)) + "\xE2\x80\xA6"; // …
    ++chars;
  }
  return std::string(text);
}

activity_repository::activity_repository(SQLite::Database& db) : db_(db) {
}

std::int64_t activity_repository::add(const activity_entry& e) {
  SQLite::Statement st(
    db_, "INSERT INTO activity (user_id, action, network, account_id, "
         "post_id, record_type, record_id, detail, created_at) "
         "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)");
  st.bind(1, e.user_id);
  st.bind(2, e.action);
  st.bind(3, e.network);
  // Ids that name nothing are stored as NULL, not as a fake 0.
  if (e.account_id != 0)
    st.bind(4, e.account_id);
  if (e.post_id != 0)
    st.bind(5, e.post_id);
  st.bind(6, e.record_type);
  if (e.record_id != 0)
    st.bind(7, e.record_id);
  st.bind(8, excerpt(e.detail, max_activity_detail));
  st.bind(9, e.created_at);
  st.exec();
  return db_.getLastInsertRowid();
}

std::vector<activity_entry>
activity_repository::list(std::int64_t user_id, std::int64_t before_id,
                          int limit) {
  SQLite::Statement st(db_, std::string(select_entries)
                              + "WHERE user_id = ? AND (? = 0 OR id < ?) "
                                "ORDER BY id DESC LIMIT ?");
  st.bind(1, user_id);
  st.bind(2, before_id);
  st.bind(3, before_id);
  st.bind(4, std::clamp(limit, 1, max_activity_page));
  return read_entries(st);
}

std::vector<activity_entry> activity_repository::about(person_ref who,
                                                       int limit) {
  SQLite::Statement st(db_, std::string(select_entries)
                              + "WHERE record_type = ? AND record_id = ? "
                                "ORDER BY id DESC LIMIT ?");
  st.bind(1, std::string(to_string(who.type)));
  st.bind(2, who.id);
  st.bind(3, std::clamp(limit, 1, max_activity_page));
  return read_entries(st);
}

namespace {

std::vector<activity_entry> read_entries(SQLite::Statement& st) {
  std::vector<activity_entry> out;
  while (st.executeStep()) {
    activity_entry e;
    e.id = st.getColumn(0).getInt64();
    e.user_id = st.getColumn(1).getInt64();
    e.action = st.getColumn(2).getString();
    e.network = st.getColumn(3).getString();
    e.account_id = st.getColumn(4).getInt64();
    e.post_id = st.getColumn(5).getInt64();
    e.record_type = st.getColumn(6).getString();
    e.record_id = st.getColumn(7).getInt64();
    e.detail = st.getColumn(8).getString();
    e.created_at = st.getColumn(9).getInt64();
    out.push_back(std::move(e));
  }
  return out;
}

} // namespace

} // namespace socialcrm::storage
