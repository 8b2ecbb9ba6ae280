#include "tests/sim/sim_fixture.hpp"

using namespace socialcrm::test;
namespace http = socialcrm::http;

namespace {

/// A multipart/form-data body, as `curl -F name=value` sends one.
struct multipart {
  std::string boundary = "----socialcrm-test-boundary";
  std::string body;
  multipart& field(const std::string& name, const std::string& value,
                   const std::string& filename = {},
                   const std::string& type = {}) {
    body += "--" + boundary + "\r\nContent-Disposition: form-data; name=\""
            + name + "\"";
    if (!filename.empty())
      body += "; filename=\"" + filename + "\"\r\nContent-Type: " + type;
    body += "\r\n\r\n" + value + "\r\n";
    return *this;
  }
  std::string content_type() const {
    return "multipart/form-data; boundary=" + boundary;
  }
  std::string finish() const { return body + "--" + boundary + "--\r\n"; }
};

struct mastodon_world : sim_fixture {
  std::string org = add_user("mastodon", "acme");
  std::string fan = add_user("mastodon", "fan");
  std::string tok = token_for("mastodon", org);
  std::string fan_tok = token_for("mastodon", fan);

  http::response post_status(const std::vector<std::pair<std::string,
                                                         std::string>>& form,
                             const std::string& bearer,
                             const std::string& idempotency = {}) {
    http::header_list h;
    h.set("Authorization", "Bearer " + bearer);
    if (!idempotency.empty())
      h.set("Idempotency-Key", idempotency);
    return post_form("/mastodon/api/v1/statuses", form, h);
  }

  /// Registers an app and walks the authorize page as `handle`.
  json register_app(const std::string& redirect) {
    auto r = post_form("/mastodon/api/v1/apps",
                       {{"client_name", "socialcrm"},
                        {"redirect_uris", redirect},
                        {"scopes", "read write"}});
    REQUIRE(r.status == 200);
    return body_of(r);
  }
};

/// Parses `Link: <url>; rel="next", <url>; rel="prev"` into rel -> path
/// (after the emulator's base URL).
std::map<std::string, std::string> links(const http::response& r,
                                         const std::string& base) {
  std::map<std::string, std::string> out;
  std::string v = r.headers.value("Link");
  std::size_t pos = 0;
  while ((pos = v.find('<', pos)) != std::string::npos) {
    auto end = v.find('>', pos);
    auto rel = v.find("rel=\"", end);
    auto rel_end = v.find('"', rel + 5);
    out[v.substr(rel + 5, rel_end - rel - 5)] =
      v.substr(pos + 1 + base.size(), end - pos - 1 - base.size());
    pos = rel_end;
  }
  return out;
}

} // namespace

