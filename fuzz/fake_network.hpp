#pragma once

// The network the connector targets talk to: fake_client.cpp replaces
// http/client.cpp in the fuzz build, and every request a connector sends
// gets the answer set here. No socket is opened.

#include "http/message.hpp"

#include <cstddef>
#include <string>

namespace socialcrm::fuzz {

/// The answer every request gets until the next call.
void set_answer(http::response r);
/// Requests sent since the last set_answer().
std::size_t requests_sent();

} // namespace socialcrm::fuzz
