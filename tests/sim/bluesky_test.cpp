#include "sim/bluesky_text.hpp"
#include "tests/sim/sim_fixture.hpp"

#include <ctime>

using namespace socialcrm::test;
namespace http = socialcrm::http;

namespace {

struct bluesky_world : sim_fixture {
  std::string org = add_user("bluesky", "acme", "app-pass-1");
  std::string fan = add_user("bluesky", "fan");

  json session(const std::string& identifier = "acme.bsky.social",
               const std::string& password = "app-pass-1") {
    auto r = post_json("/bluesky/xrpc/com.atproto.server.createSession",
                       {{"identifier", identifier}, {"password", password}});
    INFO(r.body);
    REQUIRE(r.status == 200);
    return body_of(r);
  }

  http::response create(const std::string& jwt, const std::string& repo,
                        const std::string& collection, const json& record) {
    return post_json("/bluesky/xrpc/com.atproto.repo.createRecord",
                     {{"repo", repo},
                      {"collection", collection},
                      {"record", record}},
                     jwt);
  }
};

json post_record(const std::string& text) {
  return {{"$type", "app.bsky.feed.post"},
          {"text", text},
          {"createdAt", "2024-05-01T12:00:00.000Z"}};
}

std::string repeat(const std::string& s, int n) {
  std::string out;
  for (int i = 0; i < n; ++i)
    out += s;
  return out;
}

} // namespace

TEST_CASE("Bluesky grapheme counting joins combining marks, modifiers, ZWJ "
          "sequences and flags",
          "[sim][bluesky]") {
  using socialcrm::sim::bluesky::grapheme_count;
  CHECK(grapheme_count("hello") == 5);
  CHECK(grapheme_count("e\xCC\x81") == 1);                 // e + acute
  CHECK(grapheme_count("\xF0\x9F\x91\x8D\xF0\x9F\x8F\xBD") == 1); // thumbs + tone
  CHECK(grapheme_count("\xF0\x9F\x91\xA8\xE2\x80\x8D\xF0\x9F\x91\xA9\xE2\x80"
                       "\x8D\xF0\x9F\x91\xA7") == 1);       // family ZWJ
  CHECK(grapheme_count("\xF0\x9F\x87\xAB\xF0\x9F\x87\xB7\xF0\x9F\x87\xA9\xF0"
                       "\x9F\x87\xAA") == 2);               // FR DE flags
  CHECK(grapheme_count("\r\n") == 1);
  CHECK(grapheme_count("\xE6\x97\xA5\xE6\x9C\xAC") == 2);   // 日本
}

TEST_CASE("Bluesky createSession signs in by handle or DID and refuses a "
          "wrong app password",
          "[sim][bluesky][integration]") {
  bluesky_world f;
  auto s = f.session();
  CHECK(s.at("did") == f.org);
  CHECK(s.at("handle") == "acme.bsky.social");
  CHECK(f.org.rfind("did:plc:", 0) == 0);
  CHECK(f.org.size() == 32);
  // Session tokens are JWTs: three dot-separated base64url parts.
  std::string access = s.at("accessJwt");
  CHECK(std::count(access.begin(), access.end(), '.') == 2);
  CHECK(f.session(f.org).at("did") == f.org);
  CHECK(f.session("acme").at("did") == f.org);

  auto wrong = f.post_json("/bluesky/xrpc/com.atproto.server.createSession",
                           {{"identifier", "acme.bsky.social"},
                            {"password", "nope"}});
  CHECK(wrong.status == 401);
  CHECK(body_of(wrong) == json{{"error", "AuthenticationRequired"},
                               {"message", "Invalid identifier or password"}});
  auto missing = f.post_json("/bluesky/xrpc/com.atproto.server.createSession",
                             {{"password", "x"}});
  CHECK(missing.status == 400);
  CHECK(body_of(missing).at("error") == "InvalidRequest");
  CHECK(body_of(missing).at("message")
        == "Input must have the property \"identifier\"");
  auto get = f.get("/bluesky/xrpc/com.atproto.server.createSession");
  CHECK(get.status == 400);
  auto unknown = f.get("/bluesky/xrpc/app.bsky.feed.getTimeline", access);
  CHECK(unknown.status == 501);
  CHECK(body_of(unknown).at("error") == "MethodNotImplemented");
}

