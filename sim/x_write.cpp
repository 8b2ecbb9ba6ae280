// X API v2 writes: posts and replies, likes, retweets, DMs (media upload
// is x_media.cpp). Each records what the app did in the published log.

#include "sim/x_network.hpp"

namespace socialcrm::sim::x {

using nlohmann::json;

http::response x_network::create_tweet(const call& c, world& w,
                                       const caller& who) {
  json b;
  if (auto error = read_object_body(c, b))
    return *error;
  std::string text;
  if (b.contains("text")) {
    if (!b.at("text").is_string())
      return invalid_request("text", b.at("text").dump(),
                             "`text` must be a string");
    text = b.at("text").get<std::string>();
  }
  std::vector<std::string> media_ids;
  if (b.contains("media")) {
    const auto& m = b.at("media");
    if (!m.is_object() || !m.contains("media_ids")
        || !m.at("media_ids").is_array())
      return invalid_request("media", m.dump(), "`media.media_ids` required");
    for (const auto& id : m.at("media_ids")) {
      std::string s = id.is_string() ? id.get<std::string>() : id.dump();
      if (!attachable_media(w, s))
        return invalid_request("media.media_ids", s,
                               "Your media IDs are invalid.");
      media_ids.push_back(s);
    }
  }
  if (text.empty() && media_ids.empty())
    return invalid_request("text", "", "`text` or `media` is required");
  if (tweet_weight(text) > max_tweet_weight)
    return problem(403, "Forbidden",
                   "Your Tweet text is too long. Tweets are limited to "
                   "280 characters.");
  std::string parent;
  if (b.contains("reply")) {
    const auto& r = b.at("reply");
    if (!r.is_object() || !r.contains("in_reply_to_tweet_id")
        || !r.at("in_reply_to_tweet_id").is_string())
      return invalid_request("reply", r.dump(),
                             "`reply.in_reply_to_tweet_id` required");
    parent = r.at("in_reply_to_tweet_id").get<std::string>();
    if (!w.find_item("x", parent))
      return invalid_request("reply.in_reply_to_tweet_id", parent,
                             "The Tweet you are replying to is not "
                             "available.");
  }
  auto& last = last_text_[who.me->id];
  if (!text.empty() && last == text)
    return problem(403, "Forbidden",
                   "You are not allowed to create a Tweet with duplicate "
                   "content.");
  last = text;
  item draft;
  draft.network = "x";
  draft.kind = parent.empty() ? item_kind::post : item_kind::reply;
  draft.author_id = who.me->id;
  draft.text = text;
  draft.in_reply_to = parent;
  if (const item* p = w.find_item("x", parent))
    draft.to_account = p->author_id;
  draft.media_ids = media_ids;
  draft.by_app = true;
  const item& t = w.add_item(std::move(draft));
  published_entry e;
  e.network = "x";
  e.action = parent.empty() ? "post" : "reply";
  e.actor_id = who.me->id;
  e.target_id = parent;
  e.external_id = t.id;
  e.text = text;
  for (const auto& id : media_ids)
    e.media_bytes.push_back(w.find_media("x", id)->bytes);
  w.record_published(std::move(e));
  return json_response(201, {{"data", {{"id", t.id},
                                       {"text", t.text},
                                       {"edit_history_tweet_ids",
                                        json::array({t.id})}}}});
}

http::response x_network::like_or_retweet(const call& c, world& w,
                                          const caller& who,
                                          const std::string& user_id,
                                          bool like) {
  if (user_id != who.me->id)
    return problem(403, "Forbidden",
                   std::string("You are not allowed to ")
                     + (like ? "like" : "retweet")
                     + " on behalf of another user.");
  auto body = c.json_body();
  if (!body || !body->is_object() || !body->contains("tweet_id")
      || !body->at("tweet_id").is_string())
    return invalid_request("tweet_id", "", "`tweet_id` is required");
  auto tweet_id = body->at("tweet_id").get<std::string>();
  item* t = w.find_item("x", tweet_id);
  if (!t || t->kind == item_kind::dm)
    return json_response(
      200,
      {{"errors", json::array({not_found_error("tweet", "id", tweet_id)})}});
  auto& set = like ? t->liked_by : t->reposted_by;
  if (set.insert(who.me->id).second) {
    published_entry e;
    e.network = "x";
    e.action = like ? "like" : "repost";
    e.actor_id = who.me->id;
    e.target_id = tweet_id;
    w.record_published(std::move(e));
  }
  // X answers a like with {"liked"}, a retweet with the retweeted post's
  // id and {"retweeted"} (docs.x.com "Repost Post").
  if (like)
    return json_response(200, {{"data", {{"liked", true}}}});
  return json_response(200,
                       {{"data", {{"id", tweet_id}, {"retweeted", true}}}});
}

http::response x_network::send_dm(const call& c, world& w, const caller& who,
                                  const std::string& participant_id) {
  const user* to = w.find_user("x", participant_id);
  if (!to)
    return invalid_request("participant_id", participant_id,
                           "The `participant_id` value does not match any "
                           "user");
  auto body = c.json_body();
  if (!body || !body->is_object())
    return invalid_request("body", "", "Request body must be a JSON object");
  std::string text;
  if (body->contains("text") && body->at("text").is_string())
    text = body->at("text").get<std::string>();
  std::vector<std::string> media_ids;
  if (body->contains("attachments") && body->at("attachments").is_array())
    for (const auto& a : body->at("attachments"))
      if (a.is_object() && a.contains("media_id") && a.at("media_id").is_string())
        media_ids.push_back(a.at("media_id").get<std::string>());
  if (text.empty() && media_ids.empty())
    return invalid_request("text", "", "`text` or `attachments` is required");
  /// DMs are limited to 10,000 characters.
  constexpr std::size_t max_dm_chars = 10000;
  if (text.size() > max_dm_chars)
    return invalid_request("text", text.substr(0, 32), "`text` is too long");
  item draft;
  draft.network = "x";
  draft.kind = item_kind::dm;
  draft.author_id = who.me->id;
  draft.to_account = to->id;
  draft.text = text;
  draft.media_ids = media_ids;
  draft.by_app = true;
  const item& t = w.add_item(std::move(draft));
  published_entry e;
  e.network = "x";
  e.action = "message";
  e.actor_id = who.me->id;
  e.target_id = to->id;
  e.external_id = t.id;
  e.text = text;
  for (const auto& id : media_ids)
    if (const media* m = w.find_media("x", id))
      e.media_bytes.push_back(m->bytes);
  w.record_published(std::move(e));
  return json_response(201, {{"data", {{"dm_conversation_id", t.conversation_id},
                                       {"dm_event_id", t.id}}}});
}

} // namespace socialcrm::sim::x
