#include "tests/sim/sim_fixture.hpp"

using namespace socialcrm::test;

namespace {

struct x_world : sim_fixture {
  std::string org = add_user("x", "acme");
  std::string fan = add_user("x", "fan");
  std::string tok = token_for("x", org);
};

} // namespace

TEST_CASE("X users/me and users/by/username answer in the v2 shape",
          "[sim][x][integration]") {
  x_world f;
  auto me = body_of(f.get("/x/2/users/me?user.fields=created_at", f.tok));
  CHECK(me.at("data").at("name") == "acme Inc");
  CHECK(me.at("data").contains("created_at"));
  auto fan = body_of(f.get("/x/2/users/by/username/fan", f.tok));
  CHECK(fan.at("data").at("id") == f.fan);
  auto missing = body_of(f.get("/x/2/users/by/username/nobody", f.tok));
  CHECK(!missing.contains("data"));
  CHECK(missing.at("errors")[0].at("title") == "Not Found Error");
  CHECK(missing.at("errors")[0].at("type")
        == "https://api.twitter.com/2/problems/resource-not-found");
}

TEST_CASE("X mentions page newest first with meta, next_token, since_id and "
          "the author expansion",
          "[sim][x][integration]") {
  x_world f;
  std::vector<std::string> ids;
  for (int i = 0; i < 12; ++i)
    ids.push_back(f.add_post("x", f.fan, "@acme number " + std::to_string(i),
                             "mention", f.org));
  f.add_post("x", f.fan, "not about acme", "post");
  auto first = body_of(f.get("/x/2/users/" + f.org
                               + "/mentions?max_results=5&expansions=author_id"
                                 "&tweet.fields=author_id,created_at",
                             f.tok));
  REQUIRE(first.at("data").size() == 5);
  CHECK(first.at("data")[0].at("id") == ids[11]);
  CHECK(first.at("data")[0].at("author_id") == f.fan);
  CHECK(first.at("includes").at("users")[0].at("username") == "fan");
  CHECK(first.at("meta").at("result_count") == 5);
  CHECK(first.at("meta").at("newest_id") == ids[11]);
  CHECK(first.at("meta").at("oldest_id") == ids[7]);
  auto token = first.at("meta").at("next_token").get<std::string>();

  auto second = body_of(f.get("/x/2/users/" + f.org
                                + "/mentions?max_results=5&pagination_token="
                                + token,
                              f.tok));
  CHECK(second.at("data")[0].at("id") == ids[6]);
  auto third = body_of(
    f.get("/x/2/users/" + f.org + "/mentions?max_results=5&pagination_token="
            + second.at("meta").at("next_token").get<std::string>(),
          f.tok));
  CHECK(third.at("data").size() == 2);
  CHECK(!third.at("meta").contains("next_token"));

  auto since = body_of(f.get("/x/2/users/" + f.org + "/mentions?since_id="
                               + ids[9],
                             f.tok));
  CHECK(since.at("meta").at("result_count") == 2);

  auto none = body_of(f.get("/x/2/users/" + f.org + "/mentions?since_id="
                              + ids[11],
                            f.tok));
  CHECK(none == json{{"meta", {{"result_count", 0}}}});
}

TEST_CASE("X refuses bad paging parameters with an Invalid Request problem",
          "[sim][x][integration]") {
  x_world f;
  auto r = f.get("/x/2/users/" + f.org + "/mentions?max_results=1000", f.tok);
  CHECK(r.status == 400);
  auto b = body_of(r);
  CHECK(b.at("title") == "Invalid Request");
  CHECK(b.at("type") == "https://api.twitter.com/2/problems/invalid-request");
  CHECK(b.at("errors")[0].at("parameters").contains("max_results"));
  CHECK(f.get("/x/2/users/" + f.org + "/mentions?pagination_token=zzz", f.tok)
          .status
        == 400);
}

