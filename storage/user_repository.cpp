#include "storage/user_repository.hpp"

#include "storage/sql_values.hpp"

#include <SQLiteCpp/Statement.h>

namespace socialcrm::storage {

namespace {

constexpr const char* user_columns =
    "id, email, name, profile_id, super_admin, active, created_at";
constexpr const char* profile_columns =
    "id, name, builtin, social_tab, social_profile_link, social_admin, "
    "admin, created_at";

user_info read_user(SQLite::Statement& st) {
  user_info u;
  u.id = st.getColumn(0).getInt64();
  u.email = st.getColumn(1).getString();
  u.name = st.getColumn(2).getString();
  u.profile_id = st.getColumn(3).getInt64();
  u.super_admin = st.getColumn(4).getInt() != 0;
  u.active = st.getColumn(5).getInt() != 0;
  u.created_at = st.getColumn(6).getInt64();
  return u;
}

profile_info read_profile(SQLite::Statement& st) {
  profile_info p;
  p.id = st.getColumn(0).getInt64();
  p.name = st.getColumn(1).getString();
  p.builtin = st.getColumn(2).getInt() != 0;
  p.perms.social_tab = st.getColumn(3).getInt() != 0;
  p.perms.social_profile_link = st.getColumn(4).getInt() != 0;
  p.perms.social_admin = st.getColumn(5).getInt() != 0;
  p.perms.admin = st.getColumn(6).getInt() != 0;
  p.created_at = st.getColumn(7).getInt64();
  return p;
}

} // namespace

user_repository::user_repository(SQLite::Database& db)
    : db_(db) {}

void user_repository::ensure_defaults(const std::string& edition, unix_ms now) {
  SQLite::Statement org(db_, "INSERT OR IGNORE INTO organisation (id, name, "
                             "edition, created_at) VALUES (1, ?, ?, ?)");
  org.bind(1, "socialcrm");
  org.bind(2, edition);
  org.bind(3, now);
  org.exec();
  profile_info admin;
  admin.name = administrator_profile;
  admin.perms = {true, true, true, true};
  profile_info standard;
  standard.name = standard_profile;
  standard.perms = {true, true, false, false};
  for (auto* p : {&admin, &standard})
    if (!find_profile(p->name))
      create_profile(*p, true, now);
}

std::int64_t user_repository::count_users() {
  return db_.execAndGet("SELECT COUNT(*) FROM users").getInt64();
}

std::optional<user_info> user_repository::find_user(std::int64_t id) {
  SQLite::Statement st(db_, std::string("SELECT ") + user_columns +
                                " FROM users WHERE id = ?");
  st.bind(1, id);
  if (!st.executeStep())
    return std::nullopt;
  return read_user(st);
}

std::optional<std::pair<user_info, std::string>>
user_repository::find_by_email(const std::string& email) {
  SQLite::Statement st(db_, std::string("SELECT ") + user_columns +
                                ", password_hash FROM users WHERE email = ?");
  st.bind(1, email);
  if (!st.executeStep())
    return std::nullopt;
  return std::make_pair(read_user(st), st.getColumn(7).getString());
}

expected<user_info> user_repository::create_user(const user_info& u,
                                                 const std::string& hash,
                                                 unix_ms now) {
  if (find_by_email(u.email))
    return make_error("email_taken", "a user with this e-mail exists");
  if (!find_profile(u.profile_id))
    return make_error("profile_not_found", "profile " +
                                               std::to_string(u.profile_id) +
                                               " does not exist");
  SQLite::Statement st(db_, "INSERT INTO users (email, name, password_hash, "
                            "profile_id, super_admin, active, created_at) "
                            "VALUES (?, ?, ?, ?, ?, ?, ?)");
  st.bind(1, u.email);
  st.bind(2, u.name);
  st.bind(3, hash);
  st.bind(4, u.profile_id);
  st.bind(5, u.super_admin ? 1 : 0);
  st.bind(6, u.active ? 1 : 0);
  st.bind(7, now);
  st.exec();
  return *find_user(db_.getLastInsertRowid());
}

expected<user_info> user_repository::update_user(const user_info& u) {
  if (!find_profile(u.profile_id))
    return make_error("profile_not_found", "profile " +
                                               std::to_string(u.profile_id) +
                                               " does not exist");
  SQLite::Statement st(db_, "UPDATE users SET name = ?, profile_id = ?, "
                            "active = ? WHERE id = ?");
  st.bind(1, u.name);
  st.bind(2, u.profile_id);
  st.bind(3, u.active ? 1 : 0);
  st.bind(4, u.id);
  if (st.exec() == 0)
    return make_error("not_found",
                      "user " + std::to_string(u.id) + " does not exist");
  if (!u.active) // a deactivated user is signed out everywhere
    db_.exec("DELETE FROM sessions WHERE user_id = " + std::to_string(u.id));
  return *find_user(u.id);
}

record_page<user_info> user_repository::list_users(std::int64_t offset,
                                                   std::int64_t limit) {
  SQLite::Statement st(db_, std::string("SELECT ") + user_columns +
                                " FROM users ORDER BY id LIMIT ? OFFSET ?");
  st.bind(1, limit + 1);
  st.bind(2, offset);
  return read_page<record_page<user_info>>(st, limit, read_user);
}

std::optional<profile_info> user_repository::find_profile(std::int64_t id) {
  SQLite::Statement st(db_, std::string("SELECT ") + profile_columns +
                                " FROM profiles WHERE id = ?");
  st.bind(1, id);
  if (!st.executeStep())
    return std::nullopt;
  return read_profile(st);
}

std::optional<profile_info>
user_repository::find_profile(const std::string& name) {
  SQLite::Statement st(db_, std::string("SELECT ") + profile_columns +
                                " FROM profiles WHERE name = ?");
  st.bind(1, name);
  if (!st.executeStep())
    return std::nullopt;
  return read_profile(st);
}

expected<profile_info> user_repository::create_profile(const profile_info& p,
                                                       bool builtin,
                                                       unix_ms now) {
  if (find_profile(p.name))
    return make_error("profile_name_taken",
                      "a profile named '" + p.name + "' exists");
  SQLite::Statement st(db_, "INSERT INTO profiles (name, builtin, "
                            "social_tab, social_profile_link, social_admin, "
                            "admin, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)");
  st.bind(1, p.name);
  st.bind(2, builtin ? 1 : 0);
  st.bind(3, p.perms.social_tab ? 1 : 0);
  st.bind(4, p.perms.social_profile_link ? 1 : 0);
  st.bind(5, p.perms.social_admin ? 1 : 0);
  st.bind(6, p.perms.admin ? 1 : 0);
  st.bind(7, now);
  st.exec();
  return *find_profile(db_.getLastInsertRowid());
}

expected<profile_info> user_repository::update_profile(const profile_info& p) {
  auto same_name = find_profile(p.name);
  if (same_name && same_name->id != p.id)
    return make_error("profile_name_taken",
                      "a profile named '" + p.name + "' exists");
  SQLite::Statement st(db_, "UPDATE profiles SET name = ?, social_tab = ?, "
                            "social_profile_link = ?, social_admin = ?, "
                            "admin = ? WHERE id = ?");
  st.bind(1, p.name);
  st.bind(2, p.perms.social_tab ? 1 : 0);
  st.bind(3, p.perms.social_profile_link ? 1 : 0);
  st.bind(4, p.perms.social_admin ? 1 : 0);
  st.bind(5, p.perms.admin ? 1 : 0);
  st.bind(6, p.id);
  if (st.exec() == 0)
    return make_error("not_found",
                      "profile " + std::to_string(p.id) + " does not exist");
  return *find_profile(p.id);
}

record_page<profile_info> user_repository::list_profiles(std::int64_t offset,
                                                         std::int64_t limit) {
  SQLite::Statement st(db_, std::string("SELECT ") + profile_columns +
                                " FROM profiles ORDER BY id LIMIT ? OFFSET ?");
  st.bind(1, limit + 1);
  st.bind(2, offset);
  return read_page<record_page<profile_info>>(st, limit, read_profile);
}

organisation_info user_repository::organisation() {
  organisation_info org;
  SQLite::Statement st(db_, "SELECT name, edition FROM organisation "
                            "WHERE id = 1");
  if (st.executeStep()) {
    org.name = st.getColumn(0).getString();
    org.edition = st.getColumn(1).getString();
  }
  return org;
}

void user_repository::update_organisation(const organisation_info& org) {
  SQLite::Statement st(db_, "UPDATE organisation SET name = ?, edition = ? "
                            "WHERE id = 1");
  st.bind(1, org.name);
  st.bind(2, org.edition);
  st.exec();
}

} // namespace socialcrm::storage
