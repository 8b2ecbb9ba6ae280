#pragma once

#include "protocol/messages.hpp"
#include "protocol/standing.hpp"
#include "storage/deal_repository.hpp"
#include "storage/people_repository.hpp"

#include <SQLiteCpp/Database.h>
#include <SQLiteCpp/Statement.h>

#include <vector>

namespace socialcrm::storage {

/// The CRM standing of people (SPEC S-3.1 to S-3.4) and the negotiation
/// filters (S-3.6), computed from the records.
class standing_repository {
public:
  standing_repository(SQLite::Database& db, people_repository& people,
                      deal_repository& deals);

  /// The standing computed from the CRM now: unknown for nobody or for a
  /// person that does not exist.
  standing compute(person_ref who);

  /// The standing stored by the last save(); unknown when none.
  standing stored(person_ref who);

  void save(person_ref who, standing where, unix_ms now);

  /// Appends a standing-change event under `ev.seq`.
  void append_event(const standing_event& ev, unix_ms now);

  /// Standing changes with seq > `after`, oldest first, at most `limit`.
  std::vector<standing_event> events_after(std::int64_t after, int limit);

  // -- negotiation filters (S-3.6) -------------------------------------------

  /// Contacts with at least one deal created in `range` (UTC month).
  std::vector<std::int64_t> contacts_with_deals_created_in(time_range range);

  /// Contacts with exactly one deal ("new deals").
  std::vector<std::int64_t> contacts_with_exactly_one_deal();

  struct top_deal {
    int rank = 0;
    std::int64_t deal_id = 0;
    std::int64_t contact_id = 0;
    std::int64_t amount_cents = 0;
  };

  /// The top 10 open deals by expected revenue, as frozen for the UTC day
  /// of `now`: computed on the first call of a day and kept until the day
  /// passes, so the list does not jump around while people work it. Ties
  /// are broken by the older deal first.
  std::vector<top_deal> top10(unix_ms now);

  /// How many top deals the filter keeps.
  static constexpr int top_deals = 10;

private:
  SQLite::Database& db_;
  people_repository& people_;
  deal_repository& deals_;
  SQLite::Statement stored_;
  SQLite::Statement save_;
  SQLite::Statement append_event_;
};

} // namespace socialcrm::storage
