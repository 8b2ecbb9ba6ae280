#include "web/codecs.hpp"
#include "web/ids.hpp"
#include "web/json_body.hpp"
#include "web/limits.hpp"

#include <catch2/catch.hpp>

using namespace socialcrm;
using namespace socialcrm::web;

TEST_CASE("JSON bodies nesting deeper than the limit are refused before "
          "they are built",
          "[web][json]") {
  std::string deep(100000, '[');
  auto r = parse_json(deep + std::string(100000, ']'), 32);
  REQUIRE_FALSE(r);
  CHECK(r.error().code == "json_too_deep");
  std::string ok = std::string(32, '[') + std::string(32, ']');
  CHECK(parse_json(ok, 32));
  CHECK_FALSE(parse_json("[" + ok + "]", 32));
}

TEST_CASE("malformed JSON is refused with a code naming the problem",
          "[web][json]") {
  for (auto text : {"{", "{\"a\":}", "", "nul", "{\"a\":1}x", "\"\xff\""}) {
    INFO(text);
    auto r = parse_json(text, 32);
    REQUIRE_FALSE(r);
    CHECK(r.error().code == "malformed_json");
  }
}

TEST_CASE("the field reader checks types, lengths, choices and unknown "
          "fields",
          "[web][json]") {
  auto decode = [](const char* text) {
    return decode_person(*parse_json(text, 32), decode_mode::create);
  };
  CHECK(decode(R"({"last_name":"Lovelace","first_name":"Ada"})"));
  CHECK(decode(R"({"first_name":"Ada"})").error().code == "missing_field");
  CHECK(decode(R"({"last_name":42})").error().code == "wrong_type");
  CHECK(decode(R"({"last_name":"  "})").error().code == "invalid_value");
  CHECK(decode(R"({"last_name":"x","colour":"red"})").error().code ==
        "unknown_field");
  CHECK(decode(R"([1,2])").error().code == "expected_object");
  std::string long_name(max_name_length + 1, 'a');
  CHECK(
      decode(("{\"last_name\":\"" + long_name + "\"}").c_str()).error().code ==
      "string_too_long");
}

TEST_CASE("a PATCH names exactly the fields it changes", "[web][json]") {
  auto p = decode_person(*parse_json(R"({"company":"ACME"})", 32),
                         decode_mode::patch);
  REQUIRE(p);
  CHECK(p->changed == std::vector<std::string>{"company"});
  auto empty = decode_person(*parse_json("{}", 32), decode_mode::patch);
  CHECK(empty.error().code == "missing_field");
}

TEST_CASE("deal amounts, stages and ids are checked", "[web][json]") {
  auto deal = [](const char* text) {
    return decode_deal(*parse_json(text, 32), decode_mode::create);
  };
  auto ok =
      deal(R"({"contact_id":"7","name":"D","amount":12.34,"stage":"won"})");
  REQUIRE(ok);
  CHECK(ok->contact_id == 7);
  CHECK(ok->amount_cents == 1234);
  CHECK(ok->stage == deal_stage::won);
  CHECK(deal(R"({"contact_id":7,"name":"D"})"));
  CHECK(deal(R"({"contact_id":"x","name":"D"})").error().code ==
        "invalid_value");
  CHECK(deal(R"({"contact_id":"1","name":"D","amount":-1})").error().code ==
        "invalid_value");
  CHECK(deal(R"({"contact_id":"1","name":"D","amount":1e300})").error().code ==
        "invalid_value");
  CHECK(deal(R"({"contact_id":"1","name":"D","stage":"maybe"})").error().code ==
        "invalid_value");
  CHECK(deal(R"({"contact_id":true,"name":"D"})").error().code == "wrong_type");
}

TEST_CASE("an id has one spelling: canonical decimal from 1 to INT64_MAX",
          "[web][json][ids]") {
  CHECK(parse_id("1") == 1);
  CHECK(parse_id("42") == 42);
  CHECK(parse_id("9223372036854775807") == INT64_MAX);
  for (auto s : {"", "0", "01", "00", "+1", "-1", " 1", "1 ", "1.0", "1e3",
                 "0x1", "1a", "١", "9223372036854775808",
                 "99999999999999999999999"}) {
    INFO(s);
    CHECK_FALSE(parse_id(s));
  }
  auto deal = [](const std::string& id) {
    return decode_deal(
        *parse_json(R"({"name":"D","contact_id":)" + id + "}", 32),
        decode_mode::create);
  };
  CHECK(deal(R"("7")")->contact_id == 7);
  for (auto id : {R"("07")", R"("+7")", R"(" 7")", R"("7.0")", R"("7e0")"}) {
    INFO(id);
    CHECK(deal(id).error().code == "invalid_value");
  }
  for (auto id : {"7.0", "7e0", "7.5"}) {
    INFO(id);
    CHECK(deal(id).error().code == "wrong_type");
  }
}
