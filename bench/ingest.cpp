// bench/ingest: posts per second through the ingestion path, three ways in
// one run on the same machine:
//   (a) emulator -> X connector -> source actor -> classifier -> store
//   (b) batches handed straight to the classifier -> store
//   (c) raw batched SQLite inserts of the same rows into the same schema
// Usage: ingest [POSTS]   (default 20000; the emulator's list endpoints scan
// every stored item per page, so far larger backlogs measure the emulator)

#include "actors/classifier_actor.hpp"
#include "actors/hub_actor.hpp"
#include "actors/registry_actor.hpp"
#include "actors/source_actor.hpp"
#include "actors/store_actor.hpp"
#include "actors/system_config.hpp"
#include "http/client.hpp"
#include "sim/emulator.hpp"
#include "storage/account_repository.hpp"
#include "storage/database.hpp"
#include "storage/post_repository.hpp"
#include "storage/secret_box.hpp"

#include <SQLiteCpp/Statement.h>
#include <SQLiteCpp/Transaction.h>
#include <caf/actor_system.hpp>
#include <caf/scoped_actor.hpp>
#include <nlohmann/json.hpp>

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <thread>

using namespace socialcrm;
using clock_type = std::chrono::steady_clock;
using json = nlohmann::json;

namespace {

// Same batch size as the X connector's pages, so (b) and (c) do the same
// transactions the real path does.
constexpr int batch_size = 100;

struct scratch_dir {
  std::filesystem::path path;
  scratch_dir() {
    auto p = std::filesystem::temp_directory_path() / "socialcrm-bench-XXXXXX";
    auto s = p.string();
    if (!mkdtemp(s.data()))
      std::abort();
    path = s;
  }
  ~scratch_dir() { std::filesystem::remove_all(path); }
  std::string file(const char* name) const { return (path / name).string(); }
};

std::vector<post> make_posts(int n, const std::string& prefix) {
  std::vector<post> out;
  out.reserve(static_cast<size_t>(n));
  for (int i = 0; i < n; ++i) {
    post p;
    p.net = network::x;
    p.external_id = prefix + std::to_string(i);
    p.kind = post_kind::mention;
    p.from = {"author" + std::to_string(i % 997), "handle", "Name"};
    p.text = "@acme benchmark post number " + std::to_string(i);
    p.created_at = 1700000000000 + i;
    out.push_back(std::move(p));
  }
  return out;
}

double per_second(int n, clock_type::duration d) {
  return n / std::chrono::duration<double>(d).count();
}

// (c) the floor: prepared INSERT, one transaction per batch, WAL.
double raw_sqlite(const std::vector<post>& posts, const std::string& path) {
  storage::database db(path);
  storage::post_repository repo(db.handle());
  auto start = clock_type::now();
  std::int64_t seq = 0;
  for (size_t i = 0; i < posts.size(); i += batch_size) {
    SQLite::Transaction tx(db.handle(), SQLite::TransactionBehavior::IMMEDIATE);
    for (size_t j = i; j < std::min(posts.size(), i + batch_size); ++j)
      repo.insert(posts[j], 0, ++seq, 0);
    tx.commit();
  }
  return per_second(static_cast<int>(posts.size()), clock_type::now() - start);
}

// (b) classifier and store, fed by one driver that waits for each ack, as
// a source actor does.
double through_classifier(const std::vector<post>& posts,
                          const std::string& path) {
  system_config cfg;
  caf::actor_system sys{cfg};
  auto store = spawn_store(sys, path);
  auto classifier = spawn_classifier(sys, store);
  auto hub = spawn_hub(sys);
  caf::scoped_actor self{sys};
  self->send(classifier, add_hub_atom::value, hub);
  auto start = clock_type::now();
  for (size_t i = 0; i < posts.size(); i += batch_size) {
    ingest_batch b;
    b.posts.assign(posts.begin() + static_cast<long>(i),
                   posts.begin() + static_cast<long>(std::min(posts.size(), i + batch_size)));
    self->request(classifier, caf::infinite, ingest_atom::value, std::move(b))
      .receive([](const ingest_ack&) {},
               [](caf::error& e) {
                 std::fprintf(stderr, "ingest failed: %s\n",
                              caf::to_string(e).c_str());
                 std::exit(1);
               });
  }
  auto rate = per_second(static_cast<int>(posts.size()), clock_type::now() - start);
  for (auto a : {caf::actor_cast<caf::actor>(classifier),
                 caf::actor_cast<caf::actor>(store),
                 caf::actor_cast<caf::actor>(hub)})
    self->send_exit(a, caf::exit_reason::user_shutdown);
  return rate;
}

json post_json(http::client& c, const std::string& url, const json& body) {
  http::header_list h;
  h.set("Content-Type", "application/json");
  auto r = c.send("POST", url, h, body.dump());
  if (!r || r->status / 100 != 2) {
    std::fprintf(stderr, "emulator refused %s: %s\n", url.c_str(),
                 r ? r->body.c_str() : r.error.c_str());
    std::exit(1);
  }
  return json::parse(r->body);
}

// (a) the whole path from the emulator's HTTP API.
double end_to_end(int n, const scratch_dir& dir) {
  sim::emulator emu({"127.0.0.1", 0, 1, 0});
  emu.start();
  auto base = emu.base_url();
  http::client c;
  // Real X windows would throttle a benchmark to a crawl: lift them.
  post_json(c, base + "/_sim/limits",
            {{"network", "x"}, {"limit", 1000000}, {"window_s", 900}});
  auto org = post_json(c, base + "/_sim/users",
                       {{"network", "x"}, {"handle", "acme"}, {"name", "Acme"}})
               .at("user_id")
               .get<std::string>();
  auto fan = post_json(c, base + "/_sim/users",
                       {{"network", "x"}, {"handle", "fan"}, {"name", "Fan"}})
               .at("user_id")
               .get<std::string>();
  auto token = post_json(c, base + "/_sim/tokens",
                         {{"network", "x"}, {"user_id", org}})
                 .at("access_token")
                 .get<std::string>();
  std::fprintf(stderr, "loading %d mentions into the emulator...\n", n);
  for (int i = 0; i < n; ++i)
    post_json(c, base + "/_sim/posts",
              {{"network", "x"}, {"author_id", fan}, {"kind", "mention"},
               {"to_account", org}, {"text", "@acme post " + std::to_string(i)}});

  auto path = dir.file("a.db");
  auto box = std::make_shared<storage::secret_box>(dir.file("secret.key"));
  std::int64_t account = 0;
  {
    storage::database db(path);
    storage::account_repository accounts(db.handle());
    storage::linked_account a;
    a.network_user_id = org;
    a.handle = "acme";
    a.access_token = box->seal(token);
    account = accounts.add(a, 0, now_ms());
  }
  system_config cfg;
  caf::actor_system sys{cfg};
  auto registry = spawn_registry(sys);
  auto store = spawn_store(sys, path);
  auto classifier = spawn_classifier(sys, store, registry);
  auto ctx = std::make_shared<source_context>();
  ctx->db_path = path;
  ctx->box = box;
  ctx->budgets = std::make_shared<networks::rate_budgets>();
  ctx->base_urls[network::x] = base + "/x";
  ctx->poll_interval_s = 0.05;
  ctx->classifier = classifier;
  ctx->store = store;
  ctx->registry = registry;
  source_spec spec;
  spec.id = "source:bench";
  spec.ref = {account, 0};
  spec.tasks.push_back({account, network::x, {networks::feed::mentions, "", "", {}},
                        "bench:mentions"});
  auto start = clock_type::now();
  auto source = spawn_source(sys, ctx, spec);
  storage::database reader(path, storage::access::read_only);
  std::int64_t stored = 0;
  while (stored < n) {
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
    stored = reader.handle().execAndGet("SELECT COUNT(*) FROM posts").getInt64();
  }
  auto rate = per_second(n, clock_type::now() - start);
  {
    // A scoped actor counts as running: it must be gone before the await.
    caf::scoped_actor self{sys};
    for (auto a : {source, caf::actor_cast<caf::actor>(classifier),
                   caf::actor_cast<caf::actor>(store),
                   caf::actor_cast<caf::actor>(registry)})
      self->send_exit(a, caf::exit_reason::user_shutdown);
  }
  sys.await_all_actors_done();
  emu.stop();
  return rate;
}

} // namespace

