#include "web/account_common.hpp"

#include "protocol/type_ids.hpp"
#include "storage/oauth_state_repository.hpp"
#include "storage/secret_box.hpp"

#include <SQLiteCpp/Transaction.h>
#include <caf/send.hpp>

namespace socialcrm::web::accounts {

namespace {

bool has_pages(network net) {
  return net == network::facebook || net == network::googleplus;
}

std::string net_name(network net) {
  return std::string(to_string(net));
}

/// Inserts `draft`, or updates the row of the same identity (relink).
link_answer store(storage::database& db, storage::linked_account draft,
                  std::int64_t user_id) {
  storage::account_repository repo(db.handle());
  SQLite::Transaction tx(db.handle(), SQLite::TransactionBehavior::IMMEDIATE);
  link_answer out;
  if (auto old = repo.find_identity(draft.net, draft.network_user_id,
                                    draft.page_id)) {
    draft.id = old->id;
    repo.update(draft);
    out.status = 200;
  } else {
    draft.id = repo.add(draft, user_id, now_ms());
    out.status = 201;
  }
  tx.commit();
  out.account_id = draft.id;
  out.account_status = to_string(draft.status);
  return out;
}

const networks::managed_page*
find_page(const std::vector<networks::managed_page>& pages,
          const std::string& id) {
  for (auto& p : pages)
    if (p.id == id)
      return &p;
  return nullptr;
}

std::string page_ids(const std::vector<networks::managed_page>& pages) {
  std::string out;
  for (auto& p : pages)
    out += (out.empty() ? "" : ", ") + p.id;
  return out;
}

/// The account's page and the token to act as it: Facebook's page token
/// when Graph gave one (it does not expire), else the user's tokens.
void set_page(storage::linked_account& a, const storage::secret_box& box,
              const networks::managed_page& page,
              const networks::token_grant& user_tokens) {
  a.page_id = page.id;
  a.page_name = page.name;
  a.status = account_status::active;
  if (!page.access_token.empty()) {
    a.access_token = box.seal(page.access_token);
    a.refresh_token.clear();
    a.token_expires_at = 0;
  } else {
    a.access_token = box.seal(user_tokens.access_token);
    a.refresh_token = user_tokens.refresh_token.empty()
                        ? std::string()
                        : box.seal(user_tokens.refresh_token);
    a.token_expires_at = user_tokens.expires_at;
  }
}

void finish_body(storage::database& db, const call_ptr& c, link_answer& out) {
  storage::account_repository repo(db.handle());
  if (auto a = repo.find(out.account_id)) {
    out.body = account_view(db, c->who, *a);
    out.body["relinked"] = out.status == 200;
  }
}

} // namespace

const source_context& sources(const call_ptr& c) {
  return *c->state.social->sources;
}

std::string base_url_of(const call_ptr& c, network net) {
  auto& urls = sources(c).base_urls;
  auto it = urls.find(net);
  return it == urls.end() ? std::string() : it->second;
}

bool require_network(const call_ptr& c, network net) {
  if (!base_url_of(c, net).empty())
    return true;
  c->fail(make_error("network_not_configured",
                     "this server has no base URL for " + net_name(net)
                       + ": set [networks." + net_name(net)
                       + "] base_url in the config file"));
  return false;
}

std::optional<std::int64_t> administered_account_id(const call_ptr& c) {
  if (!require_social_admin(c))
    return std::nullopt;
  return c->id_param();
}

std::string ca_file_of(const call_ptr& c, network net) {
  auto& files = sources(c).ca_files;
  auto it = files.find(net);
  return it == files.end() ? std::string() : it->second;
}

networks::account_lookup lookup_for(const call_ptr& c, network net) {
  return networks::account_lookup(net, base_url_of(c, net),
                                  sources(c).budgets, ca_file_of(c, net));
}

error_info credential_error(const networks::failure& f,
                            const std::string& what) {
  using networks::failure_kind;
  switch (f.kind) {
    case failure_kind::reauth_required:
    case failure_kind::rejected:
      return make_error("credentials_rejected",
                        "the network refused " + what + " ("
                                           + f.message
                                           + "); nothing was linked");
    case failure_kind::rate_limited:
      return make_error("network_rate_limited",
                        "the network's rate limit is spent (" + f.message
                          + "); try again in a minute");
    case failure_kind::bad_response:
      return make_error("network_bad_response", f.message);
    case failure_kind::transient:
      break;
  }
  return make_error("network_unavailable", f.message);
}

error_info stored_token_error(const networks::failure& f) {
  using networks::failure_kind;
  if (f.kind == failure_kind::reauth_required)
    return make_error("reauth_required",
                      "the network no longer accepts the account's "
                      "authorisation (" + f.message + "): link it again");
  if (f.kind == failure_kind::rejected)
    return make_error("network_rejected", f.message);
  return credential_error(f, "the request");
}

void rescan(const call_ptr& c) {
  if (c->state.social && c->state.social->supervisor)
    caf::anon_send(c->state.social->supervisor, rescan_atom::value);
}

void sweep(storage::database& db) {
  auto now = now_ms();
  storage::account_repository(db.handle())
    .remove_pending_before(now - pending_page_ttl_ms);
  storage::oauth_state_repository(db.handle())
    .remove_before(now - oauth_state_ttl_ms);
}

nlohmann::json account_view(storage::database& db, const principal& who,
                            const storage::linked_account& a) {
  auto j = account_json(a);
  storage::access_repository access(db.handle());
  auto ops = access.operations(a.id, who.profile.id, full_rights(who));
  auto mine = nlohmann::json::array();
  for (auto op : storage::all_operations())
    if (ops.count(op))
      mine.push_back(std::string(storage::to_string(op)));
  j["operations"] = mine;
  j["network_operations"] = networks::network_operations(a.net);
  j["linked_at"] = a.created_at;
  return j;
}

nlohmann::json pages_json(const std::vector<networks::managed_page>& pages) {
  auto out = nlohmann::json::array();
  for (auto& p : pages)
    out.push_back({{"id", p.id}, {"name", p.name}});
  return out;
}

nlohmann::json matrix_json(
  const std::map<std::int64_t, storage::operation_set>& m) {
  auto out = nlohmann::json::object();
  for (auto& [profile, ops] : m) {
    auto list = nlohmann::json::array();
    for (auto op : storage::all_operations())
      if (ops.count(op))
        list.push_back(std::string(storage::to_string(op)));
    out[std::to_string(profile)] = list;
  }
  return out;
}

expected<link_answer> link_confirmed(const call_ptr& c, storage::database& db,
                                     const confirmed& cred,
                                     const std::string& page_id) {
  auto& box = *sources(c).box;
  storage::linked_account draft;
  draft.net = cred.net;
  draft.network_user_id = cred.who.user_id;
  draft.handle = cred.who.handle;
  draft.access_token = box.seal(cred.tokens.access_token);
  draft.refresh_token = cred.tokens.refresh_token.empty()
                          ? std::string()
                          : box.seal(cred.tokens.refresh_token);
  draft.token_expires_at = cred.tokens.expires_at;
  draft.status = account_status::active;
  if (!has_pages(cred.net)) {
    auto out = store(db, draft, c->who.user.id);
    finish_body(db, c, out);
    return out;
  }

  auto pages = lookup_for(c, cred.net).pages(cred.tokens.access_token);
  if (!pages)
    return credential_error(pages.error, "the list of pages");
  storage::account_repository repo(db.handle());
  auto pending = repo.find_identity(cred.net, cred.who.user_id, "");
  if (pages.value->empty()) {
    // S-1.4: an account with no page is removed, a waiting one included.
    if (pending && pending->status == account_status::pending_page)
      repo.remove(pending->id);
    return make_error("page_not_found",
                      "the " + net_name(cred.net) + " account '"
                        + cred.who.name
                        + "' manages no page, and only pages can be linked: "
                          "the account was not linked");
  }
  if (page_id.empty()) {
    draft.status = account_status::pending_page;
    auto out = store(db, draft, c->who.user.id);
    finish_body(db, c, out);
    out.body["pages"] = pages_json(*pages.value);
    return out;
  }
  auto* page = find_page(*pages.value, page_id);
  if (!page)
    return make_error("page_not_found",
                      "'" + page_id.substr(0, 64) + "' is not one of the pages "
                        "of '" + cred.who.name + "' (" + page_ids(*pages.value)
                        + "); nothing was linked");
  set_page(draft, box, *page, cred.tokens);
  auto out = store(db, draft, c->who.user.id);
  // The page is chosen: a picker left open for this user is done.
  if (pending && pending->status == account_status::pending_page)
    repo.remove(pending->id);
  finish_body(db, c, out);
  return out;
}

expected<link_answer> pick_page(const call_ptr& c, storage::database& db,
                                const storage::linked_account& a,
                                const std::string& page_id) {
  auto& box = *sources(c).box;
  auto token = box.open(a.access_token);
  if (!token)
    return make_error("reauth_required",
                      "the account's token cannot be read with this "
                      "server's key: link the account again");
  networks::token_grant user_tokens{*token, "", a.token_expires_at};
  if (!a.refresh_token.empty())
    if (auto r = box.open(a.refresh_token))
      user_tokens.refresh_token = *r;
  auto pages = lookup_for(c, a.net).pages(*token);
  if (!pages)
    return stored_token_error(pages.error);
  storage::account_repository repo(db.handle());
  if (pages.value->empty()) {
    repo.remove(a.id);
    return make_error("page_not_found",
                      "the " + net_name(a.net) + " account '" + a.handle
                        + "' manages no page any more: the account was "
                          "removed (S-1.4)");
  }
  auto* page = find_page(*pages.value, page_id);
  if (!page)
    return make_error("page_not_found",
                      "'" + page_id.substr(0, 64) + "' is not one of the pages "
                        "of '" + a.handle + "'; pick one of: "
                        + page_ids(*pages.value));
  auto picked = a;
  set_page(picked, box, *page, user_tokens);
  link_answer out;
  {
    SQLite::Transaction tx(db.handle(),
                           SQLite::TransactionBehavior::IMMEDIATE);
    auto other = repo.find_identity(a.net, a.network_user_id, page->id);
    if (other && other->id != a.id) {
      // That page was linked before: relink it, drop the picker's row.
      picked.id = other->id;
      repo.remove(a.id);
    }
    repo.update(picked);
    tx.commit();
  }
  out.status = 200;
  out.account_id = picked.id;
  out.account_status = to_string(picked.status);
  finish_body(db, c, out);
  out.body["relinked"] = picked.id != a.id;
  return out;
}

} // namespace socialcrm::web::accounts
