#include "storage/database.hpp"
#include "tests/web/server_fixture.hpp"

#include <SQLiteCpp/Statement.h>
#include <catch2/catch.hpp>

#include <tuple>

using namespace socialcrm;
using namespace socialcrm::test;

TEST_CASE("leads and contacts: create, read, update, search, page, delete",
          "[web][records][integration]") {
  server_process server;
  auto c = server.admin();
  std::string kind = GENERATE("leads", "contacts");
  auto base = "/api/v1/" + kind;
  auto created = c.post(base, {{"first_name", "Ada"},
                               {"last_name", "Lovelace"},
                               {"email", "ada@example.com"},
                               {"company", "Analytical"}});
  REQUIRE(created.status == 201);
  auto id = id_of(created);
  CHECK(created.body["record_type"] == (kind == "leads" ? "lead" : "contact"));
  CHECK(created.body["origin"] == "manual");

  auto got = c.get(base + "/" + id);
  CHECK(got.status == 200);
  CHECK(got.body["email"] == "ada@example.com");

  auto patched = c.patch(base + "/" + id, {{"phone", "+44 1"}});
  CHECK(patched.status == 200);
  CHECK(patched.body["phone"] == "+44 1");
  CHECK(patched.body["company"] == "Analytical"); // untouched

  for (auto name : {"Babbage", "Byron", "Somerville"})
    REQUIRE(c.post(base, {{"last_name", name}}).status == 201);
  SECTION("name search") {
    auto found = c.get(base + "?q=lov");
    REQUIRE(found.status == 200);
    REQUIRE(found.body["items"].size() == 1);
    CHECK(found.body["items"][0]["id"] == id);
    CHECK(c.get(base + "?q=Ada%20Love").body["items"].size() == 1);
    CHECK(c.get(base + "?q=%25").body["items"].empty()); // LIKE escaped
  }
  SECTION("paging") {
    auto first = c.get(base + "?limit=3");
    REQUIRE(first.body["items"].size() == 3);
    CHECK(first.body["next_offset"] == 3);
    auto second = c.get(base + "?limit=3&offset=3");
    CHECK(second.body["items"].size() == 1);
    CHECK(second.body["next_offset"].is_null());
  }
  SECTION("delete") {
    CHECK(c.del(base + "/" + id).status == 204);
    auto gone = c.get(base + "/" + id);
    CHECK(gone.status == 404);
    CHECK(gone.code() == "not_found");
    CHECK(c.del(base + "/" + id).status == 404);
  }
  SECTION("error paths") {
    CHECK(c.get(base + "/999999").status == 404);
    auto bad = c.get(base + "/abc");
    CHECK(bad.status == 400);
    CHECK(bad.code() == "bad_path");
    CHECK(c.patch(base + "/999999", {{"phone", "1"}}).status == 404);
    auto r = c.post(base, {{"first_name", "No last name"}});
    CHECK(r.status == 422);
    CHECK(r.code() == "missing_field");
    CHECK(c.post(base, {{"last_name", 7}}).code() == "wrong_type");
    CHECK(c.post(base, {{"last_name", "x"}, {"id", "5"}}).code() ==
          "unknown_field");
    CHECK(c.patch(base + "/" + id, json::object()).code() == "missing_field");
    CHECK(c.get(base + "?limit=0").code() == "bad_query");
    CHECK(c.get(base + "?limit=1000").code() == "bad_query");
    CHECK(c.get(base + "?offset=-1").code() == "bad_query");
    auto wrong = c.send("PUT", base);
    CHECK(wrong.status == 405);
    CHECK(wrong.code() == "method_not_allowed");
    CHECK(wrong.raw.headers.value("Allow") == "GET, POST");
  }
}

