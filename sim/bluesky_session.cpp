// Bluesky sessions as the PDS serves them: createSession,
// refreshSession (rotating refresh JWTs with a grace period), getSession;
// and com.atproto.identity.resolveHandle.

#include "sim/bluesky_network.hpp"

#include <sodium.h>

#include <algorithm>

namespace socialcrm::sim::bluesky {

using nlohmann::json;

namespace {

/// Audience of the session JWTs: the PDS's own DID.
constexpr const char* pds_did = "did:web:bsky.sim";

std::string base64url(std::string_view s) {
  std::string out(sodium_base64_ENCODED_LEN(
                    s.size(), sodium_base64_VARIANT_URLSAFE_NO_PADDING),
                  '\0');
  sodium_bin2base64(out.data(), out.size(),
                    reinterpret_cast<const unsigned char*>(s.data()), s.size(),
                    sodium_base64_VARIANT_URLSAFE_NO_PADDING);
  out.resize(std::char_traits<char>::length(out.c_str()));
  return out;
}

/// "header.payload." of a JWT; the world appends random bytes as the
/// signature, so tokens look and decode like the PDS's HS256 JWTs.
std::string jwt_prefix(const char* typ, const json& payload) {
  json header = {{"typ", typ}, {"alg", "HS256"}};
  return base64url(header.dump()) + "." + base64url(payload.dump()) + ".";
}

} // namespace

const token& bluesky_network::issue_access(world& w, const user& u) {
  auto now = w.now();
  return w.issue_token(id(), token_kind::access, u.id, "", "",
                       "com.atproto.access", access_ttl_s,
                       jwt_prefix("at+jwt", {{"scope", "com.atproto.access"},
                                             {"sub", u.id},
                                             {"aud", pds_did},
                                             {"iat", now},
                                             {"exp", now + access_ttl_s}}));
}

const token& bluesky_network::issue_refresh(world& w, const user& u) {
  auto now = w.now();
  return w.issue_token(
    id(), token_kind::refresh, u.id, "", "", "com.atproto.refresh",
    refresh_ttl_s,
    jwt_prefix("refresh+jwt", {{"scope", "com.atproto.refresh"},
                               {"sub", u.id},
                               {"aud", pds_did},
                               {"jti", w.random_token(16)},
                               {"iat", now},
                               {"exp", now + refresh_ttl_s}}));
}

json bluesky_network::session_body(const user& u, const std::string& access,
                                   const std::string& refresh) const {
  return {{"did", u.id},
          {"handle", handle_of(u)},
          {"accessJwt", access},
          {"refreshJwt", refresh},
          {"active", true}};
}

json bluesky_network::issue_session(world& w, const user& u) {
  const token& access = issue_access(w, u);
  const token& refresh = issue_refresh(w, u);
  return session_body(u, access.value, refresh.value);
}

http::response bluesky_network::create_session(const call& c, world& w) {
  auto body = c.json_body();
  if (!body || !body->is_object())
    return invalid_request("Input must be an object");
  for (const char* field : {"identifier", "password"}) {
    if (!body->contains(field))
      return invalid_request(std::string("Input must have the property \"")
                             + field + "\"");
    if (!(*body)[field].is_string())
      return invalid_request(std::string("Input/") + field
                             + " must be a string");
  }
  const user* u = find_actor(w, (*body)["identifier"].get<std::string>());
  // App passwords and the account password both sign in (the emulator
  // keeps one password per user).
  if (!u || u->password != (*body)["password"].get<std::string>())
    return xrpc_error(401, "AuthenticationRequired",
                      "Invalid identifier or password");
  return json_response(200, issue_session(w, *u));
}

http::response bluesky_network::refresh_session(const call& c, world& w) {
  token* old = w.find_token(id(), c.bearer());
  const user* u = old ? w.find_user(id(), old->user_id) : nullptr;
  if (!old || !u)
    return xrpc_error(400, "InvalidToken", "Token could not be verified");
  // The PDS rotates refresh JWTs: a used one refreshes again only within
  // the grace period, and answers with the refresh JWT its first use got.
  if (auto r = rotated_.find(old->value); r != rotated_.end()) {
    const token* next = w.find_token(id(), r->second.next);
    if (w.now() >= r->second.until || !next || next->revoked)
      return xrpc_error(400, "ExpiredToken", "Token has been revoked");
    std::string refresh = next->value;
    return json_response(200,
                         session_body(*u, issue_access(w, *u).value, refresh));
  }
  std::string used = old->value;
  auto until = w.now() + refresh_grace_s;
  if (old->expires_at != 0)
    until = std::min(until, old->expires_at);
  auto body = issue_session(w, *u);
  rotated_[used] = {body.at("refreshJwt").get<std::string>(), until};
  return json_response(200, body);
}

http::response bluesky_network::get_session(const call&, world&,
                                            const caller& who) {
  if (!who.me)
    return xrpc_error(400, "InvalidToken", "Token could not be verified");
  return json_response(200, {{"handle", handle_of(*who.me)},
                             {"did", who.me->id},
                             {"active", true}});
}

http::response bluesky_network::resolve_handle(const call& c, world& w) {
  auto handle = c.param("handle");
  if (!handle)
    return invalid_request("Params must have the property \"handle\"");
  auto wanted = ascii_lower(*handle);
  for (const user* u : w.users(id()))
    if (handle_of(*u) == wanted)
      return json_response(200, {{"did", u->id}});
  // The PDS answers for its own handle domain (HandleNotFound); any other
  // handle it would resolve through DNS or the AppView, which the
  // emulated world does not have.
  bool ours = wanted.size() > handle_suffix.size()
              && wanted.compare(wanted.size() - handle_suffix.size(),
                                handle_suffix.size(), handle_suffix)
                   == 0;
  if (ours)
    return xrpc_error(400, "HandleNotFound", "Unable to resolve handle");
  return invalid_request("Unable to resolve handle");
}

} // namespace socialcrm::sim::bluesky
