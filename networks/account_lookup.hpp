#pragma once

// Who a credential belongs to, which pages it manages, and who a handle
// is, on each network: what linking an account (SPEC S-1.3, S-1.4) and
// associating a person by handle (S-2.3) ask the network. One call each,
// through api_client so they share the rate budgets of the pollers that
// use the same token.

#include "networks/api_client.hpp"
#include "networks/oauth.hpp"

#include <optional>
#include <string>
#include <vector>

namespace socialcrm::networks {

/// A network account as the network names it.
struct identity {
  std::string user_id; // X / Mastodon id, Facebook / Google+ id, Bluesky DID
  std::string handle;  // username, acct, Bluesky handle; the name on
                       // Facebook and Google+, which have no handles
  std::string name;    // display name
};

/// A Facebook or Google+ page the account manages.
struct managed_page {
  std::string id;
  std::string name;
  std::string access_token; // Facebook's page token; "" on Google+
};

/// A Bluesky session: who signed in and the tokens (accessJwt,
/// refreshJwt, the access token's expiry).
struct bluesky_session {
  identity who;
  token_grant tokens;
};

class account_lookup {
public:
  /// `budgets` may be null (no shared rate budgets).
  /// `ca_file`: certificates trusted for an https base ("" = system's).
  account_lookup(network net, std::string base_url,
                 std::shared_ptr<rate_budgets> budgets,
                 const std::string& ca_file = {});

  /// The account a token belongs to: X GET /2/users/me, Graph GET /me,
  /// Google+ people/me, Mastodon verify_credentials, Bluesky getSession.
  /// A refused token is reauth_required (401) or rejected (other 4xx).
  outcome<identity> whoami(const std::string& token);

  /// The pages the token's user manages: Graph /me/accounts (with page
  /// tokens), Google+ Pages people/me/people/pages. Empty for the other
  /// networks.
  outcome<std::vector<managed_page>> pages(const std::string& token);

  /// Bluesky: com.atproto.server.createSession with a handle (or DID, or
  /// e-mail) and an app password.
  outcome<bluesky_session> sign_in(const std::string& identifier,
                                   const std::string& app_password);

  /// A user by handle through the network's own lookup: X
  /// /2/users/by/username/:name, Mastodon /api/v1/accounts/lookup, Bluesky
  /// app.bsky.actor.getProfile; Facebook and Google+ name users by id only
  /// (GET /{id}, people/{id}), so there the "handle" is an id. nullopt when
  /// the network knows no such user.
  outcome<std::optional<identity>> find_user(const std::string& token,
                                             const std::string& handle);

private:
  network net_;
  api_client api_;
};

/// What the organisation can do on `net` (S-1.6), as operation names
/// (view, post, reply, like, repost, message): the UI greys out the rest.
std::vector<std::string> network_operations(network net);

/// Pages of a page list read before giving up: an organisation managing
/// more than 10 pages of 100 is not one socialcrm is made for.
inline constexpr int max_page_list_requests = 10;

/// The longest handle sent to a network's lookup: X allows 15 characters,
/// Mastodon 30 plus a domain, Bluesky 253 (a domain name).
inline constexpr std::size_t max_handle_length = 253;

} // namespace socialcrm::networks