TEST_CASE("Bluesky refreshSession rotates the refresh JWT with a grace "
          "period, and getSession tells expired and invalid tokens apart",
          "[sim][bluesky][integration]") {
  bluesky_world f;
  auto s = f.session();
  std::string access = s.at("accessJwt"), refresh = s.at("refreshJwt");
  auto me = body_of(f.get("/bluesky/xrpc/com.atproto.server.getSession", access));
  CHECK(me.at("did") == f.org);
  CHECK(me.at("handle") == "acme.bsky.social");

  auto wrong_kind = f.post_json("/bluesky/xrpc/com.atproto.server.refreshSession",
                                json::object(), access);
  CHECK(wrong_kind.status == 400);
  CHECK(body_of(wrong_kind).at("error") == "InvalidToken");

  auto r = f.post_json("/bluesky/xrpc/com.atproto.server.refreshSession",
                       json::object(), refresh);
  REQUIRE(r.status == 200);
  auto renewed = body_of(r);
  CHECK(renewed.at("did") == f.org);
  CHECK(renewed.at("refreshJwt") != refresh);
  // Within the PDS's two-hour grace period the used refresh JWT works again
  // and answers the same next refresh JWT, so a lost answer is recoverable.
  auto reused = f.post_json("/bluesky/xrpc/com.atproto.server.refreshSession",
                            json::object(), refresh);
  REQUIRE(reused.status == 200);
  CHECK(body_of(reused).at("refreshJwt") == renewed.at("refreshJwt"));
  CHECK(body_of(reused).at("accessJwt") != renewed.at("accessJwt"));

  auto garbage = f.get("/bluesky/xrpc/com.atproto.server.getSession", "abc");
  CHECK(garbage.status == 400);
  CHECK(body_of(garbage) == json{{"error", "InvalidToken"},
                                 {"message", "Token could not be verified"}});
  auto none = f.get("/bluesky/xrpc/com.atproto.server.getSession");
  CHECK(none.status == 401);
  CHECK(body_of(none).at("error") == "AuthMissing");

  // Access JWTs live two hours on the simulated clock.
  f.control("/clock", {{"advance_s", 2 * 3600 + 1}});
  auto expired = f.get("/bluesky/xrpc/com.atproto.server.getSession",
                       renewed.at("accessJwt"));
  CHECK(expired.status == 400);
  CHECK(body_of(expired) == json{{"error", "ExpiredToken"},
                                 {"message", "Token has expired"}});
  auto late = f.post_json("/bluesky/xrpc/com.atproto.server.refreshSession",
                          json::object(), refresh);
  CHECK(late.status == 400);
  CHECK(body_of(late) == json{{"error", "ExpiredToken"},
                              {"message", "Token has been revoked"}});
  auto again = f.post_json("/bluesky/xrpc/com.atproto.server.refreshSession",
                           json::object(), renewed.at("refreshJwt"));
  CHECK(again.status == 200);
}