TEST_CASE("Mastodon OAuth registers an app, signs the user in on the "
          "authorize page and trades the code for a token",
          "[sim][mastodon][integration]") {
  mastodon_world f;
  auto app = f.register_app("https://crm.example/callback");
  CHECK(app.at("name") == "socialcrm");
  CHECK(app.at("scopes") == json::array({"read", "write"}));
  CHECK(app.at("redirect_uris") == json::array({"https://crm.example/callback"}));
  // A 4.3.0 CredentialApplication: with the deprecated vapid_key, without
  // client_secret_expires_at (4.4.0).
  CHECK(app.at("id").is_string());
  CHECK(app.at("vapid_key").get<std::string>().size() == 88);
  CHECK_FALSE(app.contains("client_secret_expires_at"));
  std::string client_id = app.at("client_id"), secret = app.at("client_secret");

  auto page = f.get("/mastodon/oauth/authorize?response_type=code&client_id="
                    + client_id
                    + "&redirect_uri=https%3A%2F%2Fcrm.example%2Fcallback"
                      "&scope=read+write&state=xyz");
  REQUIRE(page.status == 200);
  CHECK(page.body.find("<form") != std::string::npos);

  std::vector<std::pair<std::string, std::string>> form = {
    {"response_type", "code"}, {"client_id", client_id},
    {"redirect_uri", "https://crm.example/callback"},
    {"scope", "read write"},   {"state", "xyz"},
    {"username", "acme"},      {"password", "wrong"},
    {"decision", "allow"}};
  auto wrong = f.post_form("/mastodon/oauth/authorize", form);
  CHECK(wrong.status == 200); // the page again, with an error
  form[6].second = "secret";
  auto consent = f.post_form("/mastodon/oauth/authorize", form);
  REQUIRE(consent.status == 302);
  auto q = location_query(consent);
  CHECK(q.find("state")->second == "xyz");
  std::string code = q.find("code")->second;

  auto bad_client = body_of(f.post_form(
    "/mastodon/oauth/token", {{"grant_type", "authorization_code"},
                              {"code", code},
                              {"client_id", client_id},
                              {"client_secret", "nope"},
                              {"redirect_uri", "https://crm.example/callback"}}));
  CHECK(bad_client.at("error") == "invalid_client");

  auto tok = f.post_form("/mastodon/oauth/token",
                         {{"grant_type", "authorization_code"},
                          {"code", code},
                          {"client_id", client_id},
                          {"client_secret", secret},
                          {"redirect_uri", "https://crm.example/callback"}});
  REQUIRE(tok.status == 200);
  auto t = body_of(tok);
  CHECK(t.at("token_type") == "Bearer");
  CHECK(t.at("scope") == "read write");
  CHECK(t.at("created_at").is_number());
  std::string access = t.at("access_token");

  auto me = body_of(f.get("/mastodon/api/v1/accounts/verify_credentials",
                          access));
  CHECK(me.at("id") == f.org);
  CHECK(me.at("username") == "acme");
  CHECK(me.at("acct") == "acme");
  CHECK(me.contains("source"));

  SECTION("a code works once") {
    auto again = f.post_form("/mastodon/oauth/token",
                             {{"grant_type", "authorization_code"},
                              {"code", code},
                              {"client_id", client_id},
                              {"client_secret", secret},
                              {"redirect_uri", "https://crm.example/callback"}});
    CHECK(again.status == 400);
    CHECK(body_of(again).at("error") == "invalid_grant");
  }
  SECTION("scopes outside the app's are refused at the authorize step") {
    auto r = f.get("/mastodon/oauth/authorize?response_type=code&client_id="
                   + client_id
                   + "&redirect_uri=https%3A%2F%2Fcrm.example%2Fcallback"
                     "&scope=admin%3Aread&state=s");
    REQUIRE(r.status == 302);
    CHECK(location_query(r).find("error")->second == "invalid_scope");
  }
  SECTION("revoking the token ends it") {
    auto r = f.post_form("/mastodon/oauth/revoke", {{"client_id", client_id},
                                                    {"client_secret", secret},
                                                    {"token", access}});
    CHECK(r.status == 200);
    auto after = f.get("/mastodon/api/v1/accounts/verify_credentials", access);
    CHECK(after.status == 401);
    CHECK(body_of(after).at("error") == "The access token was revoked");
  }
}

TEST_CASE("Mastodon answers bad tokens, unknown records and app tokens with "
          "its own error bodies",
          "[sim][mastodon][integration]") {
  mastodon_world f;
  auto none = f.get("/mastodon/api/v1/accounts/verify_credentials");
  CHECK(none.status == 401);
  CHECK(body_of(none) == json{{"error", "The access token is invalid"}});
  auto bad = f.get("/mastodon/api/v1/notifications", "not-a-token");
  CHECK(bad.status == 401);
  CHECK(body_of(f.get("/mastodon/api/v1/statuses/1", f.tok))
        == json{{"error", "Record not found"}});
  CHECK(f.get("/mastodon/api/v1/accounts/lookup?acct=nobody").status == 404);

  auto app = f.register_app("urn:ietf:wg:oauth:2.0:oob");
  auto app_tok = body_of(f.post_form(
    "/mastodon/oauth/token", {{"grant_type", "client_credentials"},
                              {"client_id", app.at("client_id")},
                              {"client_secret", app.at("client_secret")},
                              {"redirect_uri", "urn:ietf:wg:oauth:2.0:oob"}}));
  std::string app_access = app_tok.at("access_token");
  CHECK(body_of(f.get("/mastodon/api/v1/apps/verify_credentials", app_access))
          .at("name")
        == "socialcrm");
  auto user_only = f.get("/mastodon/api/v1/notifications", app_access);
  CHECK(user_only.status == 422);
  CHECK(body_of(user_only).at("error")
        == "This method requires an authenticated user");

  auto missing = f.post_form("/mastodon/api/v1/apps",
                             {{"redirect_uris", "https://x.example/cb"}});
  CHECK(missing.status == 422);
  CHECK(body_of(missing).at("error")
        == "Validation failed: Application name can't be blank");
}

