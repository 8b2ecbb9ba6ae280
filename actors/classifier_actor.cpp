#include "actors/classifier_actor.hpp"

#include "actors/store_actor.hpp"
#include "protocol/actor_error.hpp"

#include <caf/typed_event_based_actor.hpp>

#include <functional>
#include <unordered_map>

namespace socialcrm {

namespace {

struct author_key_hash {
  size_t operator()(const author_key& k) const {
    return std::hash<std::string>{}(k.user_id) * 31
           + static_cast<size_t>(k.net);
  }
};

struct known_person {
  person_ref person;
  standing where = standing::unknown;
};

struct classifier_state {
  // User-declared so the state is no aggregate: CAF checks whether a state
  // is constructible from `self`, and C++20 aggregates would say yes.
  classifier_state() = default;

  store_actor store;
  registry_actor registry;
  std::vector<hub_actor> hubs;
  // Who wrote what: every associated social profile. Kept current because
  // every association and standing change goes through this actor.
  std::unordered_map<author_key, known_person, author_key_hash> index;
  actor_info info = make_info("classifier");
  unix_ms last_report = 0;
  // Stored posts not yet sent to the hubs, in seq order, and whether a
  // flush is waiting in the classifier's own mailbox.
  std::vector<post_event> outgoing;
  bool flush_due = false;
  static inline const char* name = "classifier";
};

using classifier_pointer = classifier_actor::stateful_pointer<classifier_state>;

// Sends the gathered posts to each hub as one message.
void flush(classifier_pointer self) {
  auto& st = self->state;
  if (st.outgoing.empty())
    return;
  auto events = std::move(st.outgoing);
  st.outgoing.clear();
  for (auto& hub : st.hubs)
    self->send(hub, events);
}

// Posts are gathered until the classifier has read what its mailbox held
// when they arrived (the flush it sends itself queues behind it), as the
// store and the hub do: the store answers every batch of a group commit
// at once, so the hubs, and each live connection after them, get one
// message per commit instead of one per source. No timer, no added delay.
void publish(classifier_pointer self, std::vector<post_event>& evs) {
  auto& st = self->state;
  if (evs.empty())
    return;
  if (st.outgoing.empty())
    st.outgoing = std::move(evs);
  else
    st.outgoing.insert(st.outgoing.end(),
                       std::make_move_iterator(evs.begin()),
                       std::make_move_iterator(evs.end()));
  if (!st.flush_due) {
    st.flush_due = true;
    self->send(self, flush_atom::value);
  }
}

void publish(classifier_pointer self, const standing_event& ev) {
  // The posts stored before it go first: hubs see events in seq order.
  flush(self);
  for (auto& hub : self->state.hubs)
    self->send(hub, ev);
}

void report(classifier_pointer self) {
  self->state.last_report = now_ms();
  self->state.info.mailbox = static_cast<std::int64_t>(self->mailbox().size());
  if (self->state.registry)
    self->send(self->state.registry, status_atom::value, self->state.info);
}

// The console and /metrics show the classifier's backlog: report it after
// batches, but at most once per interval so a busy classifier does not
// flood the registry.
constexpr unix_ms report_interval_ms = 1000;

void maybe_report(classifier_pointer self) {
  if (now_ms() - self->state.last_report >= report_interval_ms)
    report(self);
}

// Updates the index after a standing or association change, so posts that
// arrive afterwards are annotated with the new standing.
void apply_change(classifier_pointer self, const standing_event& ev) {
  auto& index = self->state.index;
  for (auto& key : ev.authors)
    index[key] = {ev.person, ev.to};
  // Every other profile of the person moves too.
  for (auto& [key, known] : index)
    if (known.person == ev.person)
      known.where = ev.to;
}

void annotate(classifier_pointer self, stored_post& sp) {
  auto i = self->state.index.find({sp.body.net, sp.body.from.network_user_id});
  if (i == self->state.index.end()) {
    sp.person = {};
    sp.where = standing::unknown;
  } else {
    sp.person = i->second.person;
    sp.where = i->second.where;
  }
}

caf::result<ingest_ack> on_ingest(classifier_pointer self, ingest_batch& batch) {
  auto rp = self->make_response_promise<ingest_ack>();
  auto column = batch.source.column_id;
  self->request(self->state.store, store_request_timeout, ingest_atom::value,
                std::move(batch))
    .then(
      [self, rp, column](ingest_result& r) mutable {
        auto& info = self->state.info;
        info.posts += static_cast<std::int64_t>(r.stored.size());
        ++info.batches;
        std::vector<post_event> events;
        events.reserve(r.stored.size());
        for (auto& sp : r.stored) {
          annotate(self, sp);
          post_event ev{sp.seq, std::move(sp), {}};
          if (column != 0)
            ev.column_ids.push_back(column);
          events.push_back(std::move(ev));
        }
        publish(self, events);
        rp.deliver(ingest_ack{static_cast<std::int64_t>(r.stored.size()),
                              r.duplicates});
        maybe_report(self);
      },
      [self, rp](caf::error& err) mutable {
        ++self->state.info.errors;
        self->state.info.last_error = to_error_info(err).message;
        report(self);
        rp.deliver(std::move(err));
      });
  return rp;
}

// Shared tail of link and refresh: apply and publish a stored change.
template <class Request>
caf::result<standing_event> forward_change(classifier_pointer self,
                                           Request&& req) {
  auto rp = self->make_response_promise<standing_event>();
  std::apply(
    [&](auto&&... xs) {
      return self->request(self->state.store, store_request_timeout, xs...);
    },
    std::forward<Request>(req))
    .then(
      [self, rp](standing_event& ev) mutable {
        if (ev.seq != 0) {
          apply_change(self, ev);
          publish(self, ev);
        }
        rp.deliver(std::move(ev));
      },
      [rp](caf::error& err) mutable { rp.deliver(std::move(err)); });
  return rp;
}

classifier_actor::behavior_type classifier_behavior(classifier_pointer self,
                                                    store_actor store,
                                                    registry_actor registry) {
  self->state.store = std::move(store);
  self->state.registry = std::move(registry);
  if (self->state.registry)
    self->send(self->state.registry, register_atom::value,
               std::string("classifier"), std::string("classifier"),
               caf::actor_cast<caf::actor>(self));
  // Load the people index before handling any batch: requests that arrive
  // meanwhile wait in the mailbox (await suspends the other handlers).
  self->request(self->state.store, store_request_timeout, people_atom::value)
    .await(
      [self](std::vector<profile_entry>& entries) {
        for (auto& e : entries)
          self->state.index[e.key] = {e.person, e.where};
        self->state.info.state = actor_state::running;
        report(self);
      },
      [self](caf::error& err) {
        self->state.info.state = actor_state::failed;
        self->state.info.last_error = to_error_info(err).message;
        report(self);
        self->quit(err);
      });
  // Stored posts gathered for the hubs are sent before the classifier
  // stops: live clients get them now instead of on their next resume.
  self->set_exit_handler([self](const caf::exit_msg& msg) {
    flush(self);
    // CAF's default: a normal exit of a linked actor is no reason to stop.
    if (msg.reason != caf::exit_reason::normal)
      self->quit(msg.reason);
  });
  return {
    [self](ingest_atom, ingest_batch& batch) {
      return on_ingest(self, batch);
    },
    [self](flush_atom) {
      self->state.flush_due = false;
      flush(self);
    },
    [self](link_atom, profile_link& link) {
      return forward_change(self,
                            std::make_tuple(link_atom::value, std::move(link)));
    },
    [self](refresh_atom, person_ref who) {
      return forward_change(self, std::make_tuple(refresh_atom::value, who));
    },
    [self](add_hub_atom, hub_actor hub) {
      self->state.hubs.push_back(std::move(hub));
    },
    [self](info_atom) { return self->state.info; },
  };
}

} // namespace

classifier_actor spawn_classifier(caf::actor_system& sys, store_actor store,
                                  registry_actor registry) {
  return sys.spawn(classifier_behavior, std::move(store), std::move(registry));
}

} // namespace socialcrm
