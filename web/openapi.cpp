#include "web/openapi.hpp"

#include <string>
#include <utility>
#include <vector>

namespace socialcrm::web {

namespace {

using nlohmann::json;

json string_prop() {
  return {{"type", "string"}};
}
json bool_prop() {
  return {{"type", "boolean"}};
}
json int_prop() {
  return {{"type", "integer"}, {"format", "int64"}};
}
json ms_prop() {
  return {{"type", "integer"},
          {"format", "int64"},
          {"description", "UTC milliseconds since the epoch"}};
}

json object(std::vector<std::pair<std::string, json>> props,
            std::vector<std::string> required = {}) {
  json p = json::object();
  for (auto& [name, schema] : props)
    p[name] = schema;
  json out{{"type", "object"}, {"properties", p}};
  if (!required.empty())
    out["required"] = required;
  return out;
}

json enum_prop(std::vector<std::string> values) {
  return {{"type", "string"}, {"enum", values}};
}

json schema_ref(const std::string& name) {
  return {{"$ref", "#/components/schemas/" + name}};
}

json schemas() {
  json s;
  // The actor console (web/actor_routes.cpp).
  s["Actor"] = object({{"id", string_prop()},
                       {"kind", string_prop()},
                       {"node", string_prop()},
                       {"state", string_prop()},
                       {"since", int_prop()},
                       {"mailbox", int_prop()},
                       {"handled", int_prop()},
                       {"rates", {{"type", "object"}}},
                       {"errors", int_prop()},
                       {"last_error", string_prop()},
                       {"last_error_at", int_prop()},
                       {"restarts", int_prop()},
                       // network, target, tasks, polls, last_poll,
                       // next_poll, posts, duplicates, freshness_ms and
                       // rate_budget {limit, remaining, reset_at} or null.
                       {"source", {{"type", "object"}}}},
                      {"id", "kind", "state"});
  // One message of the event stream (GET /admin/actors/events, a
  // WebSocket): {"type":"actor_event","event":ActorEvent}.
  s["ActorEvent"] = object({{"at", ms_prop()},
                            {"id", string_prop()},
                            {"kind", string_prop()},
                            {"node", string_prop()},
                            {"event", enum_prop({"registered", "state",
                                                 "error", "stopped", "failed",
                                                 "posts"})},
                            {"state", string_prop()},
                            {"previous", string_prop()},
                            {"error", string_prop()},
                            {"stored", int_prop()},
                            {"duplicates", int_prop()},
                            {"posts", {{"type", "array"},
                                       {"items", {{"type", "object"}}}}}},
                           {"at", "id", "kind", "event", "state"});
  s["ActorSelector"] = object({{"kind", string_prop()},
                               {"state", string_prop()},
                               {"node", string_prop()},
                               {"q", string_prop()},
                               {"ids", {{"type", "array"},
                                        {"items", string_prop()}}}},
                              {});
  s["ActorAction"] = object({{"action", string_prop()},
                             {"ids", {{"type", "array"},
                                      {"items", string_prop()}}},
                             {"skipped", {{"type", "array"},
                                          {"items", string_prop()}}}},
                            {"action", "ids"});
  s["Node"] = object({{"id", string_prop()},
                      {"role", string_prop()},
                      {"actors", int_prop()},
                      {"states", {{"type", "object"}}},
                      {"reachable", {{"type", "boolean"}}}},
                     {"id"});
  s["AuditEntry"] = object({{"id", string_prop()},
                            {"at", int_prop()},
                            {"user", {{"type", "object"}}},
                            {"action", string_prop()},
                            {"target", json::object()},
                            {"ids", {{"type", "array"},
                                     {"items", string_prop()}}},
                            {"result", string_prop()}},
                           {"id", "action"});
  s["Error"] = object(
      {{"error", object({{"code", string_prop()}, {"message", string_prop()}},
                        {"code", "message"})}},
      {"error"});
  auto person = std::vector<std::pair<std::string, json>>{
      {"first_name", string_prop()}, {"last_name", string_prop()},
      {"email", string_prop()},      {"phone", string_prop()},
      {"website", string_prop()},    {"company", string_prop()}};
  s["PersonInput"] = object(person, {"last_name"});
  person.insert(person.begin(), {"id", string_prop()});
  person.push_back({"record_type", enum_prop({"lead", "contact"})});
  person.push_back({"origin", string_prop()});
  person.push_back({"created_at", ms_prop()});
  person.push_back({"updated_at", ms_prop()});
  s["Person"] = object(person);
  s["DealInput"] = object({{"contact_id", string_prop()},
                           {"name", string_prop()},
                           {"amount", {{"type", "number"}, {"minimum", 0}}},
                           {"stage", enum_prop({"open", "won", "lost"})}},
                          {"contact_id", "name"});
  s["Deal"] = object({{"id", string_prop()},
                      {"contact_id", string_prop()},
                      {"name", string_prop()},
                      {"amount", {{"type", "number"}}},
                      {"stage", enum_prop({"open", "won", "lost"})},
                      {"created_at", ms_prop()},
                      {"closed_at", ms_prop()},
                      {"updated_at", ms_prop()}});
  auto record = enum_prop({"lead", "contact", "deal"});
  s["NoteInput"] = object({{"record_type", record},
                           {"record_id", string_prop()},
                           {"body", string_prop()}},
                          {"record_type", "record_id", "body"});
  s["Note"] = object({{"id", string_prop()},
                      {"record_type", record},
                      {"record_id", string_prop()},
                      {"body", string_prop()},
                      {"created_by", string_prop()},
                      {"created_at", ms_prop()}});
  s["TaskInput"] = object({{"record_type", record},
                           {"record_id", string_prop()},
                           {"subject", string_prop()},
                           {"due_at", ms_prop()},
                           {"status", enum_prop({"open", "done"})}},
                          {"record_type", "record_id", "subject"});
  s["Task"] = object({{"id", string_prop()},
                      {"record_type", record},
                      {"record_id", string_prop()},
                      {"subject", string_prop()},
                      {"due_at", ms_prop()},
                      {"status", enum_prop({"open", "done"})},
                      {"created_by", string_prop()},
                      {"created_at", ms_prop()}});
  auto email = std::vector<std::pair<std::string, json>>{
      {"record_type", enum_prop({"lead", "contact"})},
      {"record_id", string_prop()},
      {"direction", enum_prop({"in", "out"})},
      {"from", string_prop()},
      {"to", string_prop()},
      {"subject", string_prop()},
      {"body", string_prop()},
      {"answered", bool_prop()},
      {"sent_at", ms_prop()}};
  s["EmailInput"] =
      object(email, {"record_type", "record_id", "direction", "from", "to"});
  email.insert(email.begin(), {"id", string_prop()});
  s["Email"] = object(email);
  s["UserInput"] = object({{"email", string_prop()},
                           {"name", string_prop()},
                           {"password", string_prop()},
                           {"profile_id", string_prop()},
                           {"active", bool_prop()}},
                          {"email", "name", "password", "profile_id"});
  s["User"] = object({{"id", string_prop()},
                      {"email", string_prop()},
                      {"name", string_prop()},
                      {"profile_id", string_prop()},
                      {"super_admin", bool_prop()},
                      {"active", bool_prop()},
                      {"created_at", ms_prop()}});
  auto perms = std::vector<std::pair<std::string, json>>{
      {"name", string_prop()},
      {"social_tab", bool_prop()},
      {"social_profile_link", bool_prop()},
      {"social_admin", bool_prop()},
      {"admin", bool_prop()}};
  s["ProfileInput"] = object(perms, {"name"});
  perms.insert(perms.begin(), {"id", string_prop()});
  perms.push_back({"builtin", bool_prop()});
  perms.push_back({"created_at", ms_prop()});
  s["Profile"] = object(perms);
  s["TokenInput"] = object({{"name", string_prop()}}, {"name"});
  s["Token"] = object({{"id", string_prop()},
                       {"name", string_prop()},
                       {"token",
                        {{"type", "string"},
                         {"description", "only in the answer to "
                                         "POST /tokens"}}},
                       {"created_at", ms_prop()},
                       {"last_used_at", ms_prop()},
                       {"revoked_at", ms_prop()}});
  s["Organisation"] =
      object({{"name", string_prop()},
              {"edition",
               enum_prop({"free", "standard", "professional", "enterprise"})}});
  s["SignIn"] = object({{"email", string_prop()}, {"password", string_prop()}},
                       {"email", "password"});
  s["Session"] = object({{"user", schema_ref("User")},
                         {"profile", schema_ref("Profile")},
                         {"edition", string_prop()},
                         {"csrf_token", string_prop()}});
  s["SocialProfileInput"] = object(
      {{"network",
        enum_prop({"x", "facebook", "googleplus", "mastodon", "bluesky"})},
       {"user_id", string_prop()},
       {"handle", string_prop()},
       {"move", bool_prop()}},
      {"network", "user_id"});
  s["SocialProfile"] = object({{"network", string_prop()},
                               {"user_id", string_prop()},
                               {"handle", string_prop()},
                               {"created_at", ms_prop()}});
  s["Post"] = object({{"id", string_prop()},
                      {"seq", int_prop()},
                      {"network", string_prop()},
                      {"kind", string_prop()},
                      {"text", string_prop()},
                      {"standing", string_prop()}});
  // The social tab's answers and inputs are documented route by route in
  // the README (API.md additions); here they are JSON objects.
  s["SocialAnswer"] = {{"type", "object"}};
  s["SocialInput"] = {{"type", "object"}};
  return s;
}

// The record schema of a route, from its resource segment.
std::string schema_of(const std::string& pattern) {
  if (pattern == "/api/v1/admin/nodes")
    return "Node";
  if (pattern == "/api/v1/admin/audit")
    return "AuditEntry";
  if (pattern == "/api/v1/admin/actors" || pattern == "/api/v1/admin/actors/{id}")
    return "Actor";
  if (pattern == "/api/v1/admin/actors/events")
    return "ActorEvent";
  if (pattern.rfind("/api/v1/admin/actors/", 0) == 0)
    return "ActorAction";
  if (pattern.find("/social-profiles") != std::string::npos)
    return "SocialProfile";
  if (pattern.find("/social-interactions") != std::string::npos)
    return "Post";
  if (pattern == "/api/v1/social/feed" ||
      pattern == "/api/v1/social/columns/{id}/posts")
    return "Post";
  if (pattern.rfind("/api/v1/social/", 0) == 0)
    return "SocialAnswer";
  static const std::vector<std::pair<std::string, std::string>> by_prefix{
      {"/api/v1/leads", "Person"},   {"/api/v1/contacts", "Person"},
      {"/api/v1/deals", "Deal"},     {"/api/v1/notes", "Note"},
      {"/api/v1/tasks", "Task"},     {"/api/v1/emails", "Email"},
      {"/api/v1/users", "User"},     {"/api/v1/profiles", "Profile"},
      {"/api/v1/tokens", "Token"},   {"/api/v1/organisation", "Organisation"},
      {"/api/v1/session", "Session"}};
  for (auto& [prefix, name] : by_prefix)
    if (pattern.rfind(prefix, 0) == 0)
      return name;
  return "";
}

std::string input_schema_of(const route& r) {
  if (r.pattern == "/api/v1/session")
    return "SignIn";
  if (r.pattern.find("/clone") != std::string::npos)
    return "TokenInput"; // {name}
  auto name = schema_of(r.pattern);
  if (name == "ActorAction")
    return "ActorSelector";
  if (r.pattern.rfind("/api/v1/social/", 0) == 0)
    return "SocialInput";
  if (name == "SocialProfile")
    return "SocialProfileInput";
  if (name == "Person" || name == "Deal" || name == "Note" || name == "Task" ||
      name == "Email" || name == "User" || name == "Profile" || name == "Token")
    return name + "Input";
  return name;
}

bool is_list(const route& r) {
  return r.method == "GET" && r.pattern.find("{id}") == std::string::npos &&
         r.pattern.rfind("/api/v1/", 0) == 0 &&
         r.pattern.rfind("/api/v1/social/", 0) != 0 &&
         r.pattern != "/api/v1/session" &&
         r.pattern != "/api/v1/organisation" &&
         r.pattern != "/api/v1/openapi.json" &&
         r.pattern != "/api/v1/admin/actors/events";
}

json error_answer(const char* what) {
  return {
      {"description", what},
      {"content", {{"application/json", {{"schema", schema_ref("Error")}}}}}};
}

json operation(const route& r) {
  json op{{"summary", r.summary}};
  auto tag = r.pattern.rfind("/api/v1/", 0) == 0
                 ? r.pattern.substr(8, r.pattern.find('/', 8) - 8)
                 : std::string("operations");
  op["tags"] = json::array({tag});
  json params = json::array();
  // Path parameters, {id} first (clients rely on its place).
  if (r.pattern.find("{id}") != std::string::npos)
    params.push_back({{"name", "id"},
                      {"in", "path"},
                      {"required", true},
                      {"schema", string_prop()}});
  for (auto at = r.pattern.find('{'); at != std::string::npos;
       at = r.pattern.find('{', at + 1)) {
    auto name = r.pattern.substr(at + 1, r.pattern.find('}', at) - at - 1);
    if (name != "id")
      params.push_back({{"name", name},
                        {"in", "path"},
                        {"required", true},
                        {"schema", string_prop()}});
  }
  if (is_list(r) && r.pattern.rfind("/api/v1/admin/", 0) == 0) {
    auto query = [&](const char* name, const char* what) {
      params.push_back({{"name", name},
                        {"in", "query"},
                        {"description", what},
                        {"schema", string_prop()}});
    };
    if (r.pattern == "/api/v1/admin/actors") {
      query("kind", "source, classifier, store, hub, registry, ...");
      query("state", "running, polling, paused, backing_off, ...");
      query("node", "a node's id");
      query("q", "a glob on the actor id (source:account:*)");
      query("sort", "id, kind, state, errors, restarts, mailbox, posts, "
                    "rate, handled or freshness; '-' first: descending");
      query("limit", "1 to 1000 (500)");
      query("cursor", "next_cursor of the page before");
    } else if (r.pattern == "/api/v1/admin/audit") {
      query("before", "next_before of the page before");
      query("limit", "1 to 500 (100)");
    }
  } else if (r.pattern == "/api/v1/admin/actors/events") {
    for (auto [name, what] :
         {std::pair{"kind", "source, classifier, store, ..."},
          {"state", "running, paused, backing_off, ..."},
          {"node", "a node's id"},
          {"q", "a glob on the actor id (source:account:*)"}})
      params.push_back({{"name", name},
                        {"in", "query"},
                        {"description", what},
                        {"schema", string_prop()}});
  } else if (is_list(r)) {
    params.push_back(
        {{"name", "offset"}, {"in", "query"}, {"schema", int_prop()}});
    params.push_back(
        {{"name", "limit"}, {"in", "query"}, {"schema", int_prop()}});
    if (r.pattern == "/api/v1/leads" || r.pattern == "/api/v1/contacts" ||
        r.pattern == "/api/v1/deals")
    {
      params.push_back({{"name", "q"},
                        {"in", "query"},
                        {"description", "name search"},
                        {"schema", string_prop()}});
      params.push_back({{"name", "sort"},
                        {"in", "query"},
                        {"description",
                         r.pattern == "/api/v1/deals"
                             ? "name, amount or created; '-' first: descending"
                             : "name, created or company; '-' first: "
                               "descending"},
                        {"schema", string_prop()}});
      if (r.pattern == "/api/v1/deals")
        params.push_back({{"name", "stage"},
                          {"in", "query"},
                          {"description", "open, won or lost"},
                          {"schema", string_prop()}});
    }
  }
  if (!params.empty())
    op["parameters"] = params;
  if (r.takes_body)
    op["requestBody"] = {
        {"required", true},
        {"content",
         {{"application/json", {{"schema", schema_ref(input_schema_of(r))}}}}}};
  auto schema = schema_of(r.pattern);
  json ok_content = nullptr;
  if (r.pattern == "/metrics")
    ok_content = {{"text/plain", {{"schema", string_prop()}}}};
  else if (r.pattern == "/healthz" || r.pattern == "/api/v1/openapi.json")
    ok_content = {{"application/json", {{"schema", {{"type", "object"}}}}}};
  else if (is_list(r) || r.pattern.find("/social-") != std::string::npos ||
           schema == "Post")
    ok_content = {
        {"application/json",
         {{"schema",
           object({{"items",
                    {{"type", "array"}, {"items", schema_ref(schema)}}}})}}}};
  else if (!schema.empty())
    ok_content = {{"application/json", {{"schema", schema_ref(schema)}}}};
  json responses;
  auto ok_status =
      r.method == "DELETE" && r.pattern != "/api/v1/tokens/{id}" ? "204"
      : (r.method == "POST" && r.pattern != "/api/v1/session"
         && r.pattern.rfind("/api/v1/admin/", 0) != 0)            ? "201"
                                                                 : "200";
  json ok{{"description", "success"}};
  if (std::string(ok_status) != "204" && !ok_content.is_null())
    ok["content"] = ok_content;
  if (r.pattern == "/api/v1/admin/actors/events") {
    // A WebSocket: the upgrade, or 426 for a plain GET.
    ok_status = "101";
    ok = {{"description", "the event stream: {\"type\":\"watching\"}, then "
                          "{\"type\":\"actor_event\",\"event\":ActorEvent} "
                          "per event, {\"type\":\"dropped\",\"count\":N} "
                          "after a client fell behind"},
          {"content", ok_content}};
    responses["426"] = error_answer("a plain GET: send Upgrade: websocket");
  }
  responses[ok_status] = ok;
  if (r.takes_body) {
    responses["400"] = error_answer("malformed JSON or nesting too deep");
    responses["413"] = error_answer("body too large");
    responses["415"] = error_answer("not application/json");
    responses["422"] = error_answer("a field is missing, wrong, too long or "
                                    "unknown");
  }
  if (r.needs_auth) {
    responses["401"] = error_answer("not signed in");
    responses["403"] = error_answer("not allowed, or the CSRF header is "
                                    "missing");
  }
  if (r.pattern.find("{id}") != std::string::npos)
    responses["404"] = error_answer("no such record");
  if (r.pattern == "/api/v1/session" && r.method == "POST")
    responses["429"] = error_answer("too many failed sign-ins");
  op["responses"] = responses;
  if (r.needs_auth)
    op["security"] = json::array(
        {{{"session", json::array()}}, {{"bearer", json::array()}}});
  else
    op["security"] = json::array();
  return op;
}

std::string lowercase(std::string s) {
  for (auto& ch : s)
    ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
  return s;
}

} // namespace

json openapi_document(const router& routes) {
  json paths = json::object();
  for (auto& r : routes.routes())
    paths[r.pattern][lowercase(r.method)] = operation(r);
  return {{"openapi", "3.0.3"},
          {"info",
           {{"title", "socialcrm REST API"},
            {"version", "1"},
            {"description",
             "Errors are {\"error\":{\"code\",\"message\"}}. Mutating requests "
             "authenticated by the session cookie carry X-CSRF-Token."}}},
          {"paths", paths},
          {"components",
           {{"schemas", schemas()},
            {"securitySchemes",
             {{"session",
               {{"type", "apiKey"},
                {"in", "cookie"},
                {"name", "socialcrm_session"}}},
              {"bearer", {{"type", "http"}, {"scheme", "bearer"}}}}}}}};
}

} // namespace socialcrm::web