TEST_CASE("Bluesky listNotifications gives mentions and replies with "
          "reasons and pages with a cursor",
          "[sim][bluesky][integration]") {
  bluesky_world f;
  std::string jwt = f.session().at("accessJwt");
  auto own = body_of(f.create(jwt, f.org, "app.bsky.feed.post",
                              post_record("Launch day")));
  std::vector<std::string> mentions;
  for (int i = 0; i < 3; ++i)
    mentions.push_back(f.add_post("bluesky", f.fan,
                                  "@acme question " + std::to_string(i),
                                  "mention", f.org));
  auto reply = f.add_post("bluesky", f.fan, "congrats", "reply", "",
                          own.at("uri"));

  auto all = body_of(f.get("/bluesky/xrpc/app.bsky.notification."
                           "listNotifications",
                           jwt));
  auto& n = all.at("notifications");
  REQUIRE(n.size() == 4);
  CHECK(n[0].at("uri") == reply);
  CHECK(n[0].at("reason") == "reply");
  CHECK(n[0].at("reasonSubject") == own.at("uri"));
  CHECK(n[0].at("record").at("reply").at("parent").at("uri") == own.at("uri"));
  CHECK(n[1].at("reason") == "mention");
  CHECK(n[1].at("author").at("handle") == "fan.bsky.social");
  // Control-API handles are shown as Bluesky handles, with a facet.
  CHECK(n[1].at("record").at("text") == "@acme.bsky.social question 2");
  CHECK(n[1].at("record").at("facets")[0].at("features")[0].at("did") == f.org);
  CHECK(n[1].at("cid").get<std::string>().rfind("bafyrei", 0) == 0);
  CHECK(!all.contains("cursor"));

  auto page1 = body_of(f.get("/bluesky/xrpc/app.bsky.notification."
                             "listNotifications?limit=3",
                             jwt));
  REQUIRE(page1.at("notifications").size() == 3);
  std::string cursor = page1.at("cursor");
  auto page2 = body_of(f.get("/bluesky/xrpc/app.bsky.notification."
                             "listNotifications?limit=3&cursor=" + cursor,
                             jwt));
  REQUIRE(page2.at("notifications").size() == 1);
  CHECK(page2.at("notifications")[0].at("uri") == mentions[0]);
  CHECK(!page2.contains("cursor"));

  auto only_replies = body_of(f.get(
    "/bluesky/xrpc/app.bsky.notification.listNotifications?reasons=reply", jwt));
  CHECK(only_replies.at("notifications").size() == 1);
  auto too_many = f.get("/bluesky/xrpc/app.bsky.notification."
                        "listNotifications?limit=101",
                        jwt);
  CHECK(too_many.status == 400);
  CHECK(body_of(too_many).at("error") == "InvalidRequest");
}

TEST_CASE("Bluesky searchPosts, getAuthorFeed and getProfile page and "
          "answer in the lexicon shapes",
          "[sim][bluesky][integration]") {
  bluesky_world f;
  std::string jwt = f.session().at("accessJwt");
  std::vector<std::string> posts;
  for (int i = 0; i < 5; ++i)
    posts.push_back(f.add_post("bluesky", f.fan,
                               "Pricing thoughts " + std::to_string(i), "post"));
  auto found = body_of(f.get("/bluesky/xrpc/app.bsky.feed.searchPosts?"
                             "q=pricing&limit=2",
                             jwt));
  REQUIRE(found.at("posts").size() == 2);
  CHECK(found.at("posts")[0].at("uri") == posts[4]);
  CHECK(found.at("posts")[0].at("record").at("$type") == "app.bsky.feed.post");
  CHECK(found.at("hitsTotal") == 5);
  auto next = body_of(f.get("/bluesky/xrpc/app.bsky.feed.searchPosts?q=pricing"
                            "&limit=2&cursor="
                              + found.at("cursor").get<std::string>(),
                            jwt));
  CHECK(next.at("posts")[0].at("uri") == posts[2]);
  auto missing = f.get("/bluesky/xrpc/app.bsky.feed.searchPosts", jwt);
  CHECK(missing.status == 400);
  CHECK(body_of(missing).at("message") == "Params must have the property \"q\"");

  auto feed = body_of(f.get("/bluesky/xrpc/app.bsky.feed.getAuthorFeed?"
                            "actor=fan.bsky.social&limit=3",
                            jwt));
  REQUIRE(feed.at("feed").size() == 3);
  CHECK(feed.at("feed")[0].at("post").at("uri") == posts[4]);
  CHECK(feed.at("feed")[0].at("post").at("author").at("did") == f.fan);
  auto rest = body_of(f.get("/bluesky/xrpc/app.bsky.feed.getAuthorFeed?actor="
                            + f.fan + "&limit=3&cursor="
                            + feed.at("cursor").get<std::string>(),
                            jwt));
  CHECK(rest.at("feed").size() == 2);
  CHECK(!rest.contains("cursor"));

  auto profile = body_of(f.get("/bluesky/xrpc/app.bsky.actor.getProfile?actor="
                               "fan.bsky.social",
                               jwt));
  CHECK(profile.at("did") == f.fan);
  CHECK(profile.at("postsCount") == 5);
  auto nobody = f.get("/bluesky/xrpc/app.bsky.actor.getProfile?actor="
                      "nobody.bsky.social",
                      jwt);
  CHECK(nobody.status == 400);
  CHECK(body_of(nobody).at("message") == "Profile not found");
}

