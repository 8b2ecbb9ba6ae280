#pragma once

#include "protocol/error.hpp"
#include "protocol/messages.hpp"
#include "protocol/type_ids.hpp"
#include "storage/account_repository.hpp"
#include "storage/cursor_repository.hpp"
#include "storage/database.hpp"
#include "storage/deal_repository.hpp"
#include "storage/people_repository.hpp"
#include "storage/post_repository.hpp"
#include "storage/standing_repository.hpp"

#include <vector>

namespace socialcrm::storage {

/// The operations of the single writer, each one transaction: what the store
/// actor does, as a plain class that tests can drive without actors. It
/// hands out the live-event sequence numbers, so there must be exactly one
/// writer per database file.
class writer {
public:
  explicit writer(database& db);

  /// Stores the new posts of a batch with fresh sequence numbers, files them
  /// under the batch's column, and saves its cursors, all or nothing
  /// (ingest_group of one; throws on failure).
  ingest_result ingest(const ingest_batch& batch, unix_ms now);

  /// Several batches in one transaction (a group commit: one commit for
  /// what several sources polled at once). Each batch is all or nothing on
  /// its own, in a savepoint: a failing batch is rolled back alone, uses
  /// no sequence numbers and gets its error in its slot, while the others
  /// commit. A failing commit fails every slot and stores nothing.
  std::vector<expected<ingest_result>>
  ingest_group(const std::vector<const ingest_batch*>& batches, unix_ms now);

  /// Recomputes a person's standing; when it changed, saves it and appends
  /// a standing event (returned with seq > 0). seq == 0: nothing changed.
  standing_event refresh(person_ref who, unix_ms now);

  /// Associates a social profile with a person (moving it only when asked)
  /// and appends the event that moves that author's posts.
  expected<standing_event> link(const profile_link& link, unix_ms now);

  /// Applies a source actor's change to its linked account (status and/or
  /// refreshed tokens) in one transaction; false when the account is gone.
  bool update_account(const account_update& u);

  /// Every associated social profile with its owner's stored standing.
  std::vector<profile_entry> people();

  /// The last sequence number handed out.
  std::int64_t last_seq() const { return seq_; }

  post_repository& posts() { return posts_; }
  people_repository& people_repo() { return people_; }
  deal_repository& deals() { return deals_; }
  standing_repository& standings() { return standings_; }
  cursor_repository& cursors() { return cursors_; }
  database& db() { return db_; }

private:
  // The posts and cursors of one batch inside an open transaction;
  // advances `seq` by what it stored.
  ingest_result write_batch(const ingest_batch& batch, unix_ms now,
                            std::int64_t& seq);

  database& db_;
  post_repository posts_;
  people_repository people_;
  deal_repository deals_;
  standing_repository standings_;
  cursor_repository cursors_;
  account_repository accounts_;
  std::int64_t seq_ = 0;
};

} // namespace socialcrm::storage
