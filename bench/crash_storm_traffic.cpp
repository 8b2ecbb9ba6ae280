#include "bench/crash_storm_traffic.hpp"

#include <chrono>
#include <stdexcept>

namespace socialcrm::bench {

namespace {

/// Authors per network taken from the emulator's synthetic population:
/// enough that posts do not all come from one person.
constexpr std::size_t fans_per_network = 20;

/// Replies and comments answer one of the organisation's newest posts, well
/// inside the 20 whose comments the Google+ connector polls.
constexpr std::size_t commented_window = 10;

/// The organisation's handle on every network, and its password (Bluesky
/// links with handle and app password).
constexpr const char* org_handle = "storm";
constexpr const char* org_password = "pw";

/// The emulator's windows are lifted to this many requests per 15 minutes:
/// the bench measures what a kill loses, not how politely the pollers wait.
constexpr int lifted_limit = 1000000;

constexpr const char* sentences[] = {
    "is the new release out yet",       "thanks for the quick fix",
    "cannot log in since this morning", "loving the dashboard",
    "question about the invoice",       "any news on the roadmap"};

const char* sentence_of(std::uint64_t token) {
  return sentences[token % std::size(sentences)];
}

} // namespace

json sim_control::post(const std::string& path, const json& body) {
  http::header_list h;
  h.set("Content-Type", "application/json");
  auto r = http_.send("POST", base_ + "/_sim" + path, h, body.dump());
  if (!r || r->status / 100 != 2)
    throw std::runtime_error("emulator POST /_sim" + path + ": " +
                             (r ? r->body : r.error));
  return json::parse(r->body);
}

json sim_control::get(const std::string& path) {
  auto r = http_.get(base_ + "/_sim" + path);
  if (!r || r->status / 100 != 2)
    throw std::runtime_error("emulator GET /_sim" + path + ": " +
                             (r ? r->body : r.error));
  return json::parse(r->body);
}

std::vector<std::string> storm_kinds(const std::string& network) {
  // "post" first: the organisation's own posts feed My posts, and replies
  // and comments need one to answer.
  if (network == "x")
    return {"post", "mention", "dm", "reply"};
  if (network == "facebook")
    return {"post", "mention", "dm", "comment"};
  if (network == "googleplus")
    return {"post", "comment"};
  if (network == "mastodon")
    return {"post", "mention", "dm", "reply"};
  return {"post", "mention", "reply"}; // bluesky
}

storm_traffic::storm_traffic(std::string sim_url, std::uint64_t seed)
    : control_(std::move(sim_url))
    , rng_(seed) {}

storm_traffic::~storm_traffic() {
  stop();
}

void storm_traffic::create_accounts() {
  for (const char* net : storm_networks) {
    org_account a;
    a.network = net;
    a.user_id = control_
                    .post("/users", {{"network", net},
                                     {"handle", org_handle},
                                     {"name", "Storm Inc"},
                                     {"password", org_password}})
                    .at("user_id")
                    .get<std::string>();
    if (a.network == "facebook" || a.network == "googleplus")
      a.page_id = control_
                      .post("/pages", {{"network", net},
                                       {"owner_id", a.user_id},
                                       {"name", "Storm Inc"}})
                      .at("page_id")
                      .get<std::string>();
    auto users = control_.get(std::string("/users?network=") + net);
    for (auto& u : users.at("users"))
      if (u.at("synthetic").get<bool>() && a.fans.size() < fans_per_network)
        a.fans.push_back(u.at("user_id").get<std::string>());
    if (a.fans.empty())
      throw std::runtime_error(std::string("no synthetic users on ") + net);
    control_.post(
        "/limits",
        {{"network", net}, {"limit", lifted_limit}, {"window_s", 900}});
    accounts_.push_back(std::move(a));
  }
}

json storm_traffic::link_body(const org_account& a) {
  json body{{"network", a.network}};
  if (a.network == "bluesky") {
    body["identifier"] = org_handle;
    body["app_password"] = org_password;
    return body;
  }
  // A token for the user; the page (Facebook, Google+) is chosen at link.
  body["access_token"] =
      control_.post("/tokens", {{"network", a.network}, {"user_id", a.user_id}})
          .at("access_token")
          .get<std::string>();
  if (!a.page_id.empty())
    body["page_id"] = a.page_id;
  return body;
}

void storm_traffic::publish(org_account& a, const std::string& kind) {
  auto pick = [&](const std::vector<std::string>& v) -> const std::string& {
    return v[std::uniform_int_distribution<std::size_t>(0, v.size() - 1)(rng_)];
  };
  // Replies and comments go to the organisation's newest posts: Facebook
  // and Google+ poll the comments of the page's 25 / 20 newest posts only
  // (facebook_commented_posts, googleplus_commented_posts), so a comment
  // on an older post is never collected, kill or no kill.
  auto pick_recent =
      [&](const std::vector<std::string>& v) -> const std::string& {
    auto n = std::min(v.size(), commented_window);
    return v[v.size() - 1 -
             std::uniform_int_distribution<std::size_t>(0, n - 1)(rng_)];
  };
  auto token = next_token_++;
  std::string text =
      std::string(sentence_of(token)) + " csk" + std::to_string(token) + "q";
  json body{{"network", a.network}, {"kind", kind}};
  if (kind == "post") {
    body["author_id"] = a.target();
  } else {
    body["author_id"] = pick(a.fans);
    if (kind == "reply" || kind == "comment")
      body["in_reply_to"] = pick_recent(a.own_posts);
    else
      body["to_account"] = a.target();
    if (kind == "mention")
      text = std::string("@") + org_handle + " " + text;
  }
  body["text"] = text;
  std::string id;
  try {
    id = control_.post("/posts", body).at("external_id").get<std::string>();
  } catch (const std::exception&) {
    ++refused_;
    return;
  }
  if (kind == "post")
    a.own_posts.push_back(id);
  std::lock_guard lock(mutex_);
  sent_.push_back({token, a.network, id, kind});
}

void storm_traffic::publish_each_kind() {
  for (auto& a : accounts_)
    for (auto& kind : storm_kinds(a.network))
      publish(a, kind);
}

void storm_traffic::start(double rate) {
  stop();
  running_ = true;
  thread_ = std::thread([this, rate] { run(rate); });
}

void storm_traffic::stop() {
  running_ = false;
  if (thread_.joinable())
    thread_.join();
}

void storm_traffic::run(double rate) {
  auto period = std::chrono::duration_cast<std::chrono::steady_clock::duration>(
      std::chrono::duration<double>(1.0 / rate));
  auto next = std::chrono::steady_clock::now();
  for (std::size_t i = 0; running_; ++i) {
    auto& a = accounts_[i % accounts_.size()];
    auto kinds = storm_kinds(a.network);
    // Own posts are a tenth of the traffic: what replies and comments
    // answer, not the bulk of it.
    bool own = std::uniform_int_distribution<int>(0, 9)(rng_) == 0;
    auto kind = own ? kinds.front()
                    : kinds[std::uniform_int_distribution<std::size_t>(
                          1, kinds.size() - 1)(rng_)];
    publish(a, kind);
    next += period;
    std::this_thread::sleep_until(next);
  }
}

std::vector<sent_post> storm_traffic::sent() const {
  std::lock_guard lock(mutex_);
  return sent_;
}

} // namespace socialcrm::bench
