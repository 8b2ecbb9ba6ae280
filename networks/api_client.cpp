#include "networks/api_client.hpp"

#include <charconv>
#include <chrono>
#include <cctype>
#include <ctime>
#include <iomanip>
#include <sstream>

namespace socialcrm::networks {

api_client::api_client(network net, std::string base_url,
                       std::shared_ptr<rate_budgets> budgets,
                       rate_header_reader rates, error_classifier errors,
                       bool paced, const std::string& ca_file)
  : net_(net),
    base_url_(std::move(base_url)),
    budgets_(std::move(budgets)),
    rates_(std::move(rates)),
    errors_(std::move(errors)),
    paced_(paced),
    client_(http::client_options{.ca_file = ca_file}) {
  while (!base_url_.empty() && base_url_.back() == '/')
    base_url_.pop_back();
}

outcome<http::response> api_client::send(const std::string& token,
                                         const std::string& family,
                                         const std::string& method,
                                         const std::string& path_and_query,
                                         const http::header_list& headers,
                                         const std::string& body) {
  auto key = budget_key(net_, token, family);
  auto now = now_ms();
  if (budgets_) {
    if (auto wait_until = budgets_->reserve(key, now, paced_);
        wait_until != 0)
      return {std::nullopt,
              make_failure(failure_kind::rate_limited,
                           "rate-limit window of " + family
                             + (paced_ ? " is spent or paced" : " is spent"),
                           wait_until)};
  }
  auto hs = headers;
  if (!token.empty() && !hs.has("Authorization"))
    hs.set("Authorization", "Bearer " + token);
  auto r = client_.send(method, base_url_ + path_and_query, hs, body);
  if (!r)
    return {std::nullopt,
            make_failure(failure_kind::transient,
                         std::string(to_string(net_)) + " unreachable: "
                           + r.error)};
  auto& resp = *r.response;
  if (budgets_ && rates_)
    budgets_->update(key, rates_(resp, now_ms()), now_ms());
  if (resp.status >= 200 && resp.status < 300)
    return {std::move(resp), {}};
  auto f = errors_ ? errors_(resp)
                   : classify_status(resp, "HTTP " + std::to_string(resp.status));
  if (f.kind == failure_kind::rate_limited) {
    if (f.retry_at == 0)
      f.retry_at = now_ms() + 1000; // no reset given: try again shortly
    if (budgets_)
      budgets_->throttled(key, f.retry_at);
  }
  return {std::nullopt, std::move(f)};
}

outcome<nlohmann::json> api_client::send_json(
  const std::string& token, const std::string& family,
  const std::string& method, const std::string& path_and_query,
  const http::header_list& headers, const std::string& body) {
  auto r = send(token, family, method, path_and_query, headers, body);
  if (!r)
    return {std::nullopt, r.error};
  auto j = nlohmann::json::parse(r.value->body, nullptr, false);
  if (j.is_discarded())
    return {std::nullopt,
            make_failure(failure_kind::bad_response,
                         std::string(to_string(net_)) + " " + path_and_query
                           + " answered something that is not JSON")};
  return {std::move(j), {}};
}

long header_number(const http::response& r, std::string_view name) {
  auto v = r.headers.get(name);
  if (!v)
    return -1;
  long out = -1;
  auto [p, ec] = std::from_chars(v->data(), v->data() + v->size(), out);
  if (ec != std::errc{})
    return -1;
  return out;
}

failure make_failure(failure_kind kind, std::string message, unix_ms retry_at) {
  failure f;
  f.kind = kind;
  f.message = std::move(message);
  f.retry_at = retry_at;
  return f;
}

failure classify_status(const http::response& r, std::string message) {
  if (r.status == 401)
    return make_failure(failure_kind::reauth_required, std::move(message));
  if (r.status == 429)
    return make_failure(failure_kind::rate_limited, std::move(message));
  if (r.status >= 500)
    return make_failure(failure_kind::transient, std::move(message));
  return make_failure(failure_kind::rejected, std::move(message));
}

unix_ms parse_time(const std::string& text) {
  // Accepts "YYYY-MM-DDTHH:MM:SS[.fff](Z|+HHMM|+HH:MM)".
  std::tm tm{};
  std::istringstream in(text);
  in >> std::get_time(&tm, "%Y-%m-%dT%H:%M:%S");
  if (in.fail())
    return 0;
  long ms = 0;
  if (in.peek() == '.') {
    in.get();
    std::string frac;
    while (std::isdigit(in.peek()))
      frac.push_back(static_cast<char>(in.get()));
    frac = (frac + "000").substr(0, 3);
    ms = std::stol(frac);
  }
  long offset_s = 0;
  int sign = in.peek();
  if (sign == '+' || sign == '-') {
    in.get();
    std::string digits;
    while (std::isdigit(in.peek()) || in.peek() == ':')
      if (auto ch = static_cast<char>(in.get()); ch != ':')
        digits.push_back(ch);
    if (digits.size() >= 4)
      offset_s = std::stol(digits.substr(0, 2)) * 3600
                 + std::stol(digits.substr(2, 2)) * 60;
    if (sign == '-')
      offset_s = -offset_s;
  }
  auto secs = static_cast<long long>(timegm(&tm)) - offset_s;
  return secs * 1000 + ms;
}

bool id_less(const std::string& a, const std::string& b) {
  if (a.size() != b.size())
    return a.size() < b.size();
  return a < b;
}

} // namespace socialcrm::networks
