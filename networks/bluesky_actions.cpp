// The Bluesky connector's writes: refreshSession, createRecord (posts,
// replies, likes, reposts; getPosts names what they answer) and
// uploadBlob.

#include "networks/bluesky_connector.hpp"

#include "http/url.hpp"
#include "networks/json_fields.hpp"

#include <cstdio>
#include <ctime>

namespace socialcrm::networks {

namespace {

using json = nlohmann::json;

failure bad(const std::string& what) {
  return make_failure(failure_kind::bad_response, "Bluesky " + what);
}

json strong_ref(const std::string& uri, const std::string& cid) {
  return {{"uri", uri}, {"cid", cid}};
}

} // namespace

outcome<credentials> bluesky_connector::refresh(const credentials& who) {
  if (who.refresh_token.empty())
    return {std::nullopt, make_failure(failure_kind::reauth_required,
                                       "no Bluesky refresh token: sign in "
                                       "again")};
  // The refresh JWT is the bearer. The PDS rotates it: the used one
  // refreshes again only for a 2-hour grace period (REFRESH_GRACE_MS), so
  // the caller still persists the answer before anything else.
  auto r = api_.send_json(who.refresh_token, "session", "POST",
                          "/xrpc/com.atproto.server.refreshSession");
  if (!r)
    return {std::nullopt, r.error};
  auto access = string_at(*r.value, "accessJwt");
  auto refresh = string_at(*r.value, "refreshJwt");
  if (access.empty() || refresh.empty())
    return {std::nullopt, bad("refreshSession without accessJwt or "
                              "refreshJwt")};
  credentials out = who;
  out.access_token = access;
  out.refresh_token = refresh;
  out.expires_at = jwt_expiry(access);
  if (auto did = string_at(*r.value, "did"); !did.empty())
    out.account_user_id = did;
  if (auto handle = string_at(*r.value, "handle"); !handle.empty())
    out.handle = handle;
  return {std::move(out), {}};
}

outcome<nlohmann::json> bluesky_connector::create_record(
  const credentials& who, const std::string& collection,
  const nlohmann::json& record) {
  http::header_list h;
  h.set("Content-Type", "application/json");
  json body = {{"repo", who.account_user_id},
               {"collection", collection},
               {"record", record}};
  // Writes have a budget of their own (points per hour per repo).
  auto r = api_.send_json(who.access_token, "write", "POST",
                          "/xrpc/com.atproto.repo.createRecord", h,
                          body.dump());
  if (!r)
    return r;
  if (string_at(*r.value, "uri").empty())
    return {std::nullopt, bad("createRecord answered no uri")};
  return r;
}

outcome<nlohmann::json> bluesky_connector::upload_blob(const credentials& who,
                                                       const action& a) {
  if (a.media.size() > bluesky_max_image_bytes)
    return {std::nullopt, make_failure(failure_kind::rejected,
                                       "the image is over Bluesky's "
                                       "2,000,000-byte limit")};
  http::header_list h;
  h.set("Content-Type", a.media_type.empty() ? "image/jpeg" : a.media_type);
  auto r = api_.send_json(who.access_token, "global", "POST",
                          "/xrpc/com.atproto.repo.uploadBlob", h, a.media);
  if (!r)
    return r;
  auto blob = object_at(*r.value, "blob");
  if (!blob)
    return {std::nullopt, bad("uploadBlob answered no blob")};
  return {*blob, {}};
}

outcome<bluesky_connector::record_ref>
bluesky_connector::ref_of(const credentials& who, const std::string& uri) {
  auto j = query(who, "app.bsky.feed.getPosts", {{"uris", uri}});
  if (!j)
    return {std::nullopt, j.error};
  auto posts = array_at(*j.value, "posts");
  if (!posts || posts->empty())
    return {std::nullopt, make_failure(failure_kind::rejected,
                                       "Bluesky has no post " + uri)};
  auto& view = posts->front();
  record_ref out{string_at(view, "uri"), string_at(view, "cid"), {}, {}};
  if (out.uri.empty() || out.cid.empty())
    return {std::nullopt, bad("post view without uri or cid")};
  if (auto record = object_at(view, "record")) {
    out.root_uri = string_in(*record, {"reply", "root", "uri"});
    out.root_cid = string_in(*record, {"reply", "root", "cid"});
  }
  return {std::move(out), {}};
}

outcome<action_result> bluesky_connector::act(const credentials& who,
                                              const action& a) {
  std::string collection;
  json record = {{"createdAt", rfc3339_ms(now_ms())}};
  switch (a.what) {
    case action::kind::post:
    case action::kind::reply:
    case action::kind::comment: {
      collection = "app.bsky.feed.post";
      record["text"] = a.text;
      if (a.what != action::kind::post) {
        auto parent = ref_of(who, a.target_id);
        if (!parent)
          return {std::nullopt, parent.error};
        auto& p = *parent.value;
        // A reply names its parent and its thread's root (the parent
        // itself when the parent starts the thread).
        bool parent_is_root = p.root_uri.empty() || p.root_cid.empty();
        record["reply"] = {
          {"root", parent_is_root ? strong_ref(p.uri, p.cid)
                                  : strong_ref(p.root_uri, p.root_cid)},
          {"parent", strong_ref(p.uri, p.cid)}};
      }
      if (!a.media.empty()) {
        auto blob = upload_blob(who, a);
        if (!blob)
          return {std::nullopt, blob.error};
        record["embed"] = {{"$type", "app.bsky.embed.images"},
                           {"images",
                            json::array({{{"alt", ""}, {"image", *blob.value}}})}};
      }
      break;
    }
    case action::kind::like:
    case action::kind::repost: {
      collection = a.what == action::kind::like ? "app.bsky.feed.like"
                                                : "app.bsky.feed.repost";
      auto subject = ref_of(who, a.target_id);
      if (!subject)
        return {std::nullopt, subject.error};
      record["subject"] = strong_ref(subject.value->uri, subject.value->cid);
      break;
    }
    case action::kind::message:
      return {std::nullopt,
              make_failure(failure_kind::rejected,
                           "Bluesky direct messages (chat.bsky) are not "
                           "supported")};
  }
  record["$type"] = collection;
  auto r = create_record(who, collection, record);
  if (!r)
    return {std::nullopt, r.error};
  return {action_result{string_at(*r.value, "uri")}, {}};
}

} // namespace socialcrm::networks
