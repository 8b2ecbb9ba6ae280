#include "web/actor_watch.hpp"

#include "web/json_body.hpp"
#include "web/live_views.hpp"

#include <caf/event_based_actor.hpp>
#include <caf/send.hpp>
#include <caf/stateful_actor.hpp>

namespace socialcrm::web {

namespace {

using nlohmann::json;
using watch_text_atom = caf::atom_constant<caf::atom("aw_text")>;
using watch_closed_atom = caf::atom_constant<caf::atom("aw_closed")>;

/// How long the registry may take to take a watcher on: it answers in
/// microseconds unless it is swamped, and then the client hears why.
constexpr std::chrono::seconds watch_timeout{10};

std::shared_ptr<const std::string> text_of(const json& j) {
  return std::make_shared<const std::string>(j.dump());
}

struct watch_state {
  watch_state() = default;

  registry_actor registry;
  actor_selector selector;
  std::shared_ptr<http::ws_connection> conn;
  /// Events lost while the client's queue was full, told once it drains.
  std::int64_t dropped = 0;
  static inline const char* name = "actor watch";
};

using watch_actor = caf::stateful_actor<watch_state>;

// Queues one message; counts it as dropped when the client is behind.
void push(watch_actor* self, const json& message) {
  auto& st = self->state;
  if (st.dropped > 0) {
    auto told = st.conn->push(
      text_of({{"type", "dropped"}, {"count", st.dropped}}));
    if (told != http::ws_connection::push_result::queued) {
      ++st.dropped;
      return;
    }
    st.dropped = 0;
  }
  if (st.conn->push(text_of(message)) == http::ws_connection::push_result::full)
    ++st.dropped;
}

void on_client(watch_actor* self, const std::string& text) {
  auto parsed = live::parse_client_message(text);
  if (!parsed)
    return push(self, {{"type", "error"},
                       {"error", {{"code", parsed.error().code},
                                  {"message", parsed.error().message}}}});
  if (parsed->type == "ping")
    return push(self, {{"type", "pong"}});
  push(self, {{"type", "error"},
              {"error", {{"code", "unknown_type"},
                         {"message", "unknown message type '"
                                       + parsed->type.substr(0, 40)
                                       + "'; this stream takes ping only"}}}});
}

caf::behavior watch(watch_actor* self, registry_actor registry,
                    actor_selector selector,
                    std::shared_ptr<http::ws_pending> pending,
                    std::weak_ptr<http::ws_endpoint> endpoint) {
  auto& st = self->state;
  st.registry = std::move(registry);
  st.selector = std::move(selector);
  auto addr = self->address();
  http::ws_callbacks callbacks;
  callbacks.on_text = [addr](std::string text) {
    if (auto a = caf::actor_cast<caf::actor>(addr))
      caf::anon_send(a, watch_text_atom::value, std::move(text));
  };
  callbacks.on_closed = [addr] {
    if (auto a = caf::actor_cast<caf::actor>(addr))
      caf::anon_send(a, watch_closed_atom::value);
  };
  if (auto ep = endpoint.lock())
    st.conn = ep->accept(pending, std::move(callbacks));
  pending.reset();
  if (!st.conn) {
    self->quit();
    return {};
  }
  auto me = caf::actor_cast<caf::actor>(self);
  self->attach_functor([conn = st.conn, reg = st.registry, me](const caf::error&) {
    conn->close();
    caf::anon_send(reg, unwatch_atom::value, me);
  });
  // The registry going away (the server stopping) ends the stream.
  self->monitor(st.registry);
  self->set_down_handler([self](const caf::down_msg&) { self->quit(); });
  // "watching" once the registry has us: from then on nothing is missed.
  self->request(st.registry, watch_timeout, watch_atom::value, me)
    .then(
      [self](bool) {
        push(self, {{"type", "watching"},
                    {"selector", self->state.selector.to_json()}});
      },
      [self](caf::error& err) {
        push(self, {{"type", "error"},
                    {"error", {{"code", "actor_unavailable"},
                               {"message", "the registry did not answer: "
                                             + caf::to_string(err)}}}});
        self->quit();
      });
  return {
    [self](const actor_event& ev) {
      if (self->state.selector.matches(ev.id, ev.kind, ev.state, ev.node))
        push(self, {{"type", "actor_event"}, {"event", actor_event_json(ev)}});
    },
    [self](watch_text_atom, const std::string& text) { on_client(self, text); },
    [self](watch_closed_atom) { self->quit(); },
  };
}

} // namespace

json actor_event_json(const actor_event& ev) {
  json j{{"at", ev.at},
         {"id", ev.id},
         {"kind", ev.kind},
         {"node", ev.node.empty() ? std::string("local") : ev.node},
         {"event", ev.event},
         {"state", std::string(to_string(ev.state))}};
  if (ev.event == "state" || ev.event == "stopped" || ev.event == "failed"
      || ev.event == "registered")
    j["previous"] = std::string(to_string(ev.previous));
  if (!ev.error.empty())
    j["error"] = ev.error;
  if (ev.event == "posts") {
    j["stored"] = ev.stored;
    j["duplicates"] = ev.duplicates;
    json posts = json::array();
    for (const auto& p : ev.posts)
      posts.push_back({{"network", std::string(to_string(p.net))},
                       {"external_id", p.external_id},
                       {"kind", std::string(to_string(p.kind))},
                       {"author", {{"handle", p.from.handle},
                                   {"name", p.from.name}}},
                       {"text", p.text},
                       {"created_at", p.created_at}});
    j["posts"] = std::move(posts);
  }
  return j;
}

void spawn_actor_watch(caf::actor_system& sys, registry_actor registry,
                       actor_selector selector,
                       std::shared_ptr<http::ws_pending> pending,
                       std::weak_ptr<http::ws_endpoint> endpoint) {
  sys.spawn(watch, std::move(registry), std::move(selector),
            std::move(pending), std::move(endpoint));
}

} // namespace socialcrm::web
