#pragma once

// One request in flight through the REST pipeline, and the state every
// handler shares. Handlers answer through the call, from any thread (the
// I/O thread or an actor's), exactly once.

#include "http/message.hpp"
#include "http/server.hpp"
#include "protocol/actor_error.hpp"
#include "protocol/actor_interfaces.hpp"
#include "protocol/crm_interface.hpp"
#include "web/limits.hpp"
#include "web/metrics.hpp"
#include "web/router.hpp"
#include "web/social_context.hpp"

#include <caf/actor_system.hpp>
#include <caf/event_based_actor.hpp>
#include <nlohmann/json.hpp>

#include <atomic>
#include <chrono>
#include <functional>
#include <map>
#include <memory>
#include <string>

namespace socialcrm::web {

/// What the handlers share: the actors they ask, limits and counters.
struct service_state {
  caf::actor_system& sys;
  crm_actor crm;
  classifier_actor classifier;
  registry_actor registry;
  web_limits limits;
  web::metrics metrics;
  /// The social tab's settings and blocking threads; null when this
  /// process serves no social tab (then its routes answer 503).
  std::shared_ptr<social_context> social;
  class blocking_pool* pool = nullptr;
  /// The live WebSockets' figures for /metrics; set by make_live_upgrade.
  std::function<live_figures()> live_counts;
  /// service_options::tls and ::metrics_token, for the handlers.
  bool tls = false;
  std::string metrics_token;
};

struct call {
  call(service_state& s, http::request r, http::responder out)
      : state(s)
      , req(std::move(r))
      , respond(std::move(out)) {}

  service_state& state;
  http::request req;
  http::responder respond;
  std::chrono::steady_clock::time_point started =
      std::chrono::steady_clock::now();
  std::string label = "unmatched"; // the route pattern, for /metrics
  const route* matched = nullptr;
  std::map<std::string, std::string> params;
  principal who;          // set once authenticated
  bool by_cookie = false; // authenticated by the session cookie
  nlohmann::json body;    // the decoded body of routes that take one

  /// Answers; later answers are ignored.
  void reply(http::response res);
  void reply_json(unsigned status, const nlohmann::json& value);
  void fail(const error_info& e);
  void fail(unsigned status, const error_info& e);

  /// A `{name}` path parameter that must be a positive id; nullopt (and a
  /// 404 already sent) otherwise.
  std::optional<std::int64_t> id_param(const char* name = "id");

private:
  std::atomic<bool> answered_{false};
};

using call_ptr = std::shared_ptr<call>;

/// Like ask(), with `on_error(error_info)` deciding what an error means.
template <class Result, class Handle, class F, class G, class... Ts>
void ask_or(const call_ptr& c, const Handle& dest, F on_ok, G on_error,
            Ts... xs) {
  // The timeout is a spawn argument rather than a capture: CAF 0.17
  // dereferences a null argument tuple when an actor is spawned without
  // arguments (caf/detail/init_fun_factory.hpp), which UBSan reports.
  c->state.sys.spawn(
      [=](caf::event_based_actor* self, caf::timespan timeout) mutable {
        self->request(dest, timeout, xs...)
            .then(
                [=](Result& r) mutable { on_ok(r); },
                [=](caf::error& err) mutable { on_error(to_error_info(err)); });
      },
      caf::timespan{c->state.limits.actor_timeout});
}

/// Sends `xs...` to `dest` and calls `on_ok(Result&)` with the answer; an
/// error (including the timeout of web_limits::actor_timeout) answers the
/// call with its status. A short-lived actor waits for the answer, so no
/// I/O thread blocks.
template <class Result, class Handle, class F, class... Ts>
void ask(const call_ptr& c, const Handle& dest, F on_ok, Ts... xs) {
  ask_or<Result>(
      c, dest, std::move(on_ok), [c](const error_info& e) { c->fail(e); },
      std::move(xs)...);
}
} // namespace socialcrm::web
