#include "web/live_delivery.hpp"

#include "web/live_session.hpp"

#include <caf/scheduled_actor.hpp>

#include <string>
#include <tuple>

namespace socialcrm::web::live {

void hold_bounded(std::vector<live_event>& held, bool& overflow,
                  live_event ev) {
  if (held.size() >= max_buffered) {
    overflow = true;
    held.clear();
  }
  if (!overflow)
    held.push_back(std::move(ev));
}

ws_text live_post_text(message_cache& cache, const std::vector<view>& views,
                       const user_scope& scope, const crm_sets& sets,
                       const stored_post& item,
                       const std::vector<std::int64_t>& columns) {
  auto matched = matched_views(views, scope, sets, item, columns);
  return matched.empty() ? nullptr : cache.post(item, matched);
}

bool advance(std::int64_t& last_seq, std::int64_t seq) {
  if (seq <= last_seq)
    return false;
  last_seq = seq;
  return true;
}

ws_text standing_text(message_cache& cache, std::int64_t& last_seq,
                      const standing_event& ev) {
  return advance(last_seq, ev.seq) ? cache.standing(ev) : nullptr;
}

void catch_up_sets(live_shared& shared, std::shared_ptr<const crm_sets>& sets,
                   std::uint64_t& version) {
  if (!sets || shared.sets_version() != version)
    std::tie(sets, version) = shared.versioned_sets();
}

void resync_client(http::ws_connection& conn, std::vector<live_event>& held,
                   std::string_view why) {
  conn.replace_queue(resync_message(std::string(why)));
  held.clear();
}

bool backlog_gauge::behind(caf::scheduled_actor* self, std::size_t n) {
  auto before = events_;
  events_ += n;
  return events_ / backlog_check_interval != before / backlog_check_interval
         && self->mailbox().size() > max_backlog;
}

} // namespace socialcrm::web::live
