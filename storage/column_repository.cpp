#include "storage/column_repository.hpp"
#include "storage/id_sequence.hpp"

#include <SQLiteCpp/Statement.h>
#include <SQLiteCpp/Transaction.h>

#include <algorithm>
#include <map>

namespace socialcrm::storage {

std::string_view to_string(column_type t) {
  switch (t) {
    case column_type::keyword:
      return "keyword";
    case column_type::custom:
      return "custom";
    case column_type::my_posts:
      return "my_posts";
  }
  return "keyword";
}

std::optional<column_type> parse_column_type(std::string_view s) {
  for (auto t : {column_type::keyword, column_type::custom,
                 column_type::my_posts})
    if (to_string(t) == s)
      return t;
  return std::nullopt;
}

namespace {

bool person_exists(SQLite::Database& db, person_ref p) {
  SQLite::Statement st(db, std::string("SELECT 1 FROM ")
                             + (p.type == record_type::lead ? "leads"
                                                            : "contacts")
                             + " WHERE id = ?");
  st.bind(1, p.id);
  return st.executeStep();
}

std::size_t follows_of(SQLite::Database& db, std::int64_t user_id) {
  SQLite::Statement st(
    db, "SELECT (SELECT COUNT(*) FROM column_terms t JOIN user_columns c "
        "ON c.id = t.column_id WHERE c.user_id = ?1) + (SELECT COUNT(*) "
        "FROM column_people p JOIN user_columns c ON c.id = p.column_id "
        "WHERE c.user_id = ?1)");
  st.bind(1, user_id);
  st.executeStep();
  return static_cast<std::size_t>(st.getColumn(0).getInt64());
}

} // namespace

column_repository::column_repository(SQLite::Database& db) : db_(db) {
}

expected<std::int64_t> column_repository::add(const user_column& c,
                                              unix_ms now) {
  if (c.terms.size() > max_terms_per_column)
    return make_error("too_many_terms",
                      "a keyword column searches at most "
                        + std::to_string(max_terms_per_column) + " terms");
  if (c.people.size() > max_people_per_column)
    return make_error("too_many_people",
                      "a custom column follows at most "
                        + std::to_string(max_people_per_column) + " people");
  if (c.type == column_type::keyword && c.terms.empty())
    return make_error("empty_column", "a keyword column needs a term");
  if (c.type == column_type::custom && c.people.empty())
    return make_error("empty_column", "a custom column needs a person");
  for (auto& t : c.terms)
    if (t.empty() || t.size() > max_term_length
        || t.find_first_not_of(" \t") == std::string::npos)
      return make_error("bad_term", "a search term must be 1 to "
                                      + std::to_string(max_term_length)
                                      + " characters and not blank");
  SQLite::Transaction tx(db_, SQLite::TransactionBehavior::IMMEDIATE);
  for (auto& p : c.people)
    if (!person_exists(db_, p))
      return make_error("person_not_found",
                        std::string(to_string(p.type)) + " "
                          + std::to_string(p.id) + " does not exist");
  auto used = follows_of(db_, c.user_id);
  if (used + c.terms.size() + c.people.size() > max_follows_per_user)
    return make_error("follow_limit",
                      "at most " + std::to_string(max_follows_per_user)
                        + " terms and people over all your columns; "
                        + std::to_string(used) + " are in use");
  auto id = next_id(db_, id_table::user_columns);
  SQLite::Statement ins(db_, "INSERT INTO user_columns (user_id, type, title, "
                             "position, created_at, id) VALUES (?, ?, ?, "
                             "(SELECT COUNT(*) FROM user_columns "
                             "WHERE user_id = ?1), ?, ?)");
  ins.bind(1, c.user_id);
  ins.bind(2, std::string(to_string(c.type)));
  ins.bind(3, c.title);
  ins.bind(4, now);
  ins.bind(5, id);
  ins.exec();
  SQLite::Statement term(db_, "INSERT INTO column_terms (column_id, position, "
                              "term) VALUES (?, ?, ?)");
  for (size_t i = 0; i < c.terms.size(); ++i) {
    term.tryReset();
    term.bind(1, id);
    term.bind(2, static_cast<int>(i));
    term.bind(3, c.terms[i]);
    term.exec();
  }
  SQLite::Statement person(db_, "INSERT OR IGNORE INTO column_people "
                                "(column_id, record_type, record_id) "
                                "VALUES (?, ?, ?)");
  for (auto& p : c.people) {
    person.tryReset();
    person.bind(1, id);
    person.bind(2, std::string(to_string(p.type)));
    person.bind(3, p.id);
    person.exec();
  }
  tx.commit();
  return id;
}

std::vector<user_column> column_repository::load(const std::string& where,
                                                 std::int64_t arg) {
  std::vector<user_column> out;
  std::map<std::int64_t, size_t> index;
  SQLite::Statement st(db_, "SELECT id, user_id, type, title FROM user_columns "
                              + where + " ORDER BY user_id, position, id");
  if (!where.empty())
    st.bind(1, arg);
  while (st.executeStep()) {
    user_column c;
    c.id = st.getColumn(0).getInt64();
    c.user_id = st.getColumn(1).getInt64();
    c.type = parse_column_type(st.getColumn(2).getString())
               .value_or(column_type::keyword);
    c.title = st.getColumn(3).getString();
    index[c.id] = out.size();
    out.push_back(std::move(c));
  }
  SQLite::Statement terms(db_, "SELECT column_id, term FROM column_terms "
                               "ORDER BY column_id, position");
  while (terms.executeStep())
    if (auto i = index.find(terms.getColumn(0).getInt64()); i != index.end())
      out[i->second].terms.push_back(terms.getColumn(1).getString());
  SQLite::Statement people(db_, "SELECT column_id, record_type, record_id "
                                "FROM column_people ORDER BY column_id");
  while (people.executeStep())
    if (auto i = index.find(people.getColumn(0).getInt64()); i != index.end())
      out[i->second].people.push_back(
        {parse_record_type(people.getColumn(1).getString())
           .value_or(record_type::lead),
         people.getColumn(2).getInt64()});
  return out;
}

std::vector<user_column> column_repository::all() {
  return load("", 0);
}

std::vector<user_column> column_repository::of_user(std::int64_t user_id) {
  return load("WHERE user_id = ?", user_id);
}

bool column_repository::remove(std::int64_t id, std::int64_t user_id) {
  SQLite::Statement st(db_,
                       "DELETE FROM user_columns WHERE id = ? AND user_id = ?");
  st.bind(1, id);
  st.bind(2, user_id);
  return st.exec() == 1;
}

} // namespace socialcrm::storage
