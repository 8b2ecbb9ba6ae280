// Converting a lead into a contact (POST /leads/{id}/convert) over a real
// server polling a real emulator: the contact keeps the lead's fields,
// social profiles, notes, tasks, e-mails and posts; the social tab follows
// the posts to the contact; a refused conversion writes nothing.

#include "tests/web/social_fixture.hpp"

#include <catch2/catch.hpp>

using namespace socialcrm::test;

namespace {

// The feed item with this text in a CRM column, or null.
json feed_item(api_client& c, const std::string& column,
               const std::string& text) {
  auto r = c.get("/api/v1/social/feed?column=" + column +
                 "&view=conversations");
  if (r.status != 200)
    return nullptr;
  for (auto& p : r.body.at("items"))
    if (p.at("text") == text)
      return p;
  return nullptr;
}

bool names_person(const json& post, const std::string& type,
                  const std::string& id) {
  return post.is_object() && post.at("person").is_object() &&
         post["person"]["record_type"] == type &&
         post["person"]["record_id"] == id;
}

} // namespace

TEST_CASE("a converted lead becomes a contact with its social profiles, "
          "notes, tasks, e-mails and posts",
          "[web][convert][integration]") {
  social_env env;
  auto& admin = env.admin();
  auto x = env.link("x", "brand");
  auto fan = env.sim_user("x", "lee_fan");

  auto lead = admin.post("/api/v1/leads", {{"first_name", "Lee"},
                                           {"last_name", "Convertible"},
                                           {"email", "lee@example.com"},
                                           {"company", "Acme"}});
  REQUIRE(lead.status == 201);
  auto lead_id = id_of(lead);
  auto base = "/api/v1/leads/" + lead_id;
  REQUIRE(admin
              .post(base + "/social-profiles",
                    {{"network", "x"}, {"user_id", fan}, {"handle", "lee_fan"}})
              .status == 201);
  for (auto [path, body] : std::vector<std::pair<std::string, json>>{
           {"/api/v1/notes", {{"body", "met at the fair"}}},
           {"/api/v1/tasks", {{"subject", "call back"}}},
           {"/api/v1/emails",
            {{"direction", "in"},
             {"from", "lee@example.com"},
             {"to", "sales@example.com"},
             {"subject", "prices?"}}}}) {
    body["record_type"] = "lead";
    body["record_id"] = lead_id;
    REQUIRE(admin.post(path, body).status == 201);
  }
  env.sim_post("x", fan, "@brand before converting", "mention", x.org_user_id);
  REQUIRE(social_env::eventually([&] {
    return names_person(
        feed_item(admin, "leads", "@brand before converting"), "lead",
        lead_id);
  }));
  auto before = env.server().counts();

  auto r = admin.post(base + "/convert", json::object());
  INFO(r.body.dump());
  REQUIRE(r.status == 201);
  auto& contact = r.body.at("contact");
  auto contact_id = contact.at("id").get<std::string>();
  CHECK(contact.at("record_type") == "contact");
  CHECK(contact.at("first_name") == "Lee");
  CHECK(contact.at("last_name") == "Convertible");
  CHECK(contact.at("email") == "lee@example.com");
  CHECK(contact.at("company") == "Acme");
  CHECK(contact.at("origin") == "converted");
  CHECK(r.body.at("lead_id") == lead_id);

  // One lead fewer, one contact more, everything else moved, not copied.
  auto after = env.server().counts();
  CHECK(env.server().count("leads") == before[4] - 1);
  CHECK(env.server().count("contacts") == before[5] + 1);
  for (std::size_t i : {7, 8, 9, 10}) // notes, tasks, emails, social_profiles
    CHECK(after[i] == before[i]);
  CHECK(admin.get(base).status == 404);

  auto contact_base = "/api/v1/contacts/" + contact_id;
  auto profiles = admin.get(contact_base + "/social-profiles");
  REQUIRE(profiles.body.at("items").size() == 1);
  CHECK(profiles.body["items"][0]["user_id"] == fan);
  auto of_contact = "?record_type=contact&record_id=" + contact_id;
  CHECK(admin.get("/api/v1/notes" + of_contact).body["items"].size() == 1);
  CHECK(admin.get("/api/v1/tasks" + of_contact).body["items"].size() == 1);
  CHECK(admin.get("/api/v1/emails" + of_contact).body["items"].size() == 1);
  auto of_lead = "?record_type=lead&record_id=" + lead_id;
  CHECK(admin.get("/api/v1/notes" + of_lead).body["items"].empty());

  // Its interactions are the contact's now, in the feed too.
  auto posts = admin.get(contact_base + "/social-interactions");
  REQUIRE(posts.body.at("items").size() == 1);
  CHECK(posts.body["items"][0]["text"] == "@brand before converting");
  CHECK(social_env::eventually([&] {
    return names_person(
        feed_item(admin, "leads", "@brand before converting"), "contact",
        contact_id);
  }));
  // The classifier knows: a new post of the author is the contact's.
  env.sim_post("x", fan, "@brand after converting", "mention", x.org_user_id);
  CHECK(social_env::eventually([&] {
    return names_person(feed_item(admin, "leads", "@brand after converting"),
                        "contact", contact_id);
  }));

  SECTION("a deal of the converted contact moves the posts (S-3.7)") {
    REQUIRE(admin
                .post("/api/v1/deals", {{"contact_id", contact_id},
                                        {"name", "First order"},
                                        {"amount", 500}})
                .status == 201);
    CHECK(social_env::eventually([&] {
      return names_person(feed_item(admin, "negotiation",
                                    "@brand after converting"),
                          "contact", contact_id);
    }));
  }
}

