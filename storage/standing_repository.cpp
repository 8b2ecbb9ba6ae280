#include "storage/standing_repository.hpp"

#include <SQLiteCpp/Transaction.h>
#include <nlohmann/json.hpp>

namespace socialcrm::storage {

namespace {

std::string authors_to_json(const std::vector<author_key>& authors) {
  auto arr = nlohmann::json::array();
  for (auto& a : authors)
    arr.push_back({std::string(to_string(a.net)), a.user_id});
  return arr.dump();
}

std::vector<author_key> authors_from_json(const std::string& text) {
  std::vector<author_key> out;
  // Written by authors_to_json only; a malformed row yields no authors
  // rather than an exception in the middle of a resume.
  auto arr = nlohmann::json::parse(text, nullptr, false);
  if (!arr.is_array())
    return out;
  for (auto& a : arr)
    if (a.is_array() && a.size() == 2 && a[0].is_string() && a[1].is_string())
      if (auto net = parse_network(a[0].get<std::string>()))
        out.push_back({*net, a[1].get<std::string>()});
  return out;
}

} // namespace

standing_repository::standing_repository(SQLite::Database& db,
                                         people_repository& people,
                                         deal_repository& deals)
  : db_(db),
    people_(people),
    deals_(deals),
    stored_(db, "SELECT standing FROM person_standing "
                "WHERE record_type = ? AND record_id = ?"),
    save_(db, "INSERT INTO person_standing (record_type, record_id, "
              "standing, updated_at) VALUES (?1, ?2, ?3, ?4) "
              "ON CONFLICT (record_type, record_id) DO UPDATE "
              "SET standing = ?3, updated_at = ?4"),
    append_event_(db, "INSERT INTO standing_events (seq, record_type, "
                      "record_id, from_standing, to_standing, authors, "
                      "created_at) VALUES (?, ?, ?, ?, ?, ?, ?)") {
}

standing standing_repository::compute(person_ref who) {
  if (!people_.exists(who))
    return standing::unknown;
  if (who.type == record_type::lead)
    return compute_standing(who.type, {});
  auto stages = deals_.stages_of(who.id);
  return compute_standing(who.type, stages);
}

standing standing_repository::stored(person_ref who) {
  stored_.tryReset();
  stored_.bind(1, std::string(to_string(who.type)));
  stored_.bind(2, who.id);
  if (!stored_.executeStep())
    return standing::unknown;
  auto where = parse_standing(stored_.getColumn(0).getString())
                 .value_or(standing::unknown);
  stored_.tryReset(); // ends the statement's read transaction now
  return where;
}

void standing_repository::save(person_ref who, standing where, unix_ms now) {
  if (where == standing::unknown) {
    SQLite::Statement del(db_, "DELETE FROM person_standing "
                               "WHERE record_type = ? AND record_id = ?");
    del.bind(1, std::string(to_string(who.type)));
    del.bind(2, who.id);
    del.exec();
    return;
  }
  save_.tryReset();
  save_.bind(1, std::string(to_string(who.type)));
  save_.bind(2, who.id);
  save_.bind(3, std::string(to_string(where)));
  save_.bind(4, now);
  save_.exec();
}

void standing_repository::append_event(const standing_event& ev,
                                       unix_ms now) {
  append_event_.tryReset();
  append_event_.bind(1, ev.seq);
  append_event_.bind(2, std::string(to_string(ev.person.type)));
  append_event_.bind(3, ev.person.id);
  append_event_.bind(4, std::string(to_string(ev.from)));
  append_event_.bind(5, std::string(to_string(ev.to)));
  append_event_.bind(6, authors_to_json(ev.authors));
  append_event_.bind(7, now);
  append_event_.exec();
}

std::vector<standing_event> standing_repository::events_after(std::int64_t after,
                                                              int limit) {
  std::vector<standing_event> out;
  SQLite::Statement st(db_, "SELECT seq, record_type, record_id, "
                            "from_standing, to_standing, authors "
                            "FROM standing_events WHERE seq > ? "
                            "ORDER BY seq LIMIT ?");
  st.bind(1, after);
  st.bind(2, limit);
  while (st.executeStep()) {
    standing_event ev;
    ev.seq = st.getColumn(0).getInt64();
    ev.person = {parse_record_type(st.getColumn(1).getString())
                   .value_or(record_type::lead),
                 st.getColumn(2).getInt64()};
    ev.from = parse_standing(st.getColumn(3).getString())
                .value_or(standing::unknown);
    ev.to = parse_standing(st.getColumn(4).getString())
              .value_or(standing::unknown);
    ev.authors = authors_from_json(st.getColumn(5).getString());
    out.push_back(std::move(ev));
  }
  return out;
}

std::vector<std::int64_t>
standing_repository::contacts_with_deals_created_in(time_range range) {
  std::vector<std::int64_t> out;
  SQLite::Statement st(db_, "SELECT DISTINCT contact_id FROM deals "
                            "WHERE created_at >= ? AND created_at < ? "
                            "ORDER BY contact_id");
  st.bind(1, range.begin);
  st.bind(2, range.end);
  while (st.executeStep())
    out.push_back(st.getColumn(0).getInt64());
  return out;
}

std::vector<std::int64_t> standing_repository::contacts_with_exactly_one_deal() {
  std::vector<std::int64_t> out;
  SQLite::Statement st(db_, "SELECT contact_id FROM deals GROUP BY contact_id "
                            "HAVING COUNT(*) = 1 ORDER BY contact_id");
  while (st.executeStep())
    out.push_back(st.getColumn(0).getInt64());
  return out;
}

std::vector<standing_repository::top_deal>
standing_repository::top10(unix_ms now) {
  auto day = utc_day_of(now);
  auto read = [&] {
    std::vector<top_deal> out;
    SQLite::Statement st(db_, "SELECT rank, deal_id, contact_id, amount_cents "
                              "FROM top10_snapshot WHERE day = ? AND rank > 0 "
                              "ORDER BY rank");
    st.bind(1, day);
    while (st.executeStep())
      out.push_back({st.getColumn(0).getInt(), st.getColumn(1).getInt64(),
                     st.getColumn(2).getInt64(), st.getColumn(3).getInt64()});
    return out;
  };
  SQLite::Statement has(db_, "SELECT 1 FROM top10_snapshot WHERE day = ?");
  has.bind(1, day);
  if (has.executeStep())
    return read();
  // First call of the day: freeze today's list. The marker row with rank 0
  // records "computed" even when there is no open deal at all.
  SQLite::Transaction tx(db_, SQLite::TransactionBehavior::IMMEDIATE);
  db_.exec("DELETE FROM top10_snapshot WHERE day < " + std::to_string(day));
  SQLite::Statement fill(
    db_, "INSERT INTO top10_snapshot (day, rank, deal_id, contact_id, "
         "amount_cents) SELECT ?1, ROW_NUMBER() OVER (ORDER BY amount_cents "
         "DESC, created_at, id), id, contact_id, amount_cents FROM deals "
         "WHERE stage = 'open' ORDER BY amount_cents DESC, created_at, id "
         "LIMIT ?2");
  fill.bind(1, day);
  fill.bind(2, top_deals);
  fill.exec();
  SQLite::Statement marker(db_, "INSERT INTO top10_snapshot (day, rank, "
                                "deal_id, contact_id, amount_cents) "
                                "VALUES (?, 0, 0, 0, 0)");
  marker.bind(1, day);
  marker.exec();
  tx.commit();
  return read();
}

} // namespace socialcrm::storage
