// live_shared (declared in web/live_session.hpp): what the sessions of one
// server share.

#include "web/live_session.hpp"
#include "web/live_router.hpp"

#include <caf/send.hpp>
#include <spdlog/spdlog.h>

#include <algorithm>

namespace socialcrm::web::live {

live_shared::live_shared(caf::actor_system& s, hub_actor h,
                         live_reader* reader,
                         std::chrono::milliseconds timeout)
  : sys(s), hub(std::move(h)), ask_timeout(timeout), reader_(reader) {
}

void live_shared::start(registry_actor registry) {
  router_ = spawn_router(shared_from_this(), std::move(registry));
}

bool live_shared::post(live_reader::job j) {
  std::lock_guard guard{mutex_};
  return reader_ && reader_->post(std::move(j));
}

std::shared_ptr<const crm_sets> live_shared::sets() {
  std::lock_guard guard{mutex_};
  return sets_;
}

std::pair<std::shared_ptr<const crm_sets>, std::uint64_t>
live_shared::versioned_sets() {
  std::lock_guard guard{mutex_};
  return {sets_, version_.load()};
}

void live_shared::offer(std::shared_ptr<const crm_sets> s) {
  if (!s)
    return;
  std::lock_guard guard{mutex_};
  if (sets_ && (sets_->seq > s->seq
                || (sets_->seq == s->seq && sets_->loaded_at >= s->loaded_at)))
    return;
  sets_ = std::move(s);
  ++version_;
}

void live_shared::refresh(std::int64_t seq) {
  std::lock_guard guard{mutex_};
  if (refreshing_ || !reader_)
    return;
  auto now = now_ms();
  bool stale = !sets_ || sets_->seq < seq
               || now - sets_->loaded_at >= reload_interval.count();
  if (!stale)
    return;
  refreshing_ = true;
  // The job holds the shared state weakly: the reader thread must never
  // be the one to destroy it.
  std::weak_ptr<live_shared> weak = weak_from_this();
  bool posted = reader_->post([weak](reader_connection& conn) {
    std::shared_ptr<const crm_sets> fresh;
    try {
      fresh = std::make_shared<const crm_sets>(load_sets(conn, now_ms()));
    } catch (const std::exception& e) {
      spdlog::warn("live filter sets reload failed: {}", e.what());
    }
    if (auto self = weak.lock()) {
      {
        std::lock_guard g{self->mutex_};
        self->refreshing_ = false;
      }
      self->offer(std::move(fresh));
    }
  });
  if (!posted)
    refreshing_ = false;
}

std::shared_ptr<const user_scope>
live_shared::scope_of(reader_connection& conn, const viewer& who) {
  auto key = std::make_tuple(who.user_id, who.profile_id, who.full_rights);
  auto now = std::chrono::steady_clock::now();
  {
    std::lock_guard guard{scopes_mutex_};
    auto it = scopes_.find(key);
    if (it != scopes_.end() && now - it->second.read_at < scope_reuse)
      return it->second.scope;
  }
  auto fresh = std::make_shared<const user_scope>(load_scope(conn, who));
  std::lock_guard guard{scopes_mutex_};
  scopes_[key] = {now, fresh};
  return fresh;
}

void live_shared::enlist(const caf::actor_addr& a) {
  std::lock_guard guard{mutex_};
  sessions_.push_back(a);
}

void live_shared::forget(const caf::actor_addr& a) {
  std::lock_guard guard{mutex_};
  std::erase(sessions_, a);
}

std::size_t live_shared::sessions() {
  std::lock_guard guard{mutex_};
  return sessions_.size();
}

void live_shared::stop() {
  std::vector<caf::actor_addr> all;
  {
    std::lock_guard guard{mutex_};
    reader_ = nullptr;
    all = sessions_;
  }
  for (auto& a : all)
    if (auto s = caf::actor_cast<caf::actor>(a))
      caf::anon_send_exit(s, caf::exit_reason::user_shutdown);
  // The router holds this state: its exit releases it.
  if (router_)
    caf::anon_send_exit(router_, caf::exit_reason::user_shutdown);
}

} // namespace socialcrm::web::live
