#include "tests/sim/sim_fixture.hpp"

using namespace socialcrm::test;

namespace {

struct x_world : sim_fixture {
  std::string org = add_user("x", "acme");
  std::string fan = add_user("x", "fan");
  std::string tok = token_for("x", org);

  /// POSTs `parts` (made by form_part) as multipart/form-data with the
  /// org's token.
  socialcrm::http::response post_parts(const std::string& path,
                                       const std::string& parts) {
    socialcrm::http::header_list h;
    h.set("Authorization", "Bearer " + tok);
    h.set("Content-Type", "multipart/form-data; boundary=XyZ");
    return send("POST", path, h, parts + "--XyZ--\r\n");
  }

  /// Tweets with `media_id` attached; the media sizes the published log
  /// records for that tweet.
  json tweet_with(const std::string& media_id) {
    auto post = post_json("/x/2/tweets",
                          {{"text", "with media " + media_id},
                           {"media", {{"media_ids", {media_id}}}}},
                          tok);
    CHECK(post.status == 201);
    return control_get("/published?network=x")
      .at("published")
      .back()
      .at("media_bytes");
  }
};

/// One part of a multipart/form-data body with the boundary "XyZ".
std::string form_part(const std::string& disposition,
                      const std::string& content_type,
                      const std::string& value) {
  std::string head = "--XyZ\r\nContent-Disposition: form-data; " + disposition
                     + "\r\n";
  if (!content_type.empty())
    head += "Content-Type: " + content_type + "\r\n";
  return head + "\r\n" + value + "\r\n";
}

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
        == "https://api.x.com/2/problems/resource-not-found");
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
  CHECK(r.headers.value("Content-Type") == "application/problem+json");
  auto b = body_of(r);
  CHECK(b.at("title") == "Invalid Request");
  CHECK(b.at("type") == "https://api.x.com/2/problems/invalid-request");
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

TEST_CASE("X recent search pages with next_token as well as "
          "pagination_token",
          "[sim][x][integration]") {
  x_world f;
  for (int i = 0; i < 12; ++i)
    f.add_post("x", f.fan, "socialcrm #" + std::to_string(i), "post");
  auto first = body_of(f.get("/x/2/tweets/search/recent?query=socialcrm"
                             "&max_results=10",
                             f.tok));
  auto token = first.at("meta").at("next_token").get<std::string>();
  for (const char* name : {"next_token", "pagination_token"}) {
    auto rest = body_of(f.get(std::string("/x/2/tweets/search/recent?query="
                                          "socialcrm&max_results=10&")
                                + name + "=" + token,
                              f.tok));
    CHECK(rest.at("meta").at("result_count") == 2);
  }
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
  CHECK(body_of(rt).at("data")
        == json{{"id", t}, {"retweeted", true}});
  auto metrics = body_of(f.get("/x/2/tweets/" + t + "?tweet.fields="
                                                    "public_metrics",
                               f.tok));
  auto pm = metrics.at("data").at("public_metrics");
  CHECK(pm.at("like_count") == 1);
  CHECK(pm.at("retweet_count") == 1);
  // Required by X's Tweet schema even when nobody bookmarked or viewed.
  CHECK(pm.at("bookmark_count") == 0);
  CHECK(pm.at("impression_count") == 0);
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
  auto upload = [&](std::size_t bytes,
                    const std::string& path = "/x/2/media/upload") {
    return f.post_parts(path, form_part("name=\"media\"; filename=\"a.jpg\"",
                                        "image/jpeg", std::string(bytes, 'j')));
  };
  auto ok = upload(1000);
  REQUIRE(ok.status == 200);
  auto media_id = body_of(ok).at("data").at("id").get<std::string>();
  CHECK(upload(5 * 1024 * 1024 + 1).status == 400);
  CHECK(f.tweet_with(media_id) == json::array({1000}));

  SECTION("older clients' v1.1 upload.json still answers in its own shape") {
    auto v1 = upload(1000, "/x/1.1/media/upload.json");
    REQUIRE(v1.status == 200);
    auto j = body_of(v1);
    CHECK(j.at("media_id_string")
          == std::to_string(j.at("media_id").get<std::uint64_t>()));
    CHECK(j.at("size") == 1000);
    auto big = upload(5 * 1024 * 1024 + 1, "/x/1.1/media/upload.json");
    CHECK(big.status == 400);
    CHECK(body_of(big).at("errors").at(0).at("code") == 324);
  }
}

TEST_CASE("X chunked media upload: initialize, append segments, finalize, "
          "then attach",
          "[sim][x][integration]") {
  x_world f;
  auto append = [&](const std::string& id, int index, std::size_t bytes) {
    return f.post_parts("/x/2/media/upload/" + id + "/append",
                        form_part("name=\"segment_index\"", "",
                                  std::to_string(index))
                          + form_part("name=\"media\"",
                                      "application/octet-stream",
                                      std::string(bytes, 'p')));
  };
  auto init = f.post_json("/x/2/media/upload/initialize",
                          {{"media_type", "image/png"},
                           {"total_bytes", 2500},
                           {"media_category", "tweet_image"}},
                          f.tok);
  REQUIRE(init.status == 200);
  auto data = body_of(init).at("data");
  auto id = data.at("id").get<std::string>();
  CHECK(data.at("media_key") == "3_" + id);
  CHECK(data.at("expires_after_secs").get<int>() > 0);

  SECTION("all segments make the declared size") {
    CHECK(append(id, 0, 1000).status == 200);
    auto second = append(id, 1, 1000);
    CHECK(body_of(second).at("data").contains("expires_at"));
    CHECK(append(id, 2, 500).status == 200);
    auto fin = f.post_json("/x/2/media/upload/" + id + "/finalize", json::object(),
                           f.tok);
    REQUIRE(fin.status == 200);
    CHECK(body_of(fin).at("data").at("size") == 2500);
    CHECK(!body_of(fin).at("data").contains("processing_info"));
    CHECK(f.tweet_with(id) == json::array({2500}));
  }
  SECTION("a missing segment or a short upload does not finalize") {
    CHECK(append(id, 0, 1000).status == 200);
    CHECK(append(id, 2, 1500).status == 200);
    auto fin = f.post_json("/x/2/media/upload/" + id + "/finalize", json::object(),
                           f.tok);
    CHECK(fin.status == 400);
    CHECK(body_of(fin).at("type") == "https://api.x.com/2/problems/invalid-request");
  }
  SECTION("media that is not finalized cannot be attached") {
    CHECK(f.post_json("/x/2/tweets",
                      {{"text", "too early"}, {"media", {{"media_ids", {id}}}}},
                      f.tok)
            .status
          == 400);
  }
  SECTION("an image over 5 MB is refused at initialize") {
    CHECK(f.post_json("/x/2/media/upload/initialize",
                      {{"media_type", "image/jpeg"},
                       {"total_bytes", 5 * 1024 * 1024 + 1}},
                      f.tok)
            .status
          == 400);
  }
}

TEST_CASE("X answers unknown paths and bad tokens with its problem shape",
          "[sim][x][integration]") {
  x_world f;
  auto nf = f.get("/x/2/nothing/here", f.tok);
  CHECK(nf.status == 404);
  CHECK(nf.headers.value("Content-Type") == "application/problem+json");
  auto un = f.get("/x/2/users/me", "wrong");
  CHECK(un.status == 401);
  CHECK(un.headers.value("Content-Type") == "application/problem+json");
  CHECK(body_of(un) == json{{"title", "Unauthorized"},
                            {"detail", "Unauthorized"},
                            {"type", "about:blank"},
                            {"status", 401}});
}
