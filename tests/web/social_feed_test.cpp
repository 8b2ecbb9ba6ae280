// The social tab's read side over a real server polling a real emulator:
// the CRM view, user columns and their limits, the account filter, the
// tab's status and the detail view of a person.

#include "tests/web/social_fixture.hpp"

#include <catch2/catch.hpp>

using namespace socialcrm::test;

namespace {

// Whether a feed page (GET answer) has a post with this text.
bool has_text(const api_result& r, const std::string& text) {
  if (r.status != 200)
    return false;
  for (auto& p : r.body.at("items"))
    if (p.at("text") == text)
      return true;
  return false;
}

std::string create_contact(api_client& c, const std::string& last) {
  auto r = c.post("/api/v1/contacts", {{"first_name", "Ada"},
                                       {"last_name", last},
                                       {"email", last + "@example.com"}});
  REQUIRE(r.status == 201);
  return id_of(r);
}

} // namespace

TEST_CASE("column limits refuse a change with their code and store nothing",
          "[social][columns][integration]") {
  social_env env;
  auto& admin = env.admin();
  auto terms = [](int n, const std::string& prefix) {
    json out = json::array();
    for (int i = 0; i < n; ++i)
      out.push_back(prefix + std::to_string(i));
    return out;
  };
  auto rows = [&] {
    return std::vector<std::int64_t>{env.server().count("user_columns"),
                                     env.server().count("column_terms"),
                                     env.server().count("column_people")};
  };

  SECTION("a sixth keyword") {
    auto before = rows();
    auto r = admin.post("/api/v1/social/columns",
                        {{"type", "keyword"}, {"terms", terms(6, "kw")}});
    CHECK(r.status == 422);
    CHECK(r.code() == "too_many_terms");
    CHECK(rows() == before);
  }
  SECTION("a sixth person") {
    json people = json::array();
    for (int i = 0; i < 6; ++i)
      people.push_back({{"record_type", "contact"},
                        {"record_id", create_contact(admin, "P" + std::to_string(i))}});
    auto before = rows();
    auto r = admin.post("/api/v1/social/columns",
                        {{"type", "custom"}, {"people", people}});
    CHECK(r.status == 422);
    CHECK(r.code() == "too_many_people");
    CHECK(rows() == before);
  }
  SECTION("the 21st term or person over all columns") {
    for (int c = 0; c < 4; ++c) {
      auto r = admin.post("/api/v1/social/columns",
                          {{"type", "keyword"},
                           {"terms", terms(5, "c" + std::to_string(c) + "t")}});
      REQUIRE(r.status == 201);
    }
    auto person = create_contact(admin, "Twentyfirst");
    auto before = rows();
    auto r = admin.post(
      "/api/v1/social/columns",
      {{"type", "custom"},
       {"people", {{{"record_type", "contact"}, {"record_id", person}}}}});
    CHECK(r.status == 422);
    CHECK(r.code() == "follow_limit");
    CHECK(rows() == before);
    auto list = admin.get("/api/v1/social/columns");
    REQUIRE(list.status == 200);
    CHECK(list.body.at("items").size() == 4);
  }
  SECTION("malformed columns") {
    auto before = rows();
    CHECK(admin.post("/api/v1/social/columns", {{"terms", terms(1, "x")}}).code() ==
          "missing_field");
    CHECK(admin.post("/api/v1/social/columns", {{"type", "weather"}}).code() ==
          "invalid_value");
    CHECK(admin.post("/api/v1/social/columns",
                     {{"type", "keyword"}, {"terms", {1, 2}}})
            .code() == "wrong_type");
    CHECK(admin.post("/api/v1/social/columns",
                     {{"type", "keyword"}, {"colour", "red"}})
            .code() == "unknown_field");
    CHECK(admin.post("/api/v1/social/columns",
                     {{"type", "custom"},
                      {"people", {{{"record_type", "contact"}, {"record_id", "999"}}}}})
            .code() == "person_not_found");
    CHECK(rows() == before);
  }
}

TEST_CASE("a user's columns are theirs alone", "[social][columns][integration]") {
  social_env env;
  auto& admin = env.admin();
  auto col = admin.post("/api/v1/social/columns", {{"type", "my_posts"}});
  REQUIRE(col.status == 201);
  auto id = col.body.at("id").get<std::string>();
  auto other = env.user("sam@example.com", "Standard");
  CHECK(other.get("/api/v1/social/columns/" + id + "/posts").code() ==
        "column_not_found");
  CHECK(other.del("/api/v1/social/columns/" + id).code() == "column_not_found");
  CHECK(other.get("/api/v1/social/columns").body.at("items").empty());
  CHECK(admin.del("/api/v1/social/columns/" + id).status == 204);
  CHECK(env.server().count("user_columns") == 0);
}

