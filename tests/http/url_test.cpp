#include "http/url.hpp"

#include <catch2/catch.hpp>

using namespace socialcrm::http;

TEST_CASE("url_encode keeps unreserved characters and escapes the rest",
          "[http][url]") {
  CHECK(url_encode("aZ09-._~") == "aZ09-._~");
  CHECK(url_encode("a b&c=d/é") == "a%20b%26c%3Dd%2F%C3%A9");
  CHECK(url_decode(url_encode("x y+z%")) == "x y+z%");
}

TEST_CASE("url_decode turns plus into space only when asked and keeps "
          "malformed escapes",
          "[http][url]") {
  CHECK(url_decode("a+b%20c") == "a b c");
  CHECK(url_decode("a+b", false) == "a+b");
  CHECK(url_decode("100%") == "100%");
  CHECK(url_decode("%zz%4") == "%zz%4");
}

TEST_CASE("parse_query decodes pairs, repeated keys and bare keys",
          "[http][url]") {
  auto q = parse_query("types%5B%5D=mention&types[]=dm&flag&q=a+b&&x=");
  CHECK(q.count("types[]") == 2);
  CHECK(q.find("flag")->second.empty());
  CHECK(q.find("q")->second == "a b");
  CHECK(q.find("x")->second.empty());
  CHECK(parse_query("").empty());
  CHECK(build_query({{"a b", "c&d"}, {"e", ""}}) == "a%20b=c%26d&e=");
}

TEST_CASE("parse_url splits scheme, host, port and target", "[http][url]") {
  auto u = parse_url("http://127.0.0.1:8080/x/2/users/me?a=1#frag");
  REQUIRE(u);
  CHECK(u->scheme == "http");
  CHECK(u->host == "127.0.0.1");
  CHECK(u->port == 8080);
  CHECK(u->target == "/x/2/users/me?a=1");
  CHECK(u->path() == "/x/2/users/me");
  CHECK(u->query() == "a=1");
  CHECK(u->origin() == "http://127.0.0.1:8080");

  SECTION("default ports and empty paths") {
    auto h = parse_url("HTTPS://graph.facebook.com");
    REQUIRE(h);
    CHECK(h->port == 443);
    CHECK(h->target == "/");
    CHECK(h->origin() == "https://graph.facebook.com");
    CHECK(parse_url("http://host?x=1")->target == "/?x=1");
  }
  SECTION("IPv6 literals") {
    auto v6 = parse_url("http://[::1]:9000/p");
    REQUIRE(v6);
    CHECK(v6->host == "::1");
    CHECK(v6->port == 9000);
  }
  SECTION("what is not an absolute http(s) URL") {
    CHECK(!parse_url("ftp://x/"));
    CHECK(!parse_url("/relative"));
    CHECK(!parse_url("http://"));
    CHECK(!parse_url("http://h:99999/"));
    CHECK(!parse_url("http://h:12a/"));
  }
}
