// Acting on a post from the social tab (S-5.3): reply, comment, like,
// retweet/boost, and answering direct or page messages, each through the
// linked account that saw the post, only where its network has the action
// and the caller's profile has the operation on that account. Also the
// route table of everything acting: compose (compose_routes.cpp), the
// Unknown -> CRM routes (action_person_routes.cpp) and the history.

#include "web/action_support.hpp"
#include "web/compose_input.hpp"
#include "web/compose_limits.hpp"
#include "web/json_body.hpp"
#include "web/routes.hpp"
#include "web/social_common.hpp"

namespace socialcrm::web {

namespace {

using nlohmann::json;

// The account an action on `post` goes through: the one that saw it, or
// for a post seen by none (keyword columns) the first active account of
// its network the caller may use. nullopt once a refusal was sent.
std::optional<storage::linked_account>
acting_account(const call_ptr& c, storage::database& db, const stored_post& p,
               storage::operation op) {
  storage::account_repository accounts(db.handle());
  auto net = display_name(p.body.net);
  if (p.account_id != 0) {
    auto a = accounts.find(p.account_id);
    if (!a) {
      c->fail(make_error("network_not_linked",
                         "the " + net + " account that saw this post is no "
                         "longer linked"));
      return std::nullopt;
    }
    if (!require_operation(c, db, *a, op))
      return std::nullopt;
    return a;
  }
  std::optional<storage::linked_account> refused;
  for (auto& a : accounts.all()) {
    if (a.net != p.body.net || a.status != account_status::active)
      continue;
    if (allowed(db, c->who, a, op))
      return a;
    refused = a;
  }
  if (refused)
    c->fail(not_allowed(c->who, *refused, op));
  else
    c->fail(make_error("network_not_linked",
                       "no " + net + " account is linked to act through"));
  return std::nullopt;
}

template <post_action Action>
void act_on_post(const call_ptr& c) {
  if (!require_social(c))
    return;
  auto id = c->id_param();
  if (!id)
    return;
  std::string text;
  if constexpr (needs_text(Action)) {
    json_fields f(c->body);
    f.text("text", text, max_compose_text * 4, true, false);
    if (auto err = f.finish())
      return c->fail(*err);
  }
  run_blocking(c, [c, id = *id, text](storage::database& db) {
    auto post = find_post(c, db, id);
    if (!post)
      return;
    if (auto why = unsupported_reason(post->body.net, post->body.kind, Action))
      return c->fail(make_error("action_not_supported", *why));
    auto account = acting_account(c, db, *post, operation_of(Action));
    if (!account)
      return;
    auto limit = Action == post_action::message ? message_limit(account->net)
                                                : text_limit(account->net);
    if (count_code_points(text) > limit)
      return c->fail(make_error(
        "string_too_long", display_name(account->net) + " takes " +
                             std::string(to_string(Action)) + " text up to " +
                             std::to_string(limit) + " characters"));
    networks::action a;
    a.what = connector_kind(Action);
    a.text = text;
    // A message goes to the author; everything else to the post itself,
    // except that Google+ comments hang off activities only: a comment on
    // a comment goes to the activity it answers.
    a.target_id = Action == post_action::message
                    ? post->body.from.network_user_id
                    : post->body.external_id;
    if (post->body.net == network::googleplus &&
        post->body.kind == post_kind::comment && !post->body.in_reply_to.empty())
      a.target_id = post->body.in_reply_to;
    auto done = send_action(*c->state.social->sources, *account, a);
    if (!done)
      return c->fail(done.error());
    storage::activity_entry e;
    e.action = std::string(activity_name(Action));
    e.network = std::string(to_string(account->net));
    e.account_id = account->id;
    e.post_id = post->id;
    if (post->person) {
      e.record_type = std::string(to_string(post->person.type));
      e.record_id = post->person.id;
    }
    e.detail = needs_text(Action) ? text : post->body.text;
    record_activity(db, c->who, std::move(e));
    c->reply_json(201, {{"action", to_string(Action)},
                        {"network", to_string(account->net)},
                        {"account_id", std::to_string(account->id)},
                        {"post_id", std::to_string(post->id)},
                        {"external_id", done->external_id}});
  });
}

} // namespace

void add_action_routes(router& r) {
  add_compose_routes(r);
  const std::string post = "/api/v1/social/posts/{id}/";
  // Actions with text take a JSON body; like and retweet need none.
  r.add({"POST", post + "reply", act_on_post<post_action::reply>, true, true,
         "Replies to a post through the account that saw it (X, Mastodon, "
         "Bluesky); body {text}"});
  r.add({"POST", post + "comment", act_on_post<post_action::comment>, true,
         true,
         "Comments on a post through the page that saw it (Facebook, "
         "Google+); body {text}"});
  r.add({"POST", post + "like", act_on_post<post_action::like>, true, false,
         "Likes or favourites a post (X, Facebook, Mastodon, Bluesky)"});
  r.add({"POST", post + "retweet", act_on_post<post_action::retweet>, true,
         false, "Retweets, boosts or reposts a post (X, Mastodon, Bluesky)"});
  r.add({"POST", post + "message", act_on_post<post_action::message>, true,
         true,
         "Sends the post's author a direct or page message (X, Facebook, "
         "Mastodon); body {text}"});
  add_person_action_routes(r);
  r.add({"GET", "/api/v1/social/activity", list_activity, true, false,
         "The caller's own actions in the social tab, newest first "
         "(S-7.1); ?before=ID&limit=N"});
}

} // namespace socialcrm::web
