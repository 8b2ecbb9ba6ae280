#pragma once

// The shared state and services of one emulator: the data model of every
// network, deterministic randomness, ids, the simulated clock, rate-limit
// windows, the fault queue, per-network statistics and the published log.
//
// Thread model: the emulator locks `mutex()` around every request, traffic
// tick and control call; modules and the control API call these members
// with it held and never lock themselves.

#include "sim/faults.hpp"
#include "sim/rate_limiter.hpp"
#include "sim/store.hpp"

#include <cstdint>
#include <deque>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <random>
#include <string>
#include <string_view>
#include <vector>

namespace socialcrm::sim {

class network;

/// Size of the synthetic population seeded on every network: enough
/// distinct authors for columns and searches to look alive, small enough to
/// list in a test.
inline constexpr std::size_t synthetic_users_per_network = 20;

/// Per-network counters served by GET /_sim/stats.
struct network_stats {
  std::uint64_t requests = 0;   // every request under the prefix
  std::uint64_t throttled = 0;  // 429 answers (spent window or storm)
  std::uint64_t violations = 0; // requests that arrived in a spent window
  std::uint64_t faults = 0;     // injected 5xx / slow answers served
  std::map<unsigned, std::uint64_t> by_status;
};

/// The simulated clock: real time plus an offset the control API can
/// advance (POST /_sim/clock), so tests reach a window reset or a token
/// expiry without sleeping.
class sim_clock {
public:
  std::int64_t now_ms() const;
  std::int64_t now() const { return now_ms() / 1000; } // unix seconds
  void advance_ms(std::int64_t ms) { offset_ms_ += ms; }

private:
  std::int64_t offset_ms_ = 0;
};

struct world_options {
  std::uint64_t seed = 1;
  /// Multiplies every network's rate-limit window (0.001 turns X's 15
  /// minutes into 0.9 s).
  double window_scale = 1.0;
};

class world {
public:
  /// Takes ownership of the network modules and seeds their populations.
  world(world_options opts, std::vector<std::unique_ptr<network>> networks);
  ~world();
  world(const world&) = delete;
  world& operator=(const world&) = delete;

  std::mutex& mutex() { return mutex_; }

  // --- networks ----------------------------------------------------------
  network* find_network(std::string_view id);
  const std::vector<std::unique_ptr<network>>& networks() const {
    return networks_;
  }

  // --- randomness, ids, time ----------------------------------------------
  std::mt19937_64& rng() { return rng_; }
  /// Uniform integer in [lo, hi].
  std::uint64_t uniform(std::uint64_t lo, std::uint64_t hi);
  /// `bytes` random bytes as unpadded base64url (tokens, codes, secrets).
  std::string random_token(std::size_t bytes = 24);
  /// Monotonic counter modules format into ids (network::make_id).
  std::uint64_t next_number() { return ++number_; }
  sim_clock& clock() { return clock_; }
  std::int64_t now() const { return clock_.now(); }

  // --- users and pages -------------------------------------------------
  /// Creates a user with an id formatted by its network. Throws nothing;
  /// the caller checked that the network exists.
  const user& add_user(std::string_view network_id, std::string handle,
                       std::string name, std::string password,
                       bool synthetic = false);
  const user* find_user(std::string_view network_id, std::string_view id) const;
  const user* find_user_by_handle(std::string_view network_id,
                                  std::string_view handle) const;
  std::vector<const user*> users(std::string_view network_id) const;

  const page& add_page(std::string_view network_id, std::string owner_id,
                       std::string name);
  const page* find_page(std::string_view network_id, std::string_view id) const;
  std::vector<const page*> pages_of(std::string_view network_id,
                                    std::string_view owner_id) const;
  std::vector<const page*> pages(std::string_view network_id) const;

  // --- items ---------------------------------------------------------------
  /// Stores `draft` (kind, author, text, to_account, in_reply_to, media,
  /// by_app): assigns seq, id, created_at and conversation_id, then calls
  /// the module's on_item_added. Returns the stored item.
  item& add_item(item draft);
  item* find_item(std::string_view network_id, std::string_view id);
  /// Every item of a network, oldest first (insertion order).
  std::vector<const item*> items(std::string_view network_id) const;
  /// The same without a copy: what a newest-first page walks backwards
  /// from the end, stopping once the page is full (x_read.cpp), so a page
  /// costs what it holds and not what the network has stored.
  const std::vector<const item*>& items_in_order(
    std::string_view network_id) const;
  std::size_t item_count(std::string_view network_id) const;

