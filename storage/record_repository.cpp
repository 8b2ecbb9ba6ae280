#include "storage/record_repository.hpp"

#include "protocol/permission_rules.hpp"
#include "storage/sql_values.hpp"

#include <SQLiteCpp/Statement.h>

namespace socialcrm::storage {

namespace {

constexpr const char* person_columns =
    "id, first_name, last_name, email, phone, website, company, origin, "
    "COALESCE(created_by, 0), created_at, updated_at";

constexpr const char* deal_columns =
    "id, contact_id, name, amount_cents, stage, created_at, "
    "COALESCE(closed_at, 0), updated_at";

person_data read_person(SQLite::Statement& st, record_type type) {
  person_data p;
  p.ref = {type, st.getColumn(0).getInt64()};
  p.first_name = st.getColumn(1).getString();
  p.last_name = st.getColumn(2).getString();
  p.email = st.getColumn(3).getString();
  p.phone = st.getColumn(4).getString();
  p.website = st.getColumn(5).getString();
  p.company = st.getColumn(6).getString();
  p.origin = st.getColumn(7).getString();
  p.created_by = st.getColumn(8).getInt64();
  p.created_at = st.getColumn(9).getInt64();
  p.updated_at = st.getColumn(10).getInt64();
  return p;
}

deal_data read_deal(SQLite::Statement& st) {
  deal_data d;
  d.id = st.getColumn(0).getInt64();
  d.contact_id = st.getColumn(1).getInt64();
  d.name = st.getColumn(2).getString();
  d.amount_cents = st.getColumn(3).getInt64();
  d.stage =
      parse_deal_stage(st.getColumn(4).getString()).value_or(deal_stage::open);
  d.created_at = st.getColumn(5).getInt64();
  d.closed_at = st.getColumn(6).getInt64();
  d.updated_at = st.getColumn(7).getInt64();
  return d;
}

stored_post read_post(SQLite::Statement& st) {
  stored_post sp;
  sp.id = st.getColumn(0).getInt64();
  sp.seq = st.getColumn(1).getInt64();
  sp.account_id = st.getColumn(2).getInt64();
  sp.body.net = parse_network(st.getColumn(3).getString()).value_or(network::x);
  sp.body.external_id = st.getColumn(4).getString();
  sp.body.kind =
      parse_post_kind(st.getColumn(5).getString()).value_or(post_kind::post);
  sp.body.from = {st.getColumn(6).getString(), st.getColumn(7).getString(),
                  st.getColumn(8).getString()};
  sp.body.text = st.getColumn(9).getString();
  sp.body.created_at = st.getColumn(10).getInt64();
  sp.body.in_reply_to = st.getColumn(11).getString();
  sp.body.media_url = st.getColumn(12).getString();
  return sp;
}

error_info not_found(const std::string& what, std::int64_t id) {
  return make_error("not_found",
                    what + " " + std::to_string(id) + " does not exist");
}

// The editable columns of a person named in `changed` (all on create).
std::vector<column_value> person_values(const person_data& p, bool all) {
  std::vector<column_value> out;
  auto add = [&](const char* name, const std::string& value) {
    if (all || names(p.changed, name))
      out.push_back({name, value});
  };
  add("first_name", p.first_name);
  add("last_name", p.last_name);
  add("email", p.email);
  add("phone", p.phone);
  add("website", p.website);
  add("company", p.company);
  return out;
}

// Notes and tasks of a record, and e-mails of a person.
void delete_attachments(SQLite::Database& db, const std::string& type,
                        std::int64_t id) {
  for (const char* table : {"notes", "tasks", "emails"}) {
    SQLite::Statement st(db, std::string("DELETE FROM ") + table +
                                 " WHERE record_type = ? AND record_id = ?");
    st.bind(1, type);
    st.bind(2, id);
    st.exec();
  }
}

// ORDER BY of a list, from a fixed table: the client names a key, never
// SQL. Every order ends with the id so pages never overlap.
std::string person_order(const std::string& sort) {
  if (sort == "-name")
    return "last_name COLLATE NOCASE DESC, first_name COLLATE NOCASE DESC, "
           "id DESC";
  if (sort == "created")
    return "created_at, id";
  if (sort == "-created")
    return "created_at DESC, id DESC";
  if (sort == "company")
    return "company COLLATE NOCASE, last_name COLLATE NOCASE, id";
  if (sort == "-company")
    return "company COLLATE NOCASE DESC, last_name COLLATE NOCASE DESC, "
           "id DESC";
  return "last_name COLLATE NOCASE, first_name COLLATE NOCASE, id";
}

std::string deal_order(const std::string& sort) {
  if (sort == "name")
    return "name COLLATE NOCASE, id";
  if (sort == "-name")
    return "name COLLATE NOCASE DESC, id DESC";
  if (sort == "amount")
    return "amount_cents, id";
  if (sort == "-amount")
    return "amount_cents DESC, id DESC";
  if (sort == "-created")
    return "created_at DESC, id DESC";
  return "id"; // "created" and the default: the order deals were made in
}

} // namespace

const char* person_table(record_type t) {
  return t == record_type::lead ? "leads" : "contacts";
}

const char* record_table(const std::string& record_type) {
  if (record_type == "lead")
    return "leads";
  if (record_type == "contact")
    return "contacts";
  if (record_type == "deal")
    return "deals";
  return nullptr;
}

record_repository::record_repository(SQLite::Database& db)
    : db_(db) {}

// -- people
// ---------------------------------------------------------------------

expected<person_data> record_repository::create(const person_data& p,
                                                unix_ms now) {
  auto values = person_values(p, true);
  values.push_back({"origin", p.origin});
  values.push_back({"created_by", p.created_by != 0 ? sql_value{p.created_by}
                                                    : sql_value{nullptr}});
  values.push_back({"created_at", now});
  values.push_back({"updated_at", now});
  auto id = insert_row(db_, person_table(p.ref.type), values);
  return find(person_data{.ref = {p.ref.type, id}});
}

expected<person_data> record_repository::find(const person_data& key) {
  SQLite::Statement st(db_, std::string("SELECT ") + person_columns + " FROM " +
                                person_table(key.ref.type) + " WHERE id = ?");
  st.bind(1, key.ref.id);
  if (!st.executeStep())
    return not_found(std::string(to_string(key.ref.type)), key.ref.id);
  return read_person(st, key.ref.type);
}

expected<person_data> record_repository::update(const person_data& patch,
                                                unix_ms now) {
  auto values = person_values(patch, false);
  values.push_back({"updated_at", now});
  if (update_row(db_, person_table(patch.ref.type), patch.ref.id, values) == 0)
    return not_found(std::string(to_string(patch.ref.type)), patch.ref.id);
  return find(patch);
}

expected<person_data> record_repository::remove(const person_data& key) {
  auto before = find(key);
  if (!before)
    return before;
  auto type = std::string(to_string(key.ref.type));
  if (key.ref.type == record_type::contact) {
    SQLite::Statement deals(db_, "SELECT id FROM deals WHERE contact_id = ?");
    deals.bind(1, key.ref.id);
    while (deals.executeStep())
      delete_attachments(db_, "deal", deals.getColumn(0).getInt64());
  }
  delete_attachments(db_, type, key.ref.id);
  SQLite::Statement people(db_, "DELETE FROM column_people "
                                "WHERE record_type = ? AND record_id = ?");
  people.bind(1, type);
  people.bind(2, key.ref.id);
  people.exec();
  // Deals go with their contact (ON DELETE CASCADE).
  delete_row(db_, person_table(key.ref.type), key.ref.id);
  return before;
}

record_page<person_data>
record_repository::list(const list_query<person_data>& q) {
  auto type =
      parse_record_type(q.filter.record_type).value_or(record_type::lead);
  SQLite::Statement st(
      db_, std::string("SELECT ") + person_columns + " FROM " +
               person_table(type) +
               " WHERE ?1 = '' OR (first_name || ' ' || last_name) LIKE ?2 "
               "ESCAPE '\\' OR (last_name || ' ' || first_name) LIKE ?2 "
               "ESCAPE '\\' ORDER BY " +
               person_order(q.filter.sort) + " LIMIT ?3 OFFSET ?4");
  st.bind(1, q.filter.q);
  st.bind(2, like_pattern(q.filter.q));
  st.bind(3, q.filter.limit + 1);
  st.bind(4, q.filter.offset);
  return read_page<record_page<person_data>>(
      st, q.filter.limit,
      [type](SQLite::Statement& s) { return read_person(s, type); });
}

// -- deals
// ------------------------------------------------------------------------

expected<deal_data> record_repository::create(const deal_data& d, unix_ms now) {
  if (!row_exists(db_, "contacts", d.contact_id))
    return make_error("record_not_found", "contact " +
                                              std::to_string(d.contact_id) +
                                              " does not exist");
  sql_value closed =
      d.stage == deal_stage::open ? sql_value{nullptr} : sql_value{now};
  auto id = insert_row(db_, "deals",
                       {{"contact_id", d.contact_id},
                        {"name", d.name},
                        {"amount_cents", d.amount_cents},
                        {"stage", std::string(to_string(d.stage))},
                        {"created_at", now},
                        {"closed_at", closed},
                        {"updated_at", now}});
  return find(deal_data{.id = id});
}

expected<deal_data> record_repository::find(const deal_data& key) {
  SQLite::Statement st(db_, std::string("SELECT ") + deal_columns +
                                " FROM deals WHERE id = ?");
  st.bind(1, key.id);
  if (!st.executeStep())
    return not_found("deal", key.id);
  return read_deal(st);
}

expected<deal_data> record_repository::update(const deal_data& patch,
                                              unix_ms now) {
  auto before = find(patch);
  if (!before)
    return before;
  std::vector<column_value> values;
  if (names(patch.changed, "name"))
    values.push_back({"name", patch.name});
  if (names(patch.changed, "amount"))
    values.push_back({"amount_cents", patch.amount_cents});
  if (names(patch.changed, "stage") && patch.stage != before->stage) {
    values.push_back({"stage", std::string(to_string(patch.stage))});
    // closed_at follows the stage: set when a deal closes, cleared when it
    // is reopened, kept when it moves between won and lost.
    if (patch.stage == deal_stage::open)
      values.push_back({"closed_at", nullptr});
    else if (before->stage == deal_stage::open)
      values.push_back({"closed_at", now});
  }
  values.push_back({"updated_at", now});
  update_row(db_, "deals", patch.id, values);
  return find(patch);
}

expected<deal_data> record_repository::remove(const deal_data& key) {
  auto before = find(key);
  if (!before)
    return before;
  delete_attachments(db_, "deal", key.id);
  delete_row(db_, "deals", key.id);
  return before;
}

record_page<deal_data> record_repository::list(const list_query<deal_data>& q) {
  SQLite::Statement st(db_, std::string("SELECT ") + deal_columns +
                                " FROM deals WHERE (?1 = 0 OR contact_id = ?1)"
                                " AND (?2 = '' OR name LIKE ?3 ESCAPE '\\')"
                                " AND (?6 = '' OR stage = ?6)"
                                " ORDER BY " +
                                deal_order(q.filter.sort) +
                                " LIMIT ?4 OFFSET ?5");
  st.bind(1, q.filter.record_id);
  st.bind(2, q.filter.q);
  st.bind(3, like_pattern(q.filter.q));
  st.bind(4, q.filter.limit + 1);
  st.bind(5, q.filter.offset);
  st.bind(6, q.filter.stage);
  return read_page<record_page<deal_data>>(st, q.filter.limit, read_deal);
}

// -- social profiles and interactions
// ------------------------------------------

expected<record_page<social_profile_data>>
record_repository::profiles(person_ref who) {
  if (!row_exists(db_, person_table(who.type), who.id))
    return not_found(std::string(to_string(who.type)), who.id);
  SQLite::Statement st(db_, "SELECT network, network_user_id, handle, "
                            "created_at FROM social_profiles "
                            "WHERE record_type = ? AND record_id = ? "
                            "ORDER BY id");
  st.bind(1, std::string(to_string(who.type)));
  st.bind(2, who.id);
  record_page<social_profile_data> page;
  while (st.executeStep()) {
    auto net = parse_network(st.getColumn(0).getString());
    if (net)
      page.items.push_back({{*net, st.getColumn(1).getString()},
                            st.getColumn(2).getString(),
                            st.getColumn(3).getInt64()});
  }
  return page;
}

std::int64_t record_repository::purge_profiles(person_ref who) {
  if (row_exists(db_, person_table(who.type), who.id))
    return 0;
  SQLite::Statement st(db_, "DELETE FROM social_profiles "
                            "WHERE record_type = ? AND record_id = ?");
  st.bind(1, std::string(to_string(who.type)));
  st.bind(2, who.id);
  return st.exec();
}

expected<record_page<stored_post>>
record_repository::interactions(const interactions_query& q) {
  if (!row_exists(db_, person_table(q.person.type), q.person.id))
    return not_found(std::string(to_string(q.person.type)), q.person.id);
  SQLite::Statement st(
      db_,
      "SELECT p.id, p.seq, COALESCE(p.account_id, 0), p.network, "
      "p.external_id, p.kind, p.author_id, p.author_handle, p.author_name, "
      "p.text, p.created_at, p.in_reply_to, p.media_url "
      "FROM posts p JOIN social_profiles s ON s.network = p.network "
      "AND s.network_user_id = p.author_id "
      "WHERE s.record_type = ?1 AND s.record_id = ?2 "
      "AND (?3 = 0 OR p.seq < ?3) ORDER BY p.seq DESC LIMIT ?4");
  st.bind(1, std::string(to_string(q.person.type)));
  st.bind(2, q.person.id);
  st.bind(3, q.before);
  st.bind(4, q.limit + 1);
  auto page = read_page<record_page<stored_post>>(st, q.limit, read_post);
  // Every post of the list is the person's, so one standing serves all: the
  // one last computed, or leads/contacts for a person never computed.
  auto where = standing::leads;
  SQLite::Statement standing_q(db_, "SELECT standing FROM person_standing "
                                    "WHERE record_type = ? AND record_id = ?");
  standing_q.bind(1, std::string(to_string(q.person.type)));
  standing_q.bind(2, q.person.id);
  if (standing_q.executeStep())
    if (auto s = parse_standing(standing_q.getColumn(0).getString()))
      where = *s;
  standing_q.tryReset();
  for (auto& sp : page.items) {
    sp.person = q.person;
    sp.where = where;
  }
  return page;
}

crm_stats record_repository::stats() {
  crm_stats out;
  SQLite::Statement posts(db_, "SELECT network, COUNT(*) FROM posts "
                               "GROUP BY network ORDER BY network");
  while (posts.executeStep()) {
    out.post_networks.push_back(posts.getColumn(0).getString());
    out.post_counts.push_back(posts.getColumn(1).getInt64());
  }
  SQLite::Statement accounts(db_, "SELECT status, COUNT(*) FROM "
                                  "linked_accounts GROUP BY status "
                                  "ORDER BY status");
  while (accounts.executeStep()) {
    out.account_states.push_back(accounts.getColumn(0).getString());
    out.account_counts.push_back(accounts.getColumn(1).getInt64());
  }
  return out;
}

} // namespace socialcrm::storage
