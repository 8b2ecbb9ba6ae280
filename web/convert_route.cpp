// POST /api/v1/leads/{id}/convert: a lead becomes a contact (SPEC S-2.1)
// with everything that hung off it, in one transaction
// (storage/conversion_repository.hpp). Afterwards the classifier
// recomputes the contact's standing, which moves the posts in every open
// social tab to the contact (S-3.7).

#include "protocol/type_ids.hpp"
#include "storage/conversion_repository.hpp"
#include "web/codecs.hpp"
#include "web/routes.hpp"
#include "web/social_common.hpp"

#include <caf/send.hpp>
#include <spdlog/spdlog.h>

namespace socialcrm::web {

namespace {

void convert_lead(const call_ptr& c) {
  // Converting creates a contact: it needs what creating one needs, a
  // signed-in user (the router checked that, and CSRF for cookies).
  auto id = c->id_param();
  if (!id)
    return;
  if (!c->state.pool)
    return c->fail(make_error("social_unavailable",
                              "this server process has no database "
                              "workers to convert with"));
  run_blocking(c, [c, lead_id = *id](storage::database& db) {
    auto contact
      = storage::conversion_repository(db.handle()).convert(lead_id, now_ms());
    if (!contact)
      return c->fail(contact.error());
    auto answer = nlohmann::json{{"contact", to_json(*contact)},
                                 {"lead_id", std::to_string(lead_id)}};
    // Custom columns that followed the lead follow the contact now.
    if (c->state.social && c->state.social->supervisor)
      caf::anon_send(c->state.social->supervisor, rescan_atom::value);
    // The contact has no stored standing yet, so the refresh always
    // publishes one change naming the moved profiles: the classifier's
    // index and every open view take the posts over from the lead. The
    // conversion stands either way; a failed refresh is logged.
    ask_or<standing_event>(
        c, c->state.classifier,
        [c, answer](standing_event&) { c->reply_json(201, answer); },
        [c, answer, who = contact->ref](const error_info& e) {
          spdlog::warn("standing of converted contact {} not refreshed: {}",
                       who.id, e.message);
          c->reply_json(201, answer);
        },
        refresh_atom::value, contact->ref);
  });
}

} // namespace

void add_convert_route(router& r) {
  r.add({"POST", "/api/v1/leads/{id}/convert", convert_lead, true, false,
         "Converts a lead into a contact with its social profiles, notes, "
         "tasks and e-mails"});
}

} // namespace socialcrm::web
