#include "web/call.hpp"

#include "web/api_error.hpp"

#include <spdlog/spdlog.h>

namespace socialcrm::web {

void call::reply(http::response res) {
  if (answered_.exchange(true))
    return;
  auto took = std::chrono::steady_clock::now() - started;
  state.metrics.observe(label, req.method, res.status, took);
  spdlog::debug(
      "{} {} {} -> {} in {} us", req.remote_address, req.method, label,
      res.status,
      std::chrono::duration_cast<std::chrono::microseconds>(took).count());
  respond(std::move(res));
}

void call::reply_json(unsigned status, const nlohmann::json& value) {
  auto res = http::response::make(
      status, "application/json",
      value.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace));
  res.headers.set("Cache-Control", "no-store");
  reply(std::move(res));
}

void call::fail(const error_info& e) {
  reply(error_response(e));
}

void call::fail(unsigned status, const error_info& e) {
  reply(error_response(status, e));
}

std::optional<std::int64_t> call::id_param(const char* name) {
  auto i = params.find(name);
  if (i != params.end() && !i->second.empty() && i->second.size() <= 18 &&
      i->second.find_first_not_of("0123456789") == std::string::npos) {
    auto id = std::stoll(i->second);
    if (id > 0)
      return id;
  }
  fail(make_error(
      "not_found",
      "no record has the id '" +
          (i == params.end() ? std::string() : i->second.substr(0, 40)) + "'"));
  return std::nullopt;
}

} // namespace socialcrm::web
