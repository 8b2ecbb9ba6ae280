#include "storage/people_repository.hpp"

namespace socialcrm::storage {

namespace {

constexpr const char* person_columns
  = "first_name, last_name, email, phone, website, company, origin, "
    "created_by, created_at, updated_at";

std::string insert_person_sql(const char* table) {
  return std::string("INSERT INTO ") + table + " (" + person_columns
         + ") VALUES (?, ?, ?, ?, ?, ?, ?, NULLIF(?, 0), ?, ?)";
}

const char* table_of(record_type t) {
  return t == record_type::lead ? "leads" : "contacts";
}

} // namespace

people_repository::people_repository(SQLite::Database& db)
  : db_(db),
    insert_lead_(db, insert_person_sql("leads")),
    insert_contact_(db, insert_person_sql("contacts")),
    owner_of_(db, "SELECT record_type, record_id FROM social_profiles "
                  "WHERE network = ? AND network_user_id = ?"),
    insert_profile_(db,
                    "INSERT INTO social_profiles (record_type, record_id, "
                    "network, network_user_id, handle, created_at) "
                    "VALUES (?, ?, ?, ?, ?, ?)"),
    move_profile_(db, "UPDATE social_profiles SET record_type = ?, "
                      "record_id = ?, handle = ? "
                      "WHERE network = ? AND network_user_id = ?"),
    profiles_of_(db, "SELECT network, network_user_id FROM social_profiles "
                     "WHERE record_type = ? AND record_id = ? ORDER BY id") {
}

std::int64_t people_repository::create(record_type type,
                                       const person_fields& f, unix_ms now) {
  auto& st = type == record_type::lead ? insert_lead_ : insert_contact_;
  st.tryReset();
  st.bind(1, f.first_name);
  st.bind(2, f.last_name);
  st.bind(3, f.email);
  st.bind(4, f.phone);
  st.bind(5, f.website);
  st.bind(6, f.company);
  st.bind(7, f.origin);
  st.bind(8, f.created_by);
  st.bind(9, now);
  st.bind(10, now);
  st.exec();
  return db_.getLastInsertRowid();
}

std::optional<person_record> people_repository::find(person_ref who) {
  // Rarely used on hot paths: prepared per call keeps the class small.
  SQLite::Statement st(db_, std::string("SELECT ") + person_columns + " FROM "
                              + table_of(who.type) + " WHERE id = ?");
  st.bind(1, who.id);
  if (!st.executeStep())
    return std::nullopt;
  person_record r;
  r.ref = who;
  r.fields.first_name = st.getColumn(0).getString();
  r.fields.last_name = st.getColumn(1).getString();
  r.fields.email = st.getColumn(2).getString();
  r.fields.phone = st.getColumn(3).getString();
  r.fields.website = st.getColumn(4).getString();
  r.fields.company = st.getColumn(5).getString();
  r.fields.origin = st.getColumn(6).getString();
  r.fields.created_by = st.getColumn(7).getInt64();
  r.created_at = st.getColumn(8).getInt64();
  r.updated_at = st.getColumn(9).getInt64();
  return r;
}

bool people_repository::exists(person_ref who) {
  return who && find(who).has_value();
}

std::optional<person_ref> people_repository::owner_of(const author_key& key) {
  owner_of_.tryReset();
  owner_of_.bind(1, std::string(to_string(key.net)));
  owner_of_.bind(2, key.user_id);
  if (!owner_of_.executeStep())
    return std::nullopt;
  auto type = parse_record_type(owner_of_.getColumn(0).getString());
  person_ref owner{type.value_or(record_type::lead),
                   owner_of_.getColumn(1).getInt64()};
  owner_of_.tryReset(); // ends the statement's read transaction now
  return owner;
}

expected<person_ref>
people_repository::link_profile(const profile_link& link, unix_ms now) {
  if (!exists(link.person))
    return make_error("person_not_found",
                      std::string(to_string(link.person.type)) + " "
                        + std::to_string(link.person.id) + " does not exist");
  auto previous = owner_of(link.key);
  if (previous) {
    if (*previous == link.person)
      return *previous;
    if (!link.move)
      return make_error("profile_owned_by_other",
                        "this social profile already belongs to "
                          + std::string(to_string(previous->type)) + " "
                          + std::to_string(previous->id)
                          + "; moving it must be explicit");
    move_profile_.tryReset();
    move_profile_.bind(1, std::string(to_string(link.person.type)));
    move_profile_.bind(2, link.person.id);
    move_profile_.bind(3, link.handle);
    move_profile_.bind(4, std::string(to_string(link.key.net)));
    move_profile_.bind(5, link.key.user_id);
    move_profile_.exec();
    return *previous;
  }
  insert_profile_.tryReset();
  insert_profile_.bind(1, std::string(to_string(link.person.type)));
  insert_profile_.bind(2, link.person.id);
  insert_profile_.bind(3, std::string(to_string(link.key.net)));
  insert_profile_.bind(4, link.key.user_id);
  insert_profile_.bind(5, link.handle);
  insert_profile_.bind(6, now);
  insert_profile_.exec();
  return person_ref{};
}

std::vector<author_key> people_repository::profiles_of(person_ref who) {
  std::vector<author_key> out;
  profiles_of_.tryReset();
  profiles_of_.bind(1, std::string(to_string(who.type)));
  profiles_of_.bind(2, who.id);
  while (profiles_of_.executeStep()) {
    auto net = parse_network(profiles_of_.getColumn(0).getString());
    if (net)
      out.push_back({*net, profiles_of_.getColumn(1).getString()});
  }
  return out;
}

std::vector<people_repository::profile_owner>
people_repository::all_profiles() {
  std::vector<profile_owner> out;
  SQLite::Statement st(db_, "SELECT network, network_user_id, record_type, "
                            "record_id FROM social_profiles ORDER BY id");
  while (st.executeStep()) {
    auto net = parse_network(st.getColumn(0).getString());
    auto type = parse_record_type(st.getColumn(2).getString());
    if (net && type)
      out.push_back({{*net, st.getColumn(1).getString()},
                     {*type, st.getColumn(3).getInt64()}});
  }
  return out;
}

} // namespace socialcrm::storage
