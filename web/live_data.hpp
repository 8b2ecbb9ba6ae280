#pragma once

// The database reads of the live feed, on a read-only connection of their
// own: what a user may see, the negotiation filters' contacts, and the
// events a reconnecting client missed. They run on the live_reader's
// thread, never on an actor's or an I/O thread.

#include "protocol/messages.hpp"
#include "storage/database.hpp"
#include "storage/live_repository.hpp"
#include "web/live_views.hpp"

#include <caf/allowed_unsafe_message_type.hpp>

#include <condition_variable>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

namespace socialcrm::web::live {

/// Events a reconnecting client may have missed before it is told to
/// resync: 10,000 is a few minutes of a busy organisation's traffic, read
/// in well under a second; beyond that refetching the columns over REST
/// is cheaper than replaying.
inline constexpr std::int64_t max_replay = 10000;

/// Who a session serves: enough to ask what they may see.
struct viewer {
  std::int64_t user_id = 0;
  std::int64_t profile_id = 0;
  bool full_rights = false;
};

/// The reader's read-only connection with the live feed's statements
/// prepared on it, which live as long as it does.
struct reader_connection {
  explicit reader_connection(const std::string& path);

  storage::database db;
  storage::live_repository live;
};

/// One thread with a read-only connection that runs jobs in order.
class live_reader {
public:
  using job = std::function<void(reader_connection&)>;

  explicit live_reader(std::string db_path);
  ~live_reader(); // stop()s
  live_reader(const live_reader&) = delete;
  live_reader& operator=(const live_reader&) = delete;

  /// False after stop(): the job is dropped.
  bool post(job j);
  /// Finishes the job running, drops the queued ones, joins.
  void stop();

private:
  void run();

  std::string path_;
  std::mutex mutex_;
  std::condition_variable cv_;
  std::deque<job> queue_;
  bool stopping_ = false;
  std::thread thread_;
};

/// The accounts and columns of one user now.
user_scope load_scope(reader_connection& c, const viewer& who);

/// The organisation's accounts and the negotiation filters' contacts now
/// (the top-10 list as frozen for today by the store).
crm_sets load_sets(reader_connection& c, unix_ms now);

/// What a subscribe needs from the database, read in one snapshot.
struct snapshot {
  /// Set when the subscribe is refused: column_not_found.
  std::optional<error_info> error;
  /// Set when the client should refetch over REST instead (too many
  /// missed events, or a resume point this server never reached).
  std::string resync;
  user_scope scope;
  std::shared_ptr<const crm_sets> sets;
  std::int64_t head = 0; // the newest seq in the snapshot
  /// Missed events in seq order (resume_from only).
  std::vector<stored_post> posts;
  std::vector<standing_event> standings;
  /// post id -> subscribed keyword/custom columns that polled it.
  std::map<std::int64_t, std::vector<std::int64_t>> post_columns;
};

snapshot load_snapshot(reader_connection& c, const viewer& who,
                       const subscribe_request& sub, unix_ms now);

} // namespace socialcrm::web::live

// Local messages between the reader thread and a session actor; they never
// cross nodes (a live session is where its socket is).
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(
  std::shared_ptr<const socialcrm::web::live::snapshot>)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(
  std::shared_ptr<const socialcrm::web::live::user_scope>)
