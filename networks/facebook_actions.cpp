// The Facebook connector's writes as the page: statuses, photos, comments,
// likes and Messenger answers; and why page tokens are not refreshed.

#include "networks/facebook_connector.hpp"

#include "http/url.hpp"
#include "networks/json_fields.hpp"
#include "networks/multipart_body.hpp"

namespace socialcrm::networks {

namespace {
using json = nlohmann::json;
} // namespace

outcome<credentials> facebook_connector::refresh(const credentials&) {
  return {std::nullopt,
          make_failure(failure_kind::reauth_required,
                       "Facebook page tokens cannot be refreshed: link the "
                       "page again")};
}

outcome<action_result> facebook_connector::act(const credentials& who,
                                               const action& a) {
  if (who.page_id.empty())
    return {std::nullopt, make_failure(failure_kind::reauth_required,
                                       "the Facebook account has no page")};
  auto page = "/" + http::url_encode(who.page_id);
  auto target = "/" + http::url_encode(a.target_id);
  if (!a.media.empty() && a.what != action::kind::post)
    return {std::nullopt,
            make_failure(failure_kind::rejected,
                         "Facebook takes an image with a page post only")};
  outcome<nlohmann::json> r;
  switch (a.what) {
    case action::kind::post:
      if (a.media.empty()) {
        r = post_form(who, page + "/feed", {{"message", a.text}});
        break;
      }
      if (a.media.size() > facebook_max_photo_bytes)
        return {std::nullopt,
                make_failure(failure_kind::rejected,
                             "the image is over Facebook's 25 MB limit")};
      {
        auto form = make_multipart(
          {{"caption", a.text, "", ""},
           {"source", a.media, "image",
            a.media_type.empty() ? "image/jpeg" : a.media_type}});
        http::header_list h;
        h.set("Content-Type", form.content_type);
        r = api_.send_json(who.access_token, "graph", "POST",
                           "/" + std::string(facebook_graph_version) + page
                             + "/photos",
                           h, form.body);
      }
      break;
    case action::kind::reply:
    case action::kind::comment:
      // A reply on Facebook is a comment on the post or comment.
      r = post_form(who, target + "/comments", {{"message", a.text}});
      break;
    case action::kind::like:
      r = post_form(who, target + "/likes", {});
      break;
    case action::kind::message: {
      http::header_list h;
      h.set("Content-Type", "application/json");
      // An answer within Messenger's 24-hour window after the person wrote.
      json body = {{"recipient", {{"id", a.target_id}}},
                   {"message", {{"text", a.text}}},
                   {"messaging_type", "RESPONSE"}};
      r = api_.send_json(who.access_token, "graph", "POST",
                         "/" + std::string(facebook_graph_version) + page
                           + "/messages",
                         h, body.dump());
      break;
    }
    case action::kind::repost:
      return {std::nullopt,
              make_failure(failure_kind::rejected,
                           "Facebook pages cannot share posts through the "
                           "Graph API")};
  }
  if (!r)
    return {std::nullopt, r.error};
  action_result out;
  for (auto key : {"post_id", "message_id", "id"})
    if (out.external_id.empty())
      out.external_id = string_at(*r.value, key);
  return {std::move(out), {}};
}

} // namespace socialcrm::networks
