// The X connector's writes as the organisation: posts and replies (an
// image goes up through the v2 chunked media upload first), likes,
// retweets and direct messages.

#include "networks/x_connector.hpp"

#include "http/url.hpp"
#include "networks/json_fields.hpp"
#include "networks/multipart_body.hpp"

namespace socialcrm::networks {

namespace {

using json = nlohmann::json;

failure bad(const std::string& what) {
  return make_failure(failure_kind::bad_response, "X " + what);
}

} // namespace

outcome<std::string> x_connector::upload_media(const credentials& who,
                                               const action& a) {
  // X retired v1.1 upload.twitter.com/1.1/media/upload.json; v2 uploads in
  // three steps: initialize (type and size), append the bytes as numbered
  // segments, finalize. An image fits one segment.
  http::header_list h;
  h.set("Content-Type", "application/json");
  json init = {{"media_type", a.media_type.empty() ? "image/png"
                                                   : a.media_type},
               {"total_bytes", a.media.size()},
               {"media_category", "tweet_image"}};
  auto started = api_.send_json(who.access_token, "media_initialize", "POST",
                                "/2/media/upload/initialize", h, init.dump());
  if (!started)
    return {std::nullopt, started.error};
  auto id = string_in(*started.value, {"data", "id"});
  if (id.empty())
    return {std::nullopt, bad("media initialize answer without data.id")};
  auto path = "/2/media/upload/" + http::url_encode(id);
  int segment = 0;
  for (std::size_t at = 0; at < a.media.size();
       at += x_media_segment_bytes, ++segment) {
    auto form = make_multipart(
      {{"segment_index", std::to_string(segment), "", ""},
       {"media", a.media.substr(at, x_media_segment_bytes), "media",
        "application/octet-stream"}});
    http::header_list fh;
    fh.set("Content-Type", form.content_type);
    auto appended = api_.send(who.access_token, "media_append", "POST",
                              path + "/append", fh, form.body);
    if (!appended)
      return {std::nullopt, appended.error};
  }
  auto done = api_.send_json(who.access_token, "media_finalize", "POST",
                             path + "/finalize");
  if (!done)
    return {std::nullopt, done.error};
  // Images are ready when finalized; only media X still processes (video,
  // GIFs) answers a processing_info that has not succeeded.
  auto state = string_in(*done.value, {"data", "processing_info", "state"});
  if (state == "failed")
    return {std::nullopt, make_failure(failure_kind::rejected,
                                       "X could not process the image")};
  if (!state.empty() && state != "succeeded")
    return {std::nullopt, make_failure(failure_kind::transient,
                                       "X is still processing the image")};
  return {id, {}};
}

outcome<action_result> x_connector::act(const credentials& who,
                                        const action& a) {
  http::header_list h;
  h.set("Content-Type", "application/json");
  std::string family, path;
  json body;
  switch (a.what) {
    case action::kind::post:
    case action::kind::reply:
    case action::kind::comment: {
      family = "create_tweet";
      path = "/2/tweets";
      body["text"] = a.text;
      if (a.what != action::kind::post)
        body["reply"] = {{"in_reply_to_tweet_id", a.target_id}};
      if (!a.media.empty()) {
        auto media = upload_media(who, a);
        if (!media)
          return {std::nullopt, media.error};
        body["media"] = {{"media_ids", json::array({*media.value})}};
      }
      break;
    }
    case action::kind::like:
      family = "likes";
      path = "/2/users/" + http::url_encode(who.account_user_id) + "/likes";
      body["tweet_id"] = a.target_id;
      break;
    case action::kind::repost:
      family = "retweets";
      path = "/2/users/" + http::url_encode(who.account_user_id) + "/retweets";
      body["tweet_id"] = a.target_id;
      break;
    case action::kind::message:
      family = "dm_write";
      path = "/2/dm_conversations/with/" + http::url_encode(a.target_id)
             + "/messages";
      body["text"] = a.text;
      break;
  }
  auto r = api_.send_json(who.access_token, family, "POST", path, h,
                          body.dump());
  if (!r)
    return {std::nullopt, r.error};
  action_result out;
  if (auto data = object_at(*r.value, "data")) {
    // A created post answers {"id"}, a DM {"dm_event_id"}; a retweet's
    // {"id"} is the retweeted post's (docs.x.com "Repost Post"), not
    // something created, and a like names nothing.
    if (a.what == action::kind::message)
      out.external_id = string_at(*data, "dm_event_id");
    else if (a.what != action::kind::like && a.what != action::kind::repost)
      out.external_id = string_at(*data, "id");
  }
  return {std::move(out), {}};
}

} // namespace socialcrm::networks
