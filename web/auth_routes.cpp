#include "web/api_error.hpp"
#include "web/auth.hpp"
#include "web/codecs.hpp"
#include "web/routes.hpp"

#include "actors/crm_actor.hpp"

namespace socialcrm::web {

namespace {

bool secure_cookies(const call_ptr& c) {
  auto& social = c->state.social;
  return cookies_secure(c->state.tls,
                        social ? social->public_url : std::string_view());
}

void signed_in(const call_ptr& c, const sign_in_result& r) {
  auto res = http::response::make(200, "application/json",
                                  to_json(r.who, true).dump());
  res.headers.set("Cache-Control", "no-store");
  auto lifetime = std::chrono::duration_cast<std::chrono::seconds>(
      crm_limits{}.session_lifetime);
  res.headers.add("Set-Cookie",
                  session_cookie(r.session_token, lifetime, secure_cookies(c)));
  c->reply(std::move(res));
}

void refused(const call_ptr& c, const caf::error& err) {
  if (auto wait = sign_in_retry_after(err)) {
    auto& ctx = err.context();
    auto res = error_response(
        {ctx.get_as<std::string>(0), ctx.get_as<std::string>(1)});
    res.headers.set("Retry-After", std::to_string(wait->count()));
    return c->reply(std::move(res));
  }
  c->fail(to_error_info(err));
}

void sign_in(const call_ptr& c) {
  auto req = decode_sign_in(c->body);
  if (!req)
    return c->fail(req.error());
  req->address = c->req.remote_address;
  req->previous_session = cookie_value(c->req, session_cookie_name);
  // As ask_or() does, but the raw error reaches refused(): a throttled
  // sign-in carries how long to wait, which error_info has no room for.
  c->state.sys.spawn(
      [c](caf::event_based_actor* self, caf::timespan timeout,
          sign_in_request r) {
        self->request(c->state.crm, timeout, signin_atom::value, r)
            .then([c](sign_in_result& out) { signed_in(c, out); },
                  [c](caf::error& err) { refused(c, err); });
      },
      caf::timespan{c->state.limits.actor_timeout}, std::move(*req));
}

void current_session(const call_ptr& c) {
  c->reply_json(200, to_json(c->who, c->by_cookie));
}

void sign_out(const call_ptr& c) {
  if (!c->by_cookie)
    return c->fail(make_error("not_a_session",
                              "this request is authenticated by an API "
                              "token; revoke it with DELETE /tokens/{id}"));
  ask<bool>(
      c, c->state.crm,
      [c](bool) {
        http::response res;
        res.status = 204;
        res.headers.add("Set-Cookie",
                        expired_session_cookie(secure_cookies(c)));
        c->reply(std::move(res));
      },
      signout_atom::value, c->who.session_id);
}

void list_tokens(const call_ptr& c) {
  list_query<token_info> q;
  if (!read_paging(c, q.filter.offset, q.filter.limit))
    return;
  ask<record_page<token_info>>(
      c, c->state.crm,
      [c, offset = q.filter.offset](record_page<token_info>& page) {
        c->reply_json(200, page_json(page, offset));
      },
      list_atom::value, c->who, q);
}

void create_token(const call_ptr& c) {
  auto t = decode_token(c->body);
  if (!t)
    return c->fail(t.error());
  ask<token_info>(
      c, c->state.crm,
      [c](token_info& out) { c->reply_json(201, to_json(out)); },
      create_atom::value, c->who, *t);
}

void revoke_token(const call_ptr& c) {
  auto id = c->id_param();
  if (!id)
    return;
  token_info t;
  t.id = *id;
  ask<token_info>(
      c, c->state.crm,
      [c](token_info& out) { c->reply_json(200, to_json(out)); },
      delete_atom::value, c->who, t);
}

} // namespace

void add_auth_routes(router& r) {
  r.add({"POST", "/api/v1/session", sign_in, false, true,
         "Sign in: sets the session cookie, answers the user and the CSRF "
         "token"});
  r.add({"GET", "/api/v1/session", current_session, true, false,
         "The signed-in user, profile and (for cookies) CSRF token"});
  r.add({"DELETE", "/api/v1/session", sign_out, true, false,
         "Sign out: ends the session"});
  r.add({"GET", "/api/v1/tokens", list_tokens, true, false,
         "The user's personal API tokens (never their secrets)"});
  r.add({"POST", "/api/v1/tokens", create_token, true, true,
         "Creates a personal API token; its secret is shown once"});
  r.add({"DELETE", "/api/v1/tokens/{id}", revoke_token, true, false,
         "Revokes one of the user's API tokens"});
}

} // namespace socialcrm::web
