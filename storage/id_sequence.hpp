#pragma once

#include <SQLiteCpp/Database.h>

#include <cstdint>

namespace socialcrm::storage {

/// Ids that are never handed out twice, for tables whose ids live on
/// outside them: poll cursors are keyed "account:<id>:<feed>" and
/// "column:<id>:<feed>", activity rows keep an account id. SQLite gives a
/// plain INTEGER PRIMARY KEY the largest id + 1, so deleting the newest
/// account or column would hand its id, and its stored cursor, to the next
/// one: a new keyword column would start from another's since_id and skip
/// posts. The watermark of each table is in `id_sequence` (schema v3).
enum class id_table { linked_accounts, user_columns };

/// The next id of `table`, taken for good. Call it inside the transaction
/// that inserts the row, so a rolled-back insert gives the id back.
std::int64_t next_id(SQLite::Database& db, id_table table);

} // namespace socialcrm::storage
