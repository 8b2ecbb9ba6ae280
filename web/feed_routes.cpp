// The social tab's read side and the settings each user keeps: the CRM
// view (S-3), user columns with their limits (S-4.1 to S-4.4), the
// account filter (S-4.5). The detail
// view of a person is in person_view_routes.cpp.

#include "storage/account_repository.hpp"
#include "storage/column_repository.hpp"
#include "web/codecs.hpp"
#include "web/json_body.hpp"
#include "web/routes.hpp"
#include "web/social_common.hpp"

#include <caf/send.hpp>

namespace socialcrm::web {

namespace {

using nlohmann::json;

/// A column's title is a label in a column header, not a note.
constexpr std::size_t max_column_title = 100;

/// Default page of a feed: about two screens of a tall column.
constexpr int default_feed_page = 50;

json page_of(const std::vector<storage::feed_item>& items, int limit) {
  auto out = json::array();
  for (auto& p : items)
    out.push_back(to_json(p));
  json next = nullptr;
  if (!items.empty() && static_cast<int>(items.size()) == limit)
    next = items.back().seq;
  return {{"items", out}, {"next_before", next}};
}

// ?before=SEQ&limit=N of every feed; false (and 400 sent) when invalid.
bool read_feed_paging(const call_ptr& c, std::int64_t& before, int& limit) {
  before = 0;
  limit = default_feed_page;
  auto b = query_param(c, "before");
  auto l = query_param(c, "limit");
  if (!b.empty()) {
    auto v = parse_id(b);
    if (!v) {
      c->fail(make_error("bad_query", "'before' must be a seq number"));
      return false;
    }
    before = *v;
  }
  if (!l.empty()) {
    auto v = parse_id(l);
    if (!v || *v > storage::max_feed_page) {
      c->fail(make_error("bad_query",
                         "'limit' must be between 1 and " +
                           std::to_string(storage::max_feed_page)));
      return false;
    }
    limit = static_cast<int>(*v);
  }
  return true;
}

void rescan(const call_ptr& c) {
  if (c->state.social->supervisor)
    caf::anon_send(c->state.social->supervisor, rescan_atom::value);
}

// GET /social/feed?column=&view=&filter=&before=&limit=
void get_feed(const call_ptr& c) {
  if (!require_social(c))
    return;
  storage::feed_query q;
  auto column = parse_standing(query_param(c, "column"));
  if (!column)
    return c->fail(make_error("bad_query",
                              "'column' must be customers, negotiation, "
                              "leads or unknown"));
  q.column = *column;
  auto view = query_param(c, "view");
  if (!view.empty()) {
    auto v = parse_feed_view(view);
    if (!v)
      return c->fail(make_error("bad_query",
                                "'view' must be conversations or stream"));
    q.view = *v;
  }
  auto filter = query_param(c, "filter");
  if (!filter.empty()) {
    auto f = parse_negotiation_filter(filter);
    if (!f || *f == negotiation_filter::none)
      return c->fail(make_error("bad_query", "'filter' must be this_month, "
                                             "new_deals or top10"));
    if (q.column != standing::negotiation)
      return c->fail(make_error("bad_query", "filters belong to the "
                                             "negotiation column (S-3.6)"));
    q.filter = *f;
  }
  if (!read_feed_paging(c, q.before_seq, q.limit))
    return;
  run_blocking(c, [c, q](storage::database& db) mutable {
    q.now = now_ms();
    storage::feed_repository feed(db.handle());
    auto items = feed.crm_view(q, scope_of(db, c->who));
    c->reply_json(200, page_of(items, q.limit));
  });
}

json column_json(const storage::user_column& col) {
  auto people = json::array();
  for (auto& p : col.people)
    people.push_back({{"record_type", to_string(p.type)},
                      {"record_id", std::to_string(p.id)}});
  return {{"id", std::to_string(col.id)},
          {"type", storage::to_string(col.type)},
          {"title", col.title},
          {"terms", col.terms},
          {"people", people},
          // S-4.6: no detail view on keyword columns.
          {"detail_view", col.type != storage::column_type::keyword}};
}

// One person a custom column follows: {record_type, record_id}, the id a
// string or a positive number.
expected<person_ref> decode_person(const json& p) {
  if (!p.is_object() || !p.contains("record_type") ||
      !p.contains("record_id") || !p["record_type"].is_string())
    return make_error("wrong_type", "every person is {record_type, "
                                    "record_id}");
  auto type_of = parse_record_type(p["record_type"].get<std::string>());
  auto& record_id = p["record_id"];
  auto id = record_id.is_string()
              ? parse_id(record_id.get<std::string>())
              : (record_id.is_number_unsigned()
                   ? std::optional<std::int64_t>(
                       record_id.get<std::int64_t>())
                   : std::nullopt);
  if (!type_of || !id || *id <= 0)
    return make_error("invalid_value", "a person is a lead or contact "
                                       "with a positive record_id");
  return person_ref{*type_of, *id};
}

// The body of POST /social/columns. The reader checks the fields, in this
// endpoint's own words, which name what a column takes.
expected<storage::user_column> decode_column(const json& body) {
  json_fields f(body);
  f.reword("type", "missing_field",
           "'type' is required: keyword, custom or my_posts");
  f.reword("type", "wrong_type", "'type' must be a string");
  f.reword("title", "wrong_type", "'title' must be a string");
  f.reword("title", "string_too_long",
           "'title' may have at most " + std::to_string(max_column_title) +
             " bytes");
  storage::user_column col;
  std::string type;
  // Of any length: a name that is no type is invalid_value, however long.
  if (f.text("type", type, std::string::npos, true)) {
    if (auto t = storage::parse_column_type(type))
      col.type = *t;
    else
      f.reject("type", "invalid_value",
               "'type' must be keyword, custom or my_posts");
  }
  f.text("title", col.title, max_column_title);
  const json* terms = nullptr;
  const json* people = nullptr;
  f.array("terms", terms, "strings");
  f.array("people", people, "{record_type, record_id}");
  if (auto key = f.unknown())
    return make_error("unknown_field", "a column has no field '" + *key +
                                         "' (type, title, terms, people)");
  if (auto e = f.finish())
    return *e;
  if (terms)
    for (auto& t : *terms) {
      if (!t.is_string())
        return make_error("wrong_type", "every term must be a string");
      col.terms.push_back(t.get<std::string>());
    }
  if (people)
    for (auto& p : *people) {
      auto who = decode_person(p);
      if (!who)
        return who.error();
      col.people.push_back(*who);
    }
  if (col.type != storage::column_type::keyword && !col.terms.empty())
    return make_error("invalid_value", "only keyword columns have terms");
  if (col.type != storage::column_type::custom && !col.people.empty())
    return make_error("invalid_value", "only custom columns follow people");
  return col;
}

void list_columns(const call_ptr& c) {
  if (!require_social(c))
    return;
  run_blocking(c, [c](storage::database& db) {
    storage::column_repository columns(db.handle());
    auto items = json::array();
    for (auto& col : columns.of_user(c->who.user.id))
      items.push_back(column_json(col));
    c->reply_json(200, {{"items", items},
                        {"limits",
                         {{"terms_per_column", storage::max_terms_per_column},
                          {"people_per_column", storage::max_people_per_column},
                          {"follows_per_user",
                           storage::max_follows_per_user}}}});
  });
}

void add_column(const call_ptr& c) {
  if (!require_social(c))
    return;
  auto col = decode_column(c->body);
  if (!col)
    return c->fail(col.error());
  col->user_id = c->who.user.id;
  run_blocking(c, [c, col = *col](storage::database& db) mutable {
    storage::column_repository columns(db.handle());
    auto id = columns.add(col, now_ms());
    if (!id)
      return c->fail(id.error());
    col.id = *id;
    rescan(c); // its source actor starts polling now
    c->reply_json(201, column_json(col));
  });
}

// Runs `f` with the caller's column {id}, or answers 404.
void with_own_column(
  const call_ptr& c,
  std::function<void(storage::database&, const storage::user_column&)> f) {
  auto id = c->id_param();
  if (!id)
    return;
  run_blocking(c, [c, id = *id, f = std::move(f)](storage::database& db) {
    storage::column_repository columns(db.handle());
    for (auto& col : columns.of_user(c->who.user.id))
      if (col.id == id)
        return f(db, col);
    c->fail(make_error("column_not_found",
                       "you have no column " + std::to_string(id)));
  });
}

void remove_column(const call_ptr& c) {
  if (!require_social(c))
    return;
  with_own_column(c, [c](storage::database& db, const storage::user_column& col) {
    storage::column_repository columns(db.handle());
    columns.remove(col.id, c->who.user.id);
    rescan(c);
    http::response res;
    res.status = 204;
    c->reply(std::move(res));
  });
}

void column_posts(const call_ptr& c) {
  if (!require_social(c))
    return;
  std::int64_t before = 0;
  int limit = 0;
  if (!read_feed_paging(c, before, limit))
    return;
  with_own_column(c, [c, before, limit](storage::database& db,
                                        const storage::user_column& col) {
    storage::feed_repository feed(db.handle());
    auto items = col.type == storage::column_type::my_posts
                   ? feed.my_posts(scope_of(db, c->who), before, limit)
                   : feed.column_posts(col.id, before, limit);
    c->reply_json(200, page_of(items, limit));
  });
}

// POST /social/columns/{id}/refresh: the column's poller polls now (S-4.1).
void refresh_column(const call_ptr& c) {
  if (!require_social(c))
    return;
  with_own_column(c, [c](storage::database& db,
                         const storage::user_column& col) {
    if (col.type == storage::column_type::my_posts)
      return c->fail(make_error("action_not_supported",
                                "My posts follow the linked accounts' own "
                                "polls; refresh a keyword or custom column"));
    if (storage::account_repository(db.handle()).linked_count() == 0)
      return c->fail(make_error("no_linked_account",
                                "no account is linked to poll this column "
                                "with: link one, and the column is polled"));
    // A source not running yet is being started for a column just made;
    // a new source polls at once, so that too is a refresh under way.
    ask_or<bool>(
      c, c->state.registry,
      [c](bool) { c->reply_json(202, {{"refreshing", true}}); },
      [c](const error_info& e) { c->fail(e); }, poll_atom::value,
      "source:column:" + std::to_string(col.id));
  });
}

void get_filter(const call_ptr& c) {
  if (!require_social(c))
    return;
  run_blocking(c, [c](storage::database& db) {
    storage::access_repository access(db.handle());
    auto ids = json::array();
    for (auto id : access.filter(c->who.user.id))
      ids.push_back(std::to_string(id));
    auto offered = json::array();
    for (auto id :
         access.viewable_accounts(c->who.profile.id, full_rights(c->who)))
      offered.push_back(std::to_string(id));
    c->reply_json(200, {{"accounts", ids}, {"viewable", offered}});
  });
}

// PUT /social/filter {accounts: [...]}: [] shows every account again.
void put_filter(const call_ptr& c) {
  if (!require_social(c))
    return;
  auto& body = c->body;
  if (!body.contains("accounts"))
    return c->fail(make_error("missing_field", "'accounts' is required "
                                               "([] = every account)"));
  if (!body["accounts"].is_array())
    return c->fail(make_error("wrong_type", "'accounts' must be an array of "
                                            "account ids"));
  for (auto& [key, value] : body.items())
    if (key != "accounts")
      return c->fail(make_error("unknown_field", "the filter has no field '" +
                                                   key + "'"));
  std::vector<std::int64_t> ids;
  for (auto& a : body["accounts"]) {
    std::optional<std::int64_t> id;
    if (a.is_string())
      id = parse_id(a.get<std::string>());
    else if (a.is_number_unsigned())
      id = a.get<std::int64_t>();
    if (!id || *id <= 0)
      return c->fail(make_error("invalid_value", "account ids are positive "
                                                 "numbers"));
    ids.push_back(*id);
  }
  run_blocking(c, [c, ids](storage::database& db) {
    storage::access_repository access(db.handle());
    auto done = access.set_filter(c->who.user.id, ids);
    if (!done)
      return c->fail(done.error());
    auto out = json::array();
    for (auto id : access.filter(c->who.user.id))
      out.push_back(std::to_string(id));
    c->reply_json(200, {{"accounts", out}});
  });
}

} // namespace

void add_feed_routes(router& r) {
  r.add({"GET", "/api/v1/social/feed", get_feed, true, false,
         "The CRM view: one column, view and filter, paged by seq"});
  r.add({"GET", "/api/v1/social/columns", list_columns, true, false,
         "The caller's keyword, custom and My posts columns"});
  r.add({"POST", "/api/v1/social/columns", add_column, true, true,
         "Adds a column; the S-4 limits refuse and change nothing"});
  r.add({"DELETE", "/api/v1/social/columns/{id}", remove_column, true, false,
         "Removes one of the caller's columns"});
  r.add({"GET", "/api/v1/social/columns/{id}/posts", column_posts, true, false,
         "A column's posts, newest first, paged by seq"});
  r.add({"POST", "/api/v1/social/columns/{id}/refresh", refresh_column, true,
         false, "Polls a keyword or custom column now"});
  r.add({"GET", "/api/v1/social/filter", get_filter, true, false,
         "The caller's network/account filter"});
  r.add({"PUT", "/api/v1/social/filter", put_filter, true, true,
         "Sets the caller's network/account filter ([] = all)"});
  add_person_view_routes(r);
}

} // namespace socialcrm::web
