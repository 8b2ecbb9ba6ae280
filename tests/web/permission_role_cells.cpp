// The role cells of the permission matrix: what each route answers the
// administrator, the social administrator, a standard user and a user
// whose profile has the social tab switched off.

#include "tests/web/permission_cells.hpp"

#include "http/ws_client.hpp"

namespace socialcrm::test::permissions {

namespace {

constexpr statuses all_ok_201{201, 201, 201, 201};
constexpr statuses all_ok_200{200, 200, 200, 200};
constexpr statuses all_ok_204{204, 204, 204, 204};
constexpr statuses admin_only_201{201, 403, 403, 403};
constexpr statuses admin_only_200{200, 403, 403, 403};
// The social tab's settings and linked accounts.
constexpr statuses tab_201{201, 201, 201, 403};
constexpr statuses tab_200{200, 200, 200, 403};
constexpr statuses social_admin_201{201, 201, 403, 403};
constexpr statuses social_admin_200{200, 200, 403, 403};

// Users, profiles, the organisation and the caller's tokens.
void add_admin_cells(std::vector<role_cell>& out) {
  auto profile = [](std::string what, json patch, statuses expected,
                    std::function<std::string(org&)> which) {
    return role_cell{"PATCH /api/v1/profiles/{id}", std::move(what),
                     [patch, which](org& o, api_client& c) {
                       return c.patch("/api/v1/profiles/" + which(o), patch);
                     },
                     expected};
  };
  auto a_clone = [](org& o) { return o.clone_standard({}); };
  auto the_standard = [](org& o) { return o.standard_profile; };
  auto the_administrator = [](org& o) { return o.admin_profile; };
  std::vector<role_cell> cells{
      {"POST /api/v1/session", "with the user's own password",
       [](org& o, api_client& c) {
         auto me = c.get("/api/v1/session");
         auto email = me.body.at("user").at("email").get<std::string>();
         return o.env.server().client().sign_in(email, user_password);
       },
       all_ok_200},
      {"POST /api/v1/users", "",
       [](org& o, api_client& c) {
         return c.post("/api/v1/users", {{"email", o.unique("new") + "@x.org"},
                                         {"name", "New"},
                                         {"password", user_password},
                                         {"profile_id", o.standard_profile}});
       },
       admin_only_201},
      {"PATCH /api/v1/users/{id}", "",
       [](org& o, api_client& c) {
         return c.patch("/api/v1/users/" + o.target_user,
                        {{"name", o.unique("Renamed ")}});
       },
       admin_only_200},
      {"POST /api/v1/profiles", "",
       [](org& o, api_client& c) {
         return c.post("/api/v1/profiles", {{"name", o.unique("fresh ")}});
       },
       admin_only_201},
      {"POST /api/v1/profiles/{id}/clone", "",
       [](org& o, api_client& c) {
         return c.post("/api/v1/profiles/" + o.standard_profile + "/clone",
                       {{"name", o.unique("clone ")}});
       },
       admin_only_201},
      profile("a clone's social_tab (S-8.3)", {{"social_tab", false}},
              {200, 200, 403, 403}, a_clone),
      profile("a clone's social_admin (S-8.2: clones can)",
              {{"social_admin", true}}, admin_only_200, a_clone),
      profile("Standard's social_admin (S-8.2: defaults cannot)",
              {{"social_admin", true}}, {409, 403, 403, 403}, the_standard),
      profile("Administrator's social_admin off", {{"social_admin", false}},
              {409, 403, 403, 403}, the_administrator),
      profile("Standard's social_profile_link", {{"social_profile_link", true}},
              {200, 200, 403, 403}, the_standard),
      {"PATCH /api/v1/organisation",
       "",
       [](org& o, api_client& c) {
         return c.patch("/api/v1/organisation", {{"name", o.unique("Org ")}});
       },
       {403, 403, 403, 403}},
      {"POST /api/v1/tokens", "",
       [](org&, api_client& c) {
         return c.post("/api/v1/tokens", {{"name", "script"}});
       },
       all_ok_201},
      {"DELETE /api/v1/tokens/{id}", "",
       [](org&, api_client& c) {
         auto t = c.post("/api/v1/tokens", {{"name", "short-lived"}});
         return c.del("/api/v1/tokens/" + id_of(t));
       },
       all_ok_200},
  };
  out.insert(out.end(), cells.begin(), cells.end());
}

// A body for creating or changing a record of `kind`.
json record_body(org& o, const std::string& kind, bool change) {
  if (kind == "leads" || kind == "contacts")
    return {{change ? "company" : "last_name", o.unique("Name ")}};
  if (kind == "deals")
    return change ? json{{"stage", "won"}}
                  : json{{"contact_id", o.contact()},
                         {"name", "Deal"},
                         {"amount", 10}};
  if (change)
    return kind == "notes"   ? json{{"body", "changed"}}
           : kind == "tasks" ? json{{"status", "done"}}
                             : json{{"answered", true}};
  return o.attached_body(kind);
}

// A record of `kind` made by the super administrator.
std::string record_of(org& o, const std::string& kind) {
  if (kind == "leads")
    return o.lead();
  if (kind == "contacts")
    return o.contact();
  if (kind == "deals")
    return o.deal();
  return o.attached(kind);
}

// The CRM records: everyone signed in.
void add_record_cells(std::vector<role_cell>& out) {
  for (std::string kind :
       {"leads", "contacts", "deals", "notes", "tasks", "emails"}) {
    auto base = "/api/v1/" + kind;
    out.push_back({"POST " + base, "",
                   [kind, base](org& o, api_client& c) {
                     return c.post(base, record_body(o, kind, false));
                   },
                   all_ok_201});
    out.push_back({"PATCH " + base + "/{id}", "",
                   [kind, base](org& o, api_client& c) {
                     return c.patch(base + "/" + record_of(o, kind),
                                    record_body(o, kind, true));
                   },
                   all_ok_200});
    out.push_back({"DELETE " + base + "/{id}", "",
                   [kind, base](org& o, api_client& c) {
                     return c.del(base + "/" + record_of(o, kind));
                   },
                   all_ok_204});
  }
  for (std::string kind : {"leads", "contacts"})
    out.push_back({"POST /api/v1/" + kind + "/{id}/social-profiles",
                   "the social profile link permission (S-2.3)",
                   [kind](org& o, api_client& c) {
                     return c.post("/api/v1/" + kind + "/" +
                                       record_of(o, kind) + "/social-profiles",
                                   {{"network", "x"},
                                    {"user_id", o.unique("u")},
                                    {"handle", "@someone"}});
                   },
                   {201, 201, 201, 403}});
  out.push_back({"POST /api/v1/leads/{id}/convert", "",
                 [](org& o, api_client& c) {
                   return c.post("/api/v1/leads/" + o.lead() + "/convert",
                                 json::object());
                 },
                 all_ok_201});
}

// Linked accounts (S-1.2, S-1.4, S-1.5, S-1.7): administrators and social
// administrators alone.
void add_account_cells(std::vector<role_cell>& out) {
  const std::string accounts = "/api/v1/social/accounts";
  std::vector<role_cell> cells{
      {"POST " + accounts, "with an access token",
       [accounts](org& o, api_client& c) {
         auto who = o.env.sim_user("mastodon", o.unique("linked"));
         return c.post(accounts,
                       {{"network", "mastodon"},
                        {"access_token", o.env.sim_token("mastodon", who)}});
       },
       social_admin_201},
      {"POST " + accounts + "/authorize", "",
       [accounts](org&, api_client& c) {
         return c.post(accounts + "/authorize", {{"network", "x"}});
       },
       social_admin_200},
      {"POST " + accounts + "/{id}/page", "",
       [accounts](org& o, api_client& c) {
         auto p = o.pending_facebook();
         return c.post(accounts + "/" + p.account_id + "/page",
                       {{"page_id", p.page_id}});
       },
       social_admin_200},
      {"DELETE " + accounts + "/{id}/page-choice", "",
       [accounts](org& o, api_client& c) {
         return c.del(accounts + "/" + o.pending_facebook().account_id +
                      "/page-choice");
       },
       social_admin_200},
      {"PUT " + accounts + "/{id}/operations", "",
       [accounts](org& o, api_client& c) {
         return c.send("PUT",
                       accounts + "/" + o.mastodon_account() + "/operations",
                       json{{o.standard_profile, {"view", "post"}}});
       },
       social_admin_200},
      {"DELETE " + accounts + "/{id}", "confirmed",
       [accounts](org& o, api_client& c) {
         return c.del(accounts + "/" + o.mastodon_account() + "?confirm=true");
       },
       social_admin_200},
  };
  out.insert(out.end(), cells.begin(), cells.end());
}

// The social tab's per-user settings: everyone with the tab. A column is
// the acting user's own (the root's would be column_not_found for anyone
// else); a user without the tab acts on the root's.
void add_column_cells(std::vector<role_cell>& out) {
  out.push_back({"POST /api/v1/social/columns", "",
                 [](org& o, api_client& c) {
                   return c.post(
                       "/api/v1/social/columns",
                       {{"type", "keyword"}, {"terms", {o.unique("crm")}}});
                 },
                 tab_201});
  out.push_back({"DELETE /api/v1/social/columns/{id}",
                 "",
                 [](org& o, api_client& c) {
                   return c.del("/api/v1/social/columns/" +
                                o.keyword_column(c));
                 },
                 {204, 204, 204, 403}});
  out.push_back({"POST /api/v1/social/columns/{id}/refresh",
                 "",
                 [](org& o, api_client& c) {
                   return c.post("/api/v1/social/columns/" +
                                     o.keyword_column(c) + "/refresh",
                                 json::object());
                 },
                 {202, 202, 202, 403}});
  out.push_back({"PUT /api/v1/social/filter", "",
                 [](org&, api_client& c) {
                   return c.send("PUT", "/api/v1/social/filter",
                                 json{{"accounts", json::array()}});
                 },
                 tab_200});
}

} // namespace

// The actor console (issue 22): administrators and social administrators.
void add_console_cells(std::vector<role_cell>& out) {
  auto get = [](std::string path) {
    return [path](org&, api_client& c) { return c.get(path); };
  };
  out.push_back({"GET /api/v1/admin/actors", "", get("/api/v1/admin/actors"),
                 social_admin_200});
  out.push_back({"GET /api/v1/admin/actors/{id}", "",
                 get("/api/v1/admin/actors/classifier"), social_admin_200});
  out.push_back({"GET /api/v1/admin/nodes", "", get("/api/v1/admin/nodes"),
                 social_admin_200});
  out.push_back({"GET /api/v1/admin/audit", "", get("/api/v1/admin/audit"),
                 social_admin_200});
  out.push_back({"POST /api/v1/admin/actors/{id}/{action}",
                 "the classifier takes no action: 422 past the permission",
                 [](org&, api_client& c) {
                   return c.post("/api/v1/admin/actors/classifier/poll",
                                 json::object());
                 },
                 {422, 422, 403, 403}});
  // The event stream: a real WebSocket upgrade with the role's credential
  // (101 when it opens), and a plain GET, told it needs the upgrade (426)
  // once past the permission.
  out.push_back({"GET /api/v1/admin/actors/events",
                 "the WebSocket upgrade (101 when it opens)",
                 [](org&, api_client& c) {
                   http::ws_client ws;
                   auto refused = ws.open(c.base()
                                            + "/api/v1/admin/actors/events",
                                          c.credential_headers());
                   api_result r;
                   r.status = refused ? refused->status : 101;
                   if (refused)
                     r.body = json::parse(refused->body, nullptr, false);
                   return r;
                 },
                 {101, 101, 403, 403}});
  out.push_back({"GET /api/v1/admin/actors/events", "without the upgrade",
                 get("/api/v1/admin/actors/events"), {426, 426, 403, 403}});
  for (auto action : {"pause", "resume", "restart", "poll"})
    out.push_back({std::string("POST /api/v1/admin/actors/") + action,
                   "a selector that matches nothing",
                   [action](org& o, api_client& c) {
                     return c.post(std::string("/api/v1/admin/actors/")
                                     + action,
                                   {{"q", o.unique("no-such-actor-") + "*"}});
                   },
                   social_admin_200});
}

std::vector<role_cell> role_cells() {
  std::vector<role_cell> out;
  add_admin_cells(out);
  add_record_cells(out);
  add_account_cells(out);
  add_column_cells(out);
  // Reads that depend on the permissions too.
  out.push_back({"GET /api/v1/users",
                 "",
                 [](org&, api_client& c) { return c.get("/api/v1/users"); },
                 {200, 200, 403, 403}});
  out.push_back({"GET /api/v1/leads/{id}/social-interactions",
                 "S-8.3",
                 [](org& o, api_client& c) {
                   return c.get("/api/v1/leads/" + o.lead() +
                                "/social-interactions");
                 },
                 {200, 200, 200, 403}});
  add_console_cells(out);
  // Last: it ends each role's session.
  out.push_back({"DELETE /api/v1/session", "",
                 [](org&, api_client& c) { return c.del("/api/v1/session"); },
                 all_ok_204});
  return out;
}

} // namespace socialcrm::test::permissions
