#pragma once

// Polling a list that a network serves newest first and pages backwards
// with an opaque token, with no way to ask for "only what is newer than
// X" (Facebook edges, Google+ activities and comments, Bluesky feeds,
// notifications and search).
//
// The cursor keeps a time mark (the newest listing time a finished walk
// saw) and the ids seen at exactly that time, since several items can share
// one timestamp (whole seconds on some networks). A poll walks pages from
// the newest until it lists something older than the mark. A backlog
// longer than the page bound is walked over several polls, resuming from
// the network's token, and the mark moves only once the walk has finished,
// so nothing is skipped. Items listed again (duplicate pages, a list that
// shifted under an offset token) are dropped here or, failing that, by the
// classifier's dedupe.

#include "networks/connector.hpp"
#include "networks/cursor_state.hpp"

#include <functional>
#include <optional>
#include <set>
#include <string>
#include <vector>

namespace socialcrm::networks {

/// Most ids remembered at the mark. Networks that count whole seconds
/// (the emulator, Google+) list bursts of hundreds of items at one
/// instant; beyond this many some are forgotten, which can only deliver
/// them again (the classifier dedupes), never skip one. 4096 hashes of 13
/// characters bound a cursor at about 53 KB, reached only in such bursts.
inline constexpr std::size_t time_walk_max_seen = 4096;

/// The walk state of one list, stored under `prefix` in a cursor.
class time_walk {
public:
  explicit time_walk(const cursor_state& cur, std::string prefix = {});

  /// The page token to start with: "" for the newest page, or where a walk
  /// cut short by the page bound stopped.
  const std::string& start_token() const { return resume_; }

  /// The list's order at this position: an item listed at `at`. Once it is
  /// older than the mark, the pages after this one hold nothing new.
  void listed(unix_ms at);

  /// Whether the item (its time, its id) was not delivered by an earlier
  /// poll nor earlier in this one; counts it for the next mark either way.
  bool fresh(unix_ms at, const std::string& id);

  /// listed() then fresh(), for lists ordered by the items' own time;
  /// an item an earlier walk saw at the mark's instant also ends the walk,
  /// since what that walk missed at that instant was listed after it, so
  /// above it.
  bool take(unix_ms at, const std::string& id);

  /// Whether `at` is older than the mark: nothing listed at that time can
  /// be new.
  bool before_mark(unix_ms at) const { return since_ != 0 && at < since_; }

  /// Whether something older than the mark was listed.
  bool reached_mark() const { return reached_; }

  /// Writes the state after this poll into `out`. `next` is the token of
  /// the page after the last one read when the walk was cut short, ""
  /// when it reached the end of the list or the mark. Returns true when the
  /// walk is unfinished (more to read at once).
  bool finish(cursor_state& out, const std::string& next) const;

  /// Copies the state stored under `prefix` unchanged (a list not walked
  /// this poll).
  static void carry(const cursor_state& from, cursor_state& to,
                    const std::string& prefix);

private:
  std::string prefix_;
  unix_ms since_ = 0; // mark of the last finished walk; 0 = none yet
  std::set<std::string> since_seen_;
  std::string resume_;
  unix_ms top_ = 0; // newest time of this walk, over every poll of it
  std::set<std::string> top_seen_;
  std::set<std::string> taken_; // ids delivered in this poll
  bool reached_ = false;
};

/// One listed item as a connector decoded it.
struct listed_item {
  post item;
  unix_ms at = 0;      // the time the list is ordered by
  bool deliver = true; // false: counts for the mark only (our own answers)
};

/// One page of a newest-first list.
struct listed_page {
  std::vector<listed_item> items; // as listed
  std::string next;               // the older page's token; "" at the end
};

using page_fetcher =
  std::function<outcome<listed_page>(const std::string& token)>;

struct walk_result {
  std::vector<post> posts; // oldest first
  bool more = false;       // the walk was cut short by the page bound
};

/// Polls one list: pages from the stored resume point (or the newest)
/// until the mark, the end, or `max_pages`; writes the new state under
/// `prefix` into `out`. An item without a time is a bad_response.
outcome<walk_result> walk_list(const cursor_state& cur,
                               const std::string& prefix, int max_pages,
                               const page_fetcher& fetch, cursor_state& out);

/// A recent post whose comments are polled, with its comment count as the
/// network reports it (nullopt when it does not say).
struct commented_post {
  std::string id;
  std::optional<std::int64_t> comments;
};

using comment_fetcher = std::function<outcome<listed_page>(
  const std::string& post_id, const std::string& token)>;

/// Polls the comments of a page's recent posts (Facebook, Google+), each
/// post's comments a newest-first list of its own. A post whose comment
/// count has not changed since its last finished walk is not asked again,
/// which keeps a quiet page at one request per poll; comments of posts that
/// fall out of `posts` are no longer polled.
outcome<walk_result> walk_comments(const cursor_state& cur,
                                   const std::vector<commented_post>& posts,
                                   int max_pages_per_post,
                                   const comment_fetcher& fetch,
                                   cursor_state& out);

} // namespace socialcrm::networks
