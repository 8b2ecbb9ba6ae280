#pragma once

// A real `socialcrm sim` process, a data directory whose accounts and
// columns are written through the storage layer (as the web API will), and
// a real `socialcrm serve` process polling the emulator.

#include "http/client.hpp"
#include "storage/account_repository.hpp"
#include "storage/column_repository.hpp"
#include "storage/database.hpp"
#include "storage/people_repository.hpp"
#include "storage/secret_box.hpp"
#include "tests/support/child_process.hpp"
#include "tests/support/temp_dir.hpp"

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include <chrono>
#include <filesystem>
#include <map>
#include <memory>
#include <thread>

namespace socialcrm::test {

using nlohmann::json;

struct ingest_env {
  temp_dir dir;
  std::string data = dir.file("data");
  std::string db_path = data + "/socialcrm.db";
  std::unique_ptr<child_process> sim;
  std::string sim_url;
  http::client client;
  std::unique_ptr<child_process> server;

  ingest_env() {
    std::filesystem::create_directories(data);
    sim = std::make_unique<child_process>(std::vector<std::string>{
      SOCIALCRM_BINARY, "sim", "--listen", "127.0.0.1:0", "--seed", "3"});
    auto line = sim->wait_for_line("listening on");
    REQUIRE(line);
    sim_url = line->substr(line->find("http://"));
    storage::database init(db_path); // the schema, before serve starts
  }

  json control(const std::string& path, const json& body) {
    http::header_list h;
    h.set("Content-Type", "application/json");
    auto r = client.send("POST", sim_url + "/_sim" + path, h, body.dump());
    REQUIRE(r.ok());
    INFO(path << " -> " << r->status << " " << r->body);
    REQUIRE(r->status / 100 == 2);
    return json::parse(r->body);
  }

  json sim_get(const std::string& path) {
    auto r = client.get(sim_url + "/_sim" + path);
    REQUIRE(r.ok());
    return json::parse(r->body);
  }

  std::string add_user(const std::string& net, const std::string& handle) {
    return control("/users", {{"network", net}, {"handle", handle},
                              {"name", handle}, {"password", "pw"}})
      .at("user_id");
  }

  std::string post(const std::string& net, const std::string& author,
                   const std::string& text, const std::string& kind,
                   const std::string& to = {}, const std::string& parent = {}) {
    json body = {{"network", net}, {"author_id", author}, {"text", text},
                 {"kind", kind}};
    if (!to.empty())
      body["to_account"] = to;
    if (!parent.empty())
      body["in_reply_to"] = parent;
    return control("/posts", body).at("external_id");
  }

  /// Links an organisation account the way the API will: tokens sealed
  /// with the data directory's key.
  std::int64_t link(network net, const std::string& org_user,
                    const std::string& handle, const std::string& page = {}) {
    json body = {{"network", std::string(to_string(net))},
                 {"user_id", org_user}};
    if (!page.empty())
      body["page_id"] = page;
    auto token = control("/tokens", body).at("access_token").get<std::string>();
    storage::secret_box box(data + "/" + storage::secret_box::file_name);
    storage::database db(db_path);
    storage::account_repository accounts(db.handle());
    storage::linked_account a;
    a.net = net;
    a.network_user_id = org_user;
    a.handle = handle;
    a.page_id = page;
    a.access_token = box.seal(token);
    return accounts.add(a, 0, now_ms());
  }

  /// A Facebook or Google+ page owned by `owner`; link() it with `page`.
  std::string add_page(const std::string& net, const std::string& owner,
                       const std::string& name) {
    return control("/pages", {{"network", net}, {"owner_id", owner},
                              {"name", name}})
      .at("page_id");
  }

  /// A lead associated with a network user before anything is polled
  /// (S-2.4), as the detail page's "associate" does.
  std::int64_t add_lead(network net, const std::string& user_id,
                        const std::string& handle,
                        const std::string& last_name) {
    storage::database db(db_path);
    storage::people_repository people(db.handle());
    auto lead = people.create(record_type::lead, {.last_name = last_name}, 1);
    REQUIRE(people.link_profile({{record_type::lead, lead},
                                 {net, user_id}, handle},
                                1));
    return lead;
  }

  void start_server() {
    server = std::make_unique<child_process>(
      std::vector<std::string>{SOCIALCRM_BINARY, "serve", "--data", data,
                               "--listen", "127.0.0.1:0", "--sim-url", sim_url,
                               "--poll-interval", "0.1"},
      std::vector<std::string>{"SOCIALCRM_ADMIN_EMAIL=admin@example.com",
                               "SOCIALCRM_ADMIN_PASSWORD=correct horse battery"});
    REQUIRE(server->wait_for_line("socialcrm ready"));
  }

  std::int64_t count(const std::string& sql) {
    storage::database db(db_path, storage::access::read_only);
    return db.handle().execAndGet(sql).getInt64();
  }

  /// Waits (bounded) until `sql` counts at least `n`; returns the count.
  std::int64_t wait_count(const std::string& sql, std::int64_t n,
                          std::chrono::seconds limit = std::chrono::seconds(60)) {
    auto deadline = std::chrono::steady_clock::now() + limit;
    auto c = count(sql);
    while (c < n && std::chrono::steady_clock::now() < deadline) {
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
      c = count(sql);
    }
    return c;
  }

  /// Every stored post's external id, with the number of rows it has.
  std::map<std::string, int> stored_ids() {
    storage::database db(db_path, storage::access::read_only);
    SQLite::Statement st(db.handle(), "SELECT external_id FROM posts");
    std::map<std::string, int> out;
    while (st.executeStep())
      ++out[st.getColumn(0).getString()];
    return out;
  }

  /// Waits (bounded) until the emulator has served `n` faults on `net` in
  /// all; returns how many it has.
  long wait_faults_served(const std::string& net, long n) {
    auto served = [&] {
      return sim_get("/stats").at("networks").at(net).at("faults_served")
        .get<long>();
    };
    auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
    auto c = served();
    while (c < n && std::chrono::steady_clock::now() < deadline) {
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
      c = served();
    }
    return c;
  }

  std::string account_status(std::int64_t id) {
    storage::database db(db_path, storage::access::read_only);
    SQLite::Statement st(db.handle(),
                         "SELECT status FROM linked_accounts WHERE id = ?");
    st.bind(1, id);
    REQUIRE(st.executeStep());
    return st.getColumn(0).getString();
  }
};

} // namespace socialcrm::test
