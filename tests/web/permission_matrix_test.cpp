#include "tests/web/server_fixture.hpp"

#include <catch2/catch.hpp>

#include <array>
#include <functional>
#include <map>

using namespace socialcrm;
using namespace socialcrm::test;

namespace {

// The four kinds of user of the matrix (issue 5).
enum role { administrator, social_administrator, standard, tab_off };
constexpr std::array<const char*, 4> role_names{
    "administrator", "social administrator", "standard", "tab switched off"};
using statuses = std::array<unsigned, 4>;

// The organisation every cell runs against: four signed-in users and the
// super administrator, who prepares what each cell acts on.
struct org {
  server_process server;
  api_client root = server.admin();
  std::string standard_profile;
  std::string admin_profile;
  std::vector<api_client> users;
  std::string target_user; // a standard user to edit
  int counter = 0;

  std::string unique(const std::string& prefix) {
    return prefix + std::to_string(++counter);
  }

  std::string profile_named(const std::string& name) {
    auto list = root.get("/api/v1/profiles");
    INFO(list.raw.body);
    for (auto& p : list.body["items"])
      if (p["name"] == name)
        return p["id"];
    FAIL("no profile " << name);
    return {};
  }

  std::string clone_standard(const json& patch) {
    auto c = root.post("/api/v1/profiles/" + standard_profile + "/clone",
                       {{"name", unique("profile ")}});
    REQUIRE(c.status == 201);
    if (!patch.empty())
      REQUIRE(root.patch("/api/v1/profiles/" + id_of(c), patch).status == 200);
    return id_of(c);
  }

  std::string add_user(const std::string& profile) {
    auto email = unique("user") + "@example.com";
    auto r = root.post("/api/v1/users", {{"email", email},
                                         {"name", "User"},
                                         {"password", "a long password"},
                                         {"profile_id", profile}});
    REQUIRE(r.status == 201);
    return email;
  }

  org() {
    standard_profile = profile_named("Standard");
    admin_profile = profile_named("Administrator");
    std::array<std::string, 4> profiles{
        admin_profile, clone_standard({{"social_admin", true}}),
        standard_profile,
        clone_standard({{"social_tab", false}, {"social_profile_link", true}})};
    for (auto& p : profiles) {
      api_client c = server.client();
      REQUIRE(c.sign_in(add_user(p), "a long password").status == 200);
      users.push_back(std::move(c));
    }
    auto t = root.post("/api/v1/users", {{"email", "target@example.com"},
                                         {"name", "Target"},
                                         {"password", "a long password"},
                                         {"profile_id", standard_profile}});
    REQUIRE(t.status == 201);
    target_user = id_of(t);
  }

