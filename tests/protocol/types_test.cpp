#include "protocol/types.hpp"

#include <catch2/catch.hpp>

using namespace socialcrm;

TEST_CASE("public enum names round-trip and unknown names are refused",
          "[types]") {
  for (auto net : all_networks)
    CHECK(parse_network(to_string(net)) == net);
  CHECK(parse_network("myspace") == std::nullopt);
  CHECK(parse_post_kind("repost") == post_kind::repost);
  CHECK(parse_post_kind("") == std::nullopt);
  CHECK(parse_standing("negotiation") == standing::negotiation);
  CHECK(parse_deal_stage("won") == deal_stage::won);
  CHECK(parse_negotiation_filter("top10") == negotiation_filter::top10);
  CHECK(parse_negotiation_filter("") == std::nullopt);
}