TEST_CASE("the tab shows no data and says why until an account is linked",
          "[social][status][integration]") {
  social_env env;
  auto standard = env.user("sam@example.com", "Standard");
  auto admin_status = env.admin().get("/api/v1/social/status");
  REQUIRE(admin_status.status == 200);
  CHECK(admin_status.body.at("linked_accounts") == 0);
  CHECK(admin_status.body.at("welcome") == true);
  auto user_status = standard.get("/api/v1/social/status");
  CHECK(user_status.body.at("welcome") == false);
  CHECK(user_status.body.at("message").get<std::string>().find(
          "contact your administrator") != std::string::npos);
  CHECK(env.admin()
          .get("/api/v1/social/feed?column=unknown")
          .body.at("items")
          .empty());

  env.link("x", "acme");
  auto after = env.admin().get("/api/v1/social/status");
  CHECK(after.body.at("linked_accounts") == 1);
  CHECK(after.body.at("welcome") == false);
}

TEST_CASE("the CRM view places posts by the author's standing, live",
          "[social][feed][integration]") {
  social_env env;
  auto& admin = env.admin();
  auto x = env.link("x", "acme");
  auto fan = env.sim_user("x", "fan");
  env.sim_post("x", fan, "@acme is the crm for me", "mention", x.org_user_id);

  REQUIRE(env.eventually([&] {
    return has_text(admin.get("/api/v1/social/feed?column=unknown"),
                    "@acme is the crm for me");
  }));
  CHECK_FALSE(has_text(admin.get("/api/v1/social/feed?column=leads&view=conversations"),
                       "@acme is the crm for me"));

  // Associating the author moves the post to Leads/Contacts.
  auto contact = create_contact(admin, "Fan");
  auto link = admin.post("/api/v1/contacts/" + contact + "/social-profiles",
                         {{"network", "x"}, {"user_id", fan}, {"handle", "fan"}});
  REQUIRE(link.status == 201);
  CHECK(has_text(admin.get("/api/v1/social/feed?column=leads&view=conversations"),
                 "@acme is the crm for me"));
  CHECK_FALSE(has_text(admin.get("/api/v1/social/feed?column=unknown"),
                       "@acme is the crm for me"));

  // An open deal puts the contact in negotiation; this month's filter too.
  auto deal = admin.post("/api/v1/deals", {{"contact_id", contact},
                                           {"name", "Pilot"},
                                           {"amount", 1200},
                                           {"stage", "open"}});
  REQUIRE(deal.status == 201);
  CHECK(has_text(admin.get("/api/v1/social/feed?column=negotiation"),
                 "@acme is the crm for me"));
  // The record's related list (S-6.4) says the same standing.
  auto related = admin.get("/api/v1/contacts/" + contact +
                           "/social-interactions");
  REQUIRE(related.body.at("items").size() == 1);
  CHECK(related.body["items"][0].at("standing") == "negotiation");
  CHECK(has_text(
    admin.get("/api/v1/social/feed?column=negotiation&filter=this_month"),
    "@acme is the crm for me"));

  SECTION("paging by seq") {
    auto page = admin.get("/api/v1/social/feed?column=negotiation&limit=1");
    REQUIRE(page.body.at("items").size() == 1);
    auto seq = page.body["items"][0].at("seq").get<std::int64_t>();
    auto older = admin.get("/api/v1/social/feed?column=negotiation&before=" +
                           std::to_string(seq));
    for (auto& p : older.body.at("items"))
      CHECK(p.at("seq").get<std::int64_t>() < seq);
  }
  SECTION("bad queries are refused") {
    CHECK(admin.get("/api/v1/social/feed").code() == "bad_query");
    CHECK(admin.get("/api/v1/social/feed?column=vip").code() == "bad_query");
    CHECK(admin.get("/api/v1/social/feed?column=leads&view=grid").code() ==
          "bad_query");
    CHECK(admin.get("/api/v1/social/feed?column=leads&filter=top10").code() ==
          "bad_query");
    CHECK(admin.get("/api/v1/social/feed?column=leads&limit=100000").code() ==
          "bad_query");
    CHECK(admin.get("/api/v1/social/feed?column=leads&before=-3").code() ==
          "bad_query");
  }
}

TEST_CASE("the account filter narrows the CRM view to the chosen accounts",
          "[social][filter][integration]") {
  social_env env;
  auto& admin = env.admin();
  auto x = env.link("x", "acme");
  auto masto = env.link("mastodon", "acme");
  auto xfan = env.sim_user("x", "xfan");
  auto mfan = env.sim_user("mastodon", "mfan");
  env.sim_post("x", xfan, "@acme hello from x", "mention", x.org_user_id);
  env.sim_post("mastodon", mfan, "@acme hello from mastodon", "mention",
               masto.org_user_id);
  REQUIRE(env.eventually([&] {
    auto page = admin.get("/api/v1/social/feed?column=unknown");
    return has_text(page, "@acme hello from x") &&
           has_text(page, "@acme hello from mastodon");
  }));

  auto set = admin.send("PUT", "/api/v1/social/filter",
                        json{{"accounts", {masto.account_id}}});
  REQUIRE(set.status == 200);
  CHECK(admin.get("/api/v1/social/filter").body.at("accounts") ==
        json::array({masto.account_id}));
  auto page = admin.get("/api/v1/social/feed?column=unknown");
  CHECK(has_text(page, "@acme hello from mastodon"));
  CHECK_FALSE(has_text(page, "@acme hello from x"));

  // Another user's view is untouched by this user's filter.
  auto other = env.user("sam@example.com", "Standard");
  CHECK(has_text(other.get("/api/v1/social/feed?column=unknown"),
                 "@acme hello from x"));

  SECTION("an unknown account is refused and the filter stays") {
    auto bad = admin.send("PUT", "/api/v1/social/filter",
                          json{{"accounts", {"424242"}}});
    CHECK(bad.code() == "account_not_found");
    CHECK(admin.get("/api/v1/social/filter").body.at("accounts") ==
          json::array({masto.account_id}));
  }
  SECTION("an empty filter shows every account again") {
    REQUIRE(admin.send("PUT", "/api/v1/social/filter",
                       json{{"accounts", json::array()}})
              .status == 200);
    CHECK(has_text(admin.get("/api/v1/social/feed?column=unknown"),
                   "@acme hello from x"));
  }
}