  std::string lead() {
    auto r = root.post("/api/v1/leads", {{"last_name", unique("Lead ")}});
    REQUIRE(r.status == 201);
    return id_of(r);
  }
  std::string contact() {
    auto r = root.post("/api/v1/contacts", {{"last_name", unique("Contact ")}});
    REQUIRE(r.status == 201);
    return id_of(r);
  }
  std::string deal() {
    auto r = root.post("/api/v1/deals", {{"contact_id", contact()},
                                         {"name", unique("Deal ")},
                                         {"amount", 100}});
    REQUIRE(r.status == 201);
    return id_of(r);
  }
  std::string attached(const std::string& kind) {
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
    auto r = root.post("/api/v1/" + kind, body);
    REQUIRE(r.status == 201);
    return id_of(r);
  }
};

struct cell {
  std::string endpoint;
  std::function<api_result(org&, api_client&)> act;
  statuses expected;
};

std::vector<cell> cells() {
  constexpr statuses all_ok_201{201, 201, 201, 201};
  constexpr statuses all_ok_200{200, 200, 200, 200};
  constexpr statuses all_ok_204{204, 204, 204, 204};
  constexpr statuses admin_only_201{201, 403, 403, 403};
  constexpr statuses admin_only_200{200, 403, 403, 403};
  std::vector<cell> out{
      {"POST /users",
       [](org& o, api_client& c) {
         return c.post("/api/v1/users", {{"email", o.unique("new") + "@x.org"},
                                         {"name", "New"},
                                         {"password", "a long password"},
                                         {"profile_id", o.standard_profile}});
       },
       admin_only_201},
      {"PATCH /users/{id}",
       [](org& o, api_client& c) {
         return c.patch("/api/v1/users/" + o.target_user,
                        {{"name", o.unique("Renamed ")}});
       },
       admin_only_200},
      {"POST /profiles",
       [](org& o, api_client& c) {
         return c.post("/api/v1/profiles", {{"name", o.unique("fresh ")}});
       },
       admin_only_201},
      {"POST /profiles/{id}/clone",
       [](org& o, api_client& c) {
         return c.post("/api/v1/profiles/" + o.standard_profile + "/clone",
                       {{"name", o.unique("clone ")}});
       },
       admin_only_201},
      {"PATCH /profiles/{clone} social_tab (S-8.3)",
       [](org& o, api_client& c) {
         auto p = o.clone_standard({});
         return c.patch("/api/v1/profiles/" + p, {{"social_tab", false}});
       },
       {200, 200, 403, 403}},
      {"PATCH /profiles/{clone} social_admin (S-8.2: clones can)",
       [](org& o, api_client& c) {
         auto p = o.clone_standard({});
         return c.patch("/api/v1/profiles/" + p, {{"social_admin", true}});
       },
       admin_only_200},
      {"PATCH /profiles/{Standard} social_admin (S-8.2: defaults cannot)",
       [](org& o, api_client& c) {
         return c.patch("/api/v1/profiles/" + o.standard_profile,
                        {{"social_admin", true}});
       },
       {409, 403, 403, 403}},
      {"PATCH /profiles/{Administrator} social_admin off",
       [](org& o, api_client& c) {
         return c.patch("/api/v1/profiles/" + o.admin_profile,
                        {{"social_admin", false}});
       },
       {409, 403, 403, 403}},
      {"PATCH /profiles/{Standard} social_profile_link",
       [](org& o, api_client& c) {
         return c.patch("/api/v1/profiles/" + o.standard_profile,
                        {{"social_profile_link", true}});
       },
       {200, 200, 403, 403}},
      {"PATCH /organisation",
       [](org& o, api_client& c) {
         return c.patch("/api/v1/organisation", {{"name", o.unique("Org ")}});
       },
       {403, 403, 403, 403}},
      {"POST /tokens",
       [](org&, api_client& c) {
         return c.post("/api/v1/tokens", {{"name", "script"}});
       },
       all_ok_201},
      {"DELETE /tokens/{id}",
       [](org&, api_client& c) {
         auto t = c.post("/api/v1/tokens", {{"name", "short-lived"}});
         return c.del("/api/v1/tokens/" + id_of(t));
       },
       all_ok_200},
      {"POST /deals",
       [](org& o, api_client& c) {
         return c.post(
             "/api/v1/deals",
             {{"contact_id", o.contact()}, {"name", "Deal"}, {"amount", 10}});
       },
       all_ok_201},
      {"PATCH /deals/{id}",
       [](org& o, api_client& c) {
         return c.patch("/api/v1/deals/" + o.deal(), {{"stage", "won"}});
       },
       all_ok_200},
      {"DELETE /deals/{id}",
       [](org& o, api_client& c) { return c.del("/api/v1/deals/" + o.deal()); },
       all_ok_204},
  };
  for (std::string kind : {"leads", "contacts"}) {
    out.push_back({"POST /" + kind,
                   [kind](org&, api_client& c) {
                     return c.post("/api/v1/" + kind, {{"last_name", "New"}});
                   },
                   all_ok_201});
    out.push_back(
        {"PATCH /" + kind + "/{id}",
         [kind](org& o, api_client& c) {
           auto id = kind == "leads" ? o.lead() : o.contact();
           return c.patch("/api/v1/" + kind + "/" + id, {{"company", "ACME"}});
         },
         all_ok_200});
    out.push_back({"DELETE /" + kind + "/{id}",
                   [kind](org& o, api_client& c) {
                     auto id = kind == "leads" ? o.lead() : o.contact();
                     return c.del("/api/v1/" + kind + "/" + id);
                   },
                   all_ok_204});
    out.push_back({"POST /" + kind + "/{id}/social-profiles (S-2.3)",
                   [kind](org& o, api_client& c) {
                     auto id = kind == "leads" ? o.lead() : o.contact();
                     return c.post("/api/v1/" + kind + "/" + id +
                                       "/social-profiles",
                                   {{"network", "x"},
                                    {"user_id", o.unique("u")},
                                    {"handle", "@someone"}});
                   },
                   {201, 201, 201, 403}});
  }
  for (std::string kind : {"notes", "tasks", "emails"}) {
    out.push_back(
        {"POST /" + kind,
         [kind](org& o, api_client& c) {
           json body{{"record_type", "lead"}, {"record_id", o.lead()}};
           if (kind == "notes")
             body["body"] = "text";
           else if (kind == "tasks")
             body["subject"] = "subject";
           else {
             body["direction"] = "out";
             body["from"] = "a@example.com";
             body["to"] = "b@example.com";
           }
           return c.post("/api/v1/" + kind, body);
         },
         all_ok_201});
    out.push_back({"PATCH /" + kind + "/{id}",
                   [kind](org& o, api_client& c) {
                     json body;
                     if (kind == "notes")
                       body["body"] = "changed";
                     else if (kind == "tasks")
                       body["status"] = "done";
                     else
                       body["answered"] = true;
                     return c.patch("/api/v1/" + kind + "/" + o.attached(kind),
                                    body);
                   },
                   all_ok_200});
    out.push_back({"DELETE /" + kind + "/{id}",
                   [kind](org& o, api_client& c) {
                     return c.del("/api/v1/" + kind + "/" + o.attached(kind));
                   },
                   all_ok_204});
  }
  // The social tab's per-user settings (issue 6): everyone with the tab.
  constexpr statuses tab_201{201, 201, 201, 403};
  constexpr statuses tab_200{200, 200, 200, 403};
  out.push_back({"POST /social/columns",
                 [](org&, api_client& c) {
                   return c.post("/api/v1/social/columns",
                                 {{"type", "keyword"}, {"terms", {"crm"}}});
                 },
                 tab_201});
  out.push_back({"PUT /social/filter",
                 [](org&, api_client& c) {
                   return c.send("PUT", "/api/v1/social/filter",
                                 json{{"accounts", json::array()}});
                 },
                 tab_200});
  out.push_back({"DELETE /social/columns/{id}",
                 [](org& o, api_client& c) {
                   // The column is the acting user's own: the root's would
                   // be column_not_found for everyone else.
                   auto col = o.root.post("/api/v1/social/columns",
                                          {{"type", "my_posts"}});
                   auto mine = c.post("/api/v1/social/columns",
                                      {{"type", "my_posts"}});
                   auto id = mine.status == 201 ? id_of(mine) : id_of(col);
                   return c.del("/api/v1/social/columns/" + id);
                 },
                 {204, 204, 204, 403}});
  // Reads that depend on the permissions too.
  out.push_back({"GET /users",
                 [](org&, api_client& c) { return c.get("/api/v1/users"); },
                 {200, 200, 403, 403}});
  out.push_back({"GET /leads/{id}/social-interactions (S-8.3)",
                 [](org& o, api_client& c) {
                   return c.get("/api/v1/leads/" + o.lead() +
                                "/social-interactions");
                 },
                 {200, 200, 200, 403}});
  // Last: it ends each role's session.
  out.push_back({"DELETE /session",
                 [](org&, api_client& c) { return c.del("/api/v1/session"); },
                 all_ok_204});
  return out;
}

} // namespace

