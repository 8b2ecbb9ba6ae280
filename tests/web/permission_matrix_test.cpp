// The permission matrix (S-1.5, S-8), held against the router: every route
// that changes something, as make_api_router() registers it, has a cell
// (permission_cells.hpp), so a route added without one fails the first
// test case. A role cell says what each kind of user gets; an operation
// cell says which S-1.5 operation a post action needs on the account it
// goes through.

#include "tests/web/permission_cells.hpp"
#include "tests/web/social_actions_support.hpp"
#include "web/routes.hpp"

#include <catch2/catch.hpp>

#include <set>

using namespace socialcrm;
using namespace socialcrm::test;
using namespace socialcrm::test::permissions;
using socialcrm::test::actions::count_action;
using socialcrm::test::actions::published;

namespace {

bool changes_something(const std::string& method) {
  return method != "GET";
}

// The linked account that saw post `id` ("0": none did).
std::string seen_by(social_env& env, const std::string& id) {
  SQLite::Database db(env.server().db_path(), SQLite::OPEN_READONLY);
  SQLite::Statement st(db, "SELECT account_id FROM posts WHERE id = ?");
  st.bind(1, static_cast<std::int64_t>(std::stoll(id)));
  REQUIRE(st.executeStep());
  return std::to_string(st.getColumn(0).getInt64());
}

// What the operation test acts in: an X account, a Facebook page, and a
// keyword column whose term finds posts no account saw.
struct operations_env {
  explicit operations_env(org& o)
      : x(o.env.link("x", "brand"))
      , facebook(o.env.link("facebook", "brandfb"))
      , term(o.unique("opsmatrix")) {
    REQUIRE(o.root
                .post("/api/v1/social/columns",
                      {{"type", "keyword"}, {"terms", {term}}})
                .status == 201);
  }

  const social_env::linked& account_of(const operation_cell& cell) const {
    return cell.network == "x" ? x : facebook;
  }

  // A new post of a new author of the kind `cell` acts on, once the server
  // stored it: a mention of the cell's account, or (`seen` false) a post
  // only the keyword column finds.
  std::string post_for(org& o, const operation_cell& cell, bool seen) const {
    auto& account = account_of(cell);
    auto handle = o.unique("author");
    auto who = o.env.sim_user(cell.network, handle);
    if (cell.by == poster::contact)
      REQUIRE(o.root
                  .post("/api/v1/contacts/" + o.contact() + "/social-profiles",
                        {{"network", cell.network},
                         {"user_id", who},
                         {"handle", handle}})
                  .status == 201);
    auto to = cell.network == "x" ? account.org_user_id : account.page_id;
    auto external =
        seen ? o.env.sim_post(cell.network, who, "hello " + o.unique("#"),
                              "mention", to)
             : o.env.sim_post(cell.network, who, term + " " + o.unique("#"),
                              "post");
    auto id = actions::post_id(o.env, external);
    REQUIRE(seen_by(o.env, id) == (seen ? account.account_id : "0"));
    return id;
  }

  social_env::linked x;
  social_env::linked facebook;
  std::string term;
};

// The operations a profile gets on the account: every one but `op`, or
// only `op` and view.
json all_but(const std::string& op) {
  json out = json::array();
  for (auto each : {"view", "post", "reply", "like", "repost", "message"})
    if (each != op)
      out.push_back(each);
  return out;
}

json only(const std::string& op) {
  return op == "view" ? json{"view"} : json{"view", op};
}

} // namespace

TEST_CASE("every route that changes something has a cell of the permission "
          "matrix, and every cell names a route",
          "[web][permissions]") {
  std::set<std::string> covered;
  for (auto& c : role_cells())
    covered.insert(c.route);
  for (auto& c : operation_cells())
    covered.insert(c.route);
  std::set<std::string> routes;
  auto router = web::make_api_router();
  for (auto& r : router.routes()) {
    auto key = r.method + " " + r.pattern;
    routes.insert(key);
    INFO("no cell for " << key);
    CHECK((!changes_something(r.method) || covered.count(key) == 1));
  }
  for (auto& key : covered) {
    INFO("a cell names no route: " << key);
    CHECK(routes.count(key) == 1);
  }
}

TEST_CASE("the permission matrix: every route that changes something, for "
          "the administrator, social administrator, standard and tab-off "
          "users",
          "[web][permissions][integration]") {
  org o;
  for (auto& c : role_cells()) {
    for (int r = administrator; r < role_count; ++r) {
      INFO(c.route << " " << c.what << " as " << role_names[r]);
      auto res = c.act(o, o.users[r]);
      INFO(res.raw.body);
      CHECK(res.status == c.expected[r]);
      if (res.status == 403)
        CHECK(res.code() == "forbidden");
    }
  }
}

TEST_CASE("each post action needs its operation on the account it goes "
          "through, whatever account saw the post (S-1.5)",
          "[web][permissions][social][integration]") {
  org o;
  operations_env on(o);
  auto profile = o.clone_standard({});
  auto user = o.signed_in_user(profile);
  for (auto& cell : operation_cells()) {
    auto& account = on.account_of(cell);
    for (bool seen : {true, false}) {
      if (!seen && !cell.unseen_too)
        continue;
      INFO(cell.route << " needs " << cell.op << " on " << cell.network
                      << (seen ? ", post seen by the account"
                               : ", post seen by no account"));
      target t{account.account_id,
               cell.by == poster::none ? "" : on.post_for(o, cell, seen)};
      actions::set_operations(o.env, account.account_id, profile,
                              all_but(cell.op));
      auto before = published(o.env, cell.network);
      auto refused = cell.act(o, user, t);
      INFO("without it: " << refused.raw.body);
      CHECK(refused.status == (cell.op == "view" ? 404 : 403));
      CHECK(refused.code() ==
            (cell.op == "view" ? "post_not_found" : "operation_not_allowed"));
      auto off = cell.act(o, o.users[tab_off], t);
      CHECK(off.status == 403);
      CHECK(off.code() == "forbidden");
      CHECK(published(o.env, cell.network) == before); // nothing reached it

      actions::set_operations(o.env, account.account_id, profile,
                              only(cell.op));
      auto done = cell.act(o, user, t);
      INFO("with it: " << done.raw.body);
      CHECK(done.status == cell.done);
      auto after = published(o.env, cell.network);
      auto more = cell.logged.empty() ? 0u : 1u;
      CHECK(after.size() == before.size() + more);
      if (more)
        CHECK(count_action(after, cell.logged) ==
              count_action(before, cell.logged) + 1);
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
  auto user = o.signed_in_user(p);
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
