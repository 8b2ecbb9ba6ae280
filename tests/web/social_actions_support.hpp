#pragma once

// Helpers of the social actions tests (social_actions_test.cpp): images as
// base64, the emulator's published log, our ids of ingested posts, profile
// operations, and where a post shows in the CRM view.

#include "tests/web/social_fixture.hpp"

#include <SQLiteCpp/Database.h>
#include <SQLiteCpp/Statement.h>
#include <catch2/catch.hpp>

#include <set>
#include <string>

namespace socialcrm::test::actions {

inline constexpr std::size_t mib = 1024 * 1024;

inline std::string base64(const std::string& in) {
  static constexpr char alphabet[] =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  out.reserve((in.size() + 2) / 3 * 4);
  std::size_t i = 0;
  for (; i + 2 < in.size(); i += 3) {
    auto n = (std::uint32_t(std::uint8_t(in[i])) << 16) |
             (std::uint32_t(std::uint8_t(in[i + 1])) << 8) |
             std::uint8_t(in[i + 2]);
    for (int s = 18; s >= 0; s -= 6)
      out += alphabet[(n >> s) & 63];
  }
  if (i < in.size()) {
    std::uint32_t n = std::uint32_t(std::uint8_t(in[i])) << 16;
    if (i + 1 < in.size())
      n |= std::uint32_t(std::uint8_t(in[i + 1])) << 8;
    out += alphabet[(n >> 18) & 63];
    out += alphabet[(n >> 12) & 63];
    out += i + 1 < in.size() ? alphabet[(n >> 6) & 63] : '=';
    out += '=';
  }
  return out;
}

// `bytes` bytes that start like a PNG file, as base64.
inline json png_image(std::size_t bytes) {
  std::string data = "\x89PNG\r\n\x1a\n";
  data.resize(bytes, 'p');
  return {{"data", base64(data)}, {"type", "image/png"}};
}

// The emulator's log of what the server did on `net`.
inline json published(social_env& env, const std::string& net) {
  return env.sim_get("/published?network=" + net).at("published");
}

inline std::size_t count_action(const json& list, const std::string& action) {
  std::size_t n = 0;
  for (auto& e : list)
    n += e.at("action") == action;
  return n;
}

// Our id of the post with `external_id`, once the server ingested it.
inline std::string post_id(social_env& env, const std::string& external_id) {
  std::string id;
  bool found = social_env::eventually([&] {
    SQLite::Database db(env.server().db_path(), SQLite::OPEN_READONLY);
    SQLite::Statement st(db, "SELECT id FROM posts WHERE external_id = ?");
    st.bind(1, external_id);
    if (!st.executeStep())
      return false;
    id = std::to_string(st.getColumn(0).getInt64());
    return true;
  });
  INFO("post " << external_id << " was never ingested");
  REQUIRE(found);
  return id;
}

inline api_result post_with_key(api_client& c, const json& body,
                         const std::string& key) {
  http::header_list h;
  h.set("Idempotency-Key", key);
  return c.send("POST", "/api/v1/social/posts", body, h);
}

inline std::string profile_id(social_env& env, const std::string& name) {
  auto profiles = env.admin().get("/api/v1/profiles");
  for (auto& p : profiles.body.at("items"))
    if (p.at("name") == name)
      return p.at("id").get<std::string>();
  FAIL("no profile " << name);
  return {};
}

inline void set_operations(social_env& env, const std::string& account,
                    const std::string& profile, const json& ops) {
  auto r = env.admin().send("PUT",
                            "/api/v1/social/accounts/" + account +
                              "/operations",
                            json{{profile, ops}});
  INFO(r.body.dump());
  REQUIRE(r.status / 100 == 2);
}

// The CRM view's column (customers, negotiation, leads, unknown) whose
// conversations show the post with `external_id` now; "" when none does.
inline std::string column_of(social_env& env, const std::string& external_id) {
  for (auto column : {"customers", "negotiation", "leads", "unknown"}) {
    auto r = env.admin().get(std::string("/api/v1/social/feed?column=") +
                             column + "&view=conversations&limit=200");
    if (r.status != 200)
      continue;
    for (auto& p : r.body.at("items"))
      if (p.at("external_id") == external_id)
        return column;
  }
  return "";
}

// External ids of the posts in a person's Social interactions list.
inline std::set<std::string> interactions_of(social_env& env,
                                      const std::string& path) {
  std::set<std::string> out;
  auto r = env.admin().get(path + "/social-interactions");
  if (r.status == 200)
    for (auto& p : r.body.at("items"))
      out.insert(p.at("external_id").get<std::string>());
  return out;
}

} // namespace socialcrm::test::actions