TEST_CASE("deals: stage changes go through the classifier and move the "
          "contact's standing (S-3.7)",
          "[web][records][integration]") {
  server_process server;
  auto c = server.admin();
  auto contact = id_of(c.post("/api/v1/contacts", {{"last_name", "Buyer"}}));
  auto standing = [&] {
    storage::database db(server.db_path(), storage::access::read_only);
    SQLite::Statement st(db.handle(), "SELECT standing FROM person_standing "
                                      "WHERE record_type = 'contact' "
                                      "AND record_id = ?");
    st.bind(1, static_cast<std::int64_t>(std::stoll(contact)));
    return st.executeStep() ? st.getColumn(0).getString() : std::string();
  };
  CHECK(standing() == "leads"); // added: a contact without deals

  auto deal = c.post(
      "/api/v1/deals",
      {{"contact_id", contact}, {"name", "Big one"}, {"amount", 1234.5}});
  REQUIRE(deal.status == 201);
  CHECK(deal.body["stage"] == "open");
  CHECK(deal.body["amount"] == 1234.5);
  CHECK(deal.body["closed_at"].is_null());
  CHECK(standing() == "negotiation");

  auto events = server.count("standing_events");
  auto won = c.patch("/api/v1/deals/" + id_of(deal), {{"stage", "won"}});
  REQUIRE(won.status == 200);
  CHECK_FALSE(won.body["closed_at"].is_null());
  CHECK(standing() == "customers");
  CHECK(server.count("standing_events") == events + 1);

  auto renamed = c.patch("/api/v1/deals/" + id_of(deal), {{"name", "Bigger"}});
  CHECK(renamed.body["stage"] == "won");
  CHECK(server.count("standing_events") == events + 1); // nothing moved

  auto list = c.get("/api/v1/deals?contact_id=" + contact);
  CHECK(list.body["items"].size() == 1);
  CHECK(c.get("/api/v1/deals?contact_id=x").code() == "bad_query");

  SECTION("error paths") {
    auto r =
        c.post("/api/v1/deals", {{"contact_id", "999999"}, {"name", "Orphan"}});
    CHECK(r.status == 422);
    CHECK(r.code() == "record_not_found");
    CHECK(c.post("/api/v1/deals",
                 {{"contact_id", contact}, {"name", "x"}, {"stage", "maybe"}})
              .code() == "invalid_value");
    CHECK(
        c.patch("/api/v1/deals/" + id_of(deal), {{"contact_id", "1"}}).code() ==
        "unknown_field");
    CHECK(c.get("/api/v1/deals/999999").status == 404);
  }
  SECTION("deleting the deal moves the contact back") {
    CHECK(c.del("/api/v1/deals/" + id_of(deal)).status == 204);
    CHECK(standing() == "leads");
  }
}

