#pragma once

// The emulator side of bench/crash_storm: the organisation's accounts on
// the five networks, and a thread that publishes posts addressed to them
// at a steady rate through the emulator's control API, remembering each
// one. Every text carries a token ("csk<N>q") that no other text has, so
// the bench can tell each post from its stored row whatever id form the
// connector keeps, and can see a post stored twice.

#include "http/client.hpp"

#include <nlohmann/json.hpp>

#include <atomic>
#include <cstdint>
#include <mutex>
#include <random>
#include <string>
#include <thread>
#include <vector>

namespace socialcrm::bench {

using json = nlohmann::json;

inline constexpr const char* storm_networks[] = {"x", "facebook", "googleplus",
                                                 "mastodon", "bluesky"};

/// One post the emulator accepted.
struct sent_post {
  std::uint64_t token = 0;
  std::string network;
  std::string external_id; // as the control API answered it
  std::string kind;
};

/// Thin client of the emulator's /_sim control API; throws
/// std::runtime_error on anything but a 2xx answer.
class sim_control {
public:
  explicit sim_control(std::string base)
      : base_(std::move(base)) {}
  json post(const std::string& path, const json& body);
  json get(const std::string& path);
  const std::string& base() const { return base_; }

private:
  std::string base_;
  http::client http_;
};

/// The organisation on one network, as the emulator knows it.
struct org_account {
  std::string network;
  std::string user_id;
  std::string page_id;                // Facebook, Google+
  std::vector<std::string> fans;      // synthetic users who write to it
  std::vector<std::string> own_posts; // what replies and comments go to
  const std::string& target() const {
    return page_id.empty() ? user_id : page_id;
  }
};

/// The kinds published on each network: exactly those a linked account's
/// feeds bring in (see each connector's account_feeds()).
std::vector<std::string> storm_kinds(const std::string& network);

class storm_traffic {
public:
  storm_traffic(std::string sim_url, std::uint64_t seed);
  ~storm_traffic(); // stops the thread

  /// Creates the organisation ("storm") on every network, its pages, picks
  /// the authors among the synthetic population, and lifts the emulator's
  /// rate limits (see crash_storm.cpp for why).
  void create_accounts();
  const std::vector<org_account>& accounts() const { return accounts_; }

  /// The body of POST /api/v1/social/accounts that links `a`.
  json link_body(const org_account& a);

  /// Publishes one post of each kind on every network, now.
  void publish_each_kind();

  /// Publishes `rate` posts per second from a thread, round the networks.
  void start(double rate);
  void stop();

  std::vector<sent_post> sent() const;
  std::size_t refused() const { return refused_; }

private:
  void publish(org_account& a, const std::string& kind);
  void run(double rate);

  sim_control control_;
  std::mt19937_64 rng_;
  std::vector<org_account> accounts_;
  std::uint64_t next_token_ = 1;
  mutable std::mutex mutex_; // guards sent_
  std::vector<sent_post> sent_;
  std::atomic<std::size_t> refused_{0};
  std::atomic<bool> running_{false};
  std::thread thread_;
};

} // namespace socialcrm::bench
