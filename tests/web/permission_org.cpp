#include "tests/web/permission_org.hpp"

#include <catch2/catch.hpp>

namespace socialcrm::test::permissions {

org::org()
    : root(env.admin()) {
  standard_profile = profile_named("Standard");
  admin_profile = profile_named("Administrator");
  std::array<std::string, role_count> profiles{
      admin_profile, clone_standard({{"social_admin", true}}), standard_profile,
      clone_standard({{"social_tab", false}, {"social_profile_link", true}})};
  for (auto& p : profiles) {
    emails.push_back(add_user(p));
    api_client c = env.server().client();
    REQUIRE(c.sign_in(emails.back(), user_password).status == 200);
    users.push_back(std::move(c));
  }
  auto t = root.post("/api/v1/users", {{"email", "target@example.com"},
                                       {"name", "Target"},
                                       {"password", user_password},
                                       {"profile_id", standard_profile}});
  REQUIRE(t.status == 201);
  target_user = id_of(t);
}

std::string org::unique(const std::string& prefix) {
  return prefix + std::to_string(++counter_);
}

std::string org::profile_named(const std::string& name) {
  auto list = root.get("/api/v1/profiles");
  INFO(list.raw.body);
  for (auto& p : list.body["items"])
    if (p["name"] == name)
      return p["id"];
  FAIL("no profile " << name);
  return {};
}

std::string org::clone_standard(const json& patch) {
  auto c = root.post("/api/v1/profiles/" + standard_profile + "/clone",
                     {{"name", unique("profile ")}});
  REQUIRE(c.status == 201);
  if (!patch.empty())
    REQUIRE(root.patch("/api/v1/profiles/" + id_of(c), patch).status == 200);
  return id_of(c);
}

std::string org::add_user(const std::string& profile) {
  auto email = unique("user") + "@example.com";
  auto r = root.post("/api/v1/users", {{"email", email},
                                       {"name", "User"},
                                       {"password", user_password},
                                       {"profile_id", profile}});
  REQUIRE(r.status == 201);
  return email;
}

api_client org::signed_in_user(const std::string& profile) {
  api_client c = env.server().client();
  REQUIRE(c.sign_in(add_user(profile), user_password).status == 200);
  return c;
}

std::string org::lead() {
  auto r = root.post("/api/v1/leads", {{"last_name", unique("Lead ")}});
  REQUIRE(r.status == 201);
  return id_of(r);
}

std::string org::contact() {
  auto r = root.post("/api/v1/contacts", {{"last_name", unique("Contact ")}});
  REQUIRE(r.status == 201);
  return id_of(r);
}

std::string org::deal() {
  auto r = root.post(
      "/api/v1/deals",
      {{"contact_id", contact()}, {"name", unique("Deal ")}, {"amount", 100}});
  REQUIRE(r.status == 201);
  return id_of(r);
}

json org::attached_body(const std::string& kind) {
  json body{{"record_type", "lead"}, {"record_id", lead()}};
  if (kind == "notes")
    body["body"] = "a note";
  else if (kind == "tasks")
    body["subject"] = "call back";
  else {
    body["direction"] = "in";
    body["from"] = "a@example.com";
    body["to"] = "b@example.com";
  }
  return body;
}

std::string org::attached(const std::string& kind) {
  auto r = root.post("/api/v1/" + kind, attached_body(kind));
  REQUIRE(r.status == 201);
  return id_of(r);
}

std::string org::mastodon_account() {
  return env.link("mastodon", unique("brand")).account_id;
}

org::pending org::pending_facebook() {
  auto owner = env.sim_user("facebook", unique("owner"));
  pending out;
  out.page_id = env.sim_page("facebook", owner, unique("Page "));
  auto r = root.post("/api/v1/social/accounts",
                     {{"network", "facebook"},
                      {"access_token", env.sim_token("facebook", owner)}});
  INFO(r.body.dump());
  REQUIRE(r.status == 201);
  REQUIRE(r.body.at("status") == "pending_page");
  out.account_id = id_of(r);
  return out;
}

std::string org::keyword_column(api_client& who) {
  json body{{"type", "keyword"}, {"terms", {unique("term")}}};
  auto mine = who.post("/api/v1/social/columns", body);
  if (mine.status == 201)
    return id_of(mine);
  auto roots = root.post("/api/v1/social/columns", body);
  REQUIRE(roots.status == 201);
  return id_of(roots);
}

} // namespace socialcrm::test::permissions
