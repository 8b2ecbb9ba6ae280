// From a post to the CRM (S-5.4, S-5.5): add the Unknown author as a new
// lead or contact, or associate them with an existing one, so all their
// posts, past and future, move to the right column (the classifier's
// link_atom publishes standing_changed); and add a deal, task or note to a
// known author's record. CRM writes go through the CRM actor as the
// record routes' do; the post is read and the history written on the
// blocking pool.

#include "web/action_support.hpp"
#include "web/codecs.hpp"
#include "web/json_body.hpp"
#include "web/routes.hpp"
#include "web/social_common.hpp"

#include <spdlog/spdlog.h>

namespace socialcrm::web {

namespace {

json person_ref_json(person_ref p) {
  return {{"record_type", to_string(p.type)},
          {"record_id", std::to_string(p.id)}};
}

// Finds the post on the pool, then continues with it on the pool thread.
template <class F>
void with_post(const call_ptr& c, F next) {
  auto id = c->id_param();
  if (!id)
    return;
  run_blocking(c, [c, id = *id, next](storage::database& db) mutable {
    if (auto post = find_post(c, db, id))
      next(*post);
  });
}

// Writes the history entry on the pool, then answers.
void record_then_reply(const call_ptr& c, storage::activity_entry e,
                       unsigned status, json answer) {
  run_blocking(c, [c, e = std::move(e), status,
                   answer = std::move(answer)](storage::database& db) mutable {
    record_activity(db, c->who, std::move(e));
    c->reply_json(status, answer);
  });
}

storage::activity_entry entry_for(const stored_post& p, std::string action) {
  storage::activity_entry e;
  e.action = std::move(action);
  e.network = std::string(to_string(p.body.net));
  e.account_id = p.account_id;
  e.post_id = p.id;
  return e;
}

profile_link link_of(const stored_post& p, person_ref who) {
  return {who, {p.body.net, p.body.from.network_user_id}, p.body.from.handle,
          false};
}

// The CRM refuses records for a post whose author is nobody yet.
bool require_known_author(const call_ptr& c, const stored_post& p) {
  if (p.person)
    return true;
  c->fail(make_error("author_unknown",
                          "the author of this post is not a lead or contact "
                          "yet: add or associate them first"));
  return false;
}

// Nothing half-written: a new record goes again when its social profile
// could not be attached (another user associated the author first).
void undo_person(const call_ptr& c, person_ref key, const error_info& why) {
  person_data gone;
  gone.ref = key;
  ask_or<person_data>(
    c, c->state.crm, [c, why](person_data&) { c->fail(why); },
    [c, why, key](const error_info& e) {
      spdlog::error("{} {} left behind after a failed link: {}",
                    to_string(key.type), key.id, e.message);
      c->fail(why);
    },
    delete_atom::value, gone);
}

// Attaches the post's author to the person just created; the classifier
// moves their posts, past and live (S-5.4).
void link_new_person(const call_ptr& c, const stored_post& p,
                     const person_data& made, const std::string& as) {
  ask_or<standing_event>(
    c, c->state.classifier,
    [c, p, as, made](standing_event& ev) {
      auto e = entry_for(p, as + "_added");
      e.record_type = as;
      e.record_id = made.ref.id;
      e.detail = made.first_name.empty()
                   ? made.last_name
                   : made.first_name + " " + made.last_name;
      record_then_reply(c, std::move(e), 201,
                        {{"person", to_json(made)},
                         {"standing", to_string(ev.to)}});
    },
    [c, key = made.ref](const error_info& err) { undo_person(c, key, err); },
    link_atom::value, link_of(p, made.ref));
}

void add_person(const call_ptr& c) {
  if (!require_social(c))
    return;
  auto kind = c->body.find("as");
  if (kind == c->body.end())
    return c->fail(make_error("missing_field", "the field 'as' is required "
                                               "(lead or contact)"));
  if (!kind->is_string() || (*kind != "lead" && *kind != "contact"))
    return c->fail(make_error("invalid_value",
                              "'as' must be one of: lead, contact"));
  auto as = kind->get<std::string>();
  // The rest is a lead or contact as POST /leads and /contacts take it.
  json fields = json::object();
  for (auto& [key, value] : c->body.items())
    if (key != "as")
      fields[key] = value;
  auto person = decode_person(fields, decode_mode::create);
  if (!person)
    return c->fail(person.error());
  person->ref.type = *parse_record_type(as);
  person->origin = "social";
  person->created_by = c->who.user.id;
  with_post(c, [c, in = *person, as](const stored_post& p) {
    if (p.person)
      return c->fail(make_error(
        "profile_owned_by_other",
        "the author of this post is already " +
          std::string(to_string(p.person.type)) + " " +
          std::to_string(p.person.id)));
    ask<person_data>(
      c, c->state.crm,
      [c, p, as](person_data& made) { link_new_person(c, p, made, as); },
      create_atom::value, in);
  });
}

void associate(const call_ptr& c) {
  if (!require_social(c))
    return;
  json_fields f(c->body);
  std::string type;
  std::int64_t id = 0;
  f.choice("record_type", type, {"lead", "contact"}, true);
  f.id("record_id", id, true);
  if (auto err = f.finish())
    return c->fail(*err);
  person_ref who{*parse_record_type(type), id};
  with_post(c, [c, who](const stored_post& p) {
    ask<standing_event>(
      c, c->state.classifier,
      [c, p, who](standing_event& ev) {
        auto e = entry_for(p, "associated");
        e.record_type = std::string(to_string(who.type));
        e.record_id = who.id;
        e.detail = p.body.from.handle;
        record_then_reply(c, std::move(e), 201,
                          {{"person", person_ref_json(who)},
                           {"network", to_string(p.body.net)},
                           {"user_id", p.body.from.network_user_id},
                           {"handle", p.body.from.handle},
                           {"standing", to_string(ev.to)}});
      },
      link_atom::value, link_of(p, who));
  });
}

// The body of a deal, task or note from a post: what the client sent plus
// the record it hangs off, which comes from the post and never the body.
std::optional<json> record_body(const call_ptr& c,
                                std::initializer_list<const char*> owned) {
  for (auto name : owned)
    if (c->body.contains(name)) {
      c->fail(make_error("unknown_field",
                         std::string("'") + name +
                           "' comes from the post's author, not the body"));
      return std::nullopt;
    }
  return c->body;
}

// Creates `record` through the CRM actor, then refreshes the person's
// standing when the record moves it (a deal), then answers.
template <class Record>
void create_for_post(const call_ptr& c, const stored_post& p, Record record,
                     const char* action, const char* kind,
                     std::string detail, bool moves) {
  ask<Record>(
    c, c->state.crm,
    [c, p, action, kind, detail, moves](Record& made) {
      auto answer = [c, p, action, kind, detail, made] {
        auto e = entry_for(p, action);
        e.record_type = kind;
        e.record_id = made.id;
        e.detail = detail;
        record_then_reply(c, std::move(e), 201, to_json(made));
      };
      if (!moves)
        return answer();
      ask_or<standing_event>(
        c, c->state.classifier, [answer](standing_event&) { answer(); },
        [answer, who = p.person](const error_info& e) {
          spdlog::warn("standing of {} {} not refreshed: {}",
                       to_string(who.type), who.id, e.message);
          answer();
        },
        refresh_atom::value, p.person);
    },
    create_atom::value, record);
}

void add_deal(const call_ptr& c) {
  if (!require_social(c))
    return;
  auto body = record_body(c, {"contact_id"});
  if (!body)
    return;
  // Checked with a stand-in contact first, so bad fields are refused
  // before the post is even read.
  (*body)["contact_id"] = "1";
  auto deal = decode_deal(*body, decode_mode::create);
  if (!deal)
    return c->fail(deal.error());
  with_post(c, [c, d = *deal](const stored_post& p) mutable {
    if (!require_known_author(c, p))
      return;
    if (p.person.type != record_type::contact)
      return c->fail(make_error(
        "invalid_value", "deals belong to contacts; the author of this post "
                         "is lead " + std::to_string(p.person.id)));
    d.contact_id = p.person.id;
    create_for_post(c, p, d, "deal_added", "deal", d.name, true);
  });
}

void add_task(const call_ptr& c) {
  if (!require_social(c))
    return;
  auto body = record_body(c, {"record_type", "record_id"});
  if (!body)
    return;
  // `due` is the short name the social tab sends; /tasks calls it due_at.
  if (body->contains("due") && !body->contains("due_at")) {
    (*body)["due_at"] = (*body)["due"];
    body->erase("due");
  }
  (*body)["record_type"] = "lead";
  (*body)["record_id"] = "1";
  auto task = decode_task(*body, decode_mode::create);
  if (!task)
    return c->fail(task.error());
  with_post(c, [c, t = *task](const stored_post& p) mutable {
    if (!require_known_author(c, p))
      return;
    t.record_type = std::string(to_string(p.person.type));
    t.record_id = p.person.id;
    t.created_by = c->who.user.id;
    create_for_post(c, p, t, "task_added", "task", t.subject, false);
  });
}

void add_note(const call_ptr& c) {
  if (!require_social(c))
    return;
  auto body = record_body(c, {"record_type", "record_id"});
  if (!body)
    return;
  // The social tab sends {text}; /notes calls it body.
  if (body->contains("text") && !body->contains("body")) {
    (*body)["body"] = (*body)["text"];
    body->erase("text");
  }
  (*body)["record_type"] = "lead";
  (*body)["record_id"] = "1";
  auto note = decode_note(*body, decode_mode::create);
  if (!note)
    return c->fail(note.error());
  with_post(c, [c, n = *note](const stored_post& p) mutable {
    if (!require_known_author(c, p))
      return;
    n.record_type = std::string(to_string(p.person.type));
    n.record_id = p.person.id;
    n.created_by = c->who.user.id;
    create_for_post(c, p, n, "note_added", "note", n.body, false);
  });
}

} // namespace

void add_person_action_routes(router& r) {
  const std::string post = "/api/v1/social/posts/{id}/";
  r.add({"POST", post + "add-person", add_person, true, true,
         "Adds the Unknown author of a post as a new lead or contact and "
         "associates their social profile (S-5.4); body {as, first_name, "
         "last_name, ...}"});
  r.add({"POST", post + "associate", associate, true, true,
         "Associates the author of a post with an existing lead or contact "
         "(S-5.4); body {record_type, record_id}"});
  r.add({"POST", post + "deal", add_deal, true, true,
         "Adds a deal to the contact who wrote the post (S-5.5); body "
         "{name, amount, stage?}"});
  r.add({"POST", post + "task", add_task, true, true,
         "Adds a task to the person who wrote the post (S-5.5); body "
         "{subject, due_at?}"});
  r.add({"POST", post + "note", add_note, true, true,
         "Adds a note to the person who wrote the post (S-5.5); body "
         "{text}"});
}

} // namespace socialcrm::web
