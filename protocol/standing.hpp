#pragma once

#include "protocol/types.hpp"

#include <optional>
#include <span>

namespace socialcrm {

/// The standing of a post's author (SPEC S-3.1 to S-3.4): `person` is empty
/// for an author associated with no lead or contact; `deals` are the stages
/// of a contact's deals (ignored for a lead).
standing compute_standing(std::optional<record_type> person,
                          std::span<const deal_stage> deals);

/// Whether a post of `kind` on `net` belongs to `view` (SPEC S-3.5):
/// Conversations holds what is addressed to the brand on every network;
/// Stream holds every post of the people, on the timeline networks.
bool in_view(feed_view view, post_kind kind, network net);

/// True for the kinds addressed to the organisation (mentions, messages,
/// comments, replies): the ones an agent may need to answer.
bool is_conversation(post_kind kind);

/// True for networks that have a public timeline per person.
bool has_timeline(network net);

/// [start, end) of the UTC calendar month containing `t`.
struct time_range {
  unix_ms begin;
  unix_ms end;
};
time_range utc_month_of(unix_ms t);

/// The UTC day number (days since 1970-01-01) containing `t`.
std::int64_t utc_day_of(unix_ms t);

} // namespace socialcrm
