#include "protocol/types.hpp"

#include <array>
#include <chrono>
#include <cstdio>
#include <ctime>

namespace socialcrm {

namespace {

// One name table per enum; the index is the enumerator's value.
constexpr std::array<std::string_view, 5> network_names{
  "x", "facebook", "googleplus", "mastodon", "bluesky"};
constexpr std::array<std::string_view, 7> kind_names{
  "mention", "dm", "comment", "reply", "message", "post", "repost"};
constexpr std::array<std::string_view, 4> standing_names{
  "customers", "negotiation", "leads", "unknown"};
constexpr std::array<std::string_view, 2> view_names{"conversations",
                                                     "stream"};
constexpr std::array<std::string_view, 2> record_type_names{"lead",
                                                            "contact"};
constexpr std::array<std::string_view, 3> stage_names{"open", "won", "lost"};
constexpr std::array<std::string_view, 4> filter_names{
  "", "this_month", "new_deals", "top10"};
constexpr std::array<std::string_view, 4> account_status_names{
  "pending_page", "active", "reauth_required", "paused"};

template <class Enum, size_t N>
std::optional<Enum> parse(const std::array<std::string_view, N>& names,
                          std::string_view s) {
  for (size_t i = 0; i < N; ++i)
    if (!names[i].empty() && names[i] == s)
      return static_cast<Enum>(i);
  return std::nullopt;
}

} // namespace

std::string_view to_string(network x) {
  return network_names[static_cast<size_t>(x)];
}
std::string_view to_string(post_kind x) {
  return kind_names[static_cast<size_t>(x)];
}
std::string_view to_string(standing x) {
  return standing_names[static_cast<size_t>(x)];
}
std::string_view to_string(feed_view x) {
  return view_names[static_cast<size_t>(x)];
}
std::string_view to_string(record_type x) {
  return record_type_names[static_cast<size_t>(x)];
}
std::string_view to_string(deal_stage x) {
  return stage_names[static_cast<size_t>(x)];
}
std::string_view to_string(negotiation_filter x) {
  return filter_names[static_cast<size_t>(x)];
}
std::string_view to_string(account_status x) {
  return account_status_names[static_cast<size_t>(x)];
}

std::optional<network> parse_network(std::string_view s) {
  return parse<network>(network_names, s);
}
std::optional<post_kind> parse_post_kind(std::string_view s) {
  return parse<post_kind>(kind_names, s);
}
std::optional<standing> parse_standing(std::string_view s) {
  return parse<standing>(standing_names, s);
}
std::optional<feed_view> parse_feed_view(std::string_view s) {
  return parse<feed_view>(view_names, s);
}
std::optional<record_type> parse_record_type(std::string_view s) {
  return parse<record_type>(record_type_names, s);
}
std::optional<deal_stage> parse_deal_stage(std::string_view s) {
  return parse<deal_stage>(stage_names, s);
}
std::optional<negotiation_filter> parse_negotiation_filter(std::string_view s) {
  return parse<negotiation_filter>(filter_names, s);
}
std::optional<account_status> parse_account_status(std::string_view s) {
  return parse<account_status>(account_status_names, s);
}

unix_ms now_ms() {
  using namespace std::chrono;
  return duration_cast<milliseconds>(system_clock::now().time_since_epoch())
    .count();
}

std::string rfc3339_ms(unix_ms ms) {
  auto t = static_cast<std::time_t>(ms / 1000);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%S", &tm);
  char out[40];
  std::snprintf(out, sizeof out, "%s.%03dZ", buf, static_cast<int>(ms % 1000));
  return out;
}

} // namespace socialcrm
