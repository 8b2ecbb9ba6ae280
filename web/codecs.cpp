#include "web/codecs.hpp"

#include "web/json_body.hpp"
#include "web/limits.hpp"

#include <cmath>

namespace socialcrm::web {

namespace {

std::string id_text(std::int64_t id) {
  return std::to_string(id);
}

// The common tail of every decoder: the first field error, an unknown
// field, or a PATCH that changes nothing.
template <class T>
expected<T> finish(const json_fields& f, T value, decode_mode mode) {
  if (auto err = f.finish())
    return *err;
  if (mode == decode_mode::patch && f.present().empty())
    return make_error("missing_field", "the PATCH names no field to change");
  value.changed = f.present();
  return value;
}

bool plausible_email(const std::string& s) {
  auto at = s.find('@');
  return at != std::string::npos && at > 0 && at + 1 < s.size() &&
         s.find('@', at + 1) == std::string::npos &&
         s.find_first_of(" \t\r\n<>") == std::string::npos;
}

} // namespace

expected<person_data> decode_person(const json& j, decode_mode mode) {
  bool create = mode == decode_mode::create;
  json_fields f(j);
  person_data p;
  f.text("first_name", p.first_name, max_name_length);
  f.text("last_name", p.last_name, max_name_length, create, false);
  f.text("email", p.email, max_email_length);
  f.text("phone", p.phone, max_phone_length);
  f.text("website", p.website, max_url_length);
  f.text("company", p.company, max_name_length);
  return finish(f, std::move(p), mode);
}

expected<deal_data> decode_deal(const json& j, decode_mode mode) {
  bool create = mode == decode_mode::create;
  json_fields f(j);
  deal_data d;
  if (create)
    f.id("contact_id", d.contact_id, true);
  f.text("name", d.name, max_name_length, create, false);
  double amount = 0;
  if (f.number("amount", amount, 0, max_amount))
    d.amount_cents = std::llround(amount * 100);
  std::string stage = "open";
  if (f.choice("stage", stage, {"open", "won", "lost"}))
    d.stage = *parse_deal_stage(stage);
  return finish(f, std::move(d), mode);
}

expected<note_data> decode_note(const json& j, decode_mode mode) {
  bool create = mode == decode_mode::create;
  json_fields f(j);
  note_data n;
  if (create) {
    f.choice("record_type", n.record_type, {"lead", "contact", "deal"}, true);
    f.id("record_id", n.record_id, true);
  }
  f.text("body", n.body, max_text_length, create, false);
  return finish(f, std::move(n), mode);
}

expected<task_data> decode_task(const json& j, decode_mode mode) {
  bool create = mode == decode_mode::create;
  json_fields f(j);
  task_data t;
  if (create) {
    f.choice("record_type", t.record_type, {"lead", "contact", "deal"}, true);
    f.id("record_id", t.record_id, true);
  }
  f.text("subject", t.subject, max_name_length, create, false);
  f.integer("due_at", t.due_at, 0, std::int64_t{1} << 50);
  f.choice("status", t.status, {"open", "done"});
  return finish(f, std::move(t), mode);
}

expected<email_data> decode_email(const json& j, decode_mode mode) {
  bool create = mode == decode_mode::create;
  json_fields f(j);
  email_data e;
  if (create) {
    f.choice("record_type", e.record_type, {"lead", "contact"}, true);
    f.id("record_id", e.record_id, true);
    f.choice("direction", e.direction, {"in", "out"}, true);
    f.text("from", e.from_addr, max_email_length, true, false);
    f.text("to", e.to_addr, max_email_length, true, false);
    f.integer("sent_at", e.sent_at, 0, std::int64_t{1} << 50);
  }
  f.text("subject", e.subject, max_name_length);
  f.text("body", e.body, max_text_length);
  f.flag("answered", e.answered);
  return finish(f, std::move(e), mode);
}

expected<user_info> decode_user(const json& j, decode_mode mode) {
  bool create = mode == decode_mode::create;
  json_fields f(j);
  user_info u;
  if (create) {
    f.text("email", u.email, max_email_length, true, false);
    f.text("password", u.password, max_password_length, true);
  } else {
    f.flag("active", u.active);
  }
  f.text("name", u.name, max_name_length, create, false);
  f.id("profile_id", u.profile_id, create);
  auto out = finish(f, std::move(u), mode);
  if (out && create && !plausible_email(out->email))
    return make_error("invalid_value", "'email' is not an e-mail address");
  if (out && create && out->password.size() < min_password_length)
    return make_error("password_too_short",
                      "the password needs at least " +
                          std::to_string(min_password_length) + " characters");
  return out;
}

expected<profile_info> decode_profile(const json& j, decode_mode mode) {
  json_fields f(j);
  profile_info p;
  f.text("name", p.name, max_name_length, mode == decode_mode::create, false);
  f.flag("social_tab", p.perms.social_tab);
  f.flag("social_profile_link", p.perms.social_profile_link);
  f.flag("social_admin", p.perms.social_admin);
  f.flag("admin", p.perms.admin);
  return finish(f, std::move(p), mode);
}

expected<profile_info> decode_clone(const json& j) {
  json_fields f(j);
  profile_info p;
  f.text("name", p.name, max_name_length, true, false);
  return finish(f, std::move(p), decode_mode::create);
}

expected<token_info> decode_token(const json& j) {
  json_fields f(j);
  token_info t;
  f.text("name", t.name, max_name_length, true, false);
  if (auto err = f.finish())
    return *err;
  return t;
}

expected<organisation_info> decode_organisation(const json& j) {
  json_fields f(j);
  organisation_info o;
  f.text("name", o.name, max_name_length, false, false);
  f.choice("edition", o.edition,
           {"free", "standard", "professional", "enterprise"});
  return finish(f, std::move(o), decode_mode::patch);
}

expected<sign_in_request> decode_sign_in(const json& j) {
  json_fields f(j);
  sign_in_request r;
  f.text("email", r.email, max_email_length, true, false);
  f.text("password", r.password, max_password_length, true);
  if (auto err = f.finish())
    return *err;
  return r;
}

expected<social_profile_input> decode_social_profile(const json& j) {
  json_fields f(j);
  social_profile_input in;
  std::string net;
  if (f.choice("network", net,
               {"x", "facebook", "googleplus", "mastodon", "bluesky"}, true))
    in.key.net = *parse_network(net);
  f.text("user_id", in.key.user_id, max_handle_length, true, false);
  f.text("handle", in.handle, max_handle_length);
  f.flag("move", in.move);
  if (auto err = f.finish())
    return *err;
  return in;
}

json to_json(const person_data& p) {
  return {{"id", id_text(p.ref.id)},    {"record_type", to_string(p.ref.type)},
          {"first_name", p.first_name}, {"last_name", p.last_name},
          {"email", p.email},           {"phone", p.phone},
          {"website", p.website},       {"company", p.company},
          {"origin", p.origin},         {"created_at", p.created_at},
          {"updated_at", p.updated_at}};
}

json to_json(const deal_data& d) {
  return {{"id", id_text(d.id)},
          {"contact_id", id_text(d.contact_id)},
          {"name", d.name},
          {"amount", static_cast<double>(d.amount_cents) / 100},
          {"stage", to_string(d.stage)},
          {"created_at", d.created_at},
          {"closed_at", d.closed_at != 0 ? json(d.closed_at) : json(nullptr)},
          {"updated_at", d.updated_at}};
}

json to_json(const note_data& n) {
  return {{"id", id_text(n.id)},
          {"record_type", n.record_type},
          {"record_id", id_text(n.record_id)},
          {"body", n.body},
          {"created_by",
           n.created_by != 0 ? json(id_text(n.created_by)) : json(nullptr)},
          {"created_at", n.created_at}};
}

json to_json(const task_data& t) {
  return {{"id", id_text(t.id)},
          {"record_type", t.record_type},
          {"record_id", id_text(t.record_id)},
          {"subject", t.subject},
          {"due_at", t.due_at != 0 ? json(t.due_at) : json(nullptr)},
          {"status", t.status},
          {"created_by",
           t.created_by != 0 ? json(id_text(t.created_by)) : json(nullptr)},
          {"created_at", t.created_at}};
}

json to_json(const email_data& e) {
  return {{"id", id_text(e.id)},
          {"record_type", e.record_type},
          {"record_id", id_text(e.record_id)},
          {"direction", e.direction},
          {"from", e.from_addr},
          {"to", e.to_addr},
          {"subject", e.subject},
          {"body", e.body},
          {"answered", e.answered},
          {"sent_at", e.sent_at}};
}

json to_json(const user_info& u) {
  return {{"id", id_text(u.id)},
          {"email", u.email},
          {"name", u.name},
          {"profile_id", id_text(u.profile_id)},
          {"super_admin", u.super_admin},
          {"active", u.active},
          {"created_at", u.created_at}};
}

json to_json(const profile_info& p) {
  return {{"id", id_text(p.id)},
          {"name", p.name},
          {"builtin", p.builtin},
          {"social_tab", p.perms.social_tab},
          {"social_profile_link", p.perms.social_profile_link},
          {"social_admin", p.perms.social_admin},
          {"admin", p.perms.admin},
          {"created_at", p.created_at}};
}

json to_json(const token_info& t) {
  json out{
      {"id", id_text(t.id)},
      {"name", t.name},
      {"created_at", t.created_at},
      {"last_used_at",
       t.last_used_at != 0 ? json(t.last_used_at) : json(nullptr)},
      {"revoked_at", t.revoked_at != 0 ? json(t.revoked_at) : json(nullptr)}};
  if (!t.secret.empty())
    out["token"] = t.secret; // shown once, at creation
  return out;
}

json to_json(const organisation_info& o) {
  return {{"name", o.name}, {"edition", o.edition}};
}

json to_json(const social_profile_data& s) {
  return {{"network", to_string(s.key.net)},
          {"user_id", s.key.user_id},
          {"handle", s.handle},
          {"created_at", s.created_at}};
}

json to_json(const stored_post& p) {
  json person = nullptr;
  if (p.person)
    person = {{"record_type", to_string(p.person.type)},
              {"record_id", id_text(p.person.id)}};
  return {{"id", id_text(p.id)},
          {"seq", p.seq},
          {"network", to_string(p.body.net)},
          {"account_id",
           p.account_id != 0 ? json(id_text(p.account_id)) : json(nullptr)},
          {"external_id", p.body.external_id},
          {"kind", to_string(p.body.kind)},
          {"author",
           {{"network_user_id", p.body.from.network_user_id},
            {"handle", p.body.from.handle},
            {"name", p.body.from.name}}},
          {"text", p.body.text},
          {"created_at", p.body.created_at},
          {"in_reply_to", p.body.in_reply_to},
          {"standing", to_string(p.where)},
          {"person", person}};
}

json to_json(const principal& who, bool with_csrf) {
  json out{{"user", to_json(who.user)},
           {"profile", to_json(who.profile)},
           {"edition", who.edition}};
  if (with_csrf && !who.csrf_token.empty())
    out["csrf_token"] = who.csrf_token;
  return out;
}

} // namespace socialcrm::web
