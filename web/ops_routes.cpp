#include "web/openapi.hpp"
#include "web/routes.hpp"

namespace socialcrm::web {

namespace {

void healthz(const call_ptr& c) {
  c->reply_json(200, {{"status", "ok"}});
}

void metrics_page(const call_ptr& c) {
  // Figures from the database (through the CRM actor's connection) and
  // actor states from the registry, then the web layer's own counters.
  ask<crm_stats>(
      c, c->state.crm,
      [c](crm_stats& db) {
        ask<std::vector<actor_info>>(
            c, c->state.registry,
            [c, db](std::vector<actor_info>& actors) {
              auto res = http::response::make(
                  200, "text/plain; version=0.0.4; charset=utf-8",
                  c->state.metrics.render(db, actors,
                                          c->state.live_counts
                                            ? c->state.live_counts()
                                            : live_figures{}));
              res.headers.set("Cache-Control", "no-store");
              c->reply(std::move(res));
            },
            list_atom::value);
      },
      stats_atom::value);
}

void openapi(const call_ptr& c) {
  // Built per request: the table is small and this endpoint is rare.
  c->reply_json(200, openapi_document(make_api_router()));
}

} // namespace

void add_ops_routes(router& r) {
  r.add({"GET", "/healthz", healthz, false, false, "Liveness"});
  r.add({"GET", "/metrics", metrics_page, false, false,
         "Prometheus text: requests and latencies by route and status, "
         "sessions, posts per network, accounts per state, actor states"});
  r.add(
      {"GET", "/api/v1/openapi.json", openapi, false, false, "This document"});
}

} // namespace socialcrm::web
