// Linked accounts (SPEC S-1, API.md /social/accounts): the list, the
// operations each profile may do on an account (S-1.5), unlinking with
// confirmation (S-1.7), and the route table of every account route (the
// handlers of linking, OAuth and lookup live in account_link.cpp,
// account_oauth.cpp and account_lookup_route.cpp).

#include "networks/oauth.hpp"
#include "protocol/permission_rules.hpp"
#include "web/account_common.hpp"
#include "web/routes.hpp"

namespace socialcrm::web {

namespace {

using namespace accounts;

void list_accounts(const call_ptr& c) {
  if (!require_social(c))
    return;
  run_blocking(c, [c](storage::database& db) {
    sweep(db);
    bool admin = may_administer_social(c->who);
    auto items = nlohmann::json::array();
    for (auto& a : storage::account_repository(db.handle()).all()) {
      if (!admin && a.status == account_status::pending_page)
        continue;
      auto view = account_view(db, c->who, a);
      // Users see the accounts they may do something on (S-1.5).
      if (!admin && view["operations"].empty())
        continue;
      items.push_back(std::move(view));
    }
    c->reply_json(200, {{"items", items}});
  });
}

void social_status(const call_ptr& c) {
  if (!require_social(c))
    return;
  run_blocking(c, [c](storage::database& db) {
    sweep(db);
    auto linked = storage::account_repository(db.handle()).linked_count();
    auto nets = nlohmann::json::array();
    for (auto net : all_networks) {
      auto base = base_url_of(c, net);
      bool oauth = networks::oauth_flow_of(net, base).has_value();
      bool client = sources(c).oauth_clients.count(net) > 0
                    || net == network::mastodon
                    || networks::is_emulator_url(net, base);
      nets.push_back({{"network", std::string(to_string(net))},
                      {"configured", !base.empty()},
                      {"link_with", oauth ? "oauth" : "app_password"},
                      {"oauth_ready", !base.empty() && oauth && client},
                      {"operations", networks::network_operations(net)}});
    }
    // S-1.7: with no account the tab shows no data; an administrator is
    // welcomed with the way to link one.
    bool admin = may_administer_social(c->who);
    nlohmann::json message = nullptr;
    if (linked == 0)
      message = admin ? "Link a company account to see what your leads, "
                        "contacts and customers say."
                      : "No social account is linked yet. Please contact "
                        "your administrator.";
    c->reply_json(200, {{"linked_accounts", linked},
                        {"welcome", linked == 0 && admin},
                        {"may_link", admin},
                        {"visible_accounts",
                         scope_of(db, c->who).account_ids.size()},
                        {"message", message},
                        {"networks", nets}});
  });
}

void get_operations(const call_ptr& c) {
  auto id = administered_account_id(c);
  if (!id)
    return;
  run_blocking(c, [c, id = *id](storage::database& db) {
    if (!storage::account_repository(db.handle()).find(id))
      return c->fail(make_error("account_not_found",
                                "no linked account has id "
                                  + std::to_string(id)));
    c->reply_json(200, matrix_json(storage::access_repository(db.handle())
                                     .matrix(id)));
  });
}

/// {"<profile_id>": ["view", ...], ...} -> the typed matrix.
expected<std::map<std::int64_t, storage::operation_set>>
decode_matrix(const nlohmann::json& body) {
  std::map<std::int64_t, storage::operation_set> out;
  for (auto& [key, value] : body.items()) {
    auto profile = parse_id(key);
    if (!profile)
      return make_error("invalid_value", "'" + key.substr(0, 40)
                                           + "' is not a profile id");
    if (!value.is_array())
      return make_error("wrong_type", "the operations of profile " + key
                                        + " must be an array of names");
    auto& ops = out[*profile];
    for (auto& op : value) {
      auto parsed = op.is_string()
                      ? storage::parse_operation(op.get<std::string>())
                      : std::nullopt;
      if (!parsed)
        return make_error("invalid_value",
                          "unknown operation "
                            + op.dump().substr(0, 40)
                            + " for profile " + key
                            + ": use view, post, reply, like, repost, "
                              "message");
      ops.insert(*parsed);
    }
  }
  return out;
}

void put_operations(const call_ptr& c) {
  auto id = administered_account_id(c);
  if (!id)
    return;
  auto matrix = decode_matrix(c->body);
  if (!matrix)
    return c->fail(matrix.error());
  run_blocking(c, [c, id = *id, m = *matrix](storage::database& db) {
    storage::access_repository access(db.handle());
    auto done = access.set_operations(id, m);
    if (!done)
      return c->fail(done.error());
    c->reply_json(200, matrix_json(access.matrix(id)));
  });
}

void unlink_account(const call_ptr& c) {
  auto id = administered_account_id(c);
  if (!id)
    return;
  bool confirmed = query_param(c, "confirm") == "true";
  run_blocking(c, [c, id = *id, confirmed](storage::database& db) {
    storage::account_repository repo(db.handle());
    auto a = repo.find(id);
    if (!a)
      return c->fail(make_error("account_not_found",
                                "no linked account has id "
                                  + std::to_string(id)));
    auto posts = repo.post_count(id);
    auto others = repo.linked_count()
                  - (a->status == account_status::pending_page ? 0 : 1);
    if (!confirmed) {
      // S-1.7: say what will happen, change nothing.
      std::string what = std::string(to_string(a->net)) + " account '"
                         + (a->page_name.empty() ? a->handle : a->page_name)
                         + "'";
      return c->fail(make_error(
        "confirmation_required",
        "unlinking the " + what
          + " stops reading and acting through it and removes who may do "
            "what on it; the " + std::to_string(posts)
          + " posts already read stay (without their account, back in the "
            "tab when this account is linked again) and no lead or contact "
            "is deleted."
          + (others == 0 ? " It is the last linked account: the social tab "
                           "shows no data until one is linked again."
                         : "")
          + " Repeat with ?confirm=true to unlink."));
    }
    repo.remove(id);
    rescan(c);
    c->reply_json(200, {{"id", std::to_string(id)},
                        {"removed", true},
                        {"posts_kept", posts},
                        {"linked_accounts", repo.linked_count()}});
  });
}

} // namespace

void add_account_routes(router& r) {
  using namespace accounts;
  const std::string base = "/api/v1/social";
  r.add({"GET", base + "/accounts", list_accounts, true, false,
         "Lists the linked accounts with the caller's operations"});
  r.add({"POST", base + "/accounts", link_account, true, true,
         "Links an account with a credential obtained elsewhere"});
  r.add({"POST", base + "/accounts/authorize", authorize, true, true,
         "Starts linking with the network's OAuth flow"});
  r.add({"GET", base + "/oauth/callback", oauth_callback, true, false,
         "Finishes an OAuth authorisation and links the account"});
  r.add({"GET", base + "/accounts/{id}/pages", list_pages, true, false,
         "Lists the pages a pending Facebook / Google+ account may pick"});
  r.add({"POST", base + "/accounts/{id}/page", choose_page, true, true,
         "Picks the page of a pending Facebook / Google+ account"});
  r.add({"DELETE", base + "/accounts/{id}/page-choice", close_page_choice,
         true, false,
         "Closes a page picker without a choice: removes the account"});
  r.add({"GET", base + "/accounts/{id}/operations", get_operations, true,
         false, "Operations of every profile on an account"});
  r.add({"PUT", base + "/accounts/{id}/operations", put_operations, true,
         true, "Sets the operations of profiles on an account"});
  r.add({"DELETE", base + "/accounts/{id}", unlink_account, true, false,
         "Unlinks an account (needs ?confirm=true)"});
  r.add({"GET", base + "/status", social_status, true, false,
         "How many accounts are linked, and the networks on offer"});
  r.add({"GET", base + "/lookup", lookup_user, true, false,
         "Finds a network user by handle"});
}

} // namespace socialcrm::web
