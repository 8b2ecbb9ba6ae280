#include "bench/fanout_world.hpp"

#include "http/client.hpp"
#include "protocol/standing.hpp"
#include "storage/account_repository.hpp"
#include "storage/database.hpp"
#include "web/bootstrap.hpp"
#include "web/live_messages.hpp"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cstdio>
#include <cstdlib>

namespace socialcrm::bench {

using json = nlohmann::json;

namespace {

constexpr const char* admin_email = "admin@bench.example";
constexpr const char* password = "bench password 1234";
// Account i is on X for even i, Mastodon for odd i.
network net_of(int account) {
  return account % 2 == 0 ? network::x : network::mastodon;
}
// Accounts each user sees (indexes into accounts_), see the header.
const std::vector<int> visible_to[fanout_world::users] = {
  {0}, {1, 2}, {0, 3}, {3}};
// Accounts the Standard profile may view; on the others it may reply only.
const std::vector<int> standard_views = {0, 3};
// Each user's own filter ({} = none).
const std::vector<int> filters[fanout_world::users] = {{0}, {1, 2}, {}, {3}};
constexpr standing groups[4] = {standing::unknown, standing::leads,
                                standing::negotiation, standing::customers};

std::string view_json(const char* column, const char* view,
                      const char* filter = nullptr) {
  json v{{"column", column}, {"view", view}};
  if (filter)
    v["filter"] = filter;
  return v.dump();
}

// The four subscriptions clients choose from.
const std::vector<std::string> subscriptions[fanout_world::view_sets] = {
  {view_json("unknown", "conversations")},
  {view_json("leads", "conversations"), view_json("leads", "stream")},
  {view_json("negotiation", "conversations", "new_deals")},
  {view_json("customers", "conversations"), view_json("customers", "stream"),
   view_json("negotiation", "stream")},
};

struct rest {
  explicit rest(std::string b) : base(std::move(b)) {}

  std::string base;
  http::client c;
  std::string cookie;
  std::string csrf;

  json call(const std::string& method, const std::string& path,
            const json& body = nullptr) {
    http::header_list h;
    if (!body.is_null())
      h.set("Content-Type", "application/json");
    if (!cookie.empty())
      h.add("Cookie", "socialcrm_session=" + cookie);
    if (!csrf.empty() && method != "GET")
      h.set("X-CSRF-Token", csrf);
    auto r = c.send(method, base + path, h, body.is_null() ? "" : body.dump());
    if (!r || r->status / 100 != 2) {
      std::fprintf(stderr, "%s %s failed: %s\n", method.c_str(), path.c_str(),
                   r ? r->body.c_str() : r.error.c_str());
      std::exit(1);
    }
    for (auto& [name, value] : r->headers)
      if (http::iequals(name, "Set-Cookie")
          && value.rfind("socialcrm_session=", 0) == 0)
        cookie = value.substr(18, value.find(';') - 18);
    auto j = json::parse(r->body, nullptr, false);
    if (j.is_object() && j.contains("csrf_token"))
      csrf = j["csrf_token"];
    return j;
  }

