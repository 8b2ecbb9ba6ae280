// POST /social/posts: one post sent to a chosen set of linked accounts
// (S-5.1, S-5.2). Everything that can be checked is checked before the
// first network call; each account then gets its own result, so one
// network refusing never hides what the others did. An Idempotency-Key
// makes a retry replay the first answer instead of posting again.

#include "actors/source_actor.hpp"
#include "storage/idempotency_repository.hpp"
#include "web/action_support.hpp"
#include "web/api_error.hpp"
#include "web/compose_input.hpp"
#include "web/json_body.hpp"
#include "web/routes.hpp"
#include "web/social_common.hpp"

#include <algorithm>
#include <memory>

namespace socialcrm::web {

namespace {

using nlohmann::json;

// A compose with the largest sendable image must get through the
// transport before this route can refuse or send it.
static_assert(web_limits{}.transport_body_limit >= max_compose_body,
              "web_limits::transport_body_limit is below max_compose_body");

// What a compose asks for, once read, shared by the pool job.
struct compose_job {
  compose_request in;
  std::string key;         // Idempotency-Key, "" when none
  std::string fingerprint; // the request as the key remembers it
};

// One account's part of the answer.
struct account_result {
  storage::linked_account account;
  enum class state { send, posted, refused, forbidden, failed } what =
    state::send;
  std::string external_id;
  error_info error;
};

std::string_view to_string(account_result::state s) {
  using st = account_result::state;
  switch (s) {
    case st::posted:
      return "posted";
    case st::refused:
      return "refused";
    case st::forbidden:
      return "forbidden";
    case st::failed:
      return "failed";
    case st::send:
      break;
  }
  return "refused";
}

json result_json(const account_result& r) {
  json out{{"account_id", std::to_string(r.account.id)},
           {"network", socialcrm::to_string(r.account.net)},
           {"status", to_string(r.what)}};
  if (r.what == account_result::state::posted)
    out["external_id"] = r.external_id;
  else
    out["error"] = {{"code", r.error.code}, {"message", r.error.message}};
  return out;
}

bool is_json_request(const http::request& req) {
  auto type = req.headers.value("Content-Type");
  auto media = type.substr(0, type.find(';'));
  while (!media.empty() && media.back() == ' ')
    media.pop_back();
  return http::iequals(media, "application/json");
}

// The pipeline's JSON limit is for records; a compose carries an image, so
// this route reads its own body against max_compose_body.
std::optional<json> read_body(const call_ptr& c) {
  if (!is_json_request(c->req)) {
    c->fail(make_error("unsupported_media_type",
                       "send the body as application/json"));
    return std::nullopt;
  }
  if (c->req.body.size() > max_compose_body) {
    c->fail(make_error("body_too_large",
                       "a post with its image may have at most " +
                         std::to_string(max_compose_body) + " bytes"));
    return std::nullopt;
  }
  auto body = parse_json(c->req.body, c->state.limits.json_max_depth);
  if (!body) {
    c->fail(body.error());
    return std::nullopt;
  }
  return std::move(*body);
}

// Why this account cannot take this post, checked before anything is sent.
std::optional<account_result> refusal(storage::database& db,
                                      const principal& who,
                                      const compose_request& in,
                                      const storage::linked_account& a) {
  account_result r;
  r.account = a;
  auto net = display_name(a.net);
  if (!allowed(db, who, a, storage::operation::post)) {
    r.what = account_result::state::forbidden;
    r.error = not_allowed(who, a, storage::operation::post);
    return r;
  }
  r.what = account_result::state::refused;
  if (a.status == account_status::pending_page) {
    r.error = make_error("page_required",
                         "pick a page for this " + net + " account first");
    return r;
  }
  if (a.status != account_status::active) {
    r.error = make_error("reauth_required",
                         "this " + net + " account must be linked again ("
                           + std::string(to_string(a.status)) + ")");
    return r;
  }
  auto chars = count_code_points(in.text);
  if (chars > text_limit(a.net)) {
    r.error = make_error("string_too_long",
                         net + " takes posts up to " +
                           std::to_string(text_limit(a.net)) +
                           " characters; this one has " +
                           std::to_string(chars));
    return r;
  }
  if (in.image && in.image->bytes.size() > image_limit(a.net)) {
    r.error = make_error("image_too_large",
                         net + " takes images up to " +
                           size_text(image_limit(a.net), true) +
                           "; this one is " +
                           size_text(in.image->bytes.size(), false));
    return r;
  }
  if (in.image && !sends_images(a.net)) {
    r.error = make_error("action_not_supported",
                         "this server posts text only to " + net +
                           "; send the post without the image");
    return r;
  }
  return std::nullopt;
}

void reply_stored(const call_ptr& c, unsigned status, const std::string& body) {
  auto res = http::response::make(status, "application/json", body);
  res.headers.set("Cache-Control", "no-store");
  res.headers.set("Idempotent-Replay", "true");
  c->reply(std::move(res));
}

// Every account's result before anything is sent: refused, forbidden, or
// still to send. nullopt (and 404 sent) when an id names no account.
std::optional<std::vector<account_result>>
plan(const call_ptr& c, storage::database& db, const compose_request& in) {
  storage::account_repository accounts(db.handle());
  std::vector<account_result> out;
  for (auto id : in.accounts) {
    auto a = accounts.find(id);
    if (!a) {
      c->fail(make_error("account_not_found",
                         "no linked account has the id " + std::to_string(id) +
                           "; nothing was sent"));
      return std::nullopt;
    }
    auto r = refusal(db, c->who, in, *a);
    if (!r) {
      r.emplace();
      r->account = *a;
    }
    out.push_back(std::move(*r));
  }
  return out;
}

// Sends the post through every account still to send, one after the
// other, and writes each success to the history.
void post_each(const call_ptr& c, storage::database& db, const compose_job& job,
               std::vector<account_result>& rs) {
  auto& ctx = *c->state.social->sources;
  for (auto& r : rs) {
    if (r.what != account_result::state::send)
      continue;
    networks::action a;
    a.what = networks::action::kind::post;
    a.text = job.in.text;
    if (job.in.image) {
      a.media = job.in.image->bytes;
      a.media_type = job.in.image->type;
    }
    // Networks that honour a key (Mastodon) dedupe our own retries too.
    if (!job.key.empty())
      a.idempotency_key = "socialcrm-" + std::to_string(c->who.user.id) + "-" +
                          std::to_string(r.account.id) + "-" + job.key;
    auto done = send_action(ctx, r.account, a);
    if (!done) {
      r.what = account_result::state::failed;
      r.error = done.error();
      continue;
    }
    r.what = account_result::state::posted;
    r.external_id = done->external_id;
    storage::activity_entry e;
    e.action = "posted";
    e.network = std::string(socialcrm::to_string(r.account.net));
    e.account_id = r.account.id;
    e.detail = job.in.text;
    record_activity(db, c->who, std::move(e));
  }
}

// The status and body of the answer: 200 once anything was posted.
// Otherwise the first reason: 403 when permissions alone stopped every
// account, else the first refusal's or network failure's status. The
// per-account results are in every answer.
std::pair<unsigned, json> answer_of(const std::vector<account_result>& rs) {
  using st = account_result::state;
  const account_result* reason = nullptr;
  bool posted = false, all_forbidden = true;
  for (auto& r : rs) {
    posted = posted || r.what == st::posted;
    all_forbidden = all_forbidden && r.what == st::forbidden;
    if (!reason && r.what != st::forbidden && r.what != st::posted)
      reason = &r;
  }
  json body = json::object();
  unsigned status = 200;
  if (!posted) {
    if (all_forbidden || !reason)
      reason = &rs.front();
    status = all_forbidden ? 403 : status_of(reason->error.code);
    body["error"] = {{"code", reason->error.code},
                     {"message", reason->error.message}};
  }
  body["results"] = json::array();
  for (auto& r : rs)
    body["results"].push_back(result_json(r));
  return {status, std::move(body)};
}

// Whether reserving the key answered the call already (a replay, or the
// key taken by another request); false when the key is ours now.
bool answered_by_key(const call_ptr& c, const storage::idempotency_claim& claim) {
  using st = storage::idempotency_claim::state;
  switch (claim.what) {
    case st::reserved:
      return false;
    case st::replay:
      reply_stored(c, claim.status, claim.body);
      return true;
    case st::mismatch:
      c->fail(make_error("idempotency_key_reused",
                         "this Idempotency-Key was used for a different "
                         "post; use a new key"));
      return true;
    case st::in_progress:
      c->fail(make_error("idempotency_key_in_use",
                         "the post with this Idempotency-Key is still being "
                         "sent; retry in a moment"));
      return true;
  }
  return false;
}

void send_all(const call_ptr& c, storage::database& db, const compose_job& job) {
  storage::idempotency_repository keys(db.handle());
  auto user = c->who.user.id;
  bool reserved = false, sent = false;
  // The key is reserved before anything is sent, so a concurrent retry
  // finds it taken; a request that ends up sending nothing frees it.
  auto give_back = [&] {
    if (reserved && !sent)
      keys.release(user, job.key);
  };
  try {
    if (!job.key.empty()) {
      if (answered_by_key(
            c, keys.reserve(user, job.key, job.fingerprint, now_ms())))
        return;
      reserved = true;
    }
    auto results = plan(c, db, job.in);
    if (!results)
      return give_back();
    sent = std::any_of(results->begin(), results->end(), [](auto& r) {
      return r.what == account_result::state::send;
    });
    post_each(c, db, job, *results);
    auto [status, body] = answer_of(*results);
    auto text = body.dump(-1, ' ', false, json::error_handler_t::replace);
    if (reserved && sent)
      keys.complete(user, job.key, job.fingerprint, status, text);
    give_back();
    auto res = http::response::make(status, "application/json", text);
    res.headers.set("Cache-Control", "no-store");
    c->reply(std::move(res));
  } catch (...) {
    // Nothing sent: the key is free again. Something sent: the key stays
    // reserved, so a retry cannot post a second time.
    give_back();
    throw;
  }
}

void compose(const call_ptr& c) {
  if (!require_social(c))
    return;
  auto body = read_body(c);
  if (!body)
    return;
  auto in = decode_compose(*body);
  if (!in)
    return c->fail(in.error());
  auto job = std::make_shared<compose_job>();
  job->key = c->req.headers.value("Idempotency-Key");
  if (job->key.size() > storage::max_idempotency_key_length)
    return c->fail(make_error("string_too_long",
                              "an Idempotency-Key has at most " +
                                std::to_string(
                                  storage::max_idempotency_key_length) +
                                " characters"));
  if (!job->key.empty() && !in->idempotency_key.empty() &&
      job->key != in->idempotency_key)
    return c->fail(make_error("invalid_value",
                              "the Idempotency-Key header and the body's "
                              "'idempotency_key' differ"));
  if (job->key.empty())
    job->key = in->idempotency_key;
  if (!job->key.empty())
    job->fingerprint = compose_fingerprint(*body);
  job->in = std::move(*in);
  run_blocking(c, [c, job](storage::database& db) { send_all(c, db, *job); });
}

} // namespace

void add_compose_routes(router& r) {
  // takes_body is false: the route reads its own body, which may carry an
  // image far beyond the JSON limit of the other routes.
  r.add({"POST", "/api/v1/social/posts", compose, true, false,
         "Sends one post to the chosen linked accounts; a result per "
         "account (S-5.1, S-5.2). Body {text, accounts, image?: {data "
         "(base64), type}}; Idempotency-Key header replays a retry"});
}

} // namespace socialcrm::web
