#include "tests/sim/sim_fixture.hpp"

using namespace socialcrm::test;

namespace {

struct fb_world : sim_fixture {
  std::string owner = add_user("facebook", "owner");
  std::string fan = add_user("facebook", "fan");
  std::string page = control("/pages", {{"network", "facebook"},
                                        {"owner_id", owner},
                                        {"name", "Acme"}})
                       .at("page_id");
  std::string user_token = token_for("facebook", owner);
  std::string page_token = token_for("facebook", owner, page);

  socialcrm::http::response g(const std::string& path, const std::string& tok) {
    return get("/facebook/v19.0" + path
               + (path.find('?') == std::string::npos ? "?" : "&")
               + "access_token=" + tok);
  }
  socialcrm::http::response p(const std::string& path, const std::string& tok,
                        std::vector<std::pair<std::string, std::string>> form) {
    form.emplace_back("access_token", tok);
    return post_form("/facebook/v19.0" + path, form);
  }
};

} // namespace

TEST_CASE("Facebook page feed pages with cursors and paging.next",
          "[sim][facebook][integration]") {
  fb_world f;
  std::vector<std::string> ids;
  for (int i = 0; i < 7; ++i)
    ids.push_back(f.add_post("facebook", f.page, "post " + std::to_string(i),
                             "post"));
  auto first = body_of(f.g("/" + f.page + "/feed?limit=3", f.page_token));
  REQUIRE(first.at("data").size() == 3);
  CHECK(first.at("data")[0].at("id") == ids[6]);
  CHECK(first.at("data")[0].at("message") == "post 6");
  CHECK(first.at("data")[0].contains("created_time"));
  CHECK(ids[6].rfind(f.page + "_", 0) == 0);
  auto cursors = first.at("paging").at("cursors");
  CHECK(cursors.contains("before"));
  auto next = first.at("paging").at("next").get<std::string>();
  CHECK(next.rfind(f.base + "/facebook/v19.0/" + f.page + "/feed?", 0) == 0);

  auto r = f.client.get(next);
  REQUIRE(r.ok());
  auto second = body_of(*r.response);
  CHECK(second.at("data")[0].at("id") == ids[3]);
  CHECK(second.at("paging").contains("previous"));
  auto after = second.at("paging").at("cursors").at("after").get<std::string>();
  auto third = body_of(f.g("/" + f.page + "/feed?limit=3&after=" + after,
                           f.page_token));
  CHECK(third.at("data").size() == 1);
  CHECK(!third.at("paging").contains("next"));
}

TEST_CASE("Facebook tagged lists posts that mention the page with their "
          "author",
          "[sim][facebook][integration]") {
  fb_world f;
  auto id = f.add_post("facebook", f.fan, "@Acme help please", "mention",
                       f.page);
  auto r = body_of(f.g("/" + f.page + "/tagged", f.page_token));
  REQUIRE(r.at("data").size() == 1);
  CHECK(r.at("data")[0].at("id") == id);
  CHECK(r.at("data")[0].at("from").at("id") == f.fan);
}

TEST_CASE("Facebook comments can be read and written, with the page as "
          "author under a page token",
          "[sim][facebook][integration]") {
  fb_world f;
  auto post = f.add_post("facebook", f.page, "our news", "post");
  auto c1 = f.add_post("facebook", f.fan, "nice!", "comment", "", post);
  auto wrote = f.p("/" + post + "/comments", f.page_token,
                   {{"message", "thanks"}});
  REQUIRE(wrote.status == 200);
  auto c2 = body_of(wrote).at("id").get<std::string>();
  auto list = body_of(f.g("/" + post + "/comments?summary=true", f.page_token));
  REQUIRE(list.at("data").size() == 2);
  CHECK(list.at("data")[0].at("id") == c1); // chronological
  CHECK(list.at("data")[1].at("id") == c2);
  CHECK(list.at("data")[1].at("from").at("id") == f.page);
  CHECK(list.at("summary").at("total_count") == 2);
  auto empty = f.p("/" + post + "/comments", f.page_token, {});
  CHECK(empty.status == 400);
  CHECK(body_of(empty).at("error").at("code") == 100);
}

TEST_CASE("Facebook likes on a post are recorded and counted",
          "[sim][facebook][integration]") {
  fb_world f;
  auto post = f.add_post("facebook", f.fan, "visitor post", "post", f.page);
  auto like = f.p("/" + post + "/likes", f.page_token, {});
  CHECK(body_of(like).at("success") == true);
  auto likes = body_of(f.g("/" + post + "/likes", f.page_token));
  CHECK(likes.at("data")[0].at("id") == f.page);
  auto fields = body_of(f.g("/" + post + "?fields=likes.summary(true),message",
                            f.page_token));
  CHECK(fields.at("likes").at("summary").at("total_count") == 1);
  auto pub = f.control_get("/published?network=facebook").at("published");
  CHECK(pub.back().at("action") == "like");
}