TEST_CASE("the permission matrix: every mutating endpoint for the "
          "administrator, social administrator, standard and tab-off users",
          "[web][permissions][integration]") {
  org o;
  for (auto& c : cells()) {
    for (int r = administrator; r <= tab_off; ++r) {
      INFO(c.endpoint << " as " << role_names[r]);
      auto res = c.act(o, o.users[r]);
      INFO(res.raw.body);
      CHECK(res.status == c.expected[r]);
      if (res.status == 403)
        CHECK(res.code() == "forbidden");
    }
  }
}

TEST_CASE("removing social administrator keeps the tab, and only the "
          "tab switch takes it away (S-8.3)",
          "[web][permissions][integration]") {
  org o;
  auto p = o.clone_standard({{"social_tab", false}});
  auto granted =
      o.root.patch("/api/v1/profiles/" + p, {{"social_admin", true}});
  REQUIRE(granted.status == 200);
  CHECK(granted.body["social_tab"] == true); // granting opens the tab
  auto removed =
      o.root.patch("/api/v1/profiles/" + p, {{"social_admin", false}});
  REQUIRE(removed.status == 200);
  CHECK(removed.body["social_admin"] == false);
  CHECK(removed.body["social_tab"] == true);
  api_client user = o.server.client();
  REQUIRE(user.sign_in(o.add_user(p), "a long password").status == 200);
  CHECK(user.get("/api/v1/leads/" + o.lead() + "/social-interactions").status ==
        200);
  CHECK(user.get("/api/v1/users").status == 403);
}

TEST_CASE("the social features are refused on editions without them (S-8.5)",
          "[web][permissions][integration]") {
  org o;
  auto lead = o.lead();
  REQUIRE(
      o.root.patch("/api/v1/organisation", {{"edition", "standard"}}).status ==
      200);
  auto r = o.root.post("/api/v1/leads/" + lead + "/social-profiles",
                       {{"network", "x"}, {"user_id", "42"}});
  CHECK(r.status == 403);
  CHECK(r.code() == "edition_not_supported");
  CHECK(o.root.get("/api/v1/leads/" + lead + "/social-interactions").status ==
        403);
  // The CRM itself stays available.
  CHECK(o.root.post("/api/v1/leads", {{"last_name", "Still here"}}).status ==
        201);
  REQUIRE(o.root.patch("/api/v1/organisation", {{"edition", "professional"}})
              .status == 200);
  CHECK(o.root
            .post("/api/v1/leads/" + lead + "/social-profiles",
                  {{"network", "x"}, {"user_id", "42"}})
            .status == 201);
}