TEST_CASE("Mastodon notifications filter by types[] and page with Link "
          "headers, max_id, since_id and min_id",
          "[sim][mastodon][integration]") {
  mastodon_world f;
  std::vector<std::string> statuses;
  for (int i = 0; i < 5; ++i)
    statuses.push_back(f.add_post("mastodon", f.fan,
                                  "@acme hello " + std::to_string(i),
                                  "mention", f.org));
  f.add_post("mastodon", f.fan, "unrelated", "post");
  // A favourite of one of acme's statuses by fan: not a mention.
  auto own = f.add_post("mastodon", f.org, "our news", "post");
  CHECK(f.post_form("/mastodon/api/v1/statuses/" + own + "/favourite", {},
                    [&] {
                      http::header_list h;
                      h.set("Authorization", "Bearer " + f.fan_tok);
                      return h;
                    }())
          .status
        == 200);

  auto all = body_of(f.get("/mastodon/api/v1/notifications", f.tok));
  CHECK(all.size() == 6);
  CHECK(all[0].at("type") == "favourite");
  // Favourites of one status group by status and hour; mentions do not.
  auto group = all[0].at("group_key").get<std::string>();
  CHECK(group.rfind("favourite-" + own + "-", 0) == 0);
  CHECK(all[1].at("group_key") == "ungrouped-" + all[1].at("id").get<std::string>());

  auto first = f.get("/mastodon/api/v1/notifications?types[]=mention&limit=2",
                     f.tok);
  auto page1 = body_of(first);
  REQUIRE(page1.size() == 2);
  CHECK(page1[0].at("type") == "mention");
  CHECK(page1[0].at("status").at("id") == statuses[4]);
  CHECK(page1[0].at("account").at("id") == f.fan);
  CHECK(page1[0].at("status").at("mentions")[0].at("acct") == "acme");
  auto l = links(first, f.base + "/mastodon");
  REQUIRE(l.count("next") == 1);
  REQUIRE(l.count("prev") == 1);
  CHECK(l["next"].find("max_id=" + page1[1].at("id").get<std::string>())
        != std::string::npos);
  CHECK(l["next"].find("types%5B%5D=mention") != std::string::npos);

  auto second = f.get("/mastodon" + l["next"], f.tok);
  auto page2 = body_of(second);
  REQUIRE(page2.size() == 2);
  CHECK(page2[0].at("status").at("id") == statuses[2]);
  auto third = body_of(f.get("/mastodon" + links(second, f.base + "/mastodon")["next"],
                             f.tok));
  CHECK(third.size() == 1);

  std::string oldest = third[0].at("id");
  auto since = body_of(f.get(
    "/mastodon/api/v1/notifications?types[]=mention&since_id=" + oldest, f.tok));
  CHECK(since.size() == 4);
  auto min = body_of(f.get("/mastodon/api/v1/notifications?types[]=mention"
                           "&limit=2&min_id=" + oldest,
                           f.tok));
  REQUIRE(min.size() == 2); // the two just above min_id, newest first
  CHECK(min[0].at("status").at("id") == statuses[2]);
  CHECK(min[1].at("status").at("id") == statuses[1]);
  auto excluded = body_of(f.get(
    "/mastodon/api/v1/notifications?exclude_types[]=mention", f.tok));
  CHECK(excluded.size() == 1);
}