TEST_CASE("X user tweets list the user's own posts and replies",
          "[sim][x][integration]") {
  x_world f;
  auto a = f.add_post("x", f.fan, "first", "post");
  auto b = f.add_post("x", f.fan, "second", "reply", "", a);
  f.add_post("x", f.org, "someone else", "post");
  auto r = body_of(f.get("/x/2/users/" + f.fan
                           + "/tweets?tweet.fields=referenced_tweets,"
                             "in_reply_to_user_id,conversation_id",
                         f.tok));
  REQUIRE(r.at("data").size() == 2);
  CHECK(r.at("data")[0].at("id") == b);
  CHECK(r.at("data")[0].at("referenced_tweets")[0].at("id") == a);
  CHECK(r.at("data")[0].at("conversation_id") == a);
}

TEST_CASE("X recent search matches an OR of terms, phrases and from:",
          "[sim][x][integration]") {
  x_world f;
  f.add_post("x", f.fan, "I love socialcrm", "post");
  f.add_post("x", f.fan, "Pricing is unclear", "post");
  f.add_post("x", f.org, "customer support rocks", "post");
  f.add_post("x", f.fan, "nothing to see", "post");
  auto q = [&](const std::string& query) {
    return body_of(f.get("/x/2/tweets/search/recent?query="
                           + socialcrm::http::url_encode(query),
                         f.tok))
      .at("meta")
      .at("result_count")
      .get<int>();
  };
  CHECK(q("socialcrm OR pricing") == 2);
  CHECK(q("(socialcrm OR pricing OR \"customer support\") -is:retweet") == 3);
  CHECK(q("from:acme") == 1);
  CHECK(q("socialcrm -love") == 0);
  CHECK(f.get("/x/2/tweets/search/recent", f.tok).status == 400);
  CHECK(f.get("/x/2/tweets/search/recent?query=a&max_results=5", f.tok).status
        == 400);
}

TEST_CASE("X tweet lookup answers unknown ids with a Not Found error entry",
          "[sim][x][integration]") {
  x_world f;
  auto r = f.get("/x/2/tweets/1", f.tok);
  CHECK(r.status == 200);
  CHECK(body_of(r).at("errors")[0].at("resource_type") == "tweet");
}

TEST_CASE("X POST /2/tweets creates posts and replies and enforces 280 "
          "weighted characters",
          "[sim][x][integration]") {
  x_world f;
  auto r = f.post_json("/x/2/tweets", {{"text", "hello"}}, f.tok);
  CHECK(r.status == 201);
  auto id = body_of(r).at("data").at("id").get<std::string>();
  CHECK(body_of(r).at("data").at("edit_history_tweet_ids")[0] == id);

  SECTION("exactly 280 characters pass, 281 are refused") {
    CHECK(f.post_json("/x/2/tweets", {{"text", std::string(280, 'a')}}, f.tok)
            .status
          == 201);
    auto too_long =
      f.post_json("/x/2/tweets", {{"text", std::string(281, 'b')}}, f.tok);
    CHECK(too_long.status == 403);
    CHECK(body_of(too_long).at("detail").get<std::string>().find("too long")
          != std::string::npos);
  }
  SECTION("CJK characters count twice") {
    std::string cjk;
    for (int i = 0; i < 141; ++i)
      cjk += "\xe6\xbc\xa2"; // U+6F22
    CHECK(f.post_json("/x/2/tweets", {{"text", cjk}}, f.tok).status == 403);
  }
  SECTION("duplicate content is refused") {
    CHECK(f.post_json("/x/2/tweets", {{"text", "hello"}}, f.tok).status == 403);
  }
  SECTION("a reply to a missing tweet is an invalid request") {
    CHECK(f.post_json("/x/2/tweets",
                      {{"text", "re"},
                       {"reply", {{"in_reply_to_tweet_id", "42"}}}},
                      f.tok)
            .status
          == 400);
  }
  SECTION("a body that is not JSON is an invalid request") {
    socialcrm::http::header_list h;
    h.set("Authorization", "Bearer " + f.tok);
    h.set("Content-Type", "application/json");
    CHECK(f.send("POST", "/x/2/tweets", h, "text=hi").status == 400);
  }
}

