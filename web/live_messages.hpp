#pragma once

// The server -> client messages of the live WebSocket (API.md), as ready
// texts. A post or standing change goes to many sessions at once, so its
// text is built once and shared (message_cache) rather than serialised per
// client.

#include "http/ws_session.hpp"
#include "protocol/messages.hpp"

#include <cstdint>
#include <deque>
#include <memory>
#include <mutex>
#include <string>
#include <unordered_map>
#include <vector>

namespace socialcrm::web::live {

using http::ws_text;

/// {"type":"post","seq":N,"views":VIEWS,"post":{...}}: `views_json` is the
/// array of matched views (live_views.hpp matched_views).
ws_text post_message(const stored_post& item, const std::string& views_json);
/// {"type":"standing_changed","seq":N,"person":{...},"from":..,"to":..,
/// "authors":[{"network","user_id"}]}.
ws_text standing_message(const standing_event& ev);
ws_text resync_message(const std::string& reason);
ws_text error_message(const std::string& code, const std::string& message);
ws_text pong_message();
/// {"type":"batch","events":[E1,E2,...]}: how a client that subscribed
/// with "batch":true gets the messages that wait for one write together.
std::shared_ptr<const http::ws_batch_format> batch_format();
/// {"type":"subscribed","seq":N}: N is the last event the client has now
/// (replayed, or the newest when nothing was asked to be replayed).
ws_text subscribed_message(std::int64_t seq);

/// Texts of recent events, shared by the sessions they go to. Thread-safe.
class message_cache {
public:
  ws_text post(const stored_post& item, const std::string& views_json);
  ws_text standing(const standing_event& ev);

  /// Events remembered. Every session handles an event within moments of
  /// the others (the hub sends it to all at once); 1,024 also covers
  /// sessions a busy second apart, and bounds the cache to about 1,024 x
  /// (post + a few views variants), a few MB.
  static constexpr std::size_t max_events = 1024;
  /// Different view combinations remembered per event; beyond that the
  /// text is built for the one session.
  static constexpr std::size_t max_variants = 16;

  /// The posts of one batch the hub sent that a filter matched, with their
  /// texts: sessions with the same filter (filter_key, live_views.hpp)
  /// share one computation per batch instead of each matching every post.
  struct batch_match {
    std::vector<ws_text> texts; // of the matched posts, in seq order
  };
  using batch_match_ptr = std::shared_ptr<const batch_match>;
  /// The match of the batch starting at `first_seq` with `size` posts for
  /// `filter`: remembered, or computed by `compute` (outside the lock;
  /// sessions racing on it compute the same result).
  template <class Compute>
  batch_match_ptr batch(std::int64_t first_seq, std::size_t size,
                        const std::string& filter, Compute compute) {
    if (auto found = find_batch(first_seq, size, filter))
      return found;
    auto made = std::make_shared<const batch_match>(compute());
    remember_batch(first_seq, size, filter, made);
    return made;
  }
  /// Batches remembered: every session handles a batch within moments of
  /// the others; a session further behind computes its own.
  static constexpr std::size_t max_batches = 64;

private:
  struct entry {
    std::int64_t seq = 0;
    std::string post_json; // the post object, shared by the variants
    std::vector<std::pair<std::string, ws_text>> variants; // views -> text
  };
  entry& slot(std::int64_t seq); // mutex held

  batch_match_ptr find_batch(std::int64_t first_seq, std::size_t size,
                             const std::string& filter);
  void remember_batch(std::int64_t first_seq, std::size_t size,
                      const std::string& filter, batch_match_ptr m);

  std::mutex mutex_;
  std::unordered_map<std::int64_t, entry> recent_;
  std::deque<std::int64_t> order_; // oldest first, for eviction

  struct batch_entry {
    std::size_t size = 0;
    std::unordered_map<std::string, batch_match_ptr> by_filter;
  };
  std::mutex batch_mutex_;
  std::unordered_map<std::int64_t, batch_entry> batches_; // by first seq
  std::deque<std::int64_t> batch_order_;
};

} // namespace socialcrm::web::live
