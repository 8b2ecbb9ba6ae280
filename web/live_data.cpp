#include "web/live_data.hpp"
#include "protocol/thread_name.hpp"

#include "protocol/standing.hpp"
#include "storage/access_repository.hpp"
#include "storage/deal_repository.hpp"
#include "storage/feed_repository.hpp"
#include "storage/people_repository.hpp"
#include "storage/standing_repository.hpp"

#include <spdlog/spdlog.h>

#include <algorithm>

namespace socialcrm::web::live {

// -- reader -------------------------------------------------------------------

reader_connection::reader_connection(const std::string& path)
  : db(path, storage::access::read_only), live(db.handle()) {
}

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
  std::unique_ptr<reader_connection> conn;
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
      if (!conn)
        conn = std::make_unique<reader_connection>(path_);
      j(*conn);
    } catch (const std::exception& e) {
      // Jobs report their own failures; this is the last resort.
      spdlog::error("live feed read failed: {}", e.what());
      conn.reset();
    }
  }
}

// -- reads --------------------------------------------------------------------

namespace {

std::vector<std::int64_t> sorted(std::vector<std::int64_t> v) {
  std::sort(v.begin(), v.end());
  v.erase(std::unique(v.begin(), v.end()), v.end());
  return v;
}

} // namespace

user_scope load_scope(reader_connection& c, const viewer& who) {
  user_scope s;
  storage::access_repository access(c.db.handle());
  s.visible_accounts = sorted(
    access.visible_accounts(who.user_id, who.profile_id, who.full_rights));
  s.columns = c.live.column_types(who.user_id);
  return s;
}

crm_sets load_sets(reader_connection& c, unix_ms now) {
  crm_sets s;
  s.loaded_at = now;
  s.seq = c.live.head_seq();
  s.own = c.live.own_authors();
  std::sort(s.own.begin(), s.own.end(), [](const auto& a, const auto& b) {
    return std::tie(a.net, a.user_id) < std::tie(b.net, b.user_id);
  });
  storage::people_repository people(c.db.handle());
  storage::deal_repository deals(c.db.handle());
  storage::standing_repository standings(c.db.handle(), people, deals);
  s.this_month = sorted(
    standings.contacts_with_deals_created_in(utc_month_of(now)));
  s.new_deals = sorted(standings.contacts_with_exactly_one_deal());
  // The list the store froze for today (standing_repository::top10 would
  // freeze it itself, which a read-only connection cannot); the REST
  // feed reads the same rows.
  s.top10 = sorted(c.live.frozen_top10(utc_day_of(now)));
  return s;
}

snapshot load_snapshot(reader_connection& c, const viewer& who,
                       const subscribe_request& sub, unix_ms now) {
  snapshot out;
  storage::read_snapshot tx(c.db.handle());
  out.scope = load_scope(c, who);
  for (const auto& v : sub.views)
    if (v.user_column && !out.scope.columns.count(v.column_id)) {
      out.error = make_error("column_not_found",
                             "no column " + std::to_string(v.column_id)
                               + " of yours exists");
      return out;
    }
  out.sets = std::make_shared<const crm_sets>(load_sets(c, now));
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
  storage::feed_repository feed(c.db.handle());
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
  storage::people_repository people(c.db.handle());
  storage::deal_repository deals(c.db.handle());
  storage::standing_repository standings(c.db.handle(), people, deals);
  for (auto& ev :
       standings.events_after(from, static_cast<int>(max_replay) + 1))
    if (ev.seq <= out.head)
      out.standings.push_back(std::move(ev));
  for (const auto& v : sub.views) {
    if (!v.user_column
        || out.scope.columns[v.column_id] == storage::column_type::my_posts)
      continue;
    for (auto post_id : c.live.column_posts_between(v.column_id, from,
                                                    out.head))
      out.post_columns[post_id].push_back(v.column_id);
  }
  return out;
}

} // namespace socialcrm::web::live
