#include "bench/crash_storm_tally.hpp"

#include "storage/database.hpp"

#include <SQLiteCpp/Statement.h>

#include <cctype>
#include <exception>

namespace socialcrm::bench {

std::optional<std::uint64_t> token_of(const std::string& text) {
  for (auto at = text.find("csk"); at != std::string::npos;
       at = text.find("csk", at + 1)) {
    auto digits = at + 3;
    auto end = digits;
    while (end < text.size() &&
           std::isdigit(static_cast<unsigned char>(text[end])))
      ++end;
    if (end > digits && end < text.size() && text[end] == 'q')
      return std::stoull(text.substr(digits, end - digits));
  }
  return std::nullopt;
}

storm_tally compare(const std::string& db_path,
                    const std::vector<sent_post>& sent) {
  storage::database db(db_path, storage::access::read_only);
  std::map<std::uint64_t, std::vector<stored_row>> by_token;
  storm_tally out;
  SQLite::Statement q(db.handle(), "SELECT seq, network, external_id, kind, "
                                   "text FROM posts ORDER BY seq");
  std::map<std::uint64_t, const sent_post*> published;
  for (auto& s : sent)
    published[s.token] = &s;
  while (q.executeStep()) {
    stored_row row{q.getColumn(0).getInt64(), q.getColumn(1).getString(),
                   q.getColumn(2).getString(), q.getColumn(3).getString()};
    ++out.rows;
    auto token = token_of(q.getColumn(4).getString());
    auto it = token ? published.find(*token) : published.end();
    if (it == published.end() || it->second->network != row.network)
      out.unknown.push_back(std::move(row));
    else
      by_token[*token].push_back(std::move(row));
  }
  for (auto& s : sent) {
    auto& net = out.by_network[s.network];
    ++net.expected;
    auto it = by_token.find(s.token);
    if (it == by_token.end()) {
      ++net.missing;
      out.missing.push_back(s);
      continue;
    }
    ++net.stored;
    if (it->second.size() > 1) {
      net.doubled += it->second.size() - 1;
      out.doubled.emplace_back(s, it->second);
    }
  }
  for (auto& [name, n] : out.by_network) {
    out.total.expected += n.expected;
    out.total.stored += n.stored;
    out.total.missing += n.missing;
    out.total.doubled += n.doubled;
  }
  return out;
}

std::optional<std::int64_t> count_posts(const std::string& db_path) {
  try {
    storage::database db(db_path, storage::access::read_only);
    return db.handle().execAndGet("SELECT COUNT(*) FROM posts").getInt64();
  } catch (const std::exception&) {
    return std::nullopt;
  }
}

std::string integrity_check(const std::string& db_path) {
  try {
    storage::database db(db_path, storage::access::read_only);
    return db.integrity_check();
  } catch (const std::exception& e) {
    return std::string("could not run: ") + e.what();
  }
}

} // namespace socialcrm::bench