TEST_CASE("Mastodon account lookup, account statuses and search answer in "
          "the documented shapes",
          "[sim][mastodon][integration]") {
  mastodon_world f;
  std::vector<std::string> ids;
  for (int i = 0; i < 3; ++i)
    ids.push_back(f.add_post("mastodon", f.fan,
                             "pricing question " + std::to_string(i), "post"));
  auto lookup = body_of(f.get("/mastodon/api/v1/accounts/lookup?acct=fan"));
  CHECK(lookup.at("id") == f.fan);
  CHECK(lookup.at("statuses_count") == 3);
  CHECK(lookup.at("url") == f.base + "/mastodon/@fan");
  CHECK(lookup.at("indexable") == true);
  CHECK(lookup.at("roles") == json::array());

  auto me = body_of(f.get("/mastodon/api/v1/accounts/verify_credentials",
                          f.tok));
  CHECK(me.at("source").at("language").is_null());
  CHECK(me.at("source").at("indexable") == true);
  CHECK(me.at("role").at("permissions") == "65536");

  auto r = f.get("/mastodon/api/v1/accounts/" + f.fan + "/statuses?limit=2");
  auto page = body_of(r);
  REQUIRE(page.size() == 2);
  CHECK(page[0].at("id") == ids[2]);
  CHECK(page[0].at("content") == "<p>pricing question 2</p>");
  CHECK(page[0].at("visibility") == "public");
  CHECK(page[0].at("account").at("username") == "fan");
  auto next = links(r, f.base + "/mastodon")["next"];
  auto rest = body_of(f.get("/mastodon" + next));
  REQUIRE(rest.size() == 1);
  CHECK(rest[0].at("id") == ids[0]);
  CHECK(f.get("/mastodon/api/v1/accounts/999/statuses").status == 404);

  auto found = body_of(f.get("/mastodon/api/v2/search?q=PRICING+question&"
                             "type=statuses&limit=2",
                             f.tok));
  CHECK(found.at("accounts").empty());
  REQUIRE(found.at("statuses").size() == 2);
  CHECK(found.at("statuses")[0].at("id") == ids[2]);
  auto older = body_of(f.get("/mastodon/api/v2/search?q=pricing&type=statuses"
                             "&max_id=" + ids[1],
                             f.tok));
  CHECK(older.at("statuses").size() == 1);
  auto accounts = body_of(f.get("/mastodon/api/v2/search?q=fan&type=accounts",
                                f.tok));
  CHECK(accounts.at("accounts")[0].at("id") == f.fan);
  CHECK(f.get("/mastodon/api/v2/search", f.tok).status == 400);
  CHECK(f.get("/mastodon/api/v2/search?q=x&offset=5").status == 401);
}

TEST_CASE("Mastodon POST statuses honours Idempotency-Key: the same key "
          "and token give the same status, posted once",
          "[sim][mastodon][integration]") {
  mastodon_world f;
  auto a = body_of(f.post_status({{"status", "Hello from the CRM"}}, f.tok,
                                 "key-1"));
  auto b = body_of(f.post_status({{"status", "Hello from the CRM"}}, f.tok,
                                 "key-1"));
  CHECK(a.at("id") == b.at("id"));
  auto c = body_of(f.post_status({{"status", "Hello from the CRM"}}, f.tok,
                                 "key-2"));
  CHECK(c.at("id") != a.at("id"));
  auto published = f.control_get("/published?network=mastodon").at("published");
  CHECK(published.size() == 2);
  CHECK(published[0].at("action") == "post");
  CHECK(published[0].at("external_id") == a.at("id"));
  // A key is the account's: another account with the same key posts anew.
  auto other = body_of(f.post_status({{"status", "Hello"}}, f.fan_tok, "key-1"));
  CHECK(other.at("id") != a.at("id"));
}

