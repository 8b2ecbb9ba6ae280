// The operation cells of the permission matrix (S-1.5): the operation each
// post action (and compose) needs on the linked account it goes through.

#include "tests/web/permission_cells.hpp"

namespace socialcrm::test::permissions {

namespace {

using body_of = std::function<json(org&)>;

// POST /social/posts/{id}/<action> with a body made for each call.
auto on_post(std::string action, body_of body) {
  return [action, body](org& o, api_client& c, const target& t) {
    return c.post("/api/v1/social/posts/" + t.post + "/" + action, body(o));
  };
}

} // namespace

std::vector<operation_cell> operation_cells() {
  body_of text = [](org& o) { return json{{"text", o.unique("a word ")}}; };
  body_of nothing = [](org&) { return json::object(); };
  const std::string post = "POST /api/v1/social/posts/{id}/";
  using a = poster;
  return {
      {"POST /api/v1/social/posts", "post", "x", a::none, false, "post", 200,
       [](org& o, api_client& c, const target& t) {
         return c.post("/api/v1/social/posts", {{"text", o.unique("news ")},
                                                {"accounts", {t.account}}});
       }},
      {post + "reply", "reply", "x", a::unknown, true, "reply", 201,
       on_post("reply", text)},
      {post + "comment", "reply", "facebook", a::unknown, false, "comment", 201,
       on_post("comment", text)},
      {post + "like", "like", "x", a::unknown, true, "like", 201,
       on_post("like", nothing)},
      {post + "retweet", "repost", "x", a::unknown, true, "repost", 201,
       on_post("retweet", nothing)},
      {post + "message", "message", "x", a::unknown, true, "message", 201,
       on_post("message", text)},
      {post + "add-person", "view", "x", a::unknown, false, "", 201,
       on_post("add-person",
               [](org& o) {
                 return json{{"as", "lead"}, {"last_name", o.unique("Added ")}};
               })},
      {post + "associate", "view", "x", a::unknown, false, "", 201,
       on_post("associate",
               [](org& o) {
                 return json{{"record_type", "lead"}, {"record_id", o.lead()}};
               })},
      {post + "deal", "view", "x", a::contact, false, "", 201,
       on_post("deal",
               [](org& o) {
                 return json{{"name", o.unique("Deal ")}, {"amount", 10}};
               })},
      {post + "task", "view", "x", a::contact, false, "", 201,
       on_post("task",
               [](org& o) {
                 return json{{"subject", o.unique("Call ")}};
               })},
      {post + "note", "view", "x", a::contact, false, "", 201,
       on_post("note", text)},
  };
}

} // namespace socialcrm::test::permissions
