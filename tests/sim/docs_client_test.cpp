// One flow per network driven by a deliberately plain client: raw HTTP/1.1
// text on a socket, written the way each network's documentation shows its
// requests (X's OAuth 2.0 and v2 examples, Graph's curl examples). It
// shares no code with socialcrm's HTTP client, so a shape that drifted in
// both would still be caught here.

#include "tests/sim/sim_fixture.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

using namespace socialcrm::test;

namespace {

struct raw_response {
  int status = 0;
  std::map<std::string, std::string> headers; // lower-case names
  std::string body;
};

std::string lower(std::string s) {
  for (auto& c : s)
    c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

/// Sends `text` (a whole request, Connection: close) and reads to EOF.
raw_response raw(unsigned short port, const std::string& text) {
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  REQUIRE(fd >= 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(port);
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  REQUIRE(::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0);
  std::size_t sent = 0;
  while (sent < text.size()) {
    auto n = ::write(fd, text.data() + sent, text.size() - sent);
    REQUIRE(n > 0);
    sent += static_cast<std::size_t>(n);
  }
  std::string in;
  char buf[4096];
  ssize_t n;
  while ((n = ::read(fd, buf, sizeof buf)) > 0)
    in.append(buf, static_cast<std::size_t>(n));
  ::close(fd);
  raw_response r;
  auto head_end = in.find("\r\n\r\n");
  REQUIRE(head_end != std::string::npos);
  auto head = in.substr(0, head_end);
  r.body = in.substr(head_end + 4);
  r.status = std::stoi(head.substr(9, 3));
  std::size_t pos = head.find("\r\n");
  while (pos != std::string::npos) {
    auto next = head.find("\r\n", pos + 2);
    auto line = head.substr(pos + 2, next == std::string::npos
                                       ? std::string::npos
                                       : next - pos - 2);
    auto colon = line.find(':');
    if (colon != std::string::npos)
      r.headers[lower(line.substr(0, colon))] = line.substr(colon + 2);
    pos = next;
  }
  return r;
}

std::string get_text(const std::string& target, const std::string& extra = {}) {
  return "GET " + target + " HTTP/1.1\r\nHost: api.example\r\n" + extra
         + "Connection: close\r\n\r\n";
}

std::string post_text(const std::string& target, const std::string& type,
                      const std::string& body, const std::string& extra = {}) {
  return "POST " + target + " HTTP/1.1\r\nHost: api.example\r\nContent-Type: "
         + type + "\r\nContent-Length: " + std::to_string(body.size())
         + "\r\n" + extra + "Connection: close\r\n\r\n" + body;
}

std::string query_value(const std::string& location, const std::string& key) {
  auto u = socialcrm::http::parse_url(location);
  REQUIRE(u);
  auto q = socialcrm::http::parse_query(u->query());
  auto it = q.find(key);
  REQUIRE(it != q.end());
  return it->second;
}

unsigned short port_of(const std::string& base) {
  return static_cast<unsigned short>(std::stoi(base.substr(base.rfind(':') + 1)));
}

} // namespace

TEST_CASE("an X client written from X's documentation completes OAuth 2.0 "
          "with PKCE and uses the v2 API",
          "[sim][x][docs][integration]") {
  sim_fixture f;
  auto org = f.add_user("x", "acmecorp", "pw");
  auto fan = f.add_user("x", "fan");
  f.add_post("x", fan, "@acmecorp hello there", "mention", org);
  auto port = port_of(f.base);

  // Step 1: the authorize URL, as X's guide builds it (plain challenge).
  std::string params = "response_type=code&client_id=M1M5R3BMVy13QmpScXkzTUt5OE46MTpjaQ"
                       "&redirect_uri=https%3A%2F%2Fwww.example.com&scope=tweet.read"
                       "%20users.read%20tweet.write%20offline.access"
                       "&state=state&code_challenge=challenge&code_challenge_method=plain";
  auto page = raw(port, get_text("/x/i/oauth2/authorize?" + params));
  REQUIRE(page.status == 200);
  // Step 2: the user signs in and authorizes the app.
  auto consent = raw(port, post_text("/x/i/oauth2/authorize",
                                     "application/x-www-form-urlencoded",
                                     params + "&username=acmecorp&password=pw"
                                              "&decision=allow"));
  REQUIRE(consent.status == 302);
  auto code = query_value(consent.headers["location"], "code");
  CHECK(query_value(consent.headers["location"], "state") == "state");

  // Step 3: POST oauth2/token, as the guide's curl example does.
  auto token = raw(port, post_text("/x/2/oauth2/token",
                                   "application/x-www-form-urlencoded",
                                   "code=" + code
                                     + "&grant_type=authorization_code"
                                       "&client_id=M1M5R3BMVy13QmpScXkzTUt5OE46MTpjaQ"
                                       "&redirect_uri=https%3A%2F%2Fwww.example.com"
                                       "&code_verifier=challenge"));
  REQUIRE(token.status == 200);
  auto t = json::parse(token.body);
  CHECK(t.at("token_type") == "bearer");
  CHECK(t.contains("refresh_token"));
  std::string auth = "Authorization: Bearer "
                     + t.at("access_token").get<std::string>() + "\r\n";

  // Step 4: the API, as the reference's examples call it.
  auto me = raw(port, get_text("/x/2/users/me", auth));
  REQUIRE(me.status == 200);
  CHECK(json::parse(me.body).at("data").at("username") == "acmecorp");
  CHECK(me.headers.count("x-rate-limit-remaining") == 1);
  auto mentions = raw(port, get_text("/x/2/users/" + org
                                       + "/mentions?expansions=author_id"
                                         "&tweet.fields=created_at,author_id",
                                     auth));
  auto m = json::parse(mentions.body);
  CHECK(m.at("data")[0].at("text") == "@acmecorp hello there");
  CHECK(m.at("includes").at("users")[0].at("id") == fan);
  CHECK(m.at("meta").at("result_count") == 1);
  auto created = raw(port, post_text("/x/2/tweets", "application/json",
                                     R"({"text": "Hello World!"})", auth));
  CHECK(created.status == 201);
  CHECK(json::parse(created.body).at("data").at("text") == "Hello World!");
}

TEST_CASE("a Graph client written from Facebook's documentation logs in, "
          "picks a page and posts to its feed",
          "[sim][facebook][docs][integration]") {
  sim_fixture f;
  auto owner = f.add_user("facebook", "owner", "pw");
  auto page_id = f.control("/pages", {{"network", "facebook"},
                                      {"owner_id", owner},
                                      {"name", "Acme"}})
                   .at("page_id")
                   .get<std::string>();
  auto port = port_of(f.base);

  std::string dialog = "client_id=1234567890&redirect_uri=https%3A%2F%2Fwww."
                       "domain.com%2Flogin&state=%7Bst%3Dstate123abc%7D";
  REQUIRE(raw(port, get_text("/facebook/v19.0/dialog/oauth?" + dialog)).status
          == 200);
  auto consent = raw(port, post_text("/facebook/v19.0/dialog/oauth",
                                     "application/x-www-form-urlencoded",
                                     dialog + "&username=owner&password=pw"
                                              "&decision=allow"));
  REQUIRE(consent.status == 302);
  auto code = query_value(consent.headers["location"], "code");

  auto token = raw(port, get_text("/facebook/v19.0/oauth/access_token?"
                                   "client_id=1234567890&redirect_uri=https%3A"
                                   "%2F%2Fwww.domain.com%2Flogin"
                                   "&client_secret=abc&code="
                                   + code));
  REQUIRE(token.status == 200);
  auto user_token = json::parse(token.body).at("access_token").get<std::string>();

  auto me = json::parse(raw(port, get_text("/facebook/v19.0/me?fields=id,name"
                                           "&access_token="
                                           + user_token))
                          .body);
  CHECK(me.at("id") == owner);
  auto accounts = raw(port, get_text("/facebook/v19.0/" + owner
                                     + "/accounts?access_token=" + user_token));
  REQUIRE(accounts.status == 200);
  auto a = json::parse(accounts.body).at("data")[0];
  CHECK(a.at("id") == page_id);
  auto page_token = a.at("access_token").get<std::string>();

  auto posted = raw(port, post_text("/facebook/v19.0/" + page_id
                                      + "/feed?message=Hello%20Fans!"
                                        "&access_token="
                                      + page_token,
                                    "application/x-www-form-urlencoded", ""));
  REQUIRE(posted.status == 200);
  auto post_id = json::parse(posted.body).at("id").get<std::string>();
  CHECK(posted.headers.count("x-app-usage") == 1);
  auto feed = json::parse(raw(port, get_text("/facebook/v19.0/" + page_id
                                             + "/feed?access_token="
                                             + page_token))
                            .body);
  CHECK(feed.at("data")[0].at("id") == post_id);
  CHECK(feed.at("data")[0].at("message") == "Hello Fans!");
}