TEST_CASE("Mastodon statuses: the 500-character limit, replies, direct "
          "messages and conversations",
          "[sim][mastodon][integration]") {
  mastodon_world f;
  auto too_long = f.post_status({{"status", std::string(501, 'a')}}, f.tok);
  CHECK(too_long.status == 422);
  CHECK(body_of(too_long).at("error")
        == "Validation failed: Text character limit of 500 exceeded");
  // 500 characters of multi-byte text are fine; URLs count 23 each.
  std::string accents;
  for (int i = 0; i < 500; ++i)
    accents += "é";
  CHECK(f.post_status({{"status", accents}}, f.tok).status == 200);
  CHECK(f.post_status({{"status", std::string(470, 'a') + " https://example.com/"
                                    + std::string(100, 'p')}},
                      f.tok)
          .status
        == 200);
  auto blank = f.post_status({{"status", "  "}}, f.tok);
  CHECK(blank.status == 422);
  CHECK(body_of(blank).at("error") == "Validation failed: Text can't be blank");
  CHECK(f.post_status({{"status", "x"}, {"visibility", "secret"}}, f.tok).status
        == 422);

  auto question = f.add_post("mastodon", f.fan, "@acme help?", "mention", f.org);
  auto reply = body_of(f.post_status(
    {{"status", "@fan sure"}, {"in_reply_to_id", question}}, f.tok));
  CHECK(reply.at("in_reply_to_id") == question);
  CHECK(reply.at("in_reply_to_account_id") == f.fan);

  auto dm = body_of(f.post_status(
    {{"status", "@fan private details"}, {"visibility", "direct"}}, f.tok));
  CHECK(dm.at("visibility") == "direct");
  f.add_post("mastodon", f.fan, "@acme thanks", "dm", f.org);
  auto published = f.control_get("/published?network=mastodon").at("published");
  CHECK(published.back().at("action") == "message");
  CHECK(published.back().at("target_id") == f.fan);
  CHECK(published[published.size() - 2].at("action") == "reply");

  auto convs = f.get("/mastodon/api/v1/conversations?limit=1", f.tok);
  auto list = body_of(convs);
  REQUIRE(list.size() == 1);
  CHECK(list[0].at("accounts")[0].at("id") == f.fan);
  CHECK(list[0].at("last_status").at("content") == "<p>@acme thanks</p>");
  CHECK(list[0].at("unread") == true);
  CHECK(!convs.headers.value("Link").empty());
  // Direct statuses stay out of public timelines and search.
  auto timeline = body_of(f.get("/mastodon/api/v1/accounts/" + f.org
                                + "/statuses"));
  for (const auto& s : timeline)
    CHECK(s.at("visibility") != "direct");
  CHECK(f.get("/mastodon/api/v1/statuses/" + dm.at("id").get<std::string>())
          .status
        == 404);
}

TEST_CASE("Mastodon favourite and reblog act once and answer the status",
          "[sim][mastodon][integration]") {
  mastodon_world f;
  auto s = f.add_post("mastodon", f.fan, "great product", "post");
  http::header_list h;
  h.set("Authorization", "Bearer " + f.tok);
  auto fav = body_of(f.post_form("/mastodon/api/v1/statuses/" + s + "/favourite",
                                 {}, h));
  CHECK(fav.at("favourited") == true);
  CHECK(fav.at("favourites_count") == 1);
  f.post_form("/mastodon/api/v1/statuses/" + s + "/favourite", {}, h);
  auto boost = body_of(f.post_form("/mastodon/api/v1/statuses/" + s + "/reblog",
                                   {}, h));
  CHECK(boost.at("reblog").at("id") == s);
  CHECK(boost.at("account").at("id") == f.org);
  CHECK(boost.at("id") != s);
  auto again = body_of(f.post_form("/mastodon/api/v1/statuses/" + s + "/reblog",
                                   {}, h));
  CHECK(again.at("id") == boost.at("id"));
  auto published = f.control_get("/published?network=mastodon").at("published");
  REQUIRE(published.size() == 2);
  CHECK(published[0].at("action") == "like");
  CHECK(published[0].at("target_id") == s);
  CHECK(published[1].at("action") == "repost");
  CHECK(f.post_form("/mastodon/api/v1/statuses/404/favourite", {}, h).status
        == 404);
  // The author is notified of each: two notifications about one status.
  auto notes = body_of(f.get("/mastodon/api/v1/notifications", f.fan_tok));
  REQUIRE(notes.size() == 2);
  CHECK(notes[0].at("type") == "reblog");
  CHECK(notes[1].at("type") == "favourite");
  CHECK(notes[0].at("group_key").get<std::string>().rfind("reblog-" + s, 0)
        == 0);
}

