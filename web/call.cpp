#include "web/call.hpp"

#include "web/api_error.hpp"
#include "web/ids.hpp"

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
  if (i != params.end())
    if (auto id = parse_id(i->second))
      return id;
  // Refused, not looked up: "01" or "1e3" taken as 1 or 1000 would give
  // one record many paths. A well-formed id that names nothing is a 404.
  fail(make_error(
      "bad_path",
      "'" + (i == params.end() ? std::string() : i->second.substr(0, 40)) +
          "' is not an id: ids are decimal numbers from 1, without leading "
          "zeros, signs or spaces"));
  return std::nullopt;
}

} // namespace socialcrm::web
