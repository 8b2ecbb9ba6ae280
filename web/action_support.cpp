#include "web/action_support.hpp"

#include "actors/source_actor.hpp"
#include "storage/access_repository.hpp"
#include "storage/secret_box.hpp"
#include "web/compose_limits.hpp"
#include "web/routes.hpp"
#include "web/social_common.hpp"

#include <spdlog/spdlog.h>

#include <algorithm>

namespace socialcrm::web {

std::string_view to_string(post_action a) {
  switch (a) {
    case post_action::reply:
      return "reply";
    case post_action::comment:
      return "comment";
    case post_action::like:
      return "like";
    case post_action::retweet:
      return "retweet";
    case post_action::message:
      return "message";
  }
  return "reply";
}

storage::operation operation_of(post_action a) {
  switch (a) {
    case post_action::reply:
    case post_action::comment:
      return storage::operation::reply;
    case post_action::like:
      return storage::operation::like;
    case post_action::retweet:
      return storage::operation::repost;
    case post_action::message:
      return storage::operation::message;
  }
  return storage::operation::reply;
}

networks::action::kind connector_kind(post_action a) {
  using k = networks::action::kind;
  switch (a) {
    case post_action::reply:
      return k::reply;
    case post_action::comment:
      return k::comment;
    case post_action::like:
      return k::like;
    case post_action::retweet:
      return k::repost;
    case post_action::message:
      return k::message;
  }
  return k::reply;
}

std::string_view activity_name(post_action a) {
  switch (a) {
    case post_action::reply:
      return "replied";
    case post_action::comment:
      return "commented";
    case post_action::like:
      return "liked";
    case post_action::retweet:
      return "retweeted";
    case post_action::message:
      return "messaged";
  }
  return "replied";
}

namespace {

// S-1.6: what each network lets the organisation do to a post.
bool network_has(network net, post_action a) {
  using pa = post_action;
  switch (net) {
    case network::x:
    case network::mastodon:
      return a == pa::reply || a == pa::like || a == pa::retweet ||
             a == pa::message;
    case network::facebook:
      return a == pa::comment || a == pa::like || a == pa::message;
    case network::googleplus:
      return a == pa::comment;
    case network::bluesky:
      // Direct messages live in chat.bsky, which the connector does not
      // speak.
      return a == pa::reply || a == pa::like || a == pa::retweet;
  }
  return false;
}

std::string what_net_does(network net) {
  std::string out;
  for (auto a : {post_action::reply, post_action::comment, post_action::like,
                 post_action::retweet, post_action::message})
    if (network_has(net, a))
      out += (out.empty() ? "" : ", ") + std::string(to_string(a));
  return out;
}

} // namespace

std::optional<std::string> unsupported_reason(network net, post_kind kind,
                                              post_action a) {
  if (!network_has(net, a))
    return display_name(net) + " has no " + std::string(to_string(a)) +
           "; a post there takes: " + what_net_does(net);
  bool private_post = kind == post_kind::dm || kind == post_kind::message;
  if (private_post && a != post_action::message)
    return "a direct or page message is answered with 'message', not '" +
           std::string(to_string(a)) + "'";
  return std::nullopt;
}

expected<networks::action_result>
send_action(const source_context& ctx, const storage::linked_account& account,
            const networks::action& what) {
  auto where = display_name(account.net) + " account " + account.handle;
  if (account.status == account_status::pending_page)
    return make_error("page_required", "pick a page for the " + where +
                                         " before acting through it");
  if (account.status != account_status::active)
    return make_error("reauth_required",
                      "the " + where + " must be linked again (" +
                        std::string(to_string(account.status)) + ")");
  auto opts = connector_options_for(ctx, account.net);
  if (opts)
    opts->paced = false; // a person's action: polling must not delay it
  auto conn = opts ? networks::make_connector(account.net, *opts) : nullptr;
  if (!conn)
    return make_error("network_not_configured",
                      display_name(account.net) +
                        " has no base URL configured on this server");
  auto access = ctx.box->open(account.access_token);
  auto refresh = account.refresh_token.empty()
                   ? expected<std::string>(std::string())
                   : ctx.box->open(account.refresh_token);
  if (!access || !refresh)
    return make_error("reauth_required",
                      "the tokens of the " + where +
                        " cannot be read by this server; link it again");
  networks::credentials who{*access,         *refresh,
                            account.token_expires_at,
                            account.network_user_id,
                            account.handle,  account.page_id};
  auto r = conn->act(who, what);
  if (r)
    return *r.value;
  std::string said = display_name(account.net) + " said: " + r.error.message;
  switch (r.error.kind) {
    case networks::failure_kind::rate_limited:
      return make_error("network_rate_limited", said);
    case networks::failure_kind::reauth_required:
      return make_error("reauth_required", said);
    case networks::failure_kind::transient:
      return make_error("network_unavailable", said);
    case networks::failure_kind::rejected:
      return make_error("network_rejected", said);
    case networks::failure_kind::bad_response:
      return make_error("network_bad_response", said);
  }
  return make_error("network_unavailable", said);
}

bool allowed(storage::database& db, const principal& who,
             const storage::linked_account& account, storage::operation op) {
  storage::access_repository access(db.handle());
  return access.operations(account.id, who.profile.id, full_rights(who))
    .count(op);
}

error_info not_allowed(const principal& who,
                       const storage::linked_account& account,
                       storage::operation op) {
  return make_error("operation_not_allowed",
                    "the profile '" + who.profile.name + "' may not " +
                      std::string(storage::to_string(op)) +
                      " on the linked account " + std::to_string(account.id) +
                      " (" + std::string(to_string(account.net)) + " " +
                      account.handle + ")");
}

std::optional<stored_post> find_post(const call_ptr& c, storage::database& db,
                                     std::int64_t id) {
  storage::feed_repository feed(db.handle());
  auto post = feed.find(id);
  if (post && post->account_id != 0) {
    storage::access_repository access(db.handle());
    auto seen = access.viewable_accounts(c->who.profile.id, full_rights(c->who));
    if (std::find(seen.begin(), seen.end(), post->account_id) == seen.end())
      post.reset();
  }
  if (!post)
    c->fail(make_error("post_not_found",
                       "no post you can see has the id " + std::to_string(id)));
  return post;
}

void record_activity(storage::database& db, const principal& who,
                     storage::activity_entry e) {
  e.user_id = who.user.id;
  e.created_at = now_ms();
  // The action already happened on the network or in the CRM: a history
  // that cannot be written must not turn it into an error the client
  // would retry (and so post twice).
  try {
    storage::activity_repository(db.handle()).add(e);
  } catch (const std::exception& ex) {
    spdlog::error("activity '{}' of user {} not recorded: {}", e.action,
                  e.user_id, ex.what());
  }
}

void list_activity(const call_ptr& c) {
  if (!require_social(c))
    return;
  std::int64_t before = 0;
  auto b = query_param(c, "before");
  if (!b.empty()) {
    auto id = parse_id(b);
    if (!id)
      return c->fail(make_error("bad_query", "'before' must be an id"));
    before = *id;
  }
  std::int64_t offset = 0, limit = default_page_size;
  if (!read_paging(c, offset, limit))
    return;
  run_blocking(c, [c, before, limit](storage::database& db) {
    storage::activity_repository history(db.handle());
    // One more than asked says whether a next page exists.
    auto rows = history.list(c->who.user.id, before,
                             static_cast<int>(limit) + 1);
    bool more = rows.size() > static_cast<std::size_t>(limit);
    if (more)
      rows.pop_back();
    auto items = nlohmann::json::array();
    auto id_or_null = [](std::int64_t id) {
      return id ? nlohmann::json(std::to_string(id)) : nlohmann::json();
    };
    for (auto& e : rows) {
      nlohmann::json record;
      if (!e.record_type.empty())
        record = {{"record_type", e.record_type},
                  {"record_id", std::to_string(e.record_id)}};
      items.push_back({{"id", std::to_string(e.id)},
                       {"action", e.action},
                       {"network", e.network.empty() ? nlohmann::json()
                                                     : nlohmann::json(e.network)},
                       {"account_id", id_or_null(e.account_id)},
                       {"post_id", id_or_null(e.post_id)},
                       {"record", record},
                       {"detail", e.detail},
                       {"created_at", e.created_at}});
    }
    nlohmann::json next;
    if (more && !rows.empty())
      next = std::to_string(rows.back().id);
    c->reply_json(200, {{"items", items}, {"next_before", next}});
  });
}

} // namespace socialcrm::web
