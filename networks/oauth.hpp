#pragma once

// Linking an organisation account with the network's OAuth 2.0
// authorisation-code flow (SPEC S-1.3): where each network's authorize page
// and token endpoint are, which OAuth client to use, PKCE (RFC 7636), and
// the code exchange. Bluesky has no such flow here: it links with a handle
// and an app password (networks/account_lookup.hpp).

#include "networks/connector.hpp"
#include "protocol/error.hpp"

#include <optional>
#include <string>

namespace socialcrm::networks {

/// The OAuth client of this deployment on one network.
struct oauth_client {
  std::string id;
  std::string secret; // "" for a public (PKCE) client
};

/// Where one network runs its authorisation-code flow.
struct oauth_flow {
  std::string authorize_url; // the page the admin's browser opens
  std::string token_url;     // where the code is exchanged
  bool pkce = false;         // send an S256 code_challenge
  std::string scope;         // in the network's own separator
  std::string ca_file;       // trusted for an https token_url ("" = system's)
};

/// The flow of `net` served at `base_url` (the configured API base);
/// nullopt for Bluesky, which links with an app password.
std::optional<oauth_flow> oauth_flow_of(network net,
                                        const std::string& base_url,
                                        const std::string& ca_file = {});

/// Whether `base_url` is the emulator's (`--sim-url` / `--demo` point each
/// network at `http://HOST:PORT/<network id>`; a real network's API base
/// has no such path). The emulator accepts any client id, so linking there
/// needs no configured client.
bool is_emulator_url(network net, const std::string& base_url);

/// The client id the emulator links with when none is configured: the one
/// the connectors default to, so their token refreshes match the client
/// the tokens were issued to.
inline constexpr const char* emulator_client_id = "socialcrm";
inline constexpr const char* emulator_client_secret = "socialcrm-emulator";

/// The client to link `net` with: the configured one; the emulator's
/// default; for Mastodon without one, an app registered on the instance
/// (POST /api/v1/apps, as Mastodon intends: each instance has its own
/// apps) and remembered in this process for `redirect_uri`. Codes:
/// network_not_configured (a real network without a configured client),
/// network_unavailable / network_rejected / network_bad_response (the
/// Mastodon registration failed).
expected<oauth_client> client_for(network net, const std::string& base_url,
                                  const std::optional<oauth_client>& configured,
                                  const std::string& redirect_uri,
                                  const std::string& ca_file = {});

/// A PKCE pair: a random verifier (43 characters, RFC 7636 section 4.1)
/// and its S256 challenge.
struct pkce_pair {
  std::string verifier;
  std::string challenge;
};
pkce_pair make_pkce();

/// BASE64URL(SHA256(verifier)) without padding (RFC 7636 section 4.2).
std::string s256_challenge(const std::string& verifier);

/// The URL the admin's browser opens: response_type=code, the client,
/// redirect_uri, scope, state, and the challenge when the flow uses PKCE.
std::string authorize_url(network net, const oauth_flow& flow,
                          const oauth_client& client,
                          const std::string& redirect_uri,
                          const std::string& state,
                          const std::string& code_challenge);

/// Tokens a network granted.
struct token_grant {
  std::string access_token;
  std::string refresh_token; // "" when none
  unix_ms expires_at = 0;    // 0 = does not expire
};

/// Exchanges an authorisation code at the flow's token endpoint, as each
/// network wants it (X: form + Basic auth for confidential clients;
/// Facebook: GET with the app secret; Google and Mastodon: form with the
/// client's credentials). A refused code is `rejected`; an unreachable
/// endpoint `transient`.
outcome<token_grant> exchange_code(network net, const oauth_flow& flow,
                                   const oauth_client& client,
                                   const std::string& code,
                                   const std::string& redirect_uri,
                                   const std::string& code_verifier);

} // namespace socialcrm::networks
