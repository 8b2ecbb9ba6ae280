#include "sim/x_network.hpp"

#include "http/url.hpp"
#include "sim/oauth.hpp"

#include <sodium.h>

namespace socialcrm::sim::x {

using nlohmann::json;

namespace {

http::response oauth_error(std::string error, std::string description) {
  return json_response(400, {{"error", std::move(error)},
                             {"error_description", std::move(description)}});
}

/// client_id from "Authorization: Basic base64(id:secret)" (confidential
/// clients) or the form (public clients).
std::string client_of(const call& c,
                      const std::multimap<std::string, std::string>& form) {
  auto auth = c.http.headers.value("Authorization");
  if (auth.rfind("Basic ", 0) == 0) {
    auto b64 = auth.substr(6);
    std::string out(b64.size(), '\0');
    std::size_t len = 0;
    if (sodium_base642bin(reinterpret_cast<unsigned char*>(out.data()),
                          out.size(), b64.data(), b64.size(), nullptr, &len,
                          nullptr, sodium_base64_VARIANT_ORIGINAL)
        == 0) {
      out.resize(len);
      return http::url_decode(out.substr(0, out.find(':')), false);
    }
  }
  auto it = form.find("client_id");
  return it == form.end() ? std::string{} : it->second;
}

std::string field(const std::multimap<std::string, std::string>& form,
                  const char* k) {
  auto it = form.find(k);
  return it == form.end() ? std::string{} : it->second;
}

bool has_scope(const std::string& scopes, std::string_view s) {
  std::string_view list = scopes;
  while (!list.empty()) {
    auto sp = list.find(' ');
    if (list.substr(0, sp) == s)
      return true;
    if (sp == std::string_view::npos)
      break;
    list = list.substr(sp + 1);
  }
  return false;
}

json token_answer(world& w, const std::string& user_id,
                  const std::string& client_id, const std::string& scopes) {
  const auto& access = w.issue_token("x", token_kind::access, user_id, "",
                                     client_id, scopes, access_token_ttl_s);
  json out = {{"token_type", "bearer"},
              {"expires_in", access_token_ttl_s},
              {"access_token", access.value},
              {"scope", scopes}};
  // X hands out a refresh token only for the offline.access scope.
  if (has_scope(scopes, "offline.access")) {
    const auto& refresh = w.issue_token("x", token_kind::refresh, user_id, "",
                                        client_id, scopes, 0);
    out["refresh_token"] = refresh.value;
  }
  return out;
}

} // namespace

http::response x_network::oauth_token(const call& c, world& w) {
  auto form = c.form();
  auto grant = field(form, "grant_type");
  auto client_id = client_of(c, form);
  if (client_id.empty())
    return oauth_error("invalid_request", "Missing required parameter "
                                          "[client_id].");
  if (grant == "authorization_code") {
    auto check = redeem_code(w, "x", field(form, "code"), client_id,
                             field(form, "redirect_uri"),
                             field(form, "code_verifier"));
    if (!check.code)
      return oauth_error("invalid_request", check.description);
    return json_response(200, token_answer(w, check.code->user_id, client_id,
                                           check.code->scopes));
  }
  if (grant == "refresh_token") {
    token* r = w.find_token("x", field(form, "refresh_token"));
    // Refresh tokens are single-use: a second use fails like an unknown one.
    if (!r || r->kind != token_kind::refresh || r->used || r->revoked
        || r->client_id != client_id)
      return oauth_error("invalid_request",
                         "Value passed for the token was invalid.");
    r->used = true;
    std::string user_id = r->user_id, scopes = r->scopes;
    return json_response(200, token_answer(w, user_id, client_id, scopes));
  }
  return oauth_error("unsupported_grant_type",
                     "grant_type must be authorization_code or "
                     "refresh_token");
}

http::response x_network::oauth_revoke(const call& c, world& w) {
  auto form = c.form();
  auto value = field(form, "token");
  if (value.empty())
    return oauth_error("invalid_request", "Missing required parameter "
                                          "[token].");
  w.revoke_tokens("x", "", value);
  return json_response(200, {{"revoked", true}});
}

} // namespace socialcrm::sim::x