TEST_CASE("Mastodon X-RateLimit headers count down and a spent window "
          "answers 429",
          "[sim][mastodon][integration]") {
  mastodon_world f;
  f.control("/limits", {{"network", "mastodon"}, {"limit", 3},
                        {"window_s", 3600}});
  std::vector<std::string> remaining;
  for (int i = 0; i < 3; ++i) {
    auto r = f.get("/mastodon/api/v1/accounts/verify_credentials", f.tok);
    CHECK(r.status == 200);
    CHECK(r.headers.value("X-RateLimit-Limit") == "3");
    remaining.push_back(r.headers.value("X-RateLimit-Remaining"));
    auto reset = r.headers.value("X-RateLimit-Reset");
    CHECK(reset.size() == 27); // 2024-01-01T00:00:00.000000Z
    CHECK(reset.back() == 'Z');
  }
  CHECK(remaining == std::vector<std::string>{"2", "1", "0"});
  auto spent = f.get("/mastodon/api/v1/accounts/verify_credentials", f.tok);
  CHECK(spent.status == 429);
  CHECK(body_of(spent) == json{{"error", "Too many requests"}});
  CHECK(spent.headers.value("X-RateLimit-Remaining") == "0");
  CHECK(f.stats("mastodon").at("rate_limit_violations") == 1);
  // Another token has its own window.
  CHECK(f.get("/mastodon/api/v1/accounts/verify_credentials", f.fan_tok).status
        == 200);
  // The window restarts on the simulated clock.
  f.control("/clock", {{"advance_s", 3601}});
  CHECK(f.get("/mastodon/api/v1/accounts/verify_credentials", f.tok).status
        == 200);
}

TEST_CASE("Mastodon media upload attaches to a status",
          "[sim][mastodon][integration]") {
  mastodon_world f;
  multipart m;
  m.field("file", std::string(2048, 'x'), "cat.png", "image/png");
  http::header_list h;
  h.set("Authorization", "Bearer " + f.tok);
  h.set("Content-Type", m.content_type());
  auto up = f.send("POST", "/mastodon/api/v2/media", h, m.finish());
  REQUIRE(up.status == 200);
  auto media = body_of(up);
  CHECK(media.at("type") == "image");
  CHECK(media.at("description").is_null()); // no alternative text given
  // Clients poll GET /api/v1/media/:id until the url is set.
  auto polled = body_of(f.get("/mastodon/api/v1/media/"
                                + media.at("id").get<std::string>(),
                              f.tok));
  CHECK(polled.at("url") == media.at("url"));
  auto s = body_of(f.post_status({{"status", "look"},
                                  {"media_ids[]", media.at("id")}},
                                 f.tok));
  CHECK(s.at("media_attachments")[0].at("id") == media.at("id"));
  auto published = f.control_get("/published?network=mastodon").at("published");
  CHECK(published.back().at("media_bytes") == json::array({2048}));
}

