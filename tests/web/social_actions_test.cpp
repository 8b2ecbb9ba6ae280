// Acting from the social tab over REST (S-5.3 to S-5.5, S-7): actions on
// ingested posts, Unknown -> CRM, records from posts, and the activity
// history. A real emulator and a real server; what the server sent is read
// back from the emulator's published log. Compose: social_compose_test.cpp.

#include "tests/web/social_actions_support.hpp"

#include <catch2/catch.hpp>

#include <map>

using namespace socialcrm;
using namespace socialcrm::test;
using namespace socialcrm::test::actions;

TEST_CASE("reply, like, retweet and message on an ingested post reach the "
          "network, and unsupported actions and missing text are refused",
          "[social][actions][integration]") {
  social_env env;
  auto x = env.link("x", "brand");
  auto alice = env.sim_user("x", "alice");
  auto tweet = env.sim_post("x", alice, "hey @brand", "mention",
                            x.org_user_id);
  auto id = post_id(env, tweet);
  auto base = "/api/v1/social/posts/" + id + "/";

  auto reply = env.admin().post(base + "reply", {{"text", "thanks!"}});
  INFO(reply.body.dump());
  REQUIRE(reply.status == 201);
  CHECK_FALSE(reply.body.at("external_id").get<std::string>().empty());
  CHECK(reply.body.at("account_id") == x.account_id);
  CHECK(env.admin().post(base + "like", json::object()).status == 201);
  CHECK(env.admin().post(base + "retweet", json::object()).status == 201);
  CHECK(env.admin().post(base + "message", {{"text", "a word in private"}})
          .status == 201);

  auto on_x = published(env, "x");
  std::map<std::string, json> by_action;
  for (auto& e : on_x)
    by_action[e.at("action").get<std::string>()] = e;
  REQUIRE(by_action.count("reply"));
  CHECK(by_action["reply"].at("target_id") == tweet);
  CHECK(by_action["reply"].at("text") == "thanks!");
  REQUIRE(by_action.count("like"));
  CHECK(by_action["like"].at("target_id") == tweet);
  REQUIRE(by_action.count("repost"));
  CHECK(by_action["repost"].at("target_id") == tweet);
  REQUIRE(by_action.count("message"));
  CHECK(by_action["message"].at("target_id") == alice);

  SECTION("X has no comments") {
    auto r = env.admin().post(base + "comment", {{"text", "hm"}});
    CHECK(r.status == 422);
    CHECK(r.code() == "action_not_supported");
  }
  SECTION("a reply needs text") {
    auto r = env.admin().post(base + "reply", json::object());
    CHECK(r.status == 422);
    CHECK(r.code() == "missing_field");
    auto blank = env.admin().post(base + "reply", {{"text", "  "}});
    CHECK(blank.status == 422);
  }
  SECTION("an unknown post is 404") {
    auto r = env.admin().post("/api/v1/social/posts/999999/like",
                              json::object());
    CHECK(r.status == 404);
    CHECK(r.code() == "post_not_found");
  }
  SECTION("a profile without the operation is refused") {
    auto standard = profile_id(env, "Standard");
    set_operations(env, x.account_id, standard, {"view"});
    auto user = env.user("sam@example.com", "Standard");
    auto r = user.post(base + "reply", {{"text", "me too"}});
    CHECK(r.status == 403);
    CHECK(r.code() == "operation_not_allowed");
  }
  CHECK(published(env, "x").size() == on_x.size());
}

TEST_CASE("a Facebook page comments and likes but does not retweet",
          "[social][actions][integration]") {
  social_env env;
  auto fb = env.link("facebook", "brandfb");
  auto bob = env.sim_user("facebook", "bob");
  auto tag = env.sim_post("facebook", bob, "love this page", "mention",
                          fb.page_id);
  auto base = "/api/v1/social/posts/" + post_id(env, tag) + "/";

  auto retweet = env.admin().post(base + "retweet", json::object());
  CHECK(retweet.status == 422);
  CHECK(retweet.code() == "action_not_supported");
  auto comment = env.admin().post(base + "comment", {{"text", "thank you"}});
  INFO(comment.body.dump());
  CHECK(comment.status == 201);
  CHECK(env.admin().post(base + "like", json::object()).status == 201);
  auto on_fb = published(env, "facebook");
  CHECK(count_action(on_fb, "comment") == 1);
  CHECK(count_action(on_fb, "like") == 1);
  CHECK(count_action(on_fb, "repost") == 0);
}