TEST_CASE("Facebook page posts and photos need the page token",
          "[sim][facebook][integration]") {
  fb_world f;
  auto denied = f.p("/" + f.page + "/feed", f.user_token,
                    {{"message", "hello"}});
  CHECK(denied.status == 403);
  CHECK(body_of(denied).at("error").at("code") == 200);
  auto ok = f.p("/" + f.page + "/feed", f.page_token, {{"message", "hello"}});
  REQUIRE(ok.status == 200);
  auto id = body_of(ok).at("id").get<std::string>();
  CHECK(id.rfind(f.page + "_", 0) == 0);

  std::string body = "--b0\r\nContent-Disposition: form-data; name=\"caption\""
                     "\r\n\r\nlook\r\n--b0\r\nContent-Disposition: form-data; "
                     "name=\"source\"; filename=\"p.jpg\"\r\n\r\n"
                     + std::string(2048, 'p') + "\r\n--b0--\r\n";
  socialcrm::http::header_list h;
  h.set("Content-Type", "multipart/form-data; boundary=b0");
  auto photo = f.send("POST", "/facebook/v19.0/" + f.page
                                + "/photos?access_token=" + f.page_token,
                      h, body);
  REQUIRE(photo.status == 200);
  CHECK(body_of(photo).contains("post_id"));
  auto pub = f.control_get("/published?network=facebook").at("published");
  CHECK(pub.back().at("media_bytes")[0] == 2048);
  CHECK(pub.back().at("text") == "look");
}

TEST_CASE("Facebook page conversations list messages and the page answers "
          "with POST /messages",
          "[sim][facebook][integration]") {
  fb_world f;
  f.add_post("facebook", f.fan, "do you ship to Oslo?", "dm", f.page);
  auto sent = f.post_json("/facebook/v19.0/" + f.page + "/messages?"
                                                        "access_token="
                            + f.page_token,
                          {{"recipient", {{"id", f.fan}}},
                           {"message", {{"text", "Yes we do"}}},
                           {"messaging_type", "RESPONSE"}});
  REQUIRE(sent.status == 200);
  CHECK(body_of(sent).at("recipient_id") == f.fan);
  auto convs = body_of(f.g("/" + f.page + "/conversations?fields=participants,"
                                          "messages{message,from,created_time}",
                           f.page_token));
  REQUIRE(convs.at("data").size() == 1);
  auto msgs = convs.at("data")[0].at("messages").at("data");
  REQUIRE(msgs.size() == 2);
  CHECK(msgs[0].at("message") == "Yes we do");
  CHECK(msgs[1].at("from").at("id") == f.fan);
  auto conv_id = convs.at("data")[0].at("id").get<std::string>();
  auto direct = body_of(f.g("/" + conv_id + "/messages", f.page_token));
  CHECK(direct.at("data").size() == 2);
  CHECK(f.g("/" + f.page + "/conversations", f.user_token).status == 403);
}

TEST_CASE("Facebook answers bad tokens and unknown objects with Graph error "
          "objects",
          "[sim][facebook][integration]") {
  fb_world f;
  auto bad = f.g("/me", "garbage");
  CHECK(bad.status == 400);
  auto e = body_of(bad).at("error");
  CHECK(e.at("code") == 190);
  CHECK(e.at("type") == "OAuthException");
  CHECK(e.contains("fbtrace_id"));
  CHECK(e.contains("message"));
  auto missing = body_of(f.g("/123456", f.page_token)).at("error");
  CHECK(missing.at("code") == 100);
  CHECK(missing.at("type") == "GraphMethodException");
  CHECK(f.get("/facebook/v19.0/me").status == 400);
}

TEST_CASE("Facebook takes the access token and caption of a photo as "
          "multipart fields",
          "[sim][facebook][integration]") {
  fb_world f;
  std::string body = "--b1\r\nContent-Disposition: form-data; "
                     "name=\"access_token\"\r\n\r\n"
                     + f.page_token
                     + "\r\n--b1\r\nContent-Disposition: form-data; "
                       "name=\"caption\"\r\n\r\nshop\r\n--b1\r\n"
                       "Content-Disposition: form-data; name=\"source\"; "
                       "filename=\"p.jpg\"\r\nContent-Type: image/jpeg\r\n\r\n"
                     + std::string(512, 'j') + "\r\n--b1--\r\n";
  socialcrm::http::header_list h;
  h.set("Content-Type", "multipart/form-data; boundary=b1");
  auto photo = f.send("POST", "/facebook/v19.0/" + f.page + "/photos", h, body);
  REQUIRE(photo.status == 200);
  auto pub = f.control_get("/published?network=facebook").at("published");
  CHECK(pub.back().at("external_id") == body_of(photo).at("post_id"));
  CHECK(pub.back().at("text") == "shop");
  CHECK(pub.back().at("media_bytes")[0] == 512);
}

