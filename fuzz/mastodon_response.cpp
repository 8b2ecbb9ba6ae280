// The mastodon connector's decoding of what the network answers
// (fuzz/connector_target.hpp).
#include "fuzz/connector_target.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data,
                                      std::size_t size) {
  socialcrm::fuzz::run_connector(socialcrm::network::mastodon, data, size);
  return 0;
}
