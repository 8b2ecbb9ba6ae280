#include "storage/oauth_state_repository.hpp"

#include <SQLiteCpp/Statement.h>
#include <SQLiteCpp/Transaction.h>

namespace socialcrm::storage {

oauth_state_repository::oauth_state_repository(SQLite::Database& db)
  : db_(db) {}

void oauth_state_repository::add(const oauth_state& s) {
  SQLite::Statement st(db_, "INSERT INTO oauth_states (state, network, "
                            "code_verifier, user_id, return_to, created_at) "
                            "VALUES (?, ?, ?, ?, ?, ?)");
  st.bind(1, s.state);
  st.bind(2, std::string(to_string(s.net)));
  st.bind(3, s.code_verifier);
  st.bind(4, s.user_id);
  st.bind(5, s.return_to);
  st.bind(6, s.created_at);
  st.exec();
}

expected<oauth_state> oauth_state_repository::take(const std::string& state,
                                                   std::int64_t user_id,
                                                   unix_ms not_before) {
  auto mismatch = [] {
    return make_error("oauth_state_mismatch",
                      "this OAuth callback does not belong to an "
                      "authorisation you started here, or it expired or was "
                      "used already: start linking again");
  };
  SQLite::Transaction tx(db_, SQLite::TransactionBehavior::IMMEDIATE);
  SQLite::Statement sweep(db_, "DELETE FROM oauth_states WHERE created_at < ?");
  sweep.bind(1, not_before);
  sweep.exec();
  oauth_state out;
  {
    SQLite::Statement q(db_, "SELECT network, code_verifier, user_id, "
                             "return_to, created_at FROM oauth_states "
                             "WHERE state = ?");
    q.bind(1, state);
    if (!q.executeStep()) {
      tx.commit(); // keep the sweep
      return mismatch();
    }
    auto net = parse_network(q.getColumn(0).getString());
    out.state = state;
    out.net = net.value_or(network::x);
    out.code_verifier = q.getColumn(1).getString();
    out.user_id = q.getColumn(2).getInt64();
    out.return_to = q.getColumn(3).getString();
    out.created_at = q.getColumn(4).getInt64();
    if (!net || out.user_id != user_id) {
      tx.commit();
      return mismatch();
    }
  }
  SQLite::Statement del(db_, "DELETE FROM oauth_states WHERE state = ?");
  del.bind(1, state);
  del.exec();
  tx.commit();
  return out;
}

int oauth_state_repository::remove_before(unix_ms cutoff) {
  {
    // Called on every account read: write only when something expired.
    SQLite::Statement any(db_, "SELECT 1 FROM oauth_states WHERE created_at "
                               "< ? LIMIT 1");
    any.bind(1, cutoff);
    if (!any.executeStep())
      return 0;
  }
  SQLite::Statement st(db_, "DELETE FROM oauth_states WHERE created_at < ?");
  st.bind(1, cutoff);
  return st.exec();
}

} // namespace socialcrm::storage
