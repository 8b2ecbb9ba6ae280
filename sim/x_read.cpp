// X API v2 reads: users, timelines, search, tweet lookup, DM events.

#include "sim/x_network.hpp"

#include <algorithm>
#include <functional>
#include <charconv>
#include <initializer_list>

namespace socialcrm::sim::x {

using nlohmann::json;

namespace {

/// Bounds of max_results per endpoint, from X's API reference.
struct result_bounds {
  int min;
  int max;
  int fallback;
};
constexpr result_bounds timeline_bounds{5, 100, 10};
constexpr result_bounds search_bounds{10, 100, 10};
constexpr result_bounds dm_bounds{1, 100, 100};

// Opaque pagination tokens: the seq of the last item served, base 36.
std::string make_token(std::uint64_t seq) {
  std::string s;
  do {
    s.insert(s.begin(), "0123456789abcdefghijklmnopqrstuvwxyz"[seq % 36]);
    seq /= 36;
  } while (seq);
  return "7140" + s;
}

std::optional<std::uint64_t> read_token(std::string_view t) {
  if (t.size() < 5 || t.substr(0, 4) != "7140")
    return std::nullopt;
  std::uint64_t v = 0;
  auto [p, ec] = std::from_chars(t.data() + 4, t.data() + t.size(), v, 36);
  if (ec != std::errc{} || p != t.data() + t.size())
    return std::nullopt;
  return v;
}

std::optional<std::uint64_t> numeric(std::string_view s) {
  std::uint64_t v = 0;
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (s.empty() || ec != std::errc{} || p != s.data() + s.size())
    return std::nullopt;
  return v;
}

/// Pages the network's items newest first, those `wanted` says yes to,
/// with since_id / until_id / pagination_token / max_results. Returns the
/// error answer, or fills `page` and `next`. It walks back from the newest
/// item and stops once the page and one more are found, or at since_id
/// (ids grow with insertion, see x_network::make_id): a poll costs what is
/// new, not what the emulator holds. `token_names`: the query parameters
/// that carry the token (recent search takes `next_token` as well as
/// `pagination_token`).
std::optional<http::response>
paginate(const call& c, world& w, const std::function<bool(const item&)>& wanted,
         const result_bounds& b, std::vector<const item*>& page,
         std::string& next,
         std::initializer_list<const char*> token_names = {
           "pagination_token"}) {
  int max = b.fallback;
  if (auto v = c.param("max_results")) {
    auto n = numeric(*v);
    if (!n || *n < static_cast<std::uint64_t>(b.min)
        || *n > static_cast<std::uint64_t>(b.max))
      return invalid_request("max_results", *v,
                             "The `max_results` query parameter value [" + *v
                               + "] is not between " + std::to_string(b.min)
                               + " and " + std::to_string(b.max));
    max = static_cast<int>(*n);
  }
  std::optional<std::uint64_t> since, until;
  for (const char* bound : {"since_id", "until_id"}) {
    if (auto v = c.param(bound)) {
      auto id = numeric(*v);
      if (!id)
        return invalid_request(bound, *v,
                               "The `" + std::string(bound)
                                 + "` query parameter value [" + *v
                                 + "] is not valid");
      (std::string_view(bound) == "since_id" ? since : until) = id;
    }
  }
  std::optional<std::uint64_t> before_seq;
  for (const char* name : token_names) {
    auto v = c.param(name);
    if (!v)
      continue;
    before_seq = read_token(*v);
    if (!before_seq)
      return invalid_request(name, *v,
                             "The `" + std::string(name)
                               + "` query parameter value [" + *v
                               + "] is not valid");
    break;
  }
  const auto& all = w.items_in_order("x");
  // Oldest first, seq ascending: the token's place is found, not walked to.
  auto end = all.end();
  if (before_seq)
    end = std::lower_bound(all.begin(), all.end(), *before_seq,
                           [](const item* t, std::uint64_t seq) {
                             return t->seq < seq;
                           });
  std::vector<const item*> found;
  // The previous page's last item (the token's), for the faults that serve
  // it again (world::page_with_faults).
  std::size_t begin = 0;
  if (before_seq && end != all.end() && (*end)->seq == *before_seq) {
    found.push_back(*end);
    begin = 1;
  }
  auto want = begin + static_cast<std::size_t>(max) + 1;
  for (auto it = end; it != all.begin() && found.size() < want;) {
    const item& t = **--it;
    auto tid = numeric(t.id).value_or(0);
    if (since && tid <= *since)
      break;
    if ((until && tid >= *until) || !wanted(t))
      continue;
    found.push_back(&t);
  }
  auto last = std::min(found.size(), begin + static_cast<std::size_t>(max));
  if (last < found.size())
    next = make_token(found[last - 1]->seq);
  page = w.page_with_faults("x", found, begin, last);
  return std::nullopt;
}

bool contains_ci(std::string_view hay, std::string_view needle) {
  if (needle.empty())
    return true;
  auto it = std::search(hay.begin(), hay.end(), needle.begin(), needle.end(),
                        [](char a, char b) {
                          return std::tolower(static_cast<unsigned char>(a))
                                 == std::tolower(static_cast<unsigned char>(b));
                        });
  return it != hay.end();
}

/// One term of a search query: a word or "quoted phrase", optionally
/// negated, or an operator (from:, to:, @handle, is:, lang:).
bool term_matches(world& w, const item& t, std::string term) {
  bool negate = !term.empty() && term.front() == '-';
  if (negate)
    term.erase(0, 1);
  if (term.size() >= 2 && term.front() == '"' && term.back() == '"')
    term = term.substr(1, term.size() - 2);
  bool hit;
  if (term.rfind("from:", 0) == 0) {
    const user* u = w.find_user("x", t.author_id);
    hit = u && (u->handle == term.substr(5) || u->id == term.substr(5));
  } else if (term.rfind("to:", 0) == 0) {
    const user* u = w.find_user("x", t.to_account);
    hit = u && u->handle == term.substr(3);
  } else if (term.rfind("is:", 0) == 0) {
    auto what = term.substr(3);
    hit = what == "reply" ? t.kind == item_kind::reply : false; // no retweets
  } else if (term.rfind("lang:", 0) == 0) {
    hit = term.substr(5) == "en";
  } else {
    hit = contains_ci(t.text, term);
  }
  return negate ? !hit : hit;
}

/// Splits a query into OR-ed clauses of AND-ed terms (AND binds tighter,
/// as in X's query language); parentheses only group.
std::vector<std::vector<std::string>> parse_query(const std::string& q) {
  std::vector<std::vector<std::string>> clauses(1);
  std::string cur;
  bool quoted = false;
  auto flush = [&] {
    if (cur.empty())
      return;
    if (cur == "OR")
      clauses.emplace_back();
    else
      clauses.back().push_back(cur);
    cur.clear();
  };
  for (char ch : q) {
    if (ch == '"')
      quoted = !quoted;
    if (!quoted && (ch == '(' || ch == ')'))
      continue;
    if (!quoted && ch == ' ')
      flush();
    else
      cur.push_back(ch);
  }
  flush();
  std::erase_if(clauses, [](auto& cl) { return cl.empty(); });
  return clauses;
}

} // namespace

http::response x_network::users_me(const call& c, world&, const caller& who) {
  return json_response(200, {{"data", render_user(*who.me, fields_of(c))}});
}

http::response x_network::user_by_username(const call& c, world& w,
                                           const caller&,
                                           const std::string& username) {
  const user* u = w.find_user_by_handle("x", username);
  if (!u)
    return json_response(
      200, {{"errors", json::array({not_found_error("user", "username",
                                                    username)})}});
  return json_response(200, {{"data", render_user(*u, fields_of(c))}});
}

http::response x_network::timeline(const call& c, world& w, const caller&,
                                   const std::string& user_id,
                                   bool mentions) {
  const user* u = w.find_user("x", user_id);
  if (!u)
    return invalid_request("id", user_id,
                           "The `id` query parameter value [" + user_id
                             + "] does not match any user");
  std::string at = "@" + u->handle;
  auto wanted = [&](const item& t) {
    if (t.kind == item_kind::dm)
      return false;
    return mentions ? (t.author_id != user_id
                       && (t.to_account == user_id || contains_ci(t.text, at)))
                    : t.author_id == user_id;
  };
  std::vector<const item*> page;
  std::string next;
  if (auto err = paginate(c, w, wanted, timeline_bounds, page, next))
    return *err;
  return json_response(200, render_tweet_page(w, page, fields_of(c), next));
}

http::response x_network::search_recent(const call& c, world& w,
                                        const caller&) {
  auto q = c.param("query");
  if (!q || q->empty())
    return invalid_request("query", "",
                           "The `query` query parameter can not be empty");
  if (q->size() > max_query_length)
    return invalid_request("query", *q,
                           "The `query` query parameter value is too long");
  auto clauses = parse_query(*q);
  if (clauses.empty())
    return invalid_request("query", *q, "There were errors processing your "
                                        "request: no terms");
  auto floor = w.now() - recent_search_s;
  auto wanted = [&](const item& t) {
    if (t.kind == item_kind::dm || t.created_at < floor)
      return false;
    return std::any_of(clauses.begin(), clauses.end(), [&](auto& cl) {
      return std::all_of(cl.begin(), cl.end(), [&](const std::string& term) {
        return term_matches(w, t, term);
      });
    });
  };
  std::vector<const item*> page;
  std::string next;
  if (auto err = paginate(c, w, wanted, search_bounds, page, next,
                          {"next_token", "pagination_token"}))
    return *err;
  return json_response(200, render_tweet_page(w, page, fields_of(c), next));
}

http::response x_network::tweet_lookup(const call& c, world& w, const caller&,
                                       const std::string& tweet_id) {
  const item* t = w.find_item("x", tweet_id);
  if (!t || t->kind == item_kind::dm)
    return json_response(
      200,
      {{"errors", json::array({not_found_error("tweet", "id", tweet_id)})}});
  auto f = fields_of(c);
  json out = {{"data", render_tweet(w, *t, f)}};
  if (f.expands("author_id"))
    if (const user* u = w.find_user("x", t->author_id))
      out["includes"] = {{"users", json::array({render_user(*u, f)})}};
  return json_response(200, out);
}

http::response x_network::dm_events(const call& c, world& w,
                                    const caller& who) {
  auto wanted = [&](const item& t) {
    return t.kind == item_kind::dm
           && (t.author_id == who.me->id || t.to_account == who.me->id);
  };
  std::vector<const item*> page;
  std::string next;
  if (auto err = paginate(c, w, wanted, dm_bounds, page, next))
    return *err;
  auto fields = c.param("dm_event.fields").value_or("");
  field_set f{fields, c.param("user.fields").value_or(""),
              c.param("expansions").value_or("")};
  json data = json::array();
  json users = json::array();
  std::set<std::string> seen;
  for (const item* t : page) {
    json e = {{"id", t->id}, {"event_type", "MessageCreate"}, {"text", t->text}};
    if (f.has_tweet("sender_id"))
      e["sender_id"] = t->author_id;
    if (f.has_tweet("created_at"))
      e["created_at"] = iso_time(t->created_at);
    if (f.has_tweet("dm_conversation_id"))
      e["dm_conversation_id"] = t->conversation_id;
    if (f.has_tweet("participant_ids"))
      e["participant_ids"] = json::array({t->author_id, t->to_account});
    data.push_back(std::move(e));
    if (f.expands("sender_id") && seen.insert(t->author_id).second)
      if (const user* u = w.find_user("x", t->author_id))
        users.push_back(render_user(*u, f));
  }
  json out = json::object();
  json meta = {{"result_count", page.size()}};
  if (!next.empty())
    meta["next_token"] = next;
  if (!page.empty())
    out["data"] = data;
  if (!users.empty())
    out["includes"] = {{"users", users}};
  out["meta"] = meta;
  return json_response(200, out);
}

} // namespace socialcrm::sim::x