TEST_CASE("Bluesky getPosts hydrates the posts asked, in order, once each, "
          "and resolveHandle names a handle's DID",
          "[sim][bluesky][integration]") {
  bluesky_world f;
  std::string jwt = f.session().at("accessJwt");
  auto a = f.add_post("bluesky", f.fan, "first", "post");
  auto b = f.add_post("bluesky", f.fan, "second", "post");
  auto got = body_of(f.get("/bluesky/xrpc/app.bsky.feed.getPosts?uris=" + b
                             + "&uris=" + a + "&uris=" + b
                             + "&uris=at://did:plc:nobody/app.bsky.feed.post/x",
                           jwt));
  auto& posts = got.at("posts");
  REQUIRE(posts.size() == 2);
  CHECK(posts[0].at("uri") == b);
  CHECK(posts[1].at("uri") == a);
  CHECK(posts[1].at("record").at("text") == "first");
  CHECK(posts[1].at("cid").get<std::string>().rfind("bafyrei", 0) == 0);
  auto none = f.get("/bluesky/xrpc/app.bsky.feed.getPosts", jwt);
  CHECK(none.status == 400);
  CHECK(body_of(none).at("message")
        == "Params must have the property \"uris\"");
  std::string many;
  for (int i = 0; i < 26; ++i)
    many += (i ? "&uris=" : "uris=") + a;
  auto too_many = f.get("/bluesky/xrpc/app.bsky.feed.getPosts?" + many, jwt);
  CHECK(too_many.status == 400);
  CHECK(body_of(too_many).at("error") == "InvalidRequest");

  auto did = f.get("/bluesky/xrpc/com.atproto.identity.resolveHandle?handle="
                   "Fan.bsky.social");
  REQUIRE(did.status == 200);
  CHECK(body_of(did) == json{{"did", f.fan}});
  auto unknown = f.get("/bluesky/xrpc/com.atproto.identity.resolveHandle?"
                       "handle=nobody.bsky.social");
  CHECK(unknown.status == 400);
  CHECK(body_of(unknown) == json{{"error", "HandleNotFound"},
                                 {"message", "Unable to resolve handle"}});
  auto elsewhere = f.get("/bluesky/xrpc/com.atproto.identity.resolveHandle?"
                         "handle=someone.example.com");
  CHECK(body_of(elsewhere).at("error") == "InvalidRequest");
}

