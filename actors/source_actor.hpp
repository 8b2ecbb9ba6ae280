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

/// Backoff after consecutive failures: 1 s doubling up to a minute, scaled
/// by the poll interval so tests with a fast interval back off fast too.
unix_ms backoff_delay_ms(int failures, double poll_interval_s);

} // namespace socialcrm
