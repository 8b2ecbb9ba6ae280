#pragma once

// Steps the linked-account tests (social_accounts_test.cpp) repeat: the
// admin's part of the OAuth dance on the emulator's consent page, and short
// reads of the server's state.

#include "http/url.hpp"
#include "tests/web/social_fixture.hpp"

#include <catch2/catch.hpp>

namespace socialcrm::test {

inline constexpr const char* accounts = "/api/v1/social/accounts";

/// Starts linking `net` and returns the authorize URL the server handed out.
inline std::string start_oauth(api_client& who, const std::string& net,
                               const json& extra = json::object()) {
  json body = extra;
  body["network"] = net;
  auto r = who.post("/api/v1/social/accounts/authorize", body);
  INFO(r.body.dump());
  REQUIRE(r.status == 200);
  CHECK(r.body.at("state").get<std::string>().size() >= 40);
  return r.body.at("authorize_url").get<std::string>();
}

/// Plays the admin on the emulator's consent page: opens the authorize URL,
/// signs in as `handle` and answers; returns the path (and query) of this
/// server the emulator sent the browser back to.
inline std::string consent(social_env& env,
                           const std::string& authorize_url,
                           const std::string& handle,
                           const std::string& decision = "allow") {
  auto u = http::parse_url(authorize_url);
  REQUIRE(u);
  http::client browser;
  auto page = browser.get(authorize_url);
  REQUIRE(page.ok());
  INFO(page->body);
  REQUIRE(page->status == 200);
  CHECK(page->body.find("<form") != std::string::npos);
  std::vector<std::pair<std::string, std::string>> form;
  for (auto& [k, v] : http::parse_query(u->query()))
    form.emplace_back(k, v);
  form.insert(form.end(), {{"username", handle},
                           {"password", "pw"},
                           {"decision", decision}});
  auto back = browser.post(u->origin() + u->path(), http::build_query(form),
                           "application/x-www-form-urlencoded");
  REQUIRE(back.ok());
  INFO(back->body);
  REQUIRE(back->status == 302);
  auto location = back->headers.value("Location");
  auto base = env.server().base() + "/api/v1/social/oauth/callback?";
  REQUIRE(location.rfind(base, 0) == 0);
  return location.substr(env.server().base().size());
}

inline api_result callback_json(api_client& who, const std::string& path) {
  http::header_list h;
  h.set("Accept", "application/json");
  return who.send("GET", path, std::nullopt, h);
}

inline std::int64_t linked(social_env& env) {
  return env.server().count("linked_accounts");
}

inline json account_list(api_client& who) {
  auto r = who.get(accounts);
  REQUIRE(r.status == 200);
  return r.body.at("items");
}

inline std::string profile_id(social_env& env, const std::string& name) {
  auto r = env.admin().get("/api/v1/profiles");
  REQUIRE(r.status == 200);
  for (auto& p : r.body.at("items"))
    if (p.at("name") == name)
      return p.at("id").get<std::string>();
  FAIL("no profile " << name);
  return {};
}


} // namespace socialcrm::test