TEST_CASE("Mastodon works the way its getting-started guide shows: curl -F "
          "app, out-of-band code, token, verify_credentials, post",
          "[sim][mastodon][integration]") {
  // docs.joinmastodon.org/client/token and /client/authorized, request by
  // request, with multipart bodies as `curl -F` sends them.
  sim_fixture f;
  f.add_user("mastodon", "docs_user", "hunter2");
  multipart app;
  app.field("client_name", "Test Application")
    .field("redirect_uris", "urn:ietf:wg:oauth:2.0:oob")
    .field("scopes", "read write push")
    .field("website", "https://myapp.example");
  http::header_list h;
  h.set("Content-Type", app.content_type());
  auto created = body_of(f.send("POST", "/mastodon/api/v1/apps", h, app.finish()));
  std::string client_id = created.at("client_id");
  std::string secret = created.at("client_secret");
  CHECK(created.at("redirect_uri") == "urn:ietf:wg:oauth:2.0:oob");

  // App-level token first (client credentials), then the user flow.
  multipart cc;
  cc.field("client_id", client_id)
    .field("client_secret", secret)
    .field("redirect_uri", "urn:ietf:wg:oauth:2.0:oob")
    .field("grant_type", "client_credentials");
  h.set("Content-Type", cc.content_type());
  auto app_token = body_of(f.send("POST", "/mastodon/oauth/token", h,
                                  cc.finish()));
  CHECK(app_token.at("scope") == "read");
  CHECK(f.get("/mastodon/api/v1/apps/verify_credentials",
              app_token.at("access_token"))
          .status
        == 200);

  auto page = f.get("/mastodon/oauth/authorize?client_id=" + client_id
                    + "&scope=read+write+push"
                      "&redirect_uri=urn:ietf:wg:oauth:2.0:oob"
                      "&response_type=code");
  REQUIRE(page.status == 200);
  // The user signs in on the page and authorizes; the form carries the
  // request in hidden fields.
  auto value_of = [&](const std::string& name) {
    auto at = page.body.find("name=\"" + name + "\" value=\"");
    REQUIRE(at != std::string::npos);
    at += name.size() + 15;
    return page.body.substr(at, page.body.find('"', at) - at);
  };
  auto consent = f.post_form("/mastodon/oauth/authorize",
                             {{"response_type", "code"},
                              {"client_id", client_id},
                              {"redirect_uri", value_of("redirect_uri")},
                              {"scope", value_of("scope")},
                              {"username", "docs_user"},
                              {"password", "hunter2"},
                              {"decision", "allow"}});
  REQUIRE(consent.status == 302);
  auto native = consent.headers.value("Location");
  REQUIRE(native.rfind(f.base + "/mastodon/oauth/authorize/native?code=", 0) == 0);
  auto shown = f.get(native.substr(f.base.size()));
  auto at = shown.body.find("class=\"oauth-code\" readonly type=\"text\" value=\"");
  REQUIRE(at != std::string::npos);
  at += 47;
  std::string code = shown.body.substr(at, shown.body.find('"', at) - at);

  multipart tok;
  tok.field("client_id", client_id)
    .field("client_secret", secret)
    .field("redirect_uri", "urn:ietf:wg:oauth:2.0:oob")
    .field("grant_type", "authorization_code")
    .field("code", code)
    .field("scope", "read write push");
  h.set("Content-Type", tok.content_type());
  auto token = body_of(f.send("POST", "/mastodon/oauth/token", h, tok.finish()));
  std::string access = token.at("access_token");
  CHECK(token.at("scope") == "read write push");

  auto me = body_of(f.get("/mastodon/api/v1/accounts/verify_credentials",
                          access));
  CHECK(me.at("username") == "docs_user");
  CHECK(me.at("source").at("privacy") == "public");

  multipart status;
  status.field("status", "Hello from the docs");
  http::header_list ph;
  ph.set("Authorization", "Bearer " + access);
  ph.set("Content-Type", status.content_type());
  auto posted = body_of(f.send("POST", "/mastodon/api/v1/statuses", ph,
                               status.finish()));
  CHECK(posted.at("content") == "<p>Hello from the docs</p>");
  CHECK(posted.at("application").at("name") == "Test Application");
  CHECK(posted.at("account").at("username") == "docs_user");
  auto instance = body_of(f.get("/mastodon/api/v2/instance"));
  CHECK(instance.at("configuration").at("statuses").at("max_characters") == 500);
}
