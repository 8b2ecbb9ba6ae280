#include "networks/time_walk.hpp"

#include "networks/api_client.hpp"

#include <sodium.h>

#include <algorithm>

namespace socialcrm::networks {

namespace {

// The cursor holds short hashes of ids, not the ids: Bluesky URIs are 70
// characters. A collision matters only among items of one instant; with 6
// bytes and time_walk_max_seen of them, one new item is taken for a seen
// one about once in 10^10: rarer than a lost packet nobody retries.
std::string id_hash(const std::string& id) {
  // generichash makes 16 bytes at least; the first 6 are kept.
  unsigned char digest[crypto_generichash_BYTES_MIN];
  crypto_generichash(digest, sizeof digest,
                     reinterpret_cast<const unsigned char*>(id.data()),
                     id.size(), nullptr, 0);
  constexpr std::size_t kept = 6;
  char hex[kept * 2 + 1];
  sodium_bin2hex(hex, sizeof hex, digest, kept);
  return hex;
}

std::set<std::string> split_set(const std::string& s) {
  std::set<std::string> out;
  std::size_t start = 0;
  while (start < s.size()) {
    auto comma = s.find(',', start);
    if (comma == std::string::npos)
      comma = s.size();
    if (comma > start)
      out.insert(s.substr(start, comma - start));
    start = comma + 1;
  }
  return out;
}

std::string join_set(const std::set<std::string>& s) {
  std::string out;
  std::size_t n = 0;
  for (auto& v : s) {
    if (n++ == time_walk_max_seen)
      break;
    if (!out.empty())
      out += ',';
    out += v;
  }
  return out;
}

unix_ms to_ms(const std::string& s) {
  try {
    return s.empty() ? 0 : std::stoll(s);
  } catch (const std::exception&) {
    return 0; // a damaged cursor: walk again; the classifier dedupes
  }
}

const char* const walk_keys[] = {"since", "seen", "next", "top", "top_seen",
                                 "n"};

} // namespace

time_walk::time_walk(const cursor_state& cur, std::string prefix)
  : prefix_(std::move(prefix)) {
  since_ = to_ms(cur.get(prefix_ + "since"));
  since_seen_ = split_set(cur.get(prefix_ + "seen"));
  resume_ = cur.get(prefix_ + "next");
  if (!resume_.empty()) {
    top_ = to_ms(cur.get(prefix_ + "top"));
    top_seen_ = split_set(cur.get(prefix_ + "top_seen"));
  }
}

void time_walk::listed(unix_ms at) {
  if (before_mark(at))
    reached_ = true;
}

bool time_walk::take(unix_ms at, const std::string& id) {
  listed(at);
  if (since_ != 0 && at == since_ && since_seen_.count(id_hash(id)))
    reached_ = true;
  return fresh(at, id);
}

bool time_walk::fresh(unix_ms at, const std::string& id) {
  auto h = id_hash(id);
  if (at > top_) {
    top_ = at;
    top_seen_ = {h};
  } else if (at == top_) {
    top_seen_.insert(h);
  }
  if (since_ != 0 && (at < since_ || (at == since_ && since_seen_.count(h))))
    return false;
  return taken_.insert(h).second;
}

bool time_walk::finish(cursor_state& out, const std::string& next) const {
  for (auto key : walk_keys)
    if (std::string(key) != "n")
      out.erase(prefix_ + key);
  if (!next.empty()) {
    // Cut short: the old mark stays until the backlog is read.
    if (since_ != 0)
      out.set(prefix_ + "since", std::to_string(since_));
    out.set(prefix_ + "seen", join_set(since_seen_));
    out.set(prefix_ + "next", next);
    if (top_ != 0) {
      out.set(prefix_ + "top", std::to_string(top_));
      out.set(prefix_ + "top_seen", join_set(top_seen_));
    }
    return true;
  }
  auto mark = std::max(since_, top_);
  auto seen = top_ > since_ ? top_seen_ : since_seen_;
  if (top_ == since_)
    seen.insert(top_seen_.begin(), top_seen_.end());
  if (mark != 0)
    out.set(prefix_ + "since", std::to_string(mark));
  out.set(prefix_ + "seen", join_set(seen));
  return false;
}

void time_walk::carry(const cursor_state& from, cursor_state& to,
                      const std::string& prefix) {
  for (auto key : walk_keys)
    to.set(prefix + key, from.get(prefix + key));
}

outcome<walk_result> walk_list(const cursor_state& cur,
                               const std::string& prefix, int max_pages,
                               const page_fetcher& fetch, cursor_state& out) {
  time_walk walk(cur, prefix);
  std::string token = walk.start_token();
  std::string next;
  walk_result result;
  for (int pages = 1;; ++pages) {
    auto page = fetch(token);
    if (!page)
      return {std::nullopt, page.error};
    for (auto& li : page.value->items) {
      if (li.at <= 0)
        return {std::nullopt,
                make_failure(failure_kind::bad_response,
                             "listed item " + li.item.external_id
                               + " has no time")};
      if (walk.take(li.at, li.item.external_id) && li.deliver)
        result.posts.push_back(std::move(li.item));
    }
    next = page.value->next;
    if (next.empty() || walk.reached_mark()) {
      next.clear();
      break;
    }
    if (pages >= max_pages)
      break; // cut short: `next` resumes the walk on the next poll
    token = next;
  }
  result.more = walk.finish(out, next);
  std::reverse(result.posts.begin(), result.posts.end());
  return {std::move(result), {}};
}

outcome<walk_result> walk_comments(const cursor_state& cur,
                                   const std::vector<commented_post>& posts,
                                   int max_pages_per_post,
                                   const comment_fetcher& fetch,
                                   cursor_state& out) {
  walk_result result;
  for (auto& p : posts) {
    auto prefix = "c." + p.id + ".";
    bool resuming = !cur.get(prefix + "next").empty();
    auto count = p.comments ? std::to_string(*p.comments) : std::string();
    if (!resuming && p.comments && cur.get(prefix + "n") == count) {
      time_walk::carry(cur, out, prefix);
      continue;
    }
    if (!resuming && p.comments && *p.comments == 0) {
      out.set(prefix + "n", "0"); // nothing to read yet
      continue;
    }
    auto walked = walk_list(
      cur, prefix, max_pages_per_post,
      [&](const std::string& token) { return fetch(p.id, token); }, out);
    if (!walked)
      return walked;
    for (auto& c : walked.value->posts)
      result.posts.push_back(std::move(c));
    result.more = result.more || walked.value->more;
    // The count is the proof of a finished walk: an unfinished one is
    // asked again whatever the count says.
    out.set(prefix + "n", walked.value->more ? std::string() : count);
  }
  return {std::move(result), {}};
}

} // namespace socialcrm::networks
