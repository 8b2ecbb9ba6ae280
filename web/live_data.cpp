#include "web/live_data.hpp"
#include "protocol/thread_name.hpp"

#include "protocol/standing.hpp"
#include "storage/access_repository.hpp"
#include "storage/deal_repository.hpp"
#include "storage/feed_repository.hpp"
#include "storage/people_repository.hpp"
#include "storage/standing_repository.hpp"

#include <SQLiteCpp/Statement.h>
#include <spdlog/spdlog.h>

#include <algorithm>

namespace socialcrm::web::live {

// -- reader -------------------------------------------------------------------

live_reader::live_reader(std::string db_path) : path_(std::move(db_path)) {
  thread_ = std::thread([this] {
    name_this_thread("scrm.live_read");
    run();
  });
}

live_reader::~live_reader() {
  stop();
}

bool live_reader::post(job j) {
  std::lock_guard guard{mutex_};
  if (stopping_)
    return false;
  queue_.push_back(std::move(j));
  cv_.notify_one();
  return true;
}

void live_reader::stop() {
  {
    std::lock_guard guard{mutex_};
    stopping_ = true;
    queue_.clear();
  }
  cv_.notify_all();
  if (thread_.joinable())
    thread_.join();
}

void live_reader::run() {
  // Opened lazily and reopened after a failure, so one bad moment of the
  // file does not end live feeds for good.
  std::unique_ptr<storage::database> db;
  for (;;) {
    job j;
    {
      std::unique_lock lock{mutex_};
      cv_.wait(lock, [&] { return stopping_ || !queue_.empty(); });
      if (stopping_)
        return;
      j = std::move(queue_.front());
      queue_.pop_front();
    }
    try {
      if (!db)
        db = std::make_unique<storage::database>(path_,
                                                 storage::access::read_only);
      j(*db);
    } catch (const std::exception& e) {
      // Jobs report their own failures; this is the last resort.
      spdlog::error("live feed read failed: {}", e.what());
      db.reset();
    }
  }
}

// -- reads --------------------------------------------------------------------

namespace {

// A read transaction: every query of a snapshot sees the same database,
// and the WAL snapshot is released at the end (reset statements alone
// would not release it while the transaction is open).
class read_tx {
public:
  explicit read_tx(SQLite::Database& db) : db_(db) { db_.exec("BEGIN"); }
  ~read_tx() {
    try {
      db_.exec("COMMIT");
    } catch (const std::exception&) {
      // A read transaction has nothing to lose; the connection stays usable.
    }
  }
  read_tx(const read_tx&) = delete;
  read_tx& operator=(const read_tx&) = delete;

private:
  SQLite::Database& db_;
};

std::int64_t head_seq(SQLite::Database& db) {
  return db
    .execAndGet("SELECT MAX(COALESCE((SELECT MAX(seq) FROM posts), 0), "
                "COALESCE((SELECT MAX(seq) FROM standing_events), 0))")
    .getInt64();
}

std::vector<std::int64_t> sorted(std::vector<std::int64_t> v) {
  std::sort(v.begin(), v.end());
  v.erase(std::unique(v.begin(), v.end()), v.end());
  return v;
}

} // namespace

user_scope load_scope(storage::database& db, const viewer& who) {
  user_scope s;
  storage::access_repository access(db.handle());
  s.visible_accounts = sorted(
    access.visible_accounts(who.user_id, who.profile_id, who.full_rights));
  SQLite::Statement st(db.handle(),
                       "SELECT id, type FROM user_columns WHERE user_id = ?");
  st.bind(1, who.user_id);
  while (st.executeStep()) {
    auto type = st.getColumn(1).getString();
    s.columns[st.getColumn(0).getInt64()]
      = type == "my_posts"  ? storage::column_type::my_posts
        : type == "custom" ? storage::column_type::custom
                           : storage::column_type::keyword;
  }
  return s;
}

crm_sets load_sets(storage::database& db, unix_ms now) {
  crm_sets s;
  s.loaded_at = now;
  s.seq = head_seq(db.handle());
  {
    SQLite::Statement st(db.handle(), "SELECT network, network_user_id, "
                                      "page_id FROM linked_accounts");
    while (st.executeStep()) {
      auto net = parse_network(st.getColumn(0).getString());
      if (!net)
        continue;
      s.own.push_back({*net, st.getColumn(1).getString()});
      auto page = st.getColumn(2).getString();
      if (!page.empty())
        s.own.push_back({*net, page});
    }
  }
  std::sort(s.own.begin(), s.own.end(), [](const auto& a, const auto& b) {
    return std::tie(a.net, a.user_id) < std::tie(b.net, b.user_id);
  });
  storage::people_repository people(db.handle());
  storage::deal_repository deals(db.handle());
  storage::standing_repository standings(db.handle(), people, deals);
  s.this_month = sorted(
    standings.contacts_with_deals_created_in(utc_month_of(now)));
  s.new_deals = sorted(standings.contacts_with_exactly_one_deal());
  // The list the store froze for today (standing_repository::top10 would
  // freeze it itself, which a read-only connection cannot); the REST
  // feed reads the same rows.
  SQLite::Statement top(db.handle(), "SELECT contact_id FROM top10_snapshot "
                                     "WHERE day = ? AND rank > 0");
  top.bind(1, utc_day_of(now));
  while (top.executeStep())
    s.top10.push_back(top.getColumn(0).getInt64());
  s.top10 = sorted(std::move(s.top10));
  return s;
}

snapshot load_snapshot(storage::database& db, const viewer& who,
                       const subscribe_request& sub, unix_ms now) {
  snapshot out;
  read_tx tx(db.handle());
  out.scope = load_scope(db, who);
  for (const auto& v : sub.views)
    if (v.user_column && !out.scope.columns.count(v.column_id)) {
      out.error = make_error("column_not_found",
                             "no column " + std::to_string(v.column_id)
                               + " of yours exists");
      return out;
    }
  out.sets = std::make_shared<const crm_sets>(load_sets(db, now));
  out.head = out.sets->seq;
  if (!sub.resume_from)
    return out;
  auto from = *sub.resume_from;
  if (from > out.head) {
    out.resync = "resume_from is ahead of this server's events";
    return out;
  }
  if (out.head - from > max_replay) {
    out.resync = "more than " + std::to_string(max_replay)
                 + " events were missed";
    return out;
  }
  storage::feed_repository feed(db.handle());
  // posts_after pages by at most max_feed_page rows.
  for (auto after = from; after < out.head;) {
    auto page = feed.posts_after(after, storage::max_feed_page);
    if (page.empty())
      break;
    after = page.back().seq;
    for (auto& p : page)
      if (p.seq <= out.head)
        out.posts.push_back(std::move(p));
  }
  storage::people_repository people(db.handle());
  storage::deal_repository deals(db.handle());
  storage::standing_repository standings(db.handle(), people, deals);
  for (auto& ev :
       standings.events_after(from, static_cast<int>(max_replay) + 1))
    if (ev.seq <= out.head)
      out.standings.push_back(std::move(ev));
  for (const auto& v : sub.views) {
    if (!v.user_column
        || out.scope.columns[v.column_id] == storage::column_type::my_posts)
      continue;
    SQLite::Statement st(db.handle(),
                         "SELECT cp.post_id FROM column_posts cp JOIN posts p "
                         "ON p.id = cp.post_id WHERE cp.column_id = ? "
                         "AND p.seq > ? AND p.seq <= ?");
    st.bind(1, v.column_id);
    st.bind(2, from);
    st.bind(3, out.head);
    while (st.executeStep())
      out.post_columns[st.getColumn(0).getInt64()].push_back(v.column_id);
  }
  return out;
}

} // namespace socialcrm::web::live