TEST_CASE("Mastodon and Bluesky answer, like and boost, Google+ comments, "
          "and each refuses what it does not have",
          "[social][actions][integration]") {
  social_env env;
  auto act = [&](const std::string& id, const std::string& action,
                 const json& body) {
    return env.admin().post("/api/v1/social/posts/" + id + "/" + action, body);
  };

  SECTION("Mastodon") {
    auto brand = env.link("mastodon", "brand");
    auto ann = env.sim_user("mastodon", "ann");
    auto toot = env.sim_post("mastodon", ann, "@brand hello", "mention",
                             brand.org_user_id);
    auto id = post_id(env, toot);
    for (auto [action, body] :
         {std::pair<std::string, json>{"reply", {{"text", "hi ann"}}},
          {"like", json::object()},
          {"retweet", json::object()},
          {"message", {{"text", "psst"}}}}) {
      auto r = act(id, action, body);
      INFO(action << " -> " << r.body.dump());
      CHECK(r.status == 201);
    }
    auto done = published(env, "mastodon");
    CHECK(count_action(done, "reply") == 1);
    CHECK(count_action(done, "like") == 1);
    CHECK(count_action(done, "repost") == 1);
    CHECK(count_action(done, "message") == 1);
    CHECK(act(id, "comment", {{"text", "x"}}).code() == "action_not_supported");
  }
  SECTION("Bluesky") {
    auto brand = env.link("bluesky", "brand");
    auto ben = env.sim_user("bluesky", "ben");
    auto skeet = env.sim_post("bluesky", ben, "@brand hello", "mention",
                              brand.org_user_id);
    auto id = post_id(env, skeet);
    for (auto [action, body] :
         {std::pair<std::string, json>{"reply", {{"text", "hi ben"}}},
          {"like", json::object()},
          {"retweet", json::object()}}) {
      auto r = act(id, action, body);
      INFO(action << " -> " << r.body.dump());
      CHECK(r.status == 201);
    }
    auto done = published(env, "bluesky");
    CHECK(count_action(done, "reply") == 1);
    CHECK(count_action(done, "like") == 1);
    CHECK(count_action(done, "repost") == 1);
    auto dm = act(id, "message", {{"text", "psst"}});
    CHECK(dm.status == 422);
    CHECK(dm.code() == "action_not_supported");
  }
  SECTION("Google+") {
    auto brand = env.link("googleplus", "brand");
    auto cy = env.sim_user("googleplus", "cy");
    auto activity = env.sim_post("googleplus", brand.page_id, "news", "post");
    auto comment = env.sim_post("googleplus", cy, "nice", "comment", "",
                                activity);
    auto id = post_id(env, comment);
    auto r = act(id, "comment", {{"text", "thanks cy"}});
    INFO(r.body.dump());
    CHECK(r.status == 201);
    auto done = published(env, "googleplus");
    REQUIRE(count_action(done, "comment") == 1);
    CHECK(act(id, "like", json::object()).code() == "action_not_supported");
  }
}

TEST_CASE("an Unknown author becomes a lead with all their posts, and "
          "records are added from posts",
          "[social][actions][integration]") {
  social_env env;
  auto x = env.link("x", "brand");
  auto carol = env.sim_user("x", "carol");
  auto first = env.sim_post("x", carol, "@brand is this on sale?", "mention",
                            x.org_user_id);
  auto second = env.sim_post("x", carol, "@brand hello?", "mention",
                             x.org_user_id);
  auto first_id = post_id(env, first);
  post_id(env, second);
  auto base = "/api/v1/social/posts/" + first_id + "/";
  CHECK(column_of(env, first) == "unknown");

  SECTION("a deal, task or note needs a known author") {
    auto r = env.admin().post(base + "note", {{"text", "who is this"}});
    CHECK(r.status == 409);
    CHECK(r.code() == "author_unknown");
  }

  auto added = env.admin().post(base + "add-person",
                                {{"as", "lead"},
                                 {"first_name", "Carol"},
                                 {"last_name", "Jones"},
                                 {"company", "Acme"}});
  INFO(added.body.dump());
  REQUIRE(added.status == 201);
  CHECK(added.body.at("standing") == "leads");
  auto lead = added.body.at("person").at("id").get<std::string>();
  CHECK(added.body.at("person").at("company") == "Acme");
  auto lead_path = "/api/v1/leads/" + lead;

  // Past posts moved; a new one lands with the lead too.
  CHECK(column_of(env, first) == "leads");
  CHECK(column_of(env, second) == "leads");
  CHECK(interactions_of(env, lead_path) == std::set<std::string>{first, second});
  auto third = env.sim_post("x", carol, "@brand ok, buying", "mention",
                            x.org_user_id);
  CHECK(social_env::eventually([&] {
    return interactions_of(env, lead_path).count(third) == 1;
  }));
  CHECK(column_of(env, third) == "leads");

  SECTION("adding the same author again is refused") {
    auto r = env.admin().post(base + "add-person",
                              {{"as", "contact"}, {"last_name", "Again"}});
    CHECK(r.status == 409);
    CHECK(r.code() == "profile_owned_by_other");
    CHECK(env.admin().get("/api/v1/contacts").body.at("items").empty());
  }
  SECTION("a task and a note go to the lead; a deal needs a contact") {
    auto task = env.admin().post(base + "task", {{"subject", "Call Carol"}});
    REQUIRE(task.status == 201);
    CHECK(task.body.at("record_type") == "lead");
    CHECK(task.body.at("record_id") == lead);
    auto note = env.admin().post(base + "note", {{"text", "wants a discount"}});
    REQUIRE(note.status == 201);
    CHECK(note.body.at("body") == "wants a discount");
    auto deal = env.admin().post(base + "deal", {{"name", "Sale"},
                                                 {"amount", 10}});
    CHECK(deal.status == 422);
    CHECK(deal.code() == "invalid_value");
    auto sneaky = env.admin().post(base + "task", {{"subject", "x"},
                                                   {"record_id", "1"}});
    CHECK(sneaky.status == 422);
  }
}