int main(int argc, char** argv) {
  int n = argc > 1 ? std::atoi(argv[1]) : 20000;
  if (n <= 0) {
    std::fprintf(stderr, "usage: ingest [POSTS]\n");
    return 2;
  }
  std::setvbuf(stdout, nullptr, _IOLBF, 0); // figures appear as measured
  scratch_dir dir;
  auto posts = make_posts(n, "p");
  std::printf("bench/ingest: %d posts, batches of %d, SQLite WAL files in %s\n",
              n, batch_size, dir.path.c_str());
  std::printf("hardware threads: %u\n", std::thread::hardware_concurrency());
  auto c = raw_sqlite(posts, dir.file("c.db"));
  std::printf("(c) raw batched SQLite inserts:            %10.0f posts/s\n", c);
  auto b = through_classifier(posts, dir.file("b.db"));
  std::printf("(b) classifier + store, fed directly:      %10.0f posts/s "
              "(%.0f%% of c; target >= 50%%)\n", b, 100 * b / c);
  auto a = end_to_end(n, dir);
  std::printf("(a) emulator -> connector -> source -> classifier -> store: "
              "%10.0f posts/s (target >= 20000)\n", a);
  std::printf("how: (c) prepares one INSERT and commits every %d rows; (b) "
              "sends %d-post batches to the classifier actor and waits for "
              "each ack; (a) preloads the posts into the emulator (not timed), "
              "then times one X source actor polling 100-post pages over "
              "loopback HTTP until the database holds them all.\n",
              batch_size, batch_size);
  return 0;
}