TEST_CASE("Facebook field expansion embeds edges with their data, limit, "
          "summary and paging",
          "[sim][facebook][integration]") {
  fb_world f;
  auto post = f.add_post("facebook", f.page, "sale", "post");
  auto c1 = f.add_post("facebook", f.fan, "how long?", "comment", "", post);
  auto reply = f.add_post("facebook", f.owner, "a week", "comment", "", c1);
  auto c2 = f.add_post("facebook", f.fan, "great", "comment", "", post);

  SECTION("comments.summary(true) lists what it counts") {
    auto feed = body_of(f.g("/" + f.page + "/feed?fields=id,comments.summary"
                                           "(true)",
                            f.page_token));
    auto comments = feed.at("data")[0].at("comments");
    CHECK(comments.at("summary").at("total_count") == 2);
    REQUIRE(comments.at("data").size() == 2);
    CHECK(comments.at("data")[0].at("id") == c1);
    CHECK(comments.at("data")[0].at("message") == "how long?");
    CHECK(feed.at("data")[0].size() == 2); // id and comments only
  }
  SECTION("limit(0) counts without listing; no summary unless asked") {
    auto feed = body_of(f.g("/" + f.page + "/feed?fields=comments.limit(0)."
                                           "summary(true),created_time",
                            f.page_token));
    auto comments = feed.at("data")[0].at("comments");
    CHECK(comments.at("data").empty());
    CHECK(!comments.contains("paging"));
    CHECK(comments.at("summary").at("total_count") == 2);
    auto plain = body_of(f.g("/" + post + "?fields=comments.limit(1){id}",
                             f.page_token));
    CHECK(!plain.at("comments").contains("summary"));
    CHECK(plain.at("comments").at("data")[0] == json{{"id", c1}});
    auto next = plain.at("comments").at("paging").at("next").get<std::string>();
    CHECK(next.rfind(f.base + "/facebook/v19.0/" + post + "/comments?", 0)
          == 0);
  }
  SECTION("filter=stream adds replies, which name their parent comment") {
    auto all = body_of(f.g("/" + post + "/comments?filter=stream&fields=id,"
                                        "parent",
                           f.page_token));
    REQUIRE(all.at("data").size() == 3);
    CHECK(all.at("data")[1].at("id") == reply);
    CHECK(all.at("data")[1].at("parent").at("id") == c1);
    CHECK(!all.at("data")[0].contains("parent"));
    CHECK(all.at("data")[2].at("id") == c2);
  }
}

TEST_CASE("Facebook answers only the fields asked for, and id",
          "[sim][facebook][integration]") {
  fb_world f;
  CHECK(body_of(f.g("/me?fields=id", f.user_token)) == json{{"id", f.owner}});
  auto pages = body_of(f.g("/me/accounts?fields=name,access_token",
                           f.user_token));
  CHECK(pages.at("data")[0].size() == 3);
  CHECK(pages.at("data")[0].at("id") == f.page);
  f.add_post("facebook", f.fan, "hi", "dm", f.page);
  f.add_post("facebook", f.fan, "there?", "dm", f.page);
  auto convs = body_of(f.g("/" + f.page + "/conversations?fields=id,"
                                          "messages.limit(1){message}",
                           f.page_token));
  auto conv = convs.at("data")[0];
  CHECK(!conv.contains("updated_time"));
  CHECK(conv.at("messages").at("data")[0].size() == 2); // message and id
  CHECK(conv.at("messages").at("data")[0].at("message") == "there?");
  CHECK(conv.at("messages").at("paging").contains("next"));
}

TEST_CASE("Facebook takes the token in an OAuth Authorization header and "
          "names invalid_token in WWW-Authenticate",
          "[sim][facebook][integration]") {
  fb_world f;
  socialcrm::http::header_list h;
  h.set("Authorization", "OAuth " + f.user_token);
  auto me = f.send("GET", "/facebook/v19.0/me", h);
  CHECK(body_of(me).at("id") == f.owner);
  auto bad = f.get("/facebook/v19.0/me", "garbage");
  CHECK(bad.status == 400);
  CHECK(bad.headers.value("WWW-Authenticate")
          .rfind("OAuth \"Facebook Platform\" \"invalid_token\"", 0)
        == 0);
}
