#include "web/live_session_state.hpp"

#include <caf/send.hpp>
#include <spdlog/spdlog.h>

#include <tuple>

namespace socialcrm::web::live {

/// A replay goes out in steps of this many messages, each once the
/// client's queue has drained: well under the queue's bound, so a replay
/// longer than the queue never makes a reading client "fall behind".
constexpr int replay_step = 200;

namespace {

void finish_loading(session_actor* self);

} // namespace

void start_subscribe(session_actor* self, subscribe_request req) {
  auto& st = self->state;
  // The live events come here again while the subscribe is read.
  st.direct = false;
  self->send(st.shared->router(), follow_atom::value,
             caf::actor_cast<caf::actor>(self));
  st.loading = true;
  st.buffer.clear();
  st.buffer_overflow = false;
  auto gen = ++st.generation;
  st.loading_views = req.views;
  st.loading_from = req.resume_from;
  auto me = caf::actor_cast<caf::actor>(self);
  bool posted = st.shared->post(
    [me, gen, who = st.who, req = std::move(req)](reader_connection& conn) {
      std::shared_ptr<const snapshot> out;
      try {
        out = std::make_shared<const snapshot>(
          load_snapshot(conn, who, req, now_ms()));
      } catch (const std::exception& e) {
        spdlog::error("live subscribe read failed: {}", e.what());
        snapshot failed;
        failed.error = make_error("storage_failure",
                                  "the server could not read its database");
        out = std::make_shared<const snapshot>(std::move(failed));
      }
      caf::anon_send(me, snap_atom::value, gen, std::move(out));
    });
  if (!posted)
    st.loading = false; // stopping: the connection closes next
}

void request_subscribe(session_actor* self, subscribe_request req) {
  auto& st = self->state;
  if (!st.joined || st.loading)
    st.waiting = std::move(req); // only the newest one matters
  else
    start_subscribe(self, std::move(req));
}

namespace {

void finish_loading(session_actor* self) {
  auto& st = self->state;
  st.loading = false;
  st.replaying.reset();
  st.buffer_overflow = false;
  if (st.waiting) {
    auto next = std::move(*st.waiting);
    st.waiting.reset();
    start_subscribe(self, std::move(next));
  } else if (st.active) {
    attach_to_router(self);
  } else {
    go_idle(self);
  }
}

} // namespace

// Sends the next step of the replay; the rest follows when the client's
// queue has drained. Then the ack, then the live events held meanwhile.
void continue_replay(session_actor* self) {
  auto& st = self->state;
  auto& snap = *st.replaying;
  static const std::vector<std::int64_t> none;
  auto& p = st.replay_post;
  auto& s = st.replay_standing;
  int sent = 0;
  // Merge the two ordered lists into one seq order.
  while (st.active && (p < snap.posts.size() || s < snap.standings.size())) {
    if (sent >= replay_step) {
      st.conn->notify_when_drained();
      return;
    }
    if (s == snap.standings.size()
        || (p < snap.posts.size() && snap.posts[p].seq < snap.standings[s].seq)) {
      auto& item = snap.posts[p++];
      auto cols = snap.post_columns.find(item.id);
      sent += deliver_post(self, item,
                           cols == snap.post_columns.end() ? none
                                                           : cols->second,
                           false);
    } else {
      send_event(self, standing_message(snap.standings[s++]));
      ++sent;
    }
  }
  if (st.active) {
    st.last_seq = snap.head;
    send_reply(self, subscribed_message(snap.head));
    auto buffered = std::move(st.buffer);
    st.buffer.clear();
    if (st.buffer_overflow) {
      st.active = false;
      send_reply(self, resync_message("more events than can be replayed"));
    }
    for (auto& ev : buffered)
      handle_live(self, ev);
  }
  finish_loading(self);
}

void on_snapshot(session_actor* self, std::uint64_t gen,
                 const std::shared_ptr<const snapshot>& snap) {
  auto& st = self->state;
  if (gen != st.generation || !st.loading || st.replaying)
    return;
  if (snap->error) {
    // Refused: the subscription in effect (if any) goes on.
    auto buffered = std::move(st.buffer);
    st.buffer.clear();
    send_error(self, *snap->error);
    for (auto& ev : buffered)
      handle_live(self, ev);
    return finish_loading(self);
  }
  if (!snap->resync.empty()) {
    st.active = false;
    st.buffer.clear();
    send_reply(self, resync_message(snap->resync));
    return finish_loading(self);
  }
  st.shared->offer(snap->sets);
  st.active = true;
  st.views = std::move(st.loading_views);
  st.scope = std::make_shared<const user_scope>(snap->scope);
  // The shared sets are the snapshot's or newer ones.
  std::tie(st.sets, st.sets_version) = st.shared->versioned_sets();
  if (!st.sets)
    st.sets = snap->sets;
  st.last_seq = st.loading_from.value_or(snap->head);
  st.replaying = snap;
  st.replay_post = 0;
  st.replay_standing = 0;
  continue_replay(self);
}

} // namespace socialcrm::web::live
