#include "protocol/permission_rules.hpp"
#include "web/codecs.hpp"
#include "web/ids.hpp"
#include "web/routes.hpp"

#include <spdlog/spdlog.h>

#include <functional>

namespace socialcrm::web {

namespace {

// Sort keys a list takes (`?sort=`, a leading '-' for descending).
bool one_of(const std::string& v, std::initializer_list<const char*> names) {
  for (auto* n : names)
    if (v == n)
      return true;
  return false;
}

bool add_sort(const call_ptr& c, record_filter& f,
              std::initializer_list<const char*> keys) {
  auto sort = query_param(c, "sort");
  if (sort.empty())
    return true;
  auto key = sort[0] == '-' ? sort.substr(1) : sort;
  if (!one_of(key, keys))
    return false;
  f.sort = sort;
  return true;
}

// What differs between the record types: how to decode, how a key is
// built from an id, which person's standing a write may move (S-3.7), and
// which filters a list takes.
template <record_type Type>
struct person_kind {
  using record = person_data;
  static constexpr const char* path =
      Type == record_type::lead ? "/api/v1/leads" : "/api/v1/contacts";
  static expected<record> decode(const json& j, decode_mode m) {
    auto p = decode_person(j, m);
    if (p)
      p->ref.type = Type;
    return p;
  }
  static record key(std::int64_t id) {
    record r;
    r.ref = {Type, id};
    return r;
  }
  static void stamp(record& r, const principal& who) {
    r.created_by = who.user.id;
  }
  // A new person gets a stored standing, a deleted one leaves its column.
  static person_ref moved_by_create(const record& r) { return r.ref; }
  static person_ref moved_by_update(const record&, const record&) { return {}; }
  static person_ref moved_by_delete(const record& r) { return r.ref; }
  static bool filters(const call_ptr& c, record_filter& f) {
    f.record_type = std::string(to_string(Type));
    f.q = query_param(c, "q");
    return f.q.size() <= max_query_length &&
           add_sort(c, f, {"name", "created", "company"});
  }
};

struct deal_kind {
  using record = deal_data;
  static constexpr const char* path = "/api/v1/deals";
  static expected<record> decode(const json& j, decode_mode m) {
    return decode_deal(j, m);
  }
  static record key(std::int64_t id) {
    record r;
    r.id = id;
    return r;
  }
  static void stamp(record&, const principal&) {}
  static person_ref contact(const record& r) {
    return {record_type::contact, r.contact_id};
  }
  static person_ref moved_by_create(const record& r) { return contact(r); }
  static person_ref moved_by_update(const record& patch, const record& r) {
    return names(patch.changed, "stage") ? contact(r) : person_ref{};
  }
  static person_ref moved_by_delete(const record& r) { return contact(r); }
  static bool filters(const call_ptr& c, record_filter& f) {
    f.q = query_param(c, "q");
    auto contact = query_param(c, "contact_id");
    if (!contact.empty()) {
      auto id = parse_id(contact);
      if (!id)
        return false;
      f.record_id = *id;
    }
    auto stage = query_param(c, "stage");
    if (!stage.empty()) {
      if (!one_of(stage, {"open", "won", "lost"}))
        return false;
      f.stage = stage;
    }
    return f.q.size() <= max_query_length &&
           add_sort(c, f, {"name", "amount", "created"});
  }
};

// Notes, tasks and e-mails: no standing moves; lists filter by record.
template <class Record>
struct attachment_kind {
  using record = Record;
  static record key(std::int64_t id) {
    record r;
    r.id = id;
    return r;
  }
  static void stamp(record& r, const principal& who) {
    if constexpr (requires { r.created_by; })
      r.created_by = who.user.id;
  }
  static person_ref moved_by_create(const record&) { return {}; }
  static person_ref moved_by_update(const record&, const record&) { return {}; }
  static person_ref moved_by_delete(const record&) { return {}; }
  static bool filters(const call_ptr& c, record_filter& f) {
    f.record_type = query_param(c, "record_type");
    if (!f.record_type.empty() && f.record_type != "lead" &&
        f.record_type != "contact" && f.record_type != "deal")
      return false;
    auto id = query_param(c, "record_id");
    if (!id.empty()) {
      auto parsed = parse_id(id);
      if (!parsed)
        return false;
      f.record_id = *parsed;
    }
    return true;
  }
};

struct note_kind : attachment_kind<note_data> {
  static constexpr const char* path = "/api/v1/notes";
  static expected<record> decode(const json& j, decode_mode m) {
    return decode_note(j, m);
  }
};
struct task_kind : attachment_kind<task_data> {
  static constexpr const char* path = "/api/v1/tasks";
  static expected<record> decode(const json& j, decode_mode m) {
    return decode_task(j, m);
  }
};
struct email_kind : attachment_kind<email_data> {
  static constexpr const char* path = "/api/v1/emails";
  static expected<record> decode(const json& j, decode_mode m) {
    return decode_email(j, m);
  }
};

// After a committed write that moves a person between columns, asks the
// classifier to recompute and publish the standing (S-3.7), then answers.
// The CRM write stands either way; a classifier failure is logged.
void refresh_then(const call_ptr& c, person_ref who,
                  std::function<void()> next) {
  if (!who)
    return next();
  ask_or<standing_event>(
      c, c->state.classifier, [next](standing_event&) { next(); },
      [next, who](const error_info& e) {
        spdlog::warn("standing of {} {} not refreshed: {}", to_string(who.type),
                     who.id, e.message);
        next();
      },
      refresh_atom::value, who);
}

template <class Kind>
void create_record(const call_ptr& c) {
  using record = typename Kind::record;
  auto r = Kind::decode(c->body, decode_mode::create);
  if (!r)
    return c->fail(r.error());
  Kind::stamp(*r, c->who);
  ask<record>(
      c, c->state.crm,
      [c](record& out) {
        refresh_then(c, Kind::moved_by_create(out),
                     [c, j = to_json(out)] { c->reply_json(201, j); });
      },
      create_atom::value, *r);
}

template <class Kind>
void get_record(const call_ptr& c) {
  using record = typename Kind::record;
  auto id = c->id_param();
  if (!id)
    return;
  ask<record>(
      c, c->state.crm, [c](record& out) { c->reply_json(200, to_json(out)); },
      get_atom::value, Kind::key(*id));
}

template <class Kind>
void update_record(const call_ptr& c) {
  using record = typename Kind::record;
  auto id = c->id_param();
  if (!id)
    return;
  auto patch = Kind::decode(c->body, decode_mode::patch);
  if (!patch)
    return c->fail(patch.error());
  // The id comes from the path, never from the body.
  if constexpr (std::is_same_v<record, person_data>)
    patch->ref = Kind::key(*id).ref;
  else
    patch->id = *id;
  ask<record>(
      c, c->state.crm,
      [c, p = *patch](record& out) {
        refresh_then(c, Kind::moved_by_update(p, out),
                     [c, j = to_json(out)] { c->reply_json(200, j); });
      },
      update_atom::value, *patch);
}

template <class Kind>
void delete_record(const call_ptr& c) {
  using record = typename Kind::record;
  auto id = c->id_param();
  if (!id)
    return;
  ask<record>(
      c, c->state.crm,
      [c](record& gone) {
        auto who = Kind::moved_by_delete(gone);
        refresh_then(c, who, [c, who] {
          auto done = [c] {
            http::response res;
            res.status = 204;
            c->reply(std::move(res));
          };
          if (!who || !std::is_same_v<record, person_data>)
            return done();
          // The classifier moved the person's posts to Unknown; now their
          // social profiles can go.
          ask<std::int64_t>(
              c, c->state.crm, [done](std::int64_t) { done(); },
              purge_atom::value, who);
        });
      },
      delete_atom::value, Kind::key(*id));
}

template <class Kind>
void list_records(const call_ptr& c) {
  using record = typename Kind::record;
  list_query<record> q;
  if (!read_paging(c, q.filter.offset, q.filter.limit))
    return;
  if (!Kind::filters(c, q.filter))
    return c->fail(make_error("bad_query",
                              "a filter of this list has a value it cannot "
                              "take (sort: name, created, company for people; "
                              "name, amount, created for deals; a leading '-' "
                              "sorts descending; stage: open, won, lost)"));
  ask<record_page<record>>(
      c, c->state.crm,
      [c, offset = q.filter.offset](record_page<record>& page) {
        c->reply_json(200, page_json(page, offset));
      },
      list_atom::value, q);
}

template <record_type Type>
void link_social_profile(const call_ptr& c) {
  if (!require_social_edition(c) ||
      !require(c, may_link_profiles(c->who),
               "associating social profiles needs the social profile "
               "link permission"))
    return;
  auto id = c->id_param();
  if (!id)
    return;
  auto in = decode_social_profile(c->body);
  if (!in)
    return c->fail(in.error());
  profile_link link{{Type, *id}, in->key, in->handle, in->move};
  // The classifier writes the association through the store and moves the
  // author's posts in every open view.
  ask<standing_event>(
      c, c->state.classifier,
      [c, in = *in, who = link.person](standing_event& ev) {
        c->reply_json(201, {{"network", to_string(in.key.net)},
                            {"user_id", in.key.user_id},
                            {"handle", in.handle},
                            {"person",
                             {{"record_type", to_string(who.type)},
                              {"record_id", std::to_string(who.id)}}},
                            {"standing", to_string(ev.to)}});
      },
      link_atom::value, link);
}

template <record_type Type>
void list_social_profiles(const call_ptr& c) {
  if (!require_social_edition(c) ||
      !require(c, may_use_social(c->who),
               "social data needs the social tab permission"))
    return;
  auto id = c->id_param();
  if (!id)
    return;
  ask<record_page<social_profile_data>>(
      c, c->state.crm,
      [c](record_page<social_profile_data>& page) {
        c->reply_json(200, page_json(page, 0));
      },
      list_atom::value, person_ref{Type, *id});
}

template <record_type Type>
void list_interactions(const call_ptr& c) {
  if (!require_social_edition(c) ||
      !require(c, may_use_social(c->who),
               "social data needs the social tab permission"))
    return;
  auto id = c->id_param();
  if (!id)
    return;
  interactions_query q{{Type, *id}, 0, default_page_size};
  std::int64_t ignored = 0;
  if (!read_paging(c, ignored, q.limit))
    return;
  auto before = query_param(c, "before");
  if (!before.empty()) {
    auto seq = parse_id(before);
    if (!seq)
      return c->fail(make_error("bad_query", "'before' must be a seq"));
    q.before = *seq;
  }
  ask<record_page<stored_post>>(
      c, c->state.crm,
      [c](record_page<stored_post>& page) {
        auto items = json::array();
        for (auto& p : page.items)
          items.push_back(to_json(p));
        json next = nullptr;
        if (page.more && !page.items.empty())
          next = page.items.back().seq;
        c->reply_json(200, {{"items", items}, {"next_before", next}});
      },
      list_atom::value, q);
}

template <class Kind>
void add_crud(router& r, const char* noun) {
  std::string base = Kind::path;
  std::string one = base + "/{id}";
  r.add({"GET", base, list_records<Kind>, true, false,
         std::string("Lists ") + noun + "s, paged"});
  r.add({"POST", base, create_record<Kind>, true, true,
         std::string("Creates a ") + noun});
  r.add({"GET", one, get_record<Kind>, true, false,
         std::string("Reads one ") + noun});
  r.add({"PATCH", one, update_record<Kind>, true, true,
         std::string("Changes the fields of a ") + noun + " that are sent"});
  r.add({"DELETE", one, delete_record<Kind>, true, false,
         std::string("Deletes a ") + noun});
}

template <record_type Type>
void add_person_routes(router& r) {
  using kind = person_kind<Type>;
  add_crud<kind>(r, Type == record_type::lead ? "lead" : "contact");
  std::string one = std::string(kind::path) + "/{id}";
  r.add({"POST", one + "/social-profiles", link_social_profile<Type>, true,
         true,
         "Associates a social profile (social profile link "
         "permission)"});
  r.add({"GET", one + "/social-profiles", list_social_profiles<Type>, true,
         false, "The person's social profiles"});
  r.add({"GET", one + "/social-interactions", list_interactions<Type>, true,
         false,
         "Posts of the person's social profiles, newest first "
         "(S-6.4)"});
}

} // namespace

void add_record_routes(router& r) {
  add_person_routes<record_type::lead>(r);
  add_person_routes<record_type::contact>(r);
  add_crud<deal_kind>(r, "deal");
  add_crud<note_kind>(r, "note");
  add_crud<task_kind>(r, "task");
  add_crud<email_kind>(r, "logged e-mail");
}

} // namespace socialcrm::web