TEST_CASE("lists sort people by name, creation and company, and deals by "
          "name, amount and creation, filtered by stage",
          "[web][records][integration]") {
  server_process server;
  auto c = server.admin();
  auto names = [&](const std::string& path) {
    auto r = c.get(path);
    INFO(path << " " << r.body.dump());
    REQUIRE(r.status == 200);
    std::vector<std::string> out;
    for (auto& it : r.body["items"])
      out.push_back(it.contains("last_name") ? it["last_name"].get<std::string>()
                                             : it["name"].get<std::string>());
    return out;
  };
  using list = std::vector<std::string>;
  // Made in this order, so creation order differs from name order.
  for (auto [last, company] : {std::pair{"Byron", "Zeta"}, {"ada", "Beta"},
                               {"Curie", "Alpha"}})
    REQUIRE(c.post("/api/v1/contacts",
                   {{"last_name", last}, {"company", company}})
                .status == 201);
  CHECK(names("/api/v1/contacts") == list{"ada", "Byron", "Curie"});
  CHECK(names("/api/v1/contacts?sort=name") == list{"ada", "Byron", "Curie"});
  CHECK(names("/api/v1/contacts?sort=-name") == list{"Curie", "Byron", "ada"});
  CHECK(names("/api/v1/contacts?sort=created") ==
        list{"Byron", "ada", "Curie"});
  CHECK(names("/api/v1/contacts?sort=-created") ==
        list{"Curie", "ada", "Byron"});
  CHECK(names("/api/v1/contacts?sort=company") ==
        list{"Curie", "ada", "Byron"});
  CHECK(names("/api/v1/contacts?sort=-created&limit=2&offset=1") ==
        list{"ada", "Byron"});
  CHECK(names("/api/v1/contacts?sort=-created&q=a") == list{"ada"});
  CHECK(names("/api/v1/leads?sort=-created").empty());

  auto contact = c.get("/api/v1/contacts?q=Curie")
                     .body["items"][0]["id"]
                     .get<std::string>();
  for (auto [name, amount, stage] :
       {std::tuple{"Beans", 300, "open"}, {"Cups", 100, "won"},
        {"Anvils", 200, "lost"}, {"Drums", 50, "open"}}) {
    json deal{{"contact_id", contact},
              {"name", name},
              {"amount", amount},
              {"stage", stage}};
    REQUIRE(c.post("/api/v1/deals", deal).status == 201);
  }
  CHECK(names("/api/v1/deals") == list{"Beans", "Cups", "Anvils", "Drums"});
  CHECK(names("/api/v1/deals?sort=name") ==
        list{"Anvils", "Beans", "Cups", "Drums"});
  CHECK(names("/api/v1/deals?sort=-amount") ==
        list{"Beans", "Anvils", "Cups", "Drums"});
  CHECK(names("/api/v1/deals?sort=-created") ==
        list{"Drums", "Anvils", "Cups", "Beans"});
  CHECK(names("/api/v1/deals?stage=open") == list{"Beans", "Drums"});
  CHECK(names("/api/v1/deals?stage=open&sort=amount") ==
        list{"Drums", "Beans"});
  CHECK(names("/api/v1/deals?stage=won&contact_id=" + contact) ==
        list{"Cups"});
  CHECK(names("/api/v1/deals?stage=lost&q=anv") == list{"Anvils"});

  for (auto bad : {"/api/v1/contacts?sort=email", "/api/v1/contacts?sort=--name",
                   "/api/v1/contacts?sort=amount", "/api/v1/deals?stage=maybe",
                   "/api/v1/deals?sort=company",
                   "/api/v1/leads?sort=name;DROP"}) {
    INFO(bad);
    auto r = c.get(bad);
    CHECK(r.status == 400);
    CHECK(r.code() == "bad_query");
  }
}

TEST_CASE("notes, tasks and logged e-mails hang off records",
          "[web][records][integration]") {
  server_process server;
  auto c = server.admin();
  auto lead = id_of(c.post("/api/v1/leads", {{"last_name", "Lead"}}));
  auto note = c.post("/api/v1/notes", {{"record_type", "lead"},
                                       {"record_id", lead},
                                       {"body", "met at the fair"}});
  REQUIRE(note.status == 201);
  CHECK_FALSE(note.body["created_by"].is_null());
  auto task = c.post("/api/v1/tasks", {{"record_type", "lead"},
                                       {"record_id", lead},
                                       {"subject", "call back"},
                                       {"due_at", 1700000000000}});
  REQUIRE(task.status == 201);
  CHECK(task.body["status"] == "open");
  auto email = c.post("/api/v1/emails", {{"record_type", "lead"},
                                         {"record_id", lead},
                                         {"direction", "in"},
                                         {"from", "lead@example.com"},
                                         {"to", "sales@example.com"},
                                         {"subject", "Prices?"}});
  REQUIRE(email.status == 201);
  CHECK(email.body["answered"] == false);

  CHECK(c.patch("/api/v1/notes/" + id_of(note), {{"body", "changed"}})
            .body["body"] == "changed");
  CHECK(c.patch("/api/v1/tasks/" + id_of(task), {{"status", "done"}})
            .body["status"] == "done");
  CHECK(c.patch("/api/v1/emails/" + id_of(email), {{"answered", true}})
            .body["answered"] == true);
  for (std::string kind : {"notes", "tasks", "emails"}) {
    INFO(kind);
    auto list =
        c.get("/api/v1/" + kind + "?record_type=lead&record_id=" + lead);
    CHECK(list.status == 200);
    CHECK(list.body["items"].size() == 1);
    CHECK(c.get("/api/v1/" + kind + "?record_type=planet").code() ==
          "bad_query");
    auto missing = c.post("/api/v1/" + kind, {{"record_type", "lead"},
                                              {"record_id", "999999"},
                                              {"body", "x"},
                                              {"subject", "x"},
                                              {"direction", "in"},
                                              {"from", "a@b.c"},
                                              {"to", "a@b.c"}});
    CHECK(missing.status == 422);
  }
  CHECK(
      c.post("/api/v1/notes",
             {{"record_type", "lead"}, {"record_id", "999999"}, {"body", "x"}})
          .code() == "record_not_found");
  CHECK(c.post("/api/v1/emails", {{"record_type", "deal"},
                                  {"record_id", lead},
                                  {"direction", "in"},
                                  {"from", "a@b.c"},
                                  {"to", "a@b.c"}})
            .code() == "invalid_value");
  CHECK(c.post("/api/v1/tasks", {{"record_type", "lead"},
                                 {"record_id", lead},
                                 {"subject", "x"},
                                 {"status", "later"}})
            .code() == "invalid_value");

  // Deleting the lead deletes what hangs off it.
  CHECK(c.del("/api/v1/leads/" + lead).status == 204);
  CHECK(server.count("notes") == 0);
  CHECK(server.count("tasks") == 0);
  CHECK(server.count("emails") == 0);
  CHECK(c.get("/api/v1/notes/" + id_of(note)).status == 404);
  CHECK(c.del("/api/v1/tasks/" + id_of(task)).status == 404);
}

