#include "web/routes.hpp"

#include "http/url.hpp"
#include "protocol/permission_rules.hpp"
#include "web/ids.hpp"

namespace socialcrm::web {

router make_api_router() {
  router r;
  add_auth_routes(r);
  add_admin_routes(r);
  add_record_routes(r);
  add_convert_route(r);
  add_actor_routes(r);
  add_ops_routes(r);
  add_account_routes(r);
  add_feed_routes(r);
  add_action_routes(r);
  return r;
}

bool require(const call_ptr& c, bool allowed, const char* why) {
  if (!allowed)
    c->fail(make_error("forbidden", why));
  return allowed;
}

bool require_social_edition(const call_ptr& c) {
  if (edition_has_social(c->who.edition))
    return true;
  c->fail(make_error("edition_not_supported",
                     "the social features belong to the Professional and "
                     "Enterprise editions; this organisation has the " +
                         c->who.edition + " edition"));
  return false;
}

std::string query_param(const call_ptr& c, const char* name) {
  auto params = http::parse_query(c->req.query());
  auto i = params.find(name);
  return i == params.end() ? std::string() : i->second;
}

bool read_paging(const call_ptr& c, std::int64_t& offset, std::int64_t& limit) {
  auto number = [](const std::string& s, std::int64_t max, std::int64_t& out) {
    if (s.empty())
      return true;
    // Canonical decimal, as ids are (web/ids.hpp): "0" or an id's form.
    auto v = s == "0" ? std::optional<std::int64_t>(0) : parse_id(s);
    if (!v)
      return false;
    out = *v;
    return out <= max;
  };
  offset = 0;
  limit = default_page_size;
  // Offsets beyond a billion rows are not paging, they are a scan.
  if (!number(query_param(c, "offset"), 1'000'000'000, offset) ||
      !number(query_param(c, "limit"), max_page_size, limit) || limit < 1) {
    c->fail(make_error("bad_query",
                       "offset must be a number >= 0 and limit between 1 "
                       "and " +
                           std::to_string(max_page_size)));
    return false;
  }
  return true;
}

} // namespace socialcrm::web
