#include "storage/writer.hpp"
#include "storage/savepoint.hpp"
#include "storage/write_failure.hpp"

#include <SQLiteCpp/Transaction.h>
#include <sqlite3.h>

#include <algorithm>
#include <stdexcept>

namespace socialcrm::storage {

namespace {

// IMMEDIATE takes the write lock up front. A deferred transaction that reads
// first and writes later fails at once with SQLITE_BUSY when another
// connection committed in between: the busy timeout does not help there.
SQLite::Transaction begin_write(database& db) {
  return SQLite::Transaction(db.handle(),
                             SQLite::TransactionBehavior::IMMEDIATE);
}

} // namespace

writer::writer(database& db)
  : db_(db),
    posts_(db.handle()),
    people_(db.handle()),
    deals_(db.handle()),
    standings_(db.handle(), people_, deals_),
    cursors_(db.handle()),
    accounts_(db.handle()) {
  seq_ = posts_.max_seq();
}

ingest_result writer::write_batch(const ingest_batch& batch, unix_ms now,
                                  std::int64_t& seq) {
  ingest_result result;
  for (auto& p : batch.posts) {
    auto id = posts_.insert(p, batch.source.account_id, seq + 1, now);
    if (id) {
      ++seq;
      stored_post sp;
      sp.id = *id;
      sp.seq = seq;
      sp.account_id = batch.source.account_id;
      sp.body = p;
      result.stored.push_back(std::move(sp));
    } else {
      ++result.duplicates;
    }
    if (batch.source.column_id != 0) {
      auto post_id = id ? id : posts_.find_id(p.net, p.external_id);
      if (post_id)
        posts_.add_to_column(batch.source.column_id, *post_id);
    }
  }
  for (auto& c : batch.cursors)
    cursors_.put(c.source_key, c.value, now);
  return result;
}

ingest_result writer::ingest(const ingest_batch& batch, unix_ms now) {
  auto out = ingest_group({&batch}, now);
  if (!out[0])
    throw std::runtime_error(out[0].error().message);
  return std::move(*out[0]);
}

std::vector<expected<ingest_result>>
writer::ingest_group(const std::vector<const ingest_batch*>& batches,
                     unix_ms now) {
  std::vector<expected<ingest_result>> out;
  out.reserve(batches.size());
  auto seq = seq_;
  try {
    auto tx = begin_write(db_);
    for (const auto* batch : batches) {
      auto before = seq;
      try {
        // A failing batch is undone alone; the transaction goes on.
        savepoint sp(db_.handle(), "batch");
        auto r = write_batch(*batch, now, seq);
        sp.release();
        out.emplace_back(std::move(r));
      } catch (const std::exception& e) {
        seq = before;
        auto err = write_failed("ingest", e);
        // On some errors (SQLITE_FULL among them) SQLite rolls back the
        // whole transaction: nothing of the group is stored, and the next
        // savepoint would open a transaction of its own.
        if (sqlite3_get_autocommit(db_.handle().getHandle()) != 0) {
          out.assign(batches.size(), err);
          return out;
        }
        out.emplace_back(std::move(err));
      }
    }
    tx.commit();
  } catch (const std::exception& e) {
    // Nothing was stored: every batch reports the failure.
    out.assign(batches.size(), write_failed("ingest", e));
    return out;
  }
  if (std::any_of(out.begin(), out.end(),
                  [](auto& r) { return static_cast<bool>(r); }))
    write_succeeded("ingest");
  // Only a committed transaction consumes sequence numbers.
  seq_ = seq;
  return out;
}

standing_event writer::refresh(person_ref who, unix_ms now) {
  standing_event ev;
  ev.person = who;
  auto tx = begin_write(db_);
  ev.from = standings_.stored(who);
  ev.to = standings_.compute(who);
  if (ev.from == ev.to)
    return ev; // seq == 0: nothing moved; the transaction rolls back unused
  standings_.save(who, ev.to, now);
  ev.authors = people_.profiles_of(who);
  ev.seq = seq_ + 1;
  standings_.append_event(ev, now);
  tx.commit();
  seq_ = ev.seq;
  return ev;
}

expected<standing_event> writer::link(const profile_link& link, unix_ms now) {
  auto tx = begin_write(db_);
  auto previous = people_.link_profile(link, now);
  if (!previous)
    return previous.error();
  standing_event ev;
  ev.person = link.person;
  ev.authors = {link.key};
  // The author's posts leave the previous owner's column (or Unknown).
  ev.from = *previous ? standings_.stored(*previous) : standing::unknown;
  ev.to = standings_.compute(link.person);
  standings_.save(link.person, ev.to, now);
  if (*previous == link.person) {
    tx.commit();
    return ev; // already linked to this person: seq == 0, nothing moves
  }
  ev.seq = seq_ + 1;
  standings_.append_event(ev, now);
  tx.commit();
  seq_ = ev.seq;
  return ev;
}

bool writer::update_account(const account_update& u) {
  auto tx = begin_write(db_);
  bool found = true;
  if (u.tokens)
    found = accounts_.update_tokens(u.account_id, u.access_token,
                                    u.refresh_token, u.expires_at);
  if (found && u.new_status)
    found = accounts_.set_status(u.account_id, u.status);
  tx.commit();
  return found;
}

std::vector<profile_entry> writer::people() {
  std::vector<profile_entry> out;
  for (auto& p : people_.all_profiles())
    out.push_back({p.key, p.person, standings_.stored(p.person)});
  return out;
}

} // namespace socialcrm::storage
