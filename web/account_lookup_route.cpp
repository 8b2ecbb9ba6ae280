// GET /social/lookup?network=&handle=: who a handle is on a network,
// asked through the network's own user lookup with a linked organisation
// account's token, so a CRM page can associate a person by handle (S-2.3).

#include "web/account_common.hpp"
#include "web/routes.hpp"

namespace socialcrm::web::accounts {

void lookup_user(const call_ptr& c) {
  if (!require_social(c))
    return;
  auto net_text = query_param(c, "network");
  auto handle = query_param(c, "handle");
  auto net = parse_network(net_text);
  if (!net)
    return c->fail(make_error("bad_query",
                              "'network' must be x, facebook, googleplus, "
                              "mastodon or bluesky"));
  if (handle.empty() || handle.size() > networks::max_handle_length)
    return c->fail(make_error("bad_query",
                              "'handle' is required, at most "
                                + std::to_string(networks::max_handle_length)
                                + " characters"));
  if (!require_network(c, *net))
    return;
  run_blocking(c, [c, net = *net, handle](storage::database& db) {
    auto name = std::string(to_string(net));
    auto account = storage::account_repository(db.handle()).first_active(net);
    if (!account)
      return c->fail(make_error("network_not_linked",
                                "no active " + name + " account is linked: "
                                "the lookup asks the network as the "
                                "organisation"));
    auto token = sources(c).box->open(account->access_token);
    if (!token)
      return c->fail(make_error("reauth_required",
                                "the " + name + " account's token cannot be "
                                "read with this server's key: link it again"));
    auto found = lookup_for(c, net).find_user(*token, handle);
    if (!found)
      return c->fail(stored_token_error(found.error));
    if (!*found.value)
      return c->fail(make_error("handle_not_found",
                                name + " knows no user '" + handle.substr(0, 64)
                                  + "'"
                                  + (net == network::facebook
                                         || net == network::googleplus
                                       ? " (" + name + " finds people by id "
                                         "only)"
                                       : std::string())));
    auto& who = **found.value;
    c->reply_json(200, {{"network", name},
                        {"user_id", who.user_id},
                        {"handle", who.handle},
                        {"name", who.name}});
  });
}

} // namespace socialcrm::web::accounts