TEST_CASE("Bluesky createRecord writes posts, replies, likes and reposts "
          "with at:// URIs and CIDs, and enforces 300 graphemes",
          "[sim][bluesky][integration]") {
  bluesky_world f;
  auto s = f.session();
  std::string jwt = s.at("accessJwt");
  auto r = f.create(jwt, f.org, "app.bsky.feed.post", post_record("Hello"));
  REQUIRE(r.status == 200);
  auto created = body_of(r);
  std::string uri = created.at("uri");
  CHECK(uri.rfind("at://" + f.org + "/app.bsky.feed.post/", 0) == 0);
  CHECK(uri.size() == 5 + f.org.size() + 20 + 13); // a 13-character TID
  CHECK(created.at("cid").get<std::string>().rfind("bafyrei", 0) == 0);

  // 300 graphemes of multi-byte emoji pass; one more fails.
  std::string thumbs = "\xF0\x9F\x91\x8D\xF0\x9F\x8F\xBD";
  CHECK(f.create(jwt, f.org, "app.bsky.feed.post",
                 post_record(repeat(thumbs, 300)))
          .status
        == 200);
  auto long_post = f.create(jwt, f.org, "app.bsky.feed.post",
                            post_record(repeat("a", 301)));
  CHECK(long_post.status == 400);
  CHECK(body_of(long_post)
        == json{{"error", "InvalidRequest"},
                {"message", "Invalid app.bsky.feed.post record: Record/text "
                            "must not be longer than 300 graphemes"}});
  auto no_text = f.create(jwt, f.org, "app.bsky.feed.post",
                          {{"createdAt", "2024-05-01T12:00:00.000Z"}});
  CHECK(body_of(no_text).at("message")
        == "Invalid app.bsky.feed.post record: Record must have the property "
           "\"text\"");
  auto fan_post = f.add_post("bluesky", f.fan, "nice tool", "post");
  CHECK(f.create(jwt, f.fan, "app.bsky.feed.post", post_record("x")).status
        == 401);

  auto parent = body_of(f.get("/bluesky/xrpc/app.bsky.feed.searchPosts?q=nice",
                              jwt))
                  .at("posts")[0];
  json reply = post_record("thanks!");
  reply["reply"] = {{"root", {{"uri", parent.at("uri")}, {"cid", parent.at("cid")}}},
                    {"parent",
                     {{"uri", parent.at("uri")}, {"cid", parent.at("cid")}}}};
  auto replied = f.create(jwt, f.org, "app.bsky.feed.post", reply);
  REQUIRE(replied.status == 200);
  json subject = {{"uri", fan_post}, {"cid", parent.at("cid")}};
  auto like = body_of(f.create(jwt, f.org, "app.bsky.feed.like",
                               {{"subject", subject},
                                {"createdAt", "2024-05-01T12:00:00.000Z"}}));
  CHECK(like.at("uri").get<std::string>().rfind(
          "at://" + f.org + "/app.bsky.feed.like/", 0)
        == 0);
  auto repost = body_of(f.create(jwt, f.org, "app.bsky.feed.repost",
                                 {{"subject", subject},
                                  {"createdAt", "2024-05-01T12:00:00.000Z"}}));
  CHECK(repost.at("uri").get<std::string>().find("/app.bsky.feed.repost/")
        != std::string::npos);
  auto view = body_of(f.get("/bluesky/xrpc/app.bsky.feed.searchPosts?q=nice",
                            jwt))
                .at("posts")[0];
  CHECK(view.at("likeCount") == 1);
  CHECK(view.at("repostCount") == 1);
  CHECK(view.at("replyCount") == 1);
  CHECK(view.at("viewer").at("like") == like.at("uri"));

  auto published = f.control_get("/published?network=bluesky").at("published");
  REQUIRE(published.size() == 5);
  CHECK(published[0].at("action") == "post");
  CHECK(published[0].at("external_id") == uri);
  CHECK(published[2].at("action") == "reply");
  CHECK(published[2].at("target_id") == fan_post);
  CHECK(published[3].at("action") == "like");
  CHECK(published[4].at("action") == "repost");
}

