#include "web/service.hpp"

#include "actors/crm_actor.hpp"
#include "http/server.hpp"
#include "http/url.hpp"
#include "web/api_error.hpp"
#include "web/auth.hpp"
#include "web/call.hpp"
#include "web/blocking_pool.hpp"
#include "web/json_body.hpp"
#include "web/live.hpp"
#include "web/metrics.hpp"
#include "web/rate_limiter.hpp"
#include "web/routes.hpp"
#include "web/static_files.hpp"

#include <caf/send.hpp>
#include <spdlog/spdlog.h>

#include <cstdlib>

#ifndef SOCIALCRM_STATIC_DIR
#define SOCIALCRM_STATIC_DIR "web/static"
#endif

namespace socialcrm::web {

std::filesystem::path default_static_dir() {
  if (const char* dir = std::getenv("SOCIALCRM_STATIC_DIR"))
    return dir;
  return SOCIALCRM_STATIC_DIR;
}

namespace {

bool is_json(const http::request& req) {
  auto type = req.headers.value("Content-Type");
  auto semi = type.find(';');
  auto media = std::string_view(type).substr(0, semi);
  while (!media.empty() && media.back() == ' ')
    media.remove_suffix(1);
  return http::iequals(media, "application/json");
}

// The policies are in web/api_error.cpp (ui_content_policy,
// api_content_policy) with their reasons.
constexpr const char* hsts = "max-age=31536000";

// The headers every answer of the service carries, set here once for all
// routes, static files and errors. Static files keep their revalidation
// (no-cache); answers of signed-in routes are never stored by a browser or
// proxy (no-store), nor is any other API answer unless its route chose.
void add_security_headers(const call& c, http::response& res) {
  auto& h = res.headers;
  bool ui = c.label == "static";
  h.set("X-Content-Type-Options", "nosniff");
  h.set("Content-Security-Policy", ui ? ui_content_policy : api_content_policy);
  h.set("X-Frame-Options", "DENY"); // frame-ancestors for older browsers
  // Full URLs within the site (the UI's own links), none to other sites: a
  // record's website link must not learn which record linked to it.
  h.set("Referrer-Policy", "same-origin");
  if (c.state.tls)
    h.set("Strict-Transport-Security", hsts);
  if (c.matched && c.matched->needs_auth)
    h.set("Cache-Control", "no-store");
  else if (!ui && !h.has("Cache-Control"))
    h.set("Cache-Control", "no-store");
}

void run_handler(const call_ptr& c) {
  try {
    c->matched->handler(c);
  } catch (const std::exception& e) {
    spdlog::error("{} {} failed: {}", c->req.method, c->label, e.what());
    c->fail(make_error("internal", "the server failed to handle this "
                                   "request"));
  }
}

// Content type, size and JSON of the body, for routes that take one.
void decode_body_then_run(const call_ptr& c) {
  if (c->matched->takes_body) {
    auto& limits = c->state.limits;
    if (!is_json(c->req))
      return c->fail(make_error("unsupported_media_type",
                                "send the body as application/json"));
    auto body = decode_object_body(c->req.body, limits.json_body_limit,
                                   limits.json_max_depth);
    if (!body)
      return c->fail(body.error());
    c->body = std::move(*body);
  }
  run_handler(c);
}

} // namespace

struct service::impl {
  impl(caf::actor_system& sys, crm_actor crm, classifier_actor classifier,
       registry_actor registry, service_options o)
      : opts(std::move(o))
      , state{sys,
              std::move(crm),
              std::move(classifier),
              std::move(registry),
              opts.limits,
              {}}
      , routes(make_api_router())
      , files(opts.static_dir.empty() ? default_static_dir() : opts.static_dir)
      , limiter(opts.limits.rate_burst, opts.limits.rate_per_second,
                opts.limits.rate_max_clients) {
    state.social = opts.social;
    state.tls = opts.tls || !opts.tls_cert.empty();
    state.metrics_token = opts.metrics_token;
    if (state.social && state.social->sources) {
      pool = std::make_unique<blocking_pool>(state.social->sources->db_path);
      state.pool = pool.get();
    }
  }

