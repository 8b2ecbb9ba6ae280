#pragma once

// bench/fanout_world: the organisation the fan-out benchmark runs on, and
// the posts it injects. 16 linked accounts (X and Mastodon in turn); 25
// people in each of leads, negotiation and customers with a profile on
// both networks; four users who each see a few accounts, as an
// organisation's agents do:
//   0 the super administrator, whose own filter keeps account 0,
//   1 an administrator filtering on accounts 1 and 2,
//   2 a standard user: the Standard profile may view accounts 0 and 3 only,
//   3 a standard user filtering on account 3.
// Clients cycle through the users and through four subscriptions, so the
// server filters per user and per view as it does in real use. Post k is
// a deterministic function of k, so the bench knows how many deliveries
// each run owes its clients (a client gets about 1 post in 40).

#include "bench/fanout_clients.hpp"
#include "protocol/messages.hpp"

#include <array>
#include <filesystem>
#include <memory>
#include <string>
#include <utility>
#include <vector>

namespace socialcrm::bench {

class fanout_world {
public:
  static constexpr int users = 4;
  static constexpr int view_sets = 4;
  static constexpr int people_per_standing = 25;
  static constexpr int accounts = 16;

  /// A fresh database (in a temporary directory) with the organisation,
  /// the super administrator and the two linked accounts.
  fanout_world();
  ~fanout_world();
  fanout_world(const fanout_world&) = delete;
  fanout_world& operator=(const fanout_world&) = delete;

  const std::string& db_path() const { return db_path_; }

  /// Through the REST API of the server at `base`: users, the Standard
  /// profile's operations, filters, people and deals; signs every user in.
  void populate(const std::string& base);

  /// `n` clients; for the bare server the subscribe also names the user's
  /// visible accounts (it has no database to ask).
  /// With `batch` the subscribe asks for batch messages, as the browser's
  /// does.
  std::vector<client_spec> client_specs(int n, bool bare, bool batch);

  /// Posts [first, first + n) as one ingest batch per account; adds the
  /// deliveries they owe the clients to `expected`.
  std::vector<ingest_batch> batches(std::int64_t first, std::int64_t n,
                                    std::uint64_t& expected) const;

  /// The same posts as the bare server's (tags, text).
  using bare_message
    = std::pair<std::vector<std::string>, std::shared_ptr<const std::string>>;
  std::vector<bare_message> bare_messages(std::int64_t first, std::int64_t n,
                                          std::uint64_t& expected) const;

private:
  struct model; // what post k is
  model post_model(std::int64_t k) const;
  void count(const model& m, std::uint64_t& expected) const;

  std::filesystem::path dir_;
  std::string db_path_;
  std::array<std::int64_t, accounts> accounts_{};
  std::array<std::string, users> cookies_;
  std::array<std::array<std::uint64_t, view_sets>, users> clients_{};
};

} // namespace socialcrm::bench
