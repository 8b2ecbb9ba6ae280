#pragma once

// JSON of the REST API's records, both ways. Decoders take a parsed body,
// check every field (web/json_body.hpp) and return a typed struct whose
// `changed` lists the fields sent; encoders write ids as strings and times
// as UTC milliseconds (DESIGN.md).

#include "protocol/crm_messages.hpp"
#include "protocol/error.hpp"

#include <nlohmann/json.hpp>

namespace socialcrm::web {

using nlohmann::json;

/// Whether a decoder reads a new record (required fields enforced) or a
/// PATCH (every field optional, at least one needed).
enum class decode_mode { create, patch };

expected<person_data> decode_person(const json& j, decode_mode mode);
expected<deal_data> decode_deal(const json& j, decode_mode mode);
expected<note_data> decode_note(const json& j, decode_mode mode);
expected<task_data> decode_task(const json& j, decode_mode mode);
expected<email_data> decode_email(const json& j, decode_mode mode);
expected<user_info> decode_user(const json& j, decode_mode mode);
expected<profile_info> decode_profile(const json& j, decode_mode mode);
/// POST /profiles/{id}/clone: {name}.
expected<profile_info> decode_clone(const json& j);
expected<token_info> decode_token(const json& j);
expected<organisation_info> decode_organisation(const json& j);
expected<sign_in_request> decode_sign_in(const json& j);

/// POST /{leads|contacts}/{id}/social-profiles.
struct social_profile_input {
  author_key key;
  std::string handle;
  bool move = false;
};
expected<social_profile_input> decode_social_profile(const json& j);

json to_json(const person_data& p);
json to_json(const deal_data& d);
json to_json(const note_data& n);
json to_json(const task_data& t);
json to_json(const email_data& e);
json to_json(const user_info& u);
json to_json(const profile_info& p);
json to_json(const token_info& t);
json to_json(const organisation_info& o);
json to_json(const social_profile_data& s);
json to_json(const stored_post& p);
/// {user, profile, csrf_token?}: what sign-in and GET /session answer.
json to_json(const principal& who, bool with_csrf);

/// {"items":[...],"next_offset":N|null} of one page of records.
template <class Record>
json page_json(const record_page<Record>& page, std::int64_t offset) {
  auto items = json::array();
  for (auto& r : page.items)
    items.push_back(to_json(r));
  json next = nullptr;
  if (page.more)
    next = offset + static_cast<std::int64_t>(page.items.size());
  return {{"items", std::move(items)}, {"next_offset", next}};
}

} // namespace socialcrm::web
