#include "app/ingestion.hpp"

#include "actors/source_supervisor.hpp"
#include "storage/secret_box.hpp"

#include <filesystem>

namespace socialcrm::app {

std::shared_ptr<source_context>
make_source_context(const serve_options& opts, const std::string& db_path,
                    classifier_actor classifier, store_actor store,
                    registry_actor registry) {
  auto ctx = std::make_shared<source_context>();
  ctx->db_path = db_path;
  ctx->box = std::make_shared<storage::secret_box>(
    (std::filesystem::path(opts.data_dir) / storage::secret_box::file_name)
      .string());
  ctx->budgets = std::make_shared<networks::rate_budgets>();
  ctx->base_urls = opts.network_urls;
  ctx->oauth_clients = opts.oauth_clients;
  ctx->ca_files = opts.network_ca_files;
  ctx->poll_interval_s = opts.poll_interval_s;
  ctx->classifier = std::move(classifier);
  ctx->store = std::move(store);
  ctx->registry = std::move(registry);
  return ctx;
}

caf::actor start_ingestion(caf::actor_system& sys,
                           std::shared_ptr<const source_context> ctx) {
  return spawn_source_supervisor(sys, std::move(ctx));
}

} // namespace socialcrm::app
