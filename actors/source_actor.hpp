#pragma once

#include "networks/connector.hpp"
#include "protocol/actor_interfaces.hpp"

#include <caf/actor_system.hpp>

#include <map>
#include <optional>
#include <memory>
#include <string>
#include <vector>

namespace socialcrm::storage {
class secret_box;
}

namespace socialcrm {

/// One thing a source actor polls: a feed, with whose credentials, and the
/// key its cursor is stored under.
struct source_task {
  std::int64_t account_id = 0; // credentials of this linked account
  network net = network::x;
  networks::poll_request req;
  std::string cursor_key;
  friend bool operator==(const source_task& a, const source_task& b) {
    return a.account_id == b.account_id && a.net == b.net
           && a.req.what == b.req.what && a.req.user_id == b.req.user_id
           && a.req.terms == b.req.terms && a.cursor_key == b.cursor_key;
  }
};

/// What one source actor does: its id for the console, what its batches are
/// filed under, and its tasks.
struct source_spec {
  std::string id;  // "source:account:3", "source:column:7"
  source_ref ref;  // account sources: {account, 0}; columns: {0, column}
  std::vector<source_task> tasks;
  friend bool operator==(const source_spec& a, const source_spec& b) {
    return a.id == b.id && a.ref.account_id == b.ref.account_id
           && a.ref.column_id == b.ref.column_id && a.tasks == b.tasks;
  }
};

/// What every source actor of a process shares.
struct source_context {
  std::string db_path; // read-only connection for credentials and cursors
  std::shared_ptr<storage::secret_box> box;
  std::shared_ptr<networks::rate_budgets> budgets;
  std::map<network, std::string> base_urls;
  /// PEM file trusted for a network's https base URL ([networks.NAME]
  /// ca_file); absent = the system's CA store.
  std::map<network, std::string> ca_files;
  /// OAuth client (id, secret) per network, for token refreshes.
  std::map<network, std::pair<std::string, std::string>> oauth_clients;
  double poll_interval_s = 15;
  classifier_actor classifier;
  store_actor store;
  registry_actor registry;
};

/// Spawns a source actor (detached: connectors block on HTTP). It polls its
/// tasks every poll interval, hands each page to the classifier and moves a
/// cursor only once the classifier acknowledged the page: a crash re-polls,
/// never skips. It backs off on errors, waits out rate-limit windows,
/// refreshes tokens (persisted before use) and stops on a revoked token,
/// marking its account reauth_required. Answers pause, resume and restart.
caf::actor spawn_source(caf::actor_system& sys,
                        std::shared_ptr<const source_context> ctx,
                        source_spec spec);

/// The options of `net`'s connector in this context; nullopt when the
/// network has no base URL configured.
std::optional<networks::connector_options>
connector_options_for(const source_context& ctx, network net);

/// The first wait after a failure: a blip (one 5xx, a reset connection)
/// is retried soon.
inline constexpr unix_ms backoff_first_ms = 1000;
/// The longest wait: a network that stays down is asked once a minute, so
/// polling resumes within a minute of its return, and an hour of outage
/// costs 60 requests per source.
inline constexpr unix_ms backoff_max_ms = 60'000;
/// Doublings after which backoff_first_ms has passed backoff_max_ms.
inline constexpr int backoff_max_doublings = 6;
/// The poll interval (the default, 15 s) at which those waits apply as
/// they are; a shorter interval shrinks them in proportion, so a demo or
/// a test polling every 0.1 s also recovers 150 times faster.
inline constexpr double backoff_unscaled_interval_s = 15;

/// Backoff after consecutive failures (also the source supervisor's after
/// consecutive crashes): backoff_first_ms doubling up to backoff_max_ms,
/// scaled by the poll interval, plus 1 ms so that it is never zero.
unix_ms backoff_delay_ms(int failures, double poll_interval_s);

} // namespace socialcrm
