#include "tests/web/social_fixture.hpp"

#include <catch2/catch.hpp>

#include <csignal>
#include <filesystem>
#include <fstream>
#include <thread>

namespace socialcrm::test {

social_env::social_env(std::string poll_interval) {
  sim_ = std::make_unique<child_process>(std::vector<std::string>{
    SOCIALCRM_BINARY, "sim", "--listen", "127.0.0.1:0", "--seed", "5"});
  auto line = sim_->wait_for_line("listening on");
  if (!line)
    throw std::runtime_error("emulator did not start: " + sim_->err());
  sim_url_ = line->substr(line->find("http://"));
  while (!sim_url_.empty() &&
         (sim_url_.back() == '\n' || sim_url_.back() == '\r'))
    sim_url_.pop_back();
  server_ = std::make_unique<server_process>(
    std::vector<std::string>{}, true,
    std::vector<std::string>{"--sim-url", sim_url_, "--poll-interval",
                             poll_interval});
  admin_ = server_->admin();
}

social_env::~social_env() {
  server_.reset();
  sim_->signal(SIGTERM);
  sim_->wait();
}

json social_env::control(const std::string& path, const json& body) {
  http::header_list h;
  h.set("Content-Type", "application/json");
  auto r = http_.send("POST", sim_url_ + "/_sim" + path, h, body.dump());
  REQUIRE(r.ok());
  INFO("/_sim" << path << " -> " << r->status << " " << r->body);
  REQUIRE(r->status / 100 == 2);
  return json::parse(r->body);
}

json social_env::sim_get(const std::string& path) {
  auto r = http_.get(sim_url_ + "/_sim" + path);
  REQUIRE(r.ok());
  return json::parse(r->body);
}

std::string social_env::sim_user(const std::string& net,
                                 const std::string& handle) {
  return control("/users", {{"network", net},
                            {"handle", handle},
                            {"name", handle},
                            {"password", "pw"}})
    .at("user_id")
    .get<std::string>();
}

std::string social_env::sim_page(const std::string& net,
                                 const std::string& owner,
                                 const std::string& name) {
  return control("/pages", {{"network", net}, {"owner_id", owner}, {"name", name}})
    .at("page_id")
    .get<std::string>();
}

std::string social_env::sim_token(const std::string& net,
                                  const std::string& user,
                                  const std::string& page) {
  json body{{"network", net}, {"user_id", user}};
  if (!page.empty())
    body["page_id"] = page;
  return control("/tokens", body).at("access_token").get<std::string>();
}

std::string social_env::sim_post(const std::string& net,
                                 const std::string& author,
                                 const std::string& text,
                                 const std::string& kind,
                                 const std::string& to_account,
                                 const std::string& in_reply_to) {
  json body{{"network", net}, {"author_id", author}, {"text", text},
            {"kind", kind}};
  if (!to_account.empty())
    body["to_account"] = to_account;
  if (!in_reply_to.empty())
    body["in_reply_to"] = in_reply_to;
  return control("/posts", body).at("external_id").get<std::string>();
}

social_env::linked social_env::link(const std::string& net,
                                    const std::string& handle) {
  linked out;
  out.org_user_id = sim_user(net, handle);
  json body{{"network", net}};
  if (net == "facebook" || net == "googleplus") {
    out.page_id = sim_page(net, out.org_user_id, handle + " page");
    body["access_token"] = sim_token(net, out.org_user_id);
    body["page_id"] = out.page_id;
  } else if (net == "bluesky") {
    body["identifier"] = handle;
    body["app_password"] = "pw";
  } else {
    body["access_token"] = sim_token(net, out.org_user_id);
  }
  auto r = admin_.post("/api/v1/social/accounts", body);
  INFO("link " << net << " -> " << r.status << " " << r.body.dump());
  REQUIRE(r.status == 201);
  out.account_id = r.body.at("id").get<std::string>();
  return out;
}

api_client social_env::user(const std::string& email,
                            const std::string& profile) {
  std::string profile_id = profile;
  if (profile == "Standard" || profile == "Administrator") {
    auto profiles = admin_.get("/api/v1/profiles");
    REQUIRE(profiles.status == 200);
    for (auto& p : profiles.body.at("items"))
      if (p.at("name") == profile)
        profile_id = p.at("id").get<std::string>();
  }
  auto r = admin_.post("/api/v1/users", {{"email", email},
                                         {"name", email},
                                         {"password", "long enough password"},
                                         {"profile_id", profile_id}});
  INFO("create user -> " << r.status << " " << r.body.dump());
  REQUIRE(r.status == 201);
  auto c = server_->client();
  REQUIRE(c.sign_in(email, "long enough password").status == 200);
  return c;
}

bool social_env::eventually(const std::function<bool()>& done,
                            std::chrono::milliseconds limit) {
  auto until = std::chrono::steady_clock::now() + limit;
  while (std::chrono::steady_clock::now() < until) {
    if (done())
      return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  return done();
}

std::string token_file(api_client& client, temp_dir& dir,
                       const std::string& name) {
  auto made = client.post("/api/v1/tokens", {{"name", name}});
  REQUIRE(made.status == 201);
  auto path = dir.file(name + ".token");
  {
    std::ofstream out(path);
    out << made.body.at("token").get<std::string>() << "\n";
  }
  std::filesystem::permissions(path, std::filesystem::perms::owner_read
                                       | std::filesystem::perms::owner_write,
                               std::filesystem::perm_options::replace);
  return path;
}

} // namespace socialcrm::test
