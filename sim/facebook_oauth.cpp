#include "sim/facebook_network.hpp"

#include "sim/oauth.hpp"

namespace socialcrm::sim::facebook {

using nlohmann::json;

http::response facebook_network::access_token(const call& c, world& w) {
  auto client_id = graph_param(c, "client_id").value_or("");
  if (client_id.empty())
    return graph_error(w, 400, "Missing client_id parameter.",
                       "OAuthException", 101);
  // Long-lived token exchange: a valid user token for a fresh one.
  if (graph_param(c, "grant_type").value_or("") == "fb_exchange_token") {
    const token* old = w.valid_access_token(
      "facebook", graph_param(c, "fb_exchange_token").value_or(""));
    if (!old)
      return graph_error(w, 400, "Invalid OAuth access token - Cannot parse "
                                 "access token",
                         "OAuthException", 190);
    std::string user_id = old->user_id, scopes = old->scopes;
    const auto& t = w.issue_token("facebook", token_kind::access, user_id, "",
                                  client_id, scopes, user_token_ttl_s);
    return json_response(200, {{"access_token", t.value},
                               {"token_type", "bearer"},
                               {"expires_in", user_token_ttl_s}});
  }
  auto code = graph_param(c, "code").value_or("");
  if (code.empty())
    return graph_error(w, 400, "Missing authorization code",
                       "OAuthException", 1);
  if (graph_param(c, "client_secret").value_or("").empty())
    return graph_error(w, 400, "Missing client_secret parameter.",
                       "OAuthException", 1);
  auto check = redeem_code(w, "facebook", code, client_id,
                           graph_param(c, "redirect_uri").value_or(""),
                           graph_param(c, "code_verifier").value_or(""));
  if (!check.code) {
    if (check.description.find("redirect_uri") != std::string::npos)
      return graph_error(w, 400, "Error validating verification code. Please "
                                 "make sure your redirect_uri is identical to "
                                 "the one you used in the OAuth dialog "
                                 "request",
                         "OAuthException", 100, 36008);
    return graph_error(w, 400, "This authorization code has been used.",
                       "OAuthException", 100, 36009);
  }
  const auto& t = w.issue_token("facebook", token_kind::access,
                                check.code->user_id, "", client_id,
                                check.code->scopes, user_token_ttl_s);
  return json_response(200, {{"access_token", t.value},
                             {"token_type", "bearer"},
                             {"expires_in", user_token_ttl_s}});
}

} // namespace socialcrm::sim::facebook
