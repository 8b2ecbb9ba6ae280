#include "storage/deal_repository.hpp"

namespace socialcrm::storage {

deal_repository::deal_repository(SQLite::Database& db)
  : db_(db),
    insert_(db, "INSERT INTO deals (contact_id, name, amount_cents, stage, "
                "created_at, closed_at, updated_at) "
                "VALUES (?, ?, ?, ?, ?, ?, ?)"),
    // closed_at follows the stage: set when a deal closes, cleared when it
    // is reopened, kept when it moves between won and lost.
    set_stage_(db, "UPDATE deals SET stage = ?1, updated_at = ?2, "
                   "closed_at = CASE WHEN ?1 = 'open' THEN NULL "
                   "ELSE COALESCE(closed_at, ?2) END WHERE id = ?3"),
    find_(db, "SELECT id, contact_id, name, amount_cents, stage, created_at, "
              "COALESCE(closed_at, 0) FROM deals WHERE id = ?"),
    stages_of_(db, "SELECT stage FROM deals WHERE contact_id = ?") {
}

std::int64_t deal_repository::create(std::int64_t contact_id,
                                     const std::string& name,
                                     std::int64_t amount_cents,
                                     deal_stage stage, unix_ms now) {
  insert_.tryReset();
  insert_.bind(1, contact_id);
  insert_.bind(2, name);
  insert_.bind(3, amount_cents);
  insert_.bind(4, std::string(to_string(stage)));
  insert_.bind(5, now);
  if (stage == deal_stage::open)
    insert_.bind(6);
  else
    insert_.bind(6, now);
  insert_.bind(7, now);
  insert_.exec();
  return db_.getLastInsertRowid();
}

std::optional<deal_record> deal_repository::set_stage(std::int64_t id,
                                                      deal_stage stage,
                                                      unix_ms now) {
  set_stage_.tryReset();
  set_stage_.bind(1, std::string(to_string(stage)));
  set_stage_.bind(2, now);
  set_stage_.bind(3, id);
  if (set_stage_.exec() == 0)
    return std::nullopt;
  return find(id);
}

std::optional<deal_record> deal_repository::find(std::int64_t id) {
  find_.tryReset();
  find_.bind(1, id);
  if (!find_.executeStep())
    return std::nullopt;
  deal_record d;
  d.id = find_.getColumn(0).getInt64();
  d.contact_id = find_.getColumn(1).getInt64();
  d.name = find_.getColumn(2).getString();
  d.amount_cents = find_.getColumn(3).getInt64();
  d.stage = parse_deal_stage(find_.getColumn(4).getString())
              .value_or(deal_stage::open);
  d.created_at = find_.getColumn(5).getInt64();
  d.closed_at = find_.getColumn(6).getInt64();
  find_.tryReset(); // ends the statement's read transaction now
  return d;
}

std::vector<deal_stage> deal_repository::stages_of(std::int64_t contact_id) {
  std::vector<deal_stage> out;
  stages_of_.tryReset();
  stages_of_.bind(1, contact_id);
  while (stages_of_.executeStep())
    if (auto s = parse_deal_stage(stages_of_.getColumn(0).getString()))
      out.push_back(*s);
  return out;
}

} // namespace socialcrm::storage
