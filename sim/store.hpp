#pragma once

// The emulator's network-neutral data model. Every network module renders
// these records in its own wire format (see sim/network.hpp); the control
// API and the traffic generator create them.

#include <cstdint>
#include <set>
#include <string>
#include <vector>

namespace socialcrm::sim {

/// Kinds of items, as the control API names them (`kind` of
/// POST /_sim/posts).
enum class item_kind {
  post,    // a plain timeline post (or a page post)
  mention, // a post that mentions `to_account`
  reply,   // a reply to `in_reply_to` (X, Mastodon, Bluesky threads)
  comment, // a comment on `in_reply_to` (Facebook, Google+)
  dm,      // a direct / page message to `to_account`
};

/// "post", "mention", ...; and back (nullopt-like: returns false).
const char* to_string(item_kind k);
bool parse_item_kind(const std::string& s, item_kind& out);

/// A person or organisation account on one network.
struct user {
  std::string id;       // in the network's id format
  std::string network;  // "x", ...
  std::string handle;   // without '@'
  std::string name;
  std::string password; // signs in on OAuth pages and Bluesky createSession
  bool synthetic = false; // part of the seeded population (not an org account)
  std::int64_t created_at = 0; // unix seconds, sim clock
};

/// A Facebook / Google+ page, owned by one user.
struct page {
  std::string id;
  std::string network;
  std::string owner_id;
  std::string name;
  std::int64_t created_at = 0;
};

/// An uploaded media blob (only its size and type matter to tests).
struct media {
  std::string id;
  std::string network;
  std::string owner_id;
  std::size_t bytes = 0;
  std::string content_type;
  std::int64_t created_at = 0;
};

/// A post, mention, reply, comment or direct message.
struct item {
  std::uint64_t seq = 0; // global insertion order; cursors follow it
  std::string id;        // in the network's id format
  std::string network;
  item_kind kind = item_kind::post;
  std::string author_id;   // a user id, or a page id when a page speaks
  std::string text;
  std::string to_account;  // mentioned account / message recipient /
                           // page a post or message belongs to; "" if none
  std::string in_reply_to; // parent item id for replies and comments
  std::string conversation_id; // thread root, or DM conversation key
  std::vector<std::string> media_ids;
  std::int64_t created_at = 0; // unix seconds, sim clock
  bool by_app = false; // created through the network API (by the app)
  std::set<std::string> liked_by;    // user / page ids
  std::set<std::string> reposted_by; // user ids
};

/// Kinds of OAuth tokens.
enum class token_kind { access, refresh };

/// An access or refresh token.
struct token {
  std::string value;
  std::string network;
  token_kind kind = token_kind::access;
  std::string user_id;
  std::string page_id;   // Facebook / Google+ page tokens; "" otherwise
  std::string client_id; // "" for tokens made by POST /_sim/tokens
  std::string scopes;    // space-separated, as granted
  std::int64_t expires_at = 0; // unix seconds; 0 = never
  bool revoked = false;
  bool used = false; // refresh tokens are single-use where the network says
};

/// A registered OAuth client (Mastodon's POST /api/v1/apps; other networks
/// accept any client id and register it on first use).
struct app_client {
  std::string client_id;
  std::string client_secret;
  std::string network;
  std::string name;
  std::string redirect_uris; // space- or newline-separated
  std::string scopes;
};

/// An OAuth authorization code between the consent page and the token
/// endpoint.
struct auth_code {
  std::string code;
  std::string network;
  std::string client_id;
  std::string redirect_uri;
  std::string user_id;
  std::string scopes;
  std::string code_challenge; // PKCE; "" when the client sent none
  std::string code_challenge_method; // "S256" or "plain"
  std::int64_t expires_at = 0;
  bool used = false;
};

/// One thing the app did on a network (GET /_sim/published).
struct published_entry {
  std::uint64_t seq = 0;
  std::string network;
  std::string action;      // post|reply|comment|like|repost|message|media
  std::string actor_id;    // user or page that acted
  std::string target_id;   // item replied to / liked / reposted, or message
                           // recipient; "" for plain posts
  std::string external_id; // id of what was created ("" for likes)
  std::string text;
  std::vector<std::size_t> media_bytes; // sizes of attached media
  std::int64_t created_at = 0;
};

} // namespace socialcrm::sim
