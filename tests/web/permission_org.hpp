#pragma once

// The organisation the permission tests act in (S-1.5, S-8): a real
// emulator and a real server, four signed-in users of the four kinds the
// matrix covers, and the records, linked accounts and posts the super
// administrator prepares for each cell.

#include "tests/web/social_fixture.hpp"

#include <array>
#include <string>
#include <vector>

namespace socialcrm::test::permissions {

/// The four kinds of user of the matrix.
enum role { administrator, social_administrator, standard, tab_off };
inline constexpr int role_count = 4;
inline constexpr std::array<const char*, role_count> role_names{
    "administrator", "social administrator", "standard", "tab switched off"};

inline constexpr const char* user_password = "a long password";

class org {
public:
  org();

  social_env env;
  api_client& root; // the super administrator
  std::string standard_profile;
  std::string admin_profile;
  std::vector<api_client> users;   // by role
  std::vector<std::string> emails; // by role
  std::string target_user;         // a standard user to edit

  /// `prefix` with a number no other call returned.
  std::string unique(const std::string& prefix);

  std::string profile_named(const std::string& name);
  /// A clone of Standard, changed by `patch`; its id.
  std::string clone_standard(const json& patch);
  /// A new user of `profile`; its e-mail.
  std::string add_user(const std::string& profile);
  /// A client signed in as a new user of `profile`.
  api_client signed_in_user(const std::string& profile);

  // CRM records; their ids.
  std::string lead();
  std::string contact();
  std::string deal();
  /// A note, task or logged e-mail ("notes", "tasks", "emails") on a
  /// new lead: the body that creates it, and one created.
  json attached_body(const std::string& kind);
  std::string attached(const std::string& kind);

  /// An active Mastodon account of a new emulator user: ids of accounts
  /// the cells may change or remove without touching anyone else's.
  std::string mastodon_account();
  /// A Facebook account whose page is not picked yet: its id and the page
  /// to pick.
  struct pending {
    std::string account_id;
    std::string page_id;
  };
  pending pending_facebook();
  /// A keyword column of `who` (the root's when `who` may have none).
  std::string keyword_column(api_client& who);

private:
  int counter_ = 0;
};

} // namespace socialcrm::test::permissions
