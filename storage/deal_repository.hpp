#pragma once

#include "protocol/types.hpp"

#include <SQLiteCpp/Database.h>
#include <SQLiteCpp/Statement.h>

#include <optional>
#include <string>
#include <vector>

namespace socialcrm::storage {

struct deal_record {
  std::int64_t id = 0;
  std::int64_t contact_id = 0;
  std::string name;
  std::int64_t amount_cents = 0; // expected revenue
  deal_stage stage = deal_stage::open;
  unix_ms created_at = 0;
  unix_ms closed_at = 0; // 0 while open
};

/// Deals of contacts (SPEC S-2.1).
class deal_repository {
public:
  explicit deal_repository(SQLite::Database& db);

  std::int64_t create(std::int64_t contact_id, const std::string& name,
                      std::int64_t amount_cents, deal_stage stage,
                      unix_ms now);

  /// Moves a deal to `stage` (closing or reopening it); returns the deal as
  /// it is now, or nothing when there is no such deal.
  std::optional<deal_record> set_stage(std::int64_t id, deal_stage stage,
                                       unix_ms now);

  std::optional<deal_record> find(std::int64_t id);

  /// Stages of every deal of a contact: what its standing is computed from.
  std::vector<deal_stage> stages_of(std::int64_t contact_id);

private:
  SQLite::Database& db_;
  SQLite::Statement insert_;
  SQLite::Statement set_stage_;
  SQLite::Statement find_;
  SQLite::Statement stages_of_;
};

} // namespace socialcrm::storage
