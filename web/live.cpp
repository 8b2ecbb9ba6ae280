#include "web/live.hpp"

#include "http/message.hpp"
#include "http/url.hpp"
#include "http/ws_session.hpp"
#include "protocol/actor_error.hpp"
#include "protocol/permission_rules.hpp"
#include "web/actor_watch.hpp"
#include "web/api_error.hpp"
#include "web/auth.hpp"
#include "web/live_session.hpp"
#include "web/social_context.hpp"

#include <caf/event_based_actor.hpp>

#include <functional>
#include <string>
#include <string_view>

namespace socialcrm::web {

namespace {

constexpr std::string_view live_path = "/api/v1/live";

// `url` without the slashes it may end with.
std::string_view trimmed(std::string_view url) {
  while (!url.empty() && url.back() == '/')
    url.remove_suffix(1);
  return url;
}

// Browsers send Origin on every WebSocket; a page of another site must not
// open one with the user's cookie (cross-site WebSocket hijacking, which
// SameSite=Lax does not stop). Scripts send no Origin and authenticate by
// token or cookie like any REST client. https:// with the same host is
// this server on its own TLS listener or behind a TLS-terminating proxy.
bool origin_allowed(const http::request& req, const std::string& public_url) {
  auto origin = req.headers.get("Origin");
  if (!origin)
    return true;
  auto o = trimmed(*origin);
  auto host_header = req.headers.value("Host");
  auto host = std::string(trimmed(host_header));
  if (!host.empty()
      && (http::iequals(o, "http://" + host)
          || http::iequals(o, "https://" + host)))
    return true;
  return !public_url.empty() && http::iequals(o, trimmed(public_url));
}

// Owns the WebSocket side of one web service. The HTTP server keeps it in
// its upgrade handler and destroys it when it stops (while its threads,
// which run the WebSockets on TLS streams, still run); then every
// WebSocket closes and every session actor is told to exit.
struct live_service {
  explicit live_service(service_state& state) {
    auto& social = state.social;
    if (!social || !social->hub || !social->sources)
      return;
    http::ws_limits ws;
    ws.flush_interval = state.limits.live_flush_interval;
    ws.io_threads = state.limits.live_threads;
    ws.max_connections_per_address = state.limits.live_connections_per_address;
    ws.limit_loopback = state.limits.live_limit_loopback;
    endpoint = std::make_shared<http::ws_endpoint>(ws);
    reader = std::make_unique<live::live_reader>(social->sources->db_path);
    shared = std::make_shared<live::live_shared>(
      state.sys, social->hub, reader.get(),
      std::chrono::duration_cast<std::chrono::milliseconds>(
        state.limits.actor_timeout));
    shared->start(state.registry);
  }

  ~live_service() {
    if (shared)
      shared->stop();
    if (endpoint)
      endpoint->stop();
    if (reader)
      reader->stop();
  }

  live_service(const live_service&) = delete;
  live_service& operator=(const live_service&) = delete;