TEST_CASE("an author associated with an existing contact moves, and a deal "
          "from their post moves them to negotiation",
          "[social][actions][integration]") {
  social_env env;
  auto x = env.link("x", "brand");
  auto dave = env.sim_user("x", "dave");
  auto tweet = env.sim_post("x", dave, "@brand prices?", "mention",
                            x.org_user_id);
  auto base = "/api/v1/social/posts/" + post_id(env, tweet) + "/";
  auto contact = env.admin().post("/api/v1/contacts",
                                  {{"first_name", "Dave"},
                                   {"last_name", "Smith"}});
  REQUIRE(contact.status == 201);
  auto contact_id = id_of(contact);
  auto contact_path = "/api/v1/contacts/" + contact_id;

  auto assoc = env.admin().post(base + "associate",
                                {{"record_type", "contact"},
                                 {"record_id", contact_id}});
  INFO(assoc.body.dump());
  REQUIRE(assoc.status == 201);
  CHECK(assoc.body.at("standing") == "leads");
  CHECK(column_of(env, tweet) == "leads");
  CHECK(interactions_of(env, contact_path).count(tweet) == 1);

  auto deal = env.admin().post(base + "deal", {{"name", "Big order"},
                                               {"amount", 2500}});
  INFO(deal.body.dump());
  REQUIRE(deal.status == 201);
  CHECK(deal.body.at("contact_id") == contact_id);
  CHECK(social_env::eventually(
    [&] { return column_of(env, tweet) == "negotiation"; }));

  SECTION("associating with nobody is refused") {
    auto r = env.admin().post(base + "associate",
                              {{"record_type", "lead"},
                               {"record_id", "424242"}});
    CHECK(r.status == 404);
  }
}

TEST_CASE("the activity history lists exactly the user's own actions, "
          "newest first", "[social][actions][integration]") {
  social_env env;
  auto x = env.link("x", "brand");
  auto erin = env.sim_user("x", "erin");
  auto tweet = env.sim_post("x", erin, "@brand hi", "mention", x.org_user_id);
  auto id = post_id(env, tweet);
  auto base = "/api/v1/social/posts/" + id + "/";
  REQUIRE(env.admin()
            .post("/api/v1/social/posts",
                  {{"text", "news"}, {"accounts", {x.account_id}}})
            .status == 200);
  REQUIRE(env.admin().post(base + "like", json::object()).status == 201);
  REQUIRE(env.admin().post(base + "reply", {{"text", "hello erin"}}).status ==
          201);
  REQUIRE(env.admin()
            .post(base + "add-person", {{"as", "contact"},
                                        {"last_name", "Erin"}})
            .status == 201);

  auto all = env.admin().get("/api/v1/social/activity");
  REQUIRE(all.status == 200);
  std::vector<std::string> actions;
  for (auto& e : all.body.at("items"))
    actions.push_back(e.at("action").get<std::string>());
  CHECK(actions ==
        std::vector<std::string>{"contact_added", "replied", "liked", "posted"});
  auto& newest = all.body.at("items")[0];
  CHECK(newest.at("post_id") == id);
  CHECK(newest.at("record").at("record_type") == "contact");
  CHECK(all.body.at("items")[1].at("detail") == "hello erin");
  CHECK(all.body.at("next_before").is_null());

  SECTION("paging walks on from next_before") {
    auto page = env.admin().get("/api/v1/social/activity?limit=3");
    REQUIRE(page.body.at("items").size() == 3);
    auto next = page.body.at("next_before").get<std::string>();
    auto rest = env.admin().get("/api/v1/social/activity?before=" + next);
    REQUIRE(rest.body.at("items").size() == 1);
    CHECK(rest.body.at("items")[0].at("action") == "posted");
  }
  SECTION("another user sees none of it") {
    auto other = env.user("olga@example.com", "Standard");
    auto theirs = other.get("/api/v1/social/activity");
    REQUIRE(theirs.status == 200);
    CHECK(theirs.body.at("items").empty());
  }
}