TEST_CASE("X likes and retweets act for the token's own user only",
          "[sim][x][integration]") {
  x_world f;
  auto t = f.add_post("x", f.fan, "like me", "post");
  auto like = f.post_json("/x/2/users/" + f.org + "/likes", {{"tweet_id", t}},
                          f.tok);
  CHECK(body_of(like).at("data").at("liked") == true);
  auto rt = f.post_json("/x/2/users/" + f.org + "/retweets",
                        {{"tweet_id", t}}, f.tok);
  CHECK(body_of(rt).at("data").at("retweeted") == true);
  auto metrics = body_of(f.get("/x/2/tweets/" + t + "?tweet.fields="
                                                    "public_metrics",
                               f.tok));
  CHECK(metrics.at("data").at("public_metrics").at("like_count") == 1);
  CHECK(metrics.at("data").at("public_metrics").at("retweet_count") == 1);
  CHECK(f.post_json("/x/2/users/" + f.fan + "/likes", {{"tweet_id", t}}, f.tok)
          .status
        == 403);
}

TEST_CASE("X direct messages are listed as dm_events and sent to a "
          "participant",
          "[sim][x][integration]") {
  x_world f;
  f.add_post("x", f.fan, "psst", "dm", f.org);
  auto sent = f.post_json("/x/2/dm_conversations/with/" + f.fan + "/messages",
                          {{"text", "hi back"}}, f.tok);
  REQUIRE(sent.status == 201);
  auto conv = body_of(sent).at("data").at("dm_conversation_id");
  auto events = body_of(f.get("/x/2/dm_events?dm_event.fields=sender_id,"
                              "dm_conversation_id,created_at",
                              f.tok));
  REQUIRE(events.at("data").size() == 2);
  CHECK(events.at("data")[0].at("text") == "hi back");
  CHECK(events.at("data")[0].at("event_type") == "MessageCreate");
  CHECK(events.at("data")[1].at("sender_id") == f.fan);
  CHECK(events.at("data")[1].at("dm_conversation_id") == conv);
  // DMs stay out of timelines and search.
  CHECK(body_of(f.get("/x/2/tweets/search/recent?query=psst", f.tok))
          .at("meta")
          .at("result_count")
        == 0);
}

TEST_CASE("X media upload takes multipart media, enforces 5 MB and the id "
          "attaches to a post",
          "[sim][x][integration]") {
  x_world f;
  auto upload = [&](std::size_t bytes) {
    std::string boundary = "XyZ";
    std::string body = "--XyZ\r\nContent-Disposition: form-data; name=\"media\"; "
                       "filename=\"a.jpg\"\r\nContent-Type: image/jpeg\r\n\r\n"
                       + std::string(bytes, 'j') + "\r\n--XyZ--\r\n";
    socialcrm::http::header_list h;
    h.set("Authorization", "Bearer " + f.tok);
    h.set("Content-Type", "multipart/form-data; boundary=" + boundary);
    return f.send("POST", "/x/2/media/upload", h, body);
  };
  auto ok = upload(1000);
  REQUIRE(ok.status == 200);
  auto media_id = body_of(ok).at("data").at("id").get<std::string>();
  CHECK(upload(5 * 1024 * 1024 + 1).status == 400);
  auto post = f.post_json("/x/2/tweets",
                          {{"text", "with picture"},
                           {"media", {{"media_ids", {media_id}}}}},
                          f.tok);
  CHECK(post.status == 201);
  auto pub = f.control_get("/published?network=x").at("published");
  CHECK(pub.back().at("media_bytes")[0] == 1000);
}

TEST_CASE("X answers unknown paths and bad tokens with its problem shape",
          "[sim][x][integration]") {
  x_world f;
  auto nf = f.get("/x/2/nothing/here", f.tok);
  CHECK(nf.status == 404);
  auto un = f.get("/x/2/users/me", "wrong");
  CHECK(un.status == 401);
  CHECK(body_of(un) == json{{"title", "Unauthorized"},
                            {"detail", "Unauthorized"},
                            {"type", "about:blank"},
                            {"status", 401}});
}
