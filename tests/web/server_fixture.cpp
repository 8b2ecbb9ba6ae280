#include "tests/web/server_fixture.hpp"

#include "storage/database.hpp"

#include <SQLiteCpp/Statement.h>

#include <csignal>
#include <filesystem>
#include <stdexcept>

namespace socialcrm::test {

namespace {

// The session cookie's value from Set-Cookie, or "".
std::string session_from(const http::response& res) {
  for (auto& [name, value] : res.headers) {
    if (!http::iequals(name, "Set-Cookie"))
      continue;
    auto prefix = std::string("socialcrm_session=");
    if (value.rfind(prefix, 0) == 0)
      return value.substr(prefix.size(), value.find(';') - prefix.size());
  }
  return {};
}

} // namespace

api_result api_client::send(const std::string& method, const std::string& path,
                            const std::optional<json>& body,
                            http::header_list headers) {
  return send_raw(method, path, body ? body->dump() : std::string(),
                  body ? "application/json" : "", std::move(headers));
}

api_result api_client::send_raw(const std::string& method,
                                const std::string& path,
                                const std::string& body,
                                const std::string& type,
                                http::header_list headers) {
  if (!type.empty())
    headers.set("Content-Type", type);
  if (!bearer_.empty())
    headers.set("Authorization", "Bearer " + bearer_);
  if (!cookie.empty())
    headers.add("Cookie", "socialcrm_session=" + cookie);
  if (send_csrf && !csrf.empty() && method != "GET")
    headers.set("X-CSRF-Token", csrf);
  auto r = http_.send(method, base_ + path, headers, body);
  if (!r)
    throw std::runtime_error("request failed: " + r.error);
  api_result out;
  out.status = r->status;
  out.raw = *r.response;
  out.body = json::parse(r->body, nullptr, false);
  if (out.body.is_discarded())
    out.body = nullptr;
  return out;
}

api_result api_client::sign_in(const std::string& email,
                               const std::string& password) {
  auto r = post("/api/v1/session", {{"email", email}, {"password", password}});
  if (r.status == 200) {
    cookie = session_from(r.raw);
    csrf = r.body.value("csrf_token", "");
  }
  return r;
}

server_process::server_process(std::vector<std::string> env, bool with_admin,
                               std::vector<std::string> extra_args)
    : data_(dir_.file("data")) {
  if (with_admin) {
    env.push_back(std::string("SOCIALCRM_ADMIN_EMAIL=") + admin_email);
    env.push_back(std::string("SOCIALCRM_ADMIN_PASSWORD=") + admin_password);
  }
  std::vector<std::string> argv{SOCIALCRM_BINARY, "serve", "--data", data_,
                                "--listen", "127.0.0.1:0"};
  argv.insert(argv.end(), extra_args.begin(), extra_args.end());
  proc_ = std::make_unique<child_process>(argv, env);
  auto line = proc_->wait_for_line("socialcrm listening on ");
  if (!line)
    throw std::runtime_error("server did not start: " + proc_->err());
  auto at = line->find("http://");
  base_ = line->substr(at);
  while (!base_.empty() && (base_.back() == '\n' || base_.back() == '\r'))
    base_.pop_back();
  if (!proc_->wait_for_line("socialcrm ready"))
    throw std::runtime_error("server not ready: " + proc_->err());
}

server_process::server_process(const serve_setup& setup)
    : data_(dir_.file("data")) {
  auto env = setup.env;
  if (setup.with_admin) {
    env.push_back(std::string("SOCIALCRM_ADMIN_EMAIL=") + admin_email);
    env.push_back(std::string("SOCIALCRM_ADMIN_PASSWORD=") + admin_password);
  }
  std::vector<std::string> argv{SOCIALCRM_BINARY, "serve", "--data", data_,
                                "--listen", setup.listen};
  argv.insert(argv.end(), setup.extra_args.begin(), setup.extra_args.end());
  proc_ = std::make_unique<child_process>(argv, env);
  auto line = proc_->wait_for_line("socialcrm listening on ");
  if (!line)
    throw std::runtime_error("server did not start: " + proc_->err());
  base_ = line->substr(line->find("http")); // http:// or https://
  while (!base_.empty() && (base_.back() == '\n' || base_.back() == '\r'))
    base_.pop_back();
  if (!proc_->wait_for_line("socialcrm ready"))
    throw std::runtime_error("server not ready: " + proc_->err());
}

std::uint16_t server_process::port() const {
  return static_cast<std::uint16_t>(
    std::stoi(base_.substr(base_.rfind(':') + 1)));
}

server_process::~server_process() {
  proc_->signal(SIGTERM);
  proc_->wait();
}

std::string server_process::db_path() const {
  return (std::filesystem::path(data_) / "socialcrm.db").string();
}

std::int64_t server_process::count(const std::string& table) const {
  storage::database db(db_path(), storage::access::read_only);
  return db.handle().execAndGet("SELECT COUNT(*) FROM " + table).getInt64();
}

std::vector<std::int64_t> server_process::counts() const {
  std::vector<std::int64_t> out;
  for (auto table : {"users", "profiles", "sessions", "api_tokens", "leads",
                     "contacts", "deals", "notes", "tasks", "emails",
                     "social_profiles", "standing_events", "organisation"})
    out.push_back(count(table));
  return out;
}

api_client server_process::admin() {
  api_client c(base_);
  auto r = c.sign_in(admin_email, admin_password);
  if (r.status != 200)
    throw std::runtime_error("admin sign-in failed: " + r.raw.body);
  return c;
}

} // namespace socialcrm::test