TEST_CASE("social profiles are associated through the classifier and show "
          "the person's interactions",
          "[web][records][integration]") {
  server_process server;
  auto c = server.admin();
  auto lead = id_of(c.post("/api/v1/leads", {{"last_name", "Poster"}}));
  auto other = id_of(c.post("/api/v1/contacts", {{"last_name", "Other"}}));
  auto linked =
      c.post("/api/v1/leads/" + lead + "/social-profiles",
             {{"network", "x"}, {"user_id", "1001"}, {"handle", "@poster"}});
  REQUIRE(linked.status == 201);
  CHECK(linked.body["standing"] == "leads");
  CHECK(server.count("social_profiles") == 1);
  CHECK(server.count("standing_events") >= 1);

  auto list = c.get("/api/v1/leads/" + lead + "/social-profiles");
  REQUIRE(list.body["items"].size() == 1);
  CHECK(list.body["items"][0]["handle"] == "@poster");

  SECTION("a profile belongs to one person at a time") {
    auto taken = c.post("/api/v1/contacts/" + other + "/social-profiles",
                        {{"network", "x"}, {"user_id", "1001"}});
    CHECK(taken.status == 409);
    CHECK(taken.code() == "profile_owned_by_other");
    auto moved =
        c.post("/api/v1/contacts/" + other + "/social-profiles",
               {{"network", "x"}, {"user_id", "1001"}, {"move", true}});
    CHECK(moved.status == 201);
  }
  SECTION("error paths") {
    auto nobody = c.post("/api/v1/leads/999999/social-profiles",
                         {{"network", "x"}, {"user_id", "1"}});
    CHECK(nobody.status == 404);
    CHECK(c.post("/api/v1/leads/" + lead + "/social-profiles",
                 {{"network", "myspace"}, {"user_id", "1"}})
              .code() == "invalid_value");
    CHECK(c.get("/api/v1/leads/999999/social-interactions").status == 404);
  }
  SECTION("interactions list the person's posts, newest first") {
    {
      // A post as ingestion would store it (a second writer is fine: WAL).
      storage::database db(server.db_path());
      for (int i = 1; i <= 2; ++i)
        db.handle().exec(
            "INSERT INTO posts (seq, network, external_id, kind, author_id, "
            "text, created_at, stored_at) VALUES (" +
            std::to_string(100000 + i) + ", 'x', 'ext" + std::to_string(i) +
            "', 'mention', '1001', 'hello', 1, 1)");
    }
    auto r = c.get("/api/v1/leads/" + lead + "/social-interactions?limit=1");
    REQUIRE(r.status == 200);
    REQUIRE(r.body["items"].size() == 1);
    CHECK(r.body["items"][0]["external_id"] == "ext2");
    CHECK(r.body["items"][0]["person"]["record_id"] == lead);
    auto next = r.body["next_before"].get<std::int64_t>();
    auto older = c.get("/api/v1/leads/" + lead +
                       "/social-interactions?before=" + std::to_string(next));
    REQUIRE(older.body["items"].size() == 1);
    CHECK(older.body["items"][0]["external_id"] == "ext1");
  }
  SECTION("deleting the person drops the association") {
    CHECK(c.del("/api/v1/leads/" + lead).status == 204);
    CHECK(server.count("social_profiles") == 0);
    // The author can now be associated with someone else without moving.
    CHECK(c.post("/api/v1/contacts/" + other + "/social-profiles",
                 {{"network", "x"}, {"user_id", "1001"}})
              .status == 201);
  }
}

