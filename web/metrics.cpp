#include "web/metrics.hpp"

#include "storage/secrets.hpp"
#include "web/api_error.hpp"
#include "web/auth.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>

#include <sstream>

namespace socialcrm::web {

namespace {

// Label values in the text format escape backslash, quote and newline.
std::string label(const std::string& v) {
  std::string out;
  for (char c : v) {
    if (c == '\\' || c == '"')
      out += '\\';
    if (c == '\n') {
      out += "\\n";
      continue;
    }
    out += c;
  }
  return out;
}

} // namespace

bool is_loopback_address(const std::string& address) {
  in_addr v4{};
  if (::inet_pton(AF_INET, address.c_str(), &v4) == 1)
    return (ntohl(v4.s_addr) >> 24) == 127; // 127.0.0.0/8
  in6_addr v6{};
  if (::inet_pton(AF_INET6, address.c_str(), &v6) != 1)
    return false;
  // A dual-stack listener sees IPv4 peers as ::ffff:a.b.c.d.
  return IN6_IS_ADDR_LOOPBACK(&v6)
         || (IN6_IS_ADDR_V4MAPPED(&v6) && v6.s6_addr[12] == 127);
}

std::optional<http::response> metrics_refusal(const http::request& req,
                                              const std::string& token) {
  if (token.empty()) {
    if (is_loopback_address(req.remote_address))
      return std::nullopt;
    return error_response(
      403, make_error("metrics_forbidden",
                      "/metrics answers loopback scrapers only; to scrape "
                      "from elsewhere set [server] metrics_token_file and "
                      "send Authorization: Bearer TOKEN"));
  }
  auto cred = credential_of(req);
  if (cred && cred->bearer && storage::secrets_equal(cred->secret, token))
    return std::nullopt;
  auto res = error_response(
    401, make_error("metrics_unauthorized",
                    cred && cred->bearer
                      ? "the bearer token is not the metrics token"
                      : "/metrics needs Authorization: Bearer TOKEN with "
                        "the token of [server] metrics_token_file"));
  res.headers.set("WWW-Authenticate", "Bearer realm=\"metrics\"");
  return res;
}

void metrics::observe(const std::string& route, const std::string& method,
                      unsigned status, std::chrono::nanoseconds latency) {
  double seconds = std::chrono::duration<double>(latency).count();
  std::lock_guard guard{mutex_};
  auto& s = series_[{route, method, status}];
  ++s.count;
  s.sum += seconds;
  for (std::size_t i = 0; i < buckets.size(); ++i)
    if (seconds <= buckets[i])
      ++s.in_bucket[i];
}

std::string metrics::render(const crm_stats& db,
                            const std::vector<actor_info>& actors,
                            const live_figures& live) const {
  std::ostringstream out;
  {
    std::lock_guard guard{mutex_};
    out << "# HELP socialcrm_http_requests_total HTTP requests answered.\n"
           "# TYPE socialcrm_http_requests_total counter\n";
    for (auto& [k, s] : series_)
      out << "socialcrm_http_requests_total{route=\"" << label(std::get<0>(k))
          << "\",method=\"" << std::get<1>(k) << "\",status=\""
          << std::get<2>(k) << "\"} " << s.count << "\n";
    out << "# HELP socialcrm_http_request_duration_seconds Time from the "
           "request to its answer.\n"
           "# TYPE socialcrm_http_request_duration_seconds histogram\n";
    for (auto& [k, s] : series_) {
      auto labels = "route=\"" + label(std::get<0>(k)) + "\",method=\"" +
                    std::get<1>(k) + "\",status=\"" +
                    std::to_string(std::get<2>(k)) + "\"";
      for (std::size_t i = 0; i < buckets.size(); ++i)
        out << "socialcrm_http_request_duration_seconds_bucket{" << labels
            << ",le=\"" << buckets[i] << "\"} " << s.in_bucket[i] << "\n";
      out << "socialcrm_http_request_duration_seconds_bucket{" << labels
          << ",le=\"+Inf\"} " << s.count << "\n"
          << "socialcrm_http_request_duration_seconds_sum{" << labels << "} "
          << s.sum << "\n"
          << "socialcrm_http_request_duration_seconds_count{" << labels << "} "
          << s.count << "\n";
    }
  }
  out << "# HELP socialcrm_sessions Signed-in browser sessions.\n"
         "# TYPE socialcrm_sessions gauge\n"
      << "socialcrm_sessions " << db.sessions << "\n";
  out << "# HELP socialcrm_live_connections Open live WebSockets.\n"
         "# TYPE socialcrm_live_connections gauge\n"
      << "socialcrm_live_connections " << live.connections << "\n"
      << "# HELP socialcrm_live_messages_total Messages written to live "
         "WebSockets.\n"
         "# TYPE socialcrm_live_messages_total counter\n"
      << "socialcrm_live_messages_total " << live.messages << "\n"
      << "# HELP socialcrm_live_sends_total Socket sends that carried them "
         "(a burst for one client goes out in one).\n"
         "# TYPE socialcrm_live_sends_total counter\n"
      << "socialcrm_live_sends_total " << live.sends << "\n"
      << "# HELP socialcrm_live_refused_total Live WebSockets refused by "
         "the total or per-address connection limit.\n"
         "# TYPE socialcrm_live_refused_total counter\n"
      << "socialcrm_live_refused_total " << live.refused << "\n";
  out << "# HELP socialcrm_posts_ingested Posts stored, per network.\n"
         "# TYPE socialcrm_posts_ingested gauge\n";
  for (std::size_t i = 0; i < db.post_networks.size(); ++i)
    out << "socialcrm_posts_ingested{network=\"" << label(db.post_networks[i])
        << "\"} " << db.post_counts[i] << "\n";
  out << "# HELP socialcrm_linked_accounts Linked accounts, per state.\n"
         "# TYPE socialcrm_linked_accounts gauge\n";
  for (std::size_t i = 0; i < db.account_states.size(); ++i)
    out << "socialcrm_linked_accounts{state=\"" << label(db.account_states[i])
        << "\"} " << db.account_counts[i] << "\n";
  out << "# HELP socialcrm_actor_up Actors known to the registry, 1 for the "
         "state they are in.\n"
         "# TYPE socialcrm_actor_up gauge\n";
  for (auto& a : actors)
    out << "socialcrm_actor_up{id=\"" << label(a.id) << "\",kind=\""
        << label(a.kind) << "\",state=\"" << to_string(a.state) << "\"} 1\n";
  out << "# HELP socialcrm_actor_posts_total Posts an actor handled.\n"
         "# TYPE socialcrm_actor_posts_total counter\n";
  for (auto& a : actors)
    out << "socialcrm_actor_posts_total{id=\"" << label(a.id) << "\"} "
        << a.posts << "\n";
  out << "# HELP socialcrm_actor_mailbox Messages waiting in an actor's "
         "mailbox when it last reported.\n"
         "# TYPE socialcrm_actor_mailbox gauge\n";
  for (auto& a : actors)
    out << "socialcrm_actor_mailbox{id=\"" << label(a.id) << "\"} "
        << a.mailbox << "\n";
  out << "# HELP socialcrm_actor_errors_total Errors an actor met.\n"
         "# TYPE socialcrm_actor_errors_total counter\n";
  for (auto& a : actors)
    out << "socialcrm_actor_errors_total{id=\"" << label(a.id) << "\"} "
        << a.errors << "\n";
  return out.str();
}

} // namespace socialcrm::web
