#include "app/demo.hpp"

#include "http/client.hpp"
#include "storage/account_repository.hpp"
#include "storage/database.hpp"
#include "storage/secret_box.hpp"
#include "storage/writer.hpp"

#include <nlohmann/json.hpp>

#include <filesystem>

namespace socialcrm::app {

namespace {

using json = nlohmann::json;

/// Demo people per network and standing: enough that every column of the
/// CRM view has someone in it, few enough that Unknown stays busy too.
constexpr int customers_per_network = 2;
constexpr int negotiating_per_network = 2;
constexpr int leads_per_network = 3;

/// Posts the emulator generates at once, before the steady traffic.
constexpr int initial_burst = 80;

class sim_control {
public:
  explicit sim_control(std::string base) : base_(std::move(base)) {}

  expected<json> call(const std::string& method, const std::string& path,
                      const json& body = nullptr) {
    http::header_list h;
    h.set("Content-Type", "application/json");
    auto r = client_.send(method, base_ + "/_sim" + path, h,
                          body.is_null() ? std::string() : body.dump());
    if (!r)
      return make_error("demo_emulator", "emulator unreachable: " + r.error);
    if (r->status / 100 != 2)
      return make_error("demo_emulator", "emulator refused " + path + ": "
                                           + r->body);
    auto j = json::parse(r->body, nullptr, false);
    if (j.is_discarded())
      return make_error("demo_emulator", "emulator answered no JSON");
    return j;
  }

private:
  std::string base_;
  http::client client_;
};

struct org_account {
  network net;
  std::string user_id;
  std::string page_id;
  std::string token;
};

expected<org_account> create_org(sim_control& sim, network net) {
  auto id = std::string(to_string(net));
  auto user = sim.call("POST", "/users", {{"network", id}, {"handle", "acme"},
                                          {"name", "Acme Inc"},
                                          {"password", "demo"}});
  if (!user)
    return user.error();
  org_account a{net, user->at("user_id").get<std::string>(), "", ""};
  json token_req = {{"network", id}, {"user_id", a.user_id}};
  if (net == network::facebook || net == network::googleplus) {
    auto page = sim.call("POST", "/pages", {{"network", id},
                                            {"owner_id", a.user_id},
                                            {"name", "Acme"}});
    if (!page)
      return page.error();
    a.page_id = page->at("page_id").get<std::string>();
    token_req["page_id"] = a.page_id;
    // A page's visitors comment on its posts (Google+ has no mentions of
    // pages): one post of the page gives the traffic something to answer.
    auto welcome = sim.call("POST", "/posts",
                            {{"network", id}, {"author_id", a.page_id},
                             {"text", "Welcome to Acme's page"},
                             {"kind", "post"}});
    if (!welcome)
      return welcome.error();
  }
  auto token = sim.call("POST", "/tokens", token_req);
  if (!token)
    return token.error();
  a.token = token->at("access_token").get<std::string>();
  return a;
}

// Links the account, or refreshes its token when this data directory
// already has it (the emulator forgot the old token when it stopped).
void link(storage::account_repository& accounts,
          const storage::secret_box& box, const org_account& o) {
  for (auto& a : accounts.all())
    if (a.net == o.net && a.network_user_id == o.user_id
        && a.page_id == o.page_id) {
      accounts.update_tokens(a.id, box.seal(o.token), "", 0);
      accounts.set_status(a.id, account_status::active);
      return;
    }
  storage::linked_account a;
  a.net = o.net;
  a.network_user_id = o.user_id;
  a.handle = "acme";
  a.page_id = o.page_id;
  a.page_name = o.page_id.empty() ? "" : "Acme";
  a.access_token = box.seal(o.token);
  accounts.add(a, 0, now_ms());
}

int load_people(sim_control& sim, storage::writer& w) {
  int created = 0;
  auto now = now_ms();
  for (auto net : all_networks) {
    auto users = sim.call("GET", "/users?network=" + std::string(to_string(net)));
    if (!users)
      continue;
    int n = 0;
    for (auto& u : users->at("users")) {
      if (!u.value("synthetic", false))
        continue;
      auto name = u.value("name", std::string("Someone"));
      auto space = name.find(' ');
      storage::person_fields f;
      f.first_name = space == std::string::npos ? "" : name.substr(0, space);
      f.last_name = space == std::string::npos ? name : name.substr(space + 1);
      f.email = u.value("handle", std::string()) + "@example.com";
      f.origin = "demo";
      record_type type = n < customers_per_network + negotiating_per_network
                           ? record_type::contact
                           : record_type::lead;
      if (n >= customers_per_network + negotiating_per_network
                 + leads_per_network)
        break; // the rest of the population stays Unknown
      person_ref who{type, w.people_repo().create(type, f, now)};
      if (type == record_type::contact)
        w.deals().create(who.id, f.last_name + " renewal",
                         (n + 1) * 1250000,
                         n < customers_per_network ? deal_stage::won
                                                   : deal_stage::open,
                         now);
      w.link({who, {net, u.at("user_id").get<std::string>()},
              u.value("handle", std::string())},
             now);
      w.refresh(who, now);
      ++created;
      ++n;
    }
  }
  return created;
}

} // namespace

expected<demo_summary> prepare_demo(const std::string& sim_url,
                                    const std::string& data_dir,
                                    const std::string& db_path) {
  sim_control sim(sim_url);
  demo_summary summary;
  try {
    storage::secret_box box(
      (std::filesystem::path(data_dir) / storage::secret_box::file_name)
        .string());
    storage::database db(db_path);
    storage::account_repository accounts(db.handle());
    for (auto net : all_networks) {
      auto org = create_org(sim, net);
      if (!org)
        return org.error();
      link(accounts, box, *org);
      ++summary.accounts;
    }
    storage::writer w(db);
    auto people = db.handle()
                    .execAndGet("SELECT (SELECT COUNT(*) FROM leads) + "
                                "(SELECT COUNT(*) FROM contacts)")
                    .getInt64();
    if (people == 0)
      summary.people = load_people(sim, w);
  } catch (const std::exception& e) {
    return make_error("demo_storage", e.what());
  }
  auto burst = sim.call("POST", "/traffic", {{"count", initial_burst}});
  if (!burst)
    return burst.error();
  return summary;
}

} // namespace socialcrm::app
