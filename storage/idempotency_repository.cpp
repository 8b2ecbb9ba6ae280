#include "storage/idempotency_repository.hpp"

#include "storage/secrets.hpp"

#include <SQLiteCpp/Statement.h>
#include <SQLiteCpp/Transaction.h>
#include <nlohmann/json.hpp>

namespace socialcrm::storage {

namespace {

using nlohmann::json;

// The stored fingerprint: a hex BLAKE2b digest, so a large request (a
// compose with an image) costs 64 characters, not its size.
std::string fingerprint(const std::string& request) {
  static constexpr char hex[] = "0123456789abcdef";
  std::string out;
  for (unsigned char ch : token_digest(request)) {
    out += hex[ch >> 4];
    out += hex[ch & 0x0F];
  }
  return out;
}

} // namespace

idempotency_repository::idempotency_repository(SQLite::Database& db)
  : db_(db) {
}

idempotency_claim idempotency_repository::reserve(std::int64_t user_id,
                                                  const std::string& key,
                                                  const std::string& request,
                                                  unix_ms now) {
  auto print = fingerprint(request);
  SQLite::Transaction tx(db_, SQLite::TransactionBehavior::IMMEDIATE);
  {
    SQLite::Statement expire(
      db_, "DELETE FROM idempotency_keys WHERE user_id = ? AND created_at < ?");
    expire.bind(1, user_id);
    expire.bind(2, now - idempotency_ttl_ms);
    expire.exec();
  }
  idempotency_claim out;
  {
    SQLite::Statement find(
      db_, "SELECT response FROM idempotency_keys WHERE user_id = ? AND key = ?");
    find.bind(1, user_id);
    find.bind(2, key);
    if (find.executeStep()) {
      auto stored = json::parse(find.getColumn(0).getString(), nullptr, false);
      if (!stored.is_object() || stored.value("fingerprint", "") != print) {
        out.what = idempotency_claim::state::mismatch;
      } else if (stored.value("state", "") != "done") {
        out.what = idempotency_claim::state::in_progress;
      } else {
        out.what = idempotency_claim::state::replay;
        out.status = stored.value("status", 500u);
        out.body = stored.value("body", "");
      }
      return out; // the transaction rolls back: nothing was written
    }
  }
  SQLite::Statement insert(
    db_, "INSERT INTO idempotency_keys (user_id, key, response, created_at) "
         "VALUES (?, ?, ?, ?)");
  insert.bind(1, user_id);
  insert.bind(2, key);
  insert.bind(3, json{{"fingerprint", print}, {"state", "pending"}}.dump());
  insert.bind(4, now);
  insert.exec();
  tx.commit();
  return out;
}

void idempotency_repository::complete(std::int64_t user_id,
                                      const std::string& key,
                                      const std::string& request,
                                      unsigned status,
                                      const std::string& body) {
  SQLite::Statement st(
    db_, "UPDATE idempotency_keys SET response = ? WHERE user_id = ? AND key = ?");
  st.bind(1, json{{"fingerprint", fingerprint(request)},
                  {"state", "done"},
                  {"status", status},
                  {"body", body}}
               .dump());
  st.bind(2, user_id);
  st.bind(3, key);
  st.exec();
}

void idempotency_repository::release(std::int64_t user_id,
                                     const std::string& key) {
  SQLite::Statement st(
    db_, "DELETE FROM idempotency_keys WHERE user_id = ? AND key = ?");
  st.bind(1, user_id);
  st.bind(2, key);
  st.exec();
}

} // namespace socialcrm::storage