TEST_CASE("users and profiles: create, clone, edit",
          "[web][records][integration]") {
  server_process server;
  auto c = server.admin();
  auto profiles = c.get("/api/v1/profiles");
  REQUIRE(profiles.body["items"].size() == 2);
  std::string standard;
  for (auto& p : profiles.body["items"])
    if (p["name"] == "Standard") {
      standard = p["id"];
      CHECK(p["builtin"] == true);
      CHECK(p["social_tab"] == true);
      CHECK(p["social_admin"] == false);
    }
  auto clone =
      c.post("/api/v1/profiles/" + standard + "/clone", {{"name", "Sales"}});
  REQUIRE(clone.status == 201);
  CHECK(clone.body["builtin"] == false);
  CHECK(clone.body["social_profile_link"] == true);
  CHECK(c.post("/api/v1/profiles/" + standard + "/clone", {{"name", "Sales"}})
            .code() == "profile_name_taken");
  CHECK(c.post("/api/v1/profiles/999999/clone", {{"name", "X"}}).status == 404);
  auto user = c.post("/api/v1/users", {{"email", "sam@example.com"},
                                       {"name", "Sam"},
                                       {"password", "sam's password"},
                                       {"profile_id", id_of(clone)}});
  REQUIRE(user.status == 201);
  CHECK_FALSE(user.body.contains("password"));
  CHECK(c.post("/api/v1/users", {{"email", "SAM@example.com"},
                                 {"name", "Sam"},
                                 {"password", "sam's password"},
                                 {"profile_id", standard}})
            .code() == "email_taken");
  CHECK(c.post("/api/v1/users", {{"email", "short@example.com"},
                                 {"name", "S"},
                                 {"password", "short"},
                                 {"profile_id", standard}})
            .code() == "password_too_short");
  CHECK(c.post("/api/v1/users", {{"email", "x@example.com"},
                                 {"name", "S"},
                                 {"password", "long enough pw"},
                                 {"profile_id", "999999"}})
            .code() == "profile_not_found");
  auto moved =
      c.patch("/api/v1/users/" + id_of(user), {{"profile_id", standard}});
  CHECK(moved.body["profile_id"] == standard);
  auto sam = server.client();
  REQUIRE(sam.sign_in("sam@example.com", "sam's password").status == 200);
  auto off = c.patch("/api/v1/users/" + id_of(user), {{"active", false}});
  CHECK(off.body["active"] == false);
  CHECK(sam.get("/api/v1/session").status == 401); // signed out everywhere
  CHECK(server.client().sign_in("sam@example.com", "sam's password").status ==
        401);
  auto me = c.get("/api/v1/session").body["user"]["id"].get<std::string>();
  CHECK(c.patch("/api/v1/users/" + me, {{"active", false}}).code() ==
        "cannot_deactivate_self");
  CHECK(c.get("/api/v1/organisation").body["edition"] == "enterprise");
}