  const media& add_media(std::string_view network_id, std::string owner_id,
                         std::size_t bytes, std::string content_type);
  const media* find_media(std::string_view network_id,
                          std::string_view id) const;
  /// add_media() for an upload the app made, also in the published log
  /// (action "media"), so tests can see what a client uploaded.
  const media& upload_media(std::string_view network_id, std::string owner_id,
                            std::size_t bytes, std::string content_type);

  // --- OAuth: clients, codes, tokens ---------------------------------------
  const app_client& add_client(app_client c);
  const app_client* find_client(std::string_view network_id,
                                std::string_view client_id) const;
  const auth_code& add_code(auth_code c);
  auth_code* find_code(std::string_view network_id, std::string_view code);
  /// Issues a token with a fresh random value (`prefix` + random). `ttl_s`
  /// 0 means it never expires.
  const token& issue_token(std::string_view network_id, token_kind kind,
                           std::string user_id, std::string page_id,
                           std::string client_id, std::string scopes,
                           std::int64_t ttl_s, std::string_view prefix = "");
  /// Any token, whatever its state (nullptr when unknown).
  token* find_token(std::string_view network_id, std::string_view value);
  /// An access token that is known, not revoked and not expired.
  const token* valid_access_token(std::string_view network_id,
                                  std::string_view value);
  /// Revokes tokens of a network: of one user when `user_id` is set, one
  /// token when `value` is set, else all. Returns how many.
  std::size_t revoke_tokens(std::string_view network_id,
                            std::string_view user_id, std::string_view value);

  // --- rate limits, faults, stats, published -----------------------------
  /// Takes one request from the window of `key` (usually token + endpoint
  /// group) and tells the module what to put in its headers. Applies
  /// window_scale, the control API's overrides and rate_limit storms, and
  /// counts throttled answers and violations.
  rate_window take_rate(std::string_view network_id, const std::string& key,
                        std::uint32_t limit, std::int64_t window_s);
  rate_limiter& limiter() { return limiter_; }
  fault_queue& faults() { return faults_; }
  /// One page of a list after queued list faults: `duplicate` repeats the
  /// item the previous page ended with, `out_of_order` reverses the page.
  /// `all` is the whole list in paging order, [begin, end) this page.
  std::vector<const item*> page_with_faults(std::string_view network_id,
                                            const std::vector<const item*>& all,
                                            std::size_t begin, std::size_t end);
  network_stats& stats(std::string_view network_id);
  const std::map<std::string, network_stats, std::less<>>& all_stats() const {
    return stats_;
  }

  /// Records something the app did through a network API (assigns seq and
  /// created_at).
  void record_published(published_entry e);
  const std::vector<published_entry>& published() const { return published_; }

private:
  void seed_population(network& net);

  std::mutex mutex_;
  world_options opts_;
  std::vector<std::unique_ptr<network>> networks_;
  std::mt19937_64 rng_;
  std::uint64_t number_ = 0;
  std::uint64_t seq_ = 0;
  sim_clock clock_;
  std::deque<user> users_;
  std::deque<page> pages_;
  std::deque<item> items_;
  // Per network, in insertion order (a deque's elements never move).
  std::map<std::string, std::vector<const item*>, std::less<>> by_network_;
  std::deque<media> media_;
  std::deque<app_client> clients_;
  std::deque<auth_code> codes_;
  std::deque<token> tokens_;
  // Lookups by (network + '\n' + id) into the deques above.
  std::map<std::string, std::size_t, std::less<>> user_index_, page_index_,
    item_index_, media_index_, token_index_, code_index_, client_index_;
  rate_limiter limiter_;
  fault_queue faults_;
  std::map<std::string, network_stats, std::less<>> stats_;
  std::vector<published_entry> published_;
};

} // namespace socialcrm::sim