TEST_CASE("converting is refused with a clear error and writes nothing",
          "[web][convert][integration]") {
  social_env env;
  auto& admin = env.admin();
  auto lead = id_of(admin.post("/api/v1/leads", {{"last_name", "Stays"}}));
  REQUIRE(admin
              .post("/api/v1/notes", {{"record_type", "lead"},
                                      {"record_id", lead},
                                      {"body", "keep me"}})
              .status == 201);
  auto before = env.server().counts();

  SECTION("an unknown lead") {
    auto r = admin.post("/api/v1/leads/999999/convert", json::object());
    CHECK(r.status == 404);
    CHECK(r.code() == "not_found");
    auto bad = admin.post("/api/v1/leads/abc/convert", json::object());
    CHECK(bad.status == 400);
    CHECK(bad.code() == "bad_path");
    CHECK(env.server().counts() == before);
  }
  SECTION("a lead converted already") {
    REQUIRE(admin.post("/api/v1/leads/" + lead + "/convert", json::object())
                .status == 201);
    auto converted = env.server().counts();
    auto again = admin.post("/api/v1/leads/" + lead + "/convert",
                            json::object());
    CHECK(again.status == 404);
    CHECK(again.code() == "not_found");
    CHECK(env.server().counts() == converted);
  }
  SECTION("a contact is not a lead") {
    auto contact =
        id_of(admin.post("/api/v1/contacts", {{"last_name", "Already"}}));
    auto settled = env.server().counts();
    CHECK(admin.post("/api/v1/contacts/" + contact + "/convert",
                     json::object())
              .status == 404);
    CHECK(env.server().counts() == settled);
  }
  SECTION("without sign-in or without the CSRF header") {
    auto anonymous = env.server().client();
    auto r = anonymous.post("/api/v1/leads/" + lead + "/convert",
                            json::object());
    CHECK(r.status == 401);
    auto forged = env.server().admin();
    forged.send_csrf = false;
    auto f = forged.post("/api/v1/leads/" + lead + "/convert", json::object());
    CHECK(f.status == 403);
    CHECK(f.code() == "csrf_failed");
    CHECK(env.server().count("leads") == before[4]);
    CHECK(env.server().count("contacts") == before[5]);
  }
  SECTION("a standard user may convert, as they may create contacts") {
    auto user = env.user("sam@example.com", "Standard");
    auto settled = env.server().counts();
    auto r = user.post("/api/v1/leads/" + lead + "/convert", json::object());
    CHECK(r.status == 201);
    CHECK(env.server().count("leads") == settled[4] - 1);
    CHECK(env.server().count("notes") == settled[7]);
  }
}