  void sign_in(const std::string& email) {
    cookie.clear();
    csrf.clear();
    call("POST", "/api/v1/session", {{"email", email}, {"password", password}});
  }
};

} // namespace

struct fanout_world::model {
  int account = 0;
  standing group = standing::unknown;
  post body;
  std::vector<std::string> views; // every view (JSON) the post belongs to
};

fanout_world::fanout_world() {
  auto p = std::filesystem::temp_directory_path() / "socialcrm-fanout-XXXXXX";
  auto s = p.string();
  if (!mkdtemp(s.data()))
    std::abort();
  dir_ = s;
  db_path_ = (dir_ / "bench.db").string();
  setenv("SOCIALCRM_ADMIN_EMAIL", admin_email, 1);
  setenv("SOCIALCRM_ADMIN_PASSWORD", password, 1);
  auto boot = web::bootstrap_users(db_path_, false);
  if (boot.exit_code != 0) {
    std::fprintf(stderr, "bootstrap failed: %s\n", boot.error.c_str());
    std::exit(1);
  }
  storage::database db(db_path_);
  storage::account_repository repo(db.handle());
  for (int i = 0; i < accounts; ++i) {
    storage::linked_account a;
    a.net = net_of(i);
    a.network_user_id = "org" + std::to_string(i);
    a.handle = "acme";
    accounts_[static_cast<std::size_t>(i)] = repo.add(a, 0, now_ms());
  }
}

fanout_world::~fanout_world() {
  std::error_code ec;
  std::filesystem::remove_all(dir_, ec);
}

void fanout_world::populate(const std::string& base) {
  rest admin(base);
  admin.sign_in(admin_email);
  std::string admin_profile, standard_profile;
  auto profiles = admin.call("GET", "/api/v1/profiles");
  for (auto& p : profiles["items"]) {
    if (p["name"] == "Standard")
      standard_profile = p["id"];
    else if (p["name"] == "Administrator")
      admin_profile = p["id"];
  }
  const char* emails[users] = {admin_email, "narrow@bench.example",
                               "standard@bench.example",
                               "mastodon@bench.example"};
  for (int u = 1; u < users; ++u)
    admin.call("POST", "/api/v1/users",
               {{"email", emails[u]},
                {"name", emails[u]},
                {"password", password},
                {"profile_id", u == 1 ? admin_profile : standard_profile}});
  for (int a = 0; a < accounts; ++a)
    if (std::find(standard_views.begin(), standard_views.end(), a)
        == standard_views.end())
      admin.call("PUT",
                 "/api/v1/social/accounts/"
                   + std::to_string(accounts_[static_cast<std::size_t>(a)])
                   + "/operations",
                 {{standard_profile, {"reply"}}});
  // People with a profile on both networks, in each known standing.
  for (int g = 1; g < 4; ++g)
    for (int i = 0; i < people_per_standing; ++i) {
      bool lead = groups[g] == standing::leads;
      auto kind = lead ? std::string("leads") : std::string("contacts");
      auto id = admin.call("POST", "/api/v1/" + kind,
                           {{"last_name", "P" + std::to_string(g * 100 + i)}})
                  ["id"]
                    .get<std::string>();
      auto user_id = std::string(to_string(groups[g])) + std::to_string(i);
      for (auto net : {"x", "mastodon"})
        admin.call("POST", "/api/v1/" + kind + "/" + id + "/social-profiles",
                   {{"network", net}, {"user_id", user_id},
                    {"handle", user_id}});
      if (!lead)
        admin.call("POST", "/api/v1/deals",
                   {{"contact_id", id},
                    {"name", "deal " + id},
                    {"amount", 1000 + i},
                    {"stage", groups[g] == standing::customers ? "won"
                                                               : "open"}});
    }
  for (int u = 0; u < users; ++u) {
    rest r(base);
    r.sign_in(emails[u]);
    if (!filters[u].empty()) {
      auto ids = json::array();
      for (int a : filters[u])
        ids.push_back(std::to_string(accounts_[static_cast<std::size_t>(a)]));
      r.call("PUT", "/api/v1/social/filter", {{"accounts", ids}});
    }
    cookies_[static_cast<std::size_t>(u)] = r.cookie;
  }
}

std::vector<client_spec> fanout_world::client_specs(int n, bool bare,
                                                   bool batch) {
  clients_ = {};
  std::vector<client_spec> out;
  for (int i = 0; i < n; ++i) {
    auto u = static_cast<std::size_t>(i % users);
    auto s = static_cast<std::size_t>((i / users) % view_sets);
    ++clients_[u][s];
    json views = json::array();
    for (auto& v : subscriptions[s])
      views.push_back(json::parse(v));
    json sub{{"type", "subscribe"}, {"views", views}};
    if (batch)
      sub["batch"] = true;
    if (bare) {
      sub["accounts"] = json::array();
      for (int a : visible_to[u])
        sub["accounts"].push_back(std::to_string(accounts_[
          static_cast<std::size_t>(a)]));
    }
    out.push_back({cookies_[u], sub.dump()});
  }
  return out;
}

// Post k: alternating accounts, standings in turn, two mentions for one
// plain post; the people's ids are "<standing><i>", unknown authors "u<i>".
fanout_world::model fanout_world::post_model(std::int64_t k) const {
  model m;
  m.account = static_cast<int>(k % accounts);
  m.group = groups[(k / accounts) % 4];
  auto who = static_cast<int>((k / 8) % people_per_standing);
  auto id = m.group == standing::unknown
              ? "u" + std::to_string(who)
              : std::string(to_string(m.group)) + std::to_string(who);
  m.body.net = net_of(m.account);
  m.body.external_id = "b" + std::to_string(k);
  m.body.kind = (k / 64) % 3 == 2 ? post_kind::post : post_kind::mention;
  m.body.from = {id, id, id};
  m.body.text = "@acme bench T@" + std::to_string(steady_ns()) + " #"
                + std::to_string(k);
  m.body.created_at = now_ms();
  auto column = to_string(m.group).data();
  for (auto view : {feed_view::conversations, feed_view::stream})
    if (in_view(view, m.body.kind, m.body.net)) {
      auto v = to_string(view).data();
      m.views.push_back(view_json(column, v));
      if (m.group == standing::negotiation)
        m.views.push_back(view_json(column, v, "new_deals"));
    }
  return m;
}

void fanout_world::count(const model& m, std::uint64_t& expected) const {
  for (int u = 0; u < users; ++u) {
    auto& v = visible_to[u];
    if (std::find(v.begin(), v.end(), m.account) == v.end())
      continue;
    for (int s = 0; s < view_sets; ++s) {
      auto& set = subscriptions[s];
      bool hit = std::any_of(m.views.begin(), m.views.end(), [&](auto& x) {
        return std::find(set.begin(), set.end(), x) != set.end();
      });
      if (hit)
        expected += clients_[static_cast<std::size_t>(u)]
                            [static_cast<std::size_t>(s)];
    }
  }
}

std::vector<ingest_batch>
fanout_world::batches(std::int64_t first, std::int64_t n,
                      std::uint64_t& expected) const {
  std::vector<ingest_batch> out(accounts);
  for (int a = 0; a < accounts; ++a)
    out[static_cast<std::size_t>(a)].source.account_id
      = accounts_[static_cast<std::size_t>(a)];
  for (auto k = first; k < first + n; ++k) {
    auto m = post_model(k);
    count(m, expected);
    out[static_cast<std::size_t>(m.account)].posts.push_back(std::move(m.body));
  }
  return out;
}

std::vector<fanout_world::bare_message>
fanout_world::bare_messages(std::int64_t first, std::int64_t n,
                            std::uint64_t& expected) const {
  std::vector<bare_message> out;
  for (auto k = first; k < first + n; ++k) {
    auto m = post_model(k);
    count(m, expected);
    stored_post sp;
    sp.id = sp.seq = k + 1;
    sp.account_id = accounts_[static_cast<std::size_t>(m.account)];
    sp.where = m.group;
    if (m.group != standing::unknown)
      sp.person = {m.group == standing::leads ? record_type::lead
                                              : record_type::contact,
                   k % people_per_standing + 1};
    sp.body = m.body;
    std::string views = "[";
    std::vector<std::string> tags;
    for (auto& v : m.views) {
      views += (views.size() > 1 ? "," : "") + v;
      tags.push_back(v + "|" + std::to_string(sp.account_id));
    }
    views += "]";
    out.emplace_back(std::move(tags), web::live::post_message(sp, views));
  }
  return out;
}

} // namespace socialcrm::bench