  std::shared_ptr<http::ws_endpoint> endpoint;
  std::unique_ptr<live::live_reader> reader;
  std::shared_ptr<live::live_shared> shared;
};

void refuse(const std::weak_ptr<http::ws_endpoint>& endpoint,
            const std::shared_ptr<http::ws_pending>& p, const error_info& e,
            unsigned status = 0) {
  if (auto ep = endpoint.lock()) {
    auto res = status ? error_response(status, e) : error_response(e);
    // No HSTS here: every other answer over TLS carries it already.
    add_api_security_headers(res, false);
    ep->refuse(p, std::move(res));
  }
}

// Asks the CRM actor who the credential belongs to, then lets `admit`
// check the rights and take the connection (the refusals are answered
// here when the credential is bad).
void authenticate(caf::actor_system& sys, crm_actor crm,
                  caf::timespan timeout, credential cred,
                  std::weak_ptr<http::ws_endpoint> endpoint,
                  std::shared_ptr<http::ws_pending> p,
                  std::function<void(principal&)> admit) {
  // The timeout is a spawn argument: CAF 0.17 needs at least one.
  sys.spawn(
    [=](caf::event_based_actor* self, caf::timespan t) {
      self->request(crm, t, auth_atom::value, cred)
        .then([=](principal& who) { admit(who); },
              [=](caf::error& err) {
                refuse(endpoint, p, to_error_info(err));
              });
    },
    timeout);
}

// The live feed: the social tab's right, on an edition that has it.
void admit_live(principal& who, const std::shared_ptr<live::live_shared>& shared,
                const std::weak_ptr<http::ws_endpoint>& endpoint,
                const std::shared_ptr<http::ws_pending>& p) {
  if (!edition_has_social(who.edition))
    return refuse(endpoint, p,
                  make_error("edition_not_supported",
                             "the social features belong to the Professional "
                             "and Enterprise editions; this organisation has "
                             "the "
                               + who.edition + " edition"));
  if (!may_use_social(who))
    return refuse(endpoint, p,
                  make_error("forbidden", "the live feed needs the social tab "
                                          "permission"));
  live::viewer v{who.user.id, who.profile.id, may_administer(who)};
  live::spawn_session(shared, v, p, endpoint);
}

// The actor console's event stream: administrators and social
// administrators only, like the rest of the console.
void admit_watch(principal& who, caf::actor_system& sys,
                 const registry_actor& registry, const actor_selector& selector,
                 const std::weak_ptr<http::ws_endpoint>& endpoint,
                 const std::shared_ptr<http::ws_pending>& p) {
  if (!may_administer_social(who))
    return refuse(endpoint, p,
                  make_error("forbidden", "the actor console needs the "
                                          "administrative or social "
                                          "administrator permission"));
  spawn_actor_watch(sys, registry, selector, p, endpoint);
}

} // namespace

http::upgrade_handler make_live_upgrade(service_state& state) {
  auto svc = std::make_shared<live_service>(state);
  // Stays usable for refusals when the process has no social service.
  if (!svc->endpoint)
    svc->endpoint = std::make_shared<http::ws_endpoint>();
  state.live_counts = [ep = std::weak_ptr<http::ws_endpoint>(svc->endpoint)] {
    live_figures f;
    if (auto e = ep.lock()) {
      auto sent = e->sent();
      f = {e->connections(), sent.messages, sent.sends, e->refused()};
    }
    return f;
  };
  auto crm = state.crm;
  auto timeout = caf::timespan{state.limits.actor_timeout};
  auto& sys = state.sys;
  // The public URL is read per request: the service sets it once the
  // listener is bound, after this handler exists.
  auto social = state.social;
  auto registry = state.registry;
  return [svc, crm, timeout, &sys, social, registry](http::upgrade& u) {
    auto p = svc->endpoint->take(u);
    const auto& req = p->req();
    std::weak_ptr<http::ws_endpoint> ep = svc->endpoint;
    bool watch = req.path() == actor_events_path;
    if (req.path() != live_path && !watch)
      return refuse(ep, p,
                    make_error("not_found",
                               "WebSockets are served at "
                                 + std::string(live_path) + " and "
                                 + std::string(actor_events_path) + " only"));
    if (!origin_allowed(req, social ? social->public_url : std::string()))
      return refuse(ep, p,
                    make_error("origin_not_allowed",
                               "this server takes WebSockets from its own "
                               "pages only, not from "
                                 + req.headers.value("Origin").substr(0, 200)),
                    403);
    if (watch) {
      if (!registry)
        return refuse(ep, p, make_error("social_unavailable",
                                        "this server process runs no actor "
                                        "console"));
      auto query = http::parse_query(req.query());
      actor_selector selector;
      auto why = read_actor_selector(
        [&](const char* name) {
          auto it = query.find(name);
          return it == query.end() ? std::string() : it->second;
        },
        selector);
      if (why)
        return refuse(ep, p, make_error("bad_query", *why));
      auto cred = credential_of(req);
      if (!cred)
        return refuse(ep, p,
                      make_error("unauthenticated",
                                 "send Authorization: Bearer TOKEN or sign "
                                 "in (POST /api/v1/session)"));
      return authenticate(sys, crm, timeout, std::move(*cred), ep, p,
                          [&sys, registry, selector, ep, p](principal& who) {
                            admit_watch(who, sys, registry, selector, ep, p);
                          });
    }
    if (!svc->shared)
      return refuse(ep, p, make_error("social_unavailable",
                                      "this server process runs no social "
                                      "service"));
    auto cred = credential_of(req);
    if (!cred)
      return refuse(ep, p,
                    make_error("unauthenticated",
                               "sign in (POST /api/v1/session) or send "
                               "Authorization: Bearer TOKEN"));
    authenticate(sys, crm, timeout, std::move(*cred), ep, p,
                 [shared = svc->shared, ep, p](principal& who) {
                   admit_live(who, shared, ep, p);
                 });
  };
}

} // namespace socialcrm::web