  void handle(http::request req, http::responder respond) {
    auto c = std::make_shared<call>(state, std::move(req), http::responder{});
    // Every answer leaves through here. The call owns the responder and
    // only its reply() calls it, so the call outlives each use of `self`.
    c->respond = [self = c.get(),
                  out = std::move(respond)](http::response res) {
      add_security_headers(*self, res);
      out(std::move(res));
    };
    if (!limiter.allow(c->req.remote_address)) {
      auto res = error_response(make_error(
          "rate_limited", "too many requests from this address; slow down"));
      res.headers.set("Retry-After", std::to_string(limiter.retry_after(
                                         c->req.remote_address)));
      return c->reply(std::move(res));
    }
    auto path = std::string(c->req.path());
    auto m = routes.match(c->req.method, path);
    if (!m.found)
      return unrouted(c, path, m);
    c->matched = m.found;
    c->label = m.found->pattern;
    c->params = std::move(m.params);
    if (c->label == metrics_path)
      if (auto refused = metrics_refusal(c->req, state.metrics_token))
        return c->reply(std::move(*refused));
    if (!c->matched->needs_auth)
      return decode_body_then_run(c);
    auto cred = credential_of(c->req);
    if (!cred)
      return c->fail(make_error("unauthenticated",
                                "sign in (POST /api/v1/session) or send "
                                "Authorization: Bearer TOKEN"));
    ask<principal>(
        c, state.crm,
        [c, bearer = cred->bearer](principal& who) {
          c->who = std::move(who);
          c->by_cookie = !bearer;
          if (c->by_cookie && is_mutating(c->req.method) &&
              !csrf_matches(c->req, c->who.csrf_token))
            return c->fail(make_error("csrf_failed",
                                      "requests that change data with the "
                                      "session cookie need the X-CSRF-Token "
                                      "header from sign-in"));
          decode_body_then_run(c);
        },
        auth_atom::value, *cred);
  }

  // No route: 405 with Allow, a static file, or 404.
  void unrouted(const call_ptr& c, const std::string& path,
                const route_match& m) {
    if (!m.allowed.empty()) {
      std::string allow;
      for (auto& method : m.allowed)
        allow += (allow.empty() ? "" : ", ") + method;
      auto res = error_response(
          make_error("method_not_allowed", path + " takes " + allow));
      res.headers.set("Allow", allow);
      return c->reply(std::move(res));
    }
    bool api = path.rfind("/api/", 0) == 0 || path == "/api";
    if (!api && c->req.method == "GET") {
      c->label = "static";
      if (static_files::is_traversal(http::url_decode(path, false)))
        return c->fail(make_error("bad_path", "the path leaves the UI's "
                                              "directory"));
      if (auto res = files.serve(path, c->req.headers.value("If-None-Match")))
        return c->reply(std::move(*res));
    }
    c->fail(
        make_error("not_found", "nothing is served at " + path.substr(0, 200)));
  }

  service_options opts;
  service_state state;
  router routes;
  static_files files;
  rate_limiter limiter;
  std::unique_ptr<blocking_pool> pool;
  std::unique_ptr<http::server> server;
  bool stopped = false;
};

service::service(caf::actor_system& sys, const std::string& database_path,
                 classifier_actor classifier, registry_actor registry,
                 service_options opts) {
  auto crm = spawn_crm(sys, database_path);
  if (registry) // the actor console lists it
    caf::anon_send(registry, register_atom::value, std::string("crm"),
                   std::string("crm"), caf::actor_cast<caf::actor>(crm));
  impl_ = std::make_unique<impl>(sys, std::move(crm), std::move(classifier),
                                 std::move(registry), std::move(opts));
}

service::~service() {
  stop();
}

std::uint16_t service::start(const std::string& host, std::uint16_t port) {
  auto& l = impl_->opts.limits;
  http::server_limits limits;
  limits.body_limit = l.transport_body_limit;
  limits.header_limit = l.header_limit;
  limits.idle_timeout = l.idle_timeout;
  limits.threads = l.io_threads;
  impl_->server = std::make_unique<http::server>(
      limits,
      [self = impl_.get()](http::request req, http::responder res) {
        self->handle(std::move(req), std::move(res));
      },
      make_live_upgrade(impl_->state));
  auto& o = impl_->opts;
  if (!o.tls_cert.empty())
    impl_->server->use_tls(o.tls_cert, o.tls_key);
  auto bound = impl_->server->start(host, port);
  auto& social = impl_->state.social;
  if (social && social->public_url.empty()) {
    auto shown = host == "0.0.0.0" || host == "::" ? std::string("127.0.0.1")
                 : host.find(':') != std::string::npos ? "[" + host + "]"
                                                        : host;
    social->public_url = (impl_->server->tls() ? "https://" : "http://")
                         + shown + ":" + std::to_string(bound);
  }
  return bound;
}

void service::reload_tls() {
  auto& o = impl_->opts;
  if (impl_->server && !o.tls_cert.empty())
    impl_->server->use_tls(o.tls_cert, o.tls_key);
}

void service::stop() {
  if (!impl_ || impl_->stopped)
    return;
  impl_->stopped = true;
  if (impl_->server)
    impl_->server->stop();
  if (impl_->pool)
    impl_->pool->stop();
  caf::anon_send_exit(impl_->state.crm, caf::exit_reason::user_shutdown);
}

} // namespace socialcrm::web
