#pragma once

// Every limit of the web layer, named, with the reason for its value
// (DESIGN.md: "every limit is named, in one place per component"). Sign-in
// throttling and session lifetime are enforced by the CRM actor and named
// in actors/crm_actor.hpp (crm_limits).

#include "http/ws_session.hpp"

#include <chrono>
#include <cstddef>
#include <cstdint>

namespace socialcrm::web {

struct web_limits {
  /// Largest request the transport reads at all: a compose with the
  /// largest image a connector sends (Facebook's 25 MB, base64 in JSON:
  /// web/compose_limits.hpp max_compose_body, about 34.3 MB) fits; every
  /// other route still refuses bodies above json_body_limit with a JSON
  /// 413 naming that limit.
  std::uint64_t transport_body_limit = 36 * 1024 * 1024;
  /// Largest JSON body of a REST request: a note of max_text_length with
  /// escaping fits many times over; anything larger is not a CRM record.
  std::size_t json_body_limit = 1024 * 1024;
  /// Request line plus headers: long cookies and OAuth query strings fit.
  std::uint32_t header_limit = 16 * 1024;
  /// A keep-alive connection idle this long is closed.
  std::chrono::milliseconds idle_timeout{std::chrono::seconds(30)};
  /// Nesting of JSON bodies: no request of the API nests beyond 4 levels;
  /// 32 leaves room and stops stack and memory games long before trouble.
  int json_max_depth = 32;
  /// Requests per client address: a burst a busy UI page and a script can
  /// use, refilled at a rate no human reaches; a runaway client gets 429.
  double rate_burst = 2000;
  double rate_per_second = 200;
  /// Client addresses tracked at once by the rate limiter; beyond this the
  /// idlest are forgotten, so a spoofed-address flood cannot eat memory.
  std::size_t rate_max_clients = 10000;
  /// How long the web layer waits for an actor's answer before 504.
  std::chrono::seconds actor_timeout{15};
  /// The live feed's send cadence (http::ws_limits::flush_interval,
  /// `[server] live_flush_ms`): under load a write waits this long for
  /// the events that follow it, so they share one send.
  std::chrono::milliseconds live_flush_interval =
    http::ws_limits{}.flush_interval;
  /// Threads writing the live feed's WebSockets (http::ws_limits::
  /// io_threads, `[server] live_threads`); 0: one per two cores, 1 to 4.
  std::size_t live_threads = http::ws_limits{}.io_threads;
  /// Live WebSockets one client address may hold open
  /// (http::ws_limits::max_connections_per_address, where the reason for
  /// its value is); beyond it the upgrade gets 429
  /// `too_many_live_connections`. Loopback peers are exempt unless
  /// live_limit_loopback (behind a proxy on this host every client is
  /// 127.0.0.1; tests turn it on).
  std::size_t live_connections_per_address =
    http::ws_limits{}.max_connections_per_address;
  bool live_limit_loopback = http::ws_limits{}.limit_loopback;
  /// I/O threads: two cores, and handlers only hand work to actors.
  unsigned io_threads = 2;
};

/// Field lengths of CRM records and users: generous for real data, small
/// enough that one record cannot bloat the database or the UI.
inline constexpr std::size_t max_name_length = 200;
inline constexpr std::size_t max_email_length = 254; // RFC 5321 path limit
inline constexpr std::size_t max_phone_length = 50;
inline constexpr std::size_t max_url_length = 2048;
inline constexpr std::size_t max_text_length = 20000; // notes, e-mail bodies
inline constexpr std::size_t max_handle_length = 100;
inline constexpr std::size_t max_query_length = 200; // ?q= name search
/// Passwords: 10 characters is the least a CRM holding customer data
/// should accept; argon2id hashes anything, 256 bounds the work per try.
inline constexpr std::size_t min_password_length = 10;
inline constexpr std::size_t max_password_length = 256;
/// Paging: a page the UI can render at once; larger lists page.
inline constexpr std::int64_t default_page_size = 50;
inline constexpr std::int64_t max_page_size = 200;
/// Deal amounts in currency units: a trillion is beyond any real deal and
/// keeps cents well inside 64 bits.
inline constexpr double max_amount = 1e12;

} // namespace socialcrm::web
