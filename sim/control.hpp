#pragma once

// The /_sim control API (API.md, "Emulator"): create users, pages, tokens
// and items, read what the app published, queue faults, drive traffic,
// read stats, and move the simulated clock.

#include "http/message.hpp"

namespace socialcrm::sim {

class world;
class traffic_generator;

/// Answers one request under /_sim; `path` is what follows "/_sim".
/// Called with the world locked. Errors are
/// {"error":{"code":"snake_case","message":"..."}} with a 4xx status.
http::response handle_control(const http::request& req,
                              const std::string& path, world& w,
                              traffic_generator& traffic);

} // namespace socialcrm::sim
