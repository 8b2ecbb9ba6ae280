// Linking with a credential obtained elsewhere (API.md: POST
// /social/accounts, for headless set-ups), and the Facebook / Google+ page
// picker that follows an authorisation (S-1.4).

#include "networks/bluesky_connector.hpp"
#include "web/account_common.hpp"
#include "web/json_body.hpp"

#include <functional>

namespace socialcrm::web::accounts {

namespace {

/// A Bluesky identifier: a handle, a DID or an e-mail address, all at most
/// a domain name long.
constexpr std::size_t max_identifier_length = 253;
/// Page ids: Facebook's are ~16 digits, Google+'s 21; room to spare.
constexpr std::size_t max_page_id_length = 128;

bool has_pages(network net) {
  return net == network::facebook || net == network::googleplus;
}

/// The pending_page account `id`, or the refusal already sent.
std::optional<storage::linked_account>
pending_account(const call_ptr& c, storage::database& db, std::int64_t id) {
  storage::account_repository repo(db.handle());
  auto a = repo.find(id);
  if (!a) {
    c->fail(make_error("account_not_found",
                       "no linked account has id " + std::to_string(id)
                         + " (a page picker left open longer than "
                         + std::to_string(pending_page_ttl_ms / 60000)
                         + " minutes is removed)"));
    return std::nullopt;
  }
  if (!has_pages(a->net)) {
    c->fail(make_error("action_not_supported",
                       std::string(to_string(a->net))
                         + " accounts have no pages to pick"));
    return std::nullopt;
  }
  if (a->status != account_status::pending_page) {
    c->fail(make_error("account_already_linked",
                       "account " + std::to_string(id) + " has its page '"
                         + a->page_name
                         + "' already; unlink it and link again to change "
                           "the page"));
    return std::nullopt;
  }
  return a;
}

// The answer to a link or a page choice; the pollers start with it.
void answer_link(const call_ptr& c, const expected<link_answer>& out) {
  if (!out)
    return c->fail(out.error());
  rescan(c);
  c->reply_json(out->status, out->body);
}

using pending_step = std::function<void(storage::database&,
                                        const storage::linked_account&)>;

// A page picker route: a social administrator, the account {id}, no
// problem with the body (`body_error`, from decoding it), then on the
// blocking pool, after the sweep, `step` with that account when it waits
// for its page. Each refusal is answered, in that order.
void with_pending_account(const call_ptr& c,
                          std::optional<error_info> body_error,
                          pending_step step) {
  auto id = administered_account_id(c);
  if (!id)
    return;
  if (body_error)
    return c->fail(*body_error);
  run_blocking(c, [c, id = *id, step = std::move(step)](storage::database& db) {
    sweep(db);
    if (auto a = pending_account(c, db, id))
      step(db, *a);
  });
}

} // namespace

void link_account(const call_ptr& c) {
  if (!require_social_admin(c))
    return;
  json_fields f(c->body);
  std::string net_text, token, refresh, identifier, password, page_id;
  f.choice("network", net_text,
           {"x", "facebook", "googleplus", "mastodon", "bluesky"}, true);
  f.text("access_token", token, max_credential_length);
  f.text("refresh_token", refresh, max_credential_length);
  f.text("identifier", identifier, max_identifier_length);
  f.text("app_password", password, max_credential_length);
  f.text("page_id", page_id, max_page_id_length);
  if (auto e = f.finish())
    return c->fail(*e);
  auto net = *parse_network(net_text);
  if (net == network::bluesky) {
    if (token.empty() && (identifier.empty() || password.empty()))
      return c->fail(make_error("missing_field",
                                "Bluesky links with 'identifier' (the handle) "
                                "and 'app_password'"));
  } else {
    if (!identifier.empty() || !password.empty())
      return c->fail(make_error("invalid_value",
                                "only Bluesky links with 'identifier' and "
                                "'app_password'; send 'access_token'"));
    if (token.empty())
      return c->fail(make_error("missing_field",
                                "'access_token' is required to link a "
                                  + net_text + " account"));
  }
  if (!page_id.empty() && !has_pages(net))
    return c->fail(make_error("invalid_value",
                              "only Facebook and Google+ accounts have a "
                              "'page_id'"));
  if (!require_network(c, net))
    return;
  run_blocking(c, [=](storage::database& db) {
    sweep(db);
    auto lookup = lookup_for(c, net);
    confirmed cred;
    cred.net = net;
    if (net == network::bluesky && token.empty()) {
      auto s = lookup.sign_in(identifier, password);
      if (!s)
        return c->fail(credential_error(s.error, "the handle and app "
                                                 "password"));
      cred.who = s.value->who;
      cred.tokens = s.value->tokens;
    } else {
      auto who = lookup.whoami(token);
      if (!who)
        return c->fail(credential_error(who.error, "the access token"));
      cred.who = *who.value;
      cred.tokens = {token, refresh, 0};
      if (net == network::bluesky)
        cred.tokens.expires_at = networks::bluesky_connector::jwt_expiry(token);
    }
    answer_link(c, link_confirmed(c, db, cred, page_id));
  });
}

void list_pages(const call_ptr& c) {
  with_pending_account(c, std::nullopt, [c](storage::database& db,
                                            const storage::linked_account& a) {
    auto token = sources(c).box->open(a.access_token);
    if (!token)
      return c->fail(make_error("reauth_required",
                                "the account's token cannot be read with "
                                "this server's key: link it again"));
    auto pages = lookup_for(c, a.net).pages(*token);
    if (!pages)
      return c->fail(stored_token_error(pages.error));
    c->reply_json(200, {{"account", account_view(db, c->who, a)},
                        {"pages", pages_json(*pages.value)}});
  });
}

void choose_page(const call_ptr& c) {
  json_fields f(c->body);
  std::string page_id;
  f.text("page_id", page_id, max_page_id_length, true, false);
  auto pick = [c, page_id](storage::database& db,
                           const storage::linked_account& a) {
    answer_link(c, pick_page(c, db, a, page_id));
  };
  with_pending_account(c, f.finish(), pick);
}

void close_page_choice(const call_ptr& c) {
  with_pending_account(c, std::nullopt, [c](storage::database& db,
                                            const storage::linked_account& a) {
    // S-1.4: a picker closed without a choice removes the account.
    storage::account_repository(db.handle()).remove(a.id);
    c->reply_json(200, {{"id", std::to_string(a.id)}, {"removed", true}});
  });
}

} // namespace socialcrm::web::accounts