TEST_CASE("Bluesky uploadBlob returns a blob ref that a post embeds",
          "[sim][bluesky][integration]") {
  bluesky_world f;
  std::string jwt = f.session().at("accessJwt");
  http::header_list h;
  h.set("Authorization", "Bearer " + jwt);
  h.set("Content-Type", "image/png");
  auto up = f.send("POST", "/bluesky/xrpc/com.atproto.repo.uploadBlob", h,
                   std::string(4096, 'p'));
  REQUIRE(up.status == 200);
  auto blob = body_of(up).at("blob");
  CHECK(blob.at("$type") == "blob");
  CHECK(blob.at("mimeType") == "image/png");
  CHECK(blob.at("size") == 4096);
  CHECK(blob.at("ref").at("$link").get<std::string>().rfind("bafkrei", 0) == 0);
  json record = post_record("with a picture");
  record["embed"] = {{"$type", "app.bsky.embed.images"},
                     {"images", json::array({{{"alt", "a cat"},
                                              {"image", blob}}})}};
  auto r = f.create(jwt, f.org, "app.bsky.feed.post", record);
  REQUIRE(r.status == 200);
  auto published = f.control_get("/published?network=bluesky").at("published");
  CHECK(published.back().at("media_bytes") == json::array({4096}));
  record["embed"]["images"][0]["image"]["ref"]["$link"] = "bafkreimissing";
  CHECK(body_of(f.create(jwt, f.org, "app.bsky.feed.post", record)).at("error")
        == "BlobNotFound");
}

TEST_CASE("Bluesky ratelimit headers count down and a spent window answers "
          "RateLimitExceeded",
          "[sim][bluesky][integration]") {
  bluesky_world f;
  std::string jwt = f.session().at("accessJwt");
  f.control("/limits", {{"network", "bluesky"}, {"limit", 3},
                        {"window_s", 600}});
  std::vector<std::string> remaining;
  for (int i = 0; i < 3; ++i) {
    auto r = f.get("/bluesky/xrpc/com.atproto.server.getSession", jwt);
    CHECK(r.status == 200);
    CHECK(r.headers.value("ratelimit-limit") == "3");
    CHECK(r.headers.value("ratelimit-policy").rfind("3;w=", 0) == 0);
    remaining.push_back(r.headers.value("ratelimit-remaining"));
    CHECK(std::stoll(r.headers.value("ratelimit-reset")) >= std::time(nullptr));
  }
  CHECK(remaining == std::vector<std::string>{"2", "1", "0"});
  auto spent = f.get("/bluesky/xrpc/com.atproto.server.getSession", jwt);
  CHECK(spent.status == 429);
  CHECK(body_of(spent) == json{{"error", "RateLimitExceeded"},
                               {"message", "Rate Limit Exceeded"}});
  CHECK(f.stats("bluesky").at("throttled") == 1);
}

TEST_CASE("Bluesky works the way its 'creating a post' guide shows",
          "[sim][bluesky][integration]") {
  // docs.bsky.app, advanced guides, "Posts": createSession with handle and
  // app password, then createRecord into the session's repo with a record
  // of $type app.bsky.feed.post and an ISO 8601 createdAt ending in Z.
  sim_fixture f;
  f.add_user("bluesky", "example.bsky.social", "abcd-efgh-ijkl-mnop");
  http::header_list h;
  h.set("Content-Type", "application/json");
  auto login = f.send("POST", "/bluesky/xrpc/com.atproto.server.createSession",
                      h,
                      R"({"identifier": "example.bsky.social",)"
                      R"( "password": "abcd-efgh-ijkl-mnop"})");
  REQUIRE(login.status == 200);
  auto session = body_of(login);
  CHECK(session.at("handle") == "example.bsky.social");
  h.set("Authorization", "Bearer " + session.at("accessJwt").get<std::string>());
  json post = {{"$type", "app.bsky.feed.post"},
               {"text", "Hello World!"},
               {"createdAt", "2023-08-07T05:31:12.156888Z"}};
  auto created = f.send("POST", "/bluesky/xrpc/com.atproto.repo.createRecord",
                        h,
                        json{{"repo", session.at("did")},
                             {"collection", "app.bsky.feed.post"},
                             {"record", post}}
                          .dump());
  REQUIRE(created.status == 200);
  auto out = body_of(created);
  CHECK(out.contains("uri"));
  CHECK(out.contains("cid"));
  auto feed = body_of(f.get("/bluesky/xrpc/app.bsky.feed.getAuthorFeed?actor="
                              + session.at("handle").get<std::string>(),
                            session.at("accessJwt")));
  CHECK(feed.at("feed")[0].at("post").at("record") == post);
}