TEST_CASE("a keyword column shows what its search found",
          "[social][columns][integration]") {
  social_env env;
  auto& admin = env.admin();
  env.link("x", "acme");
  auto col = admin.post("/api/v1/social/columns",
                        {{"type", "keyword"}, {"terms", {"zebracrm"}}});
  REQUIRE(col.status == 201);
  CHECK(col.body.at("detail_view") == false);
  auto id = col.body.at("id").get<std::string>();
  auto someone = env.sim_user("x", "someone");
  env.sim_post("x", someone, "trying zebracrm today", "post");
  REQUIRE(env.eventually([&] {
    return has_text(admin.get("/api/v1/social/columns/" + id + "/posts"),
                    "trying zebracrm today");
  }));
  SECTION("refresh polls the column now, and says why when it cannot") {
    auto refreshed = admin.post("/api/v1/social/columns/" + id + "/refresh",
                                json::object());
    CHECK(refreshed.status == 202);
    CHECK(refreshed.body.at("refreshing") == true);
    auto mine = admin.post("/api/v1/social/columns", {{"type", "my_posts"}});
    REQUIRE(mine.status == 201);
    auto own = admin.post("/api/v1/social/columns/"
                            + mine.body.at("id").get<std::string>()
                            + "/refresh",
                          json::object());
    CHECK(own.code() == "action_not_supported");
    CHECK(admin.post("/api/v1/social/columns/424242/refresh", json::object())
            .code()
          == "column_not_found");
    auto other = env.user("other@example.com", "Administrator");
    CHECK(other.post("/api/v1/social/columns/" + id + "/refresh",
                     json::object())
            .code()
          == "column_not_found");
  }
}

TEST_CASE("a column no linked account polls cannot be refreshed, and the "
          "answer says so",
          "[social][columns][integration]") {
  social_env env;
  auto& admin = env.admin();
  auto col = admin.post("/api/v1/social/columns",
                        {{"type", "keyword"}, {"terms", {"zebracrm"}}});
  INFO(col.body.dump());
  REQUIRE(col.status == 201);
  auto r = admin.post("/api/v1/social/columns/"
                        + col.body.at("id").get<std::string>() + "/refresh",
                      json::object());
  CHECK(r.status == 409);
  CHECK(r.code() == "no_linked_account");
}

TEST_CASE("the detail view shows standing, profiles, open interactions and "
          "info",
          "[social][detail][integration]") {
  social_env env;
  auto& admin = env.admin();
  auto x = env.link("x", "acme");
  auto fan = env.sim_user("x", "loyal");
  auto contact = create_contact(admin, "Loyal");
  REQUIRE(admin
            .post("/api/v1/contacts/" + contact + "/social-profiles",
                  {{"network", "x"}, {"user_id", fan}, {"handle", "loyal"}})
            .status == 201);
  REQUIRE(admin
            .post("/api/v1/deals", {{"contact_id", contact},
                                    {"name", "Renewal"},
                                    {"amount", 500},
                                    {"stage", "won"}})
            .status == 201);
  REQUIRE(admin
            .post("/api/v1/notes", {{"record_type", "contact"},
                                    {"record_id", contact},
                                    {"body", "likes the product"}})
            .status == 201);
  env.sim_post("x", fan, "@acme when is the next release?", "mention",
               x.org_user_id);
  api_result view;
  REQUIRE(env.eventually([&] {
    view = admin.get("/api/v1/social/people/contact/" + contact);
    return view.status == 200 &&
           !view.body.at("interactions").at("items").empty();
  }));
  CHECK(view.body.at("standing") == "customers");
  CHECK(view.body.at("profiles").size() == 1);
  CHECK(view.body.at("interactions").at("items")[0].at("open") == true);
  CHECK(view.body.at("interactions").at("open").size() == 1);
  CHECK(view.body.at("info").at("deals").size() == 1);
  CHECK(view.body.at("info").at("notes").size() == 1);
  CHECK(view.body.at("history").at("timeline").size() == 1);
  CHECK_FALSE(view.body.at("history").at("events").empty());

  CHECK(admin.get("/api/v1/social/people/contact/99999").code() ==
        "person_not_found");
  CHECK(admin.get("/api/v1/social/people/deal/1").code() == "not_found");
}
