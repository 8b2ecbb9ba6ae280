#include "protocol/standing.hpp"

#include <algorithm>
#include <chrono>

namespace socialcrm {

standing compute_standing(std::optional<record_type> person,
                          std::span<const deal_stage> deals) {
  if (!person)
    return standing::unknown;
  if (*person == record_type::lead)
    return standing::leads;
  auto has = [&](deal_stage s) {
    return std::find(deals.begin(), deals.end(), s) != deals.end();
  };
  // A single open deal puts a contact in negotiation whatever else it has:
  // that is the person a salesperson is working on right now.
  if (has(deal_stage::open))
    return standing::negotiation;
  if (has(deal_stage::won))
    return standing::customers;
  // No deal at all, or only lost ones.
  return standing::leads;
}

bool is_conversation(post_kind kind) {
  switch (kind) {
    case post_kind::mention:
    case post_kind::dm:
    case post_kind::comment:
    case post_kind::reply:
    case post_kind::message:
      return true;
    case post_kind::post:
    case post_kind::repost:
      return false;
  }
  return false;
}

bool has_timeline(network net) {
  return net == network::x || net == network::mastodon
         || net == network::bluesky;
}

bool in_view(feed_view view, post_kind kind, network net) {
  if (view == feed_view::conversations)
    return is_conversation(kind);
  // Direct and page messages are private: they never show in a stream.
  return has_timeline(net) && kind != post_kind::dm
         && kind != post_kind::message;
}

time_range utc_month_of(unix_ms t) {
  using namespace std::chrono;
  auto tp = sys_time<milliseconds>{milliseconds{t}};
  auto day = floor<days>(tp);
  year_month_day ymd{day};
  auto first = sys_days{ymd.year() / ymd.month() / 1};
  auto next = sys_days{(ymd.year() / ymd.month() + months{1}) / 1};
  return {duration_cast<milliseconds>(first.time_since_epoch()).count(),
          duration_cast<milliseconds>(next.time_since_epoch()).count()};
}

std::int64_t utc_day_of(unix_ms t) {
  using namespace std::chrono;
  auto tp = sys_time<milliseconds>{milliseconds{t}};
  return floor<days>(tp).time_since_epoch().count();
}

} // namespace socialcrm
