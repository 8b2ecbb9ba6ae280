#include "protocol/permission_rules.hpp"

#include <algorithm>

namespace socialcrm {

namespace {

error_info forbidden(std::string message) {
  return make_error("forbidden", std::move(message));
}

} // namespace

bool names(const std::vector<std::string>& changed, std::string_view field) {
  return std::find(changed.begin(), changed.end(), field) != changed.end();
}

permissions effective(const permissions& p) {
  if (p.social_tab)
    return p;
  auto out = p;
  out.social_profile_link = false;
  out.social_admin = false;
  return out;
}

bool may_administer(const principal& who) {
  return who.user.super_admin || who.profile.perms.admin;
}

bool may_use_social(const principal& who) {
  return effective(who.profile.perms).social_tab;
}

bool may_link_profiles(const principal& who) {
  return effective(who.profile.perms).social_profile_link;
}

bool may_administer_social(const principal& who) {
  return may_administer(who) || effective(who.profile.perms).social_admin;
}

bool edition_has_social(std::string_view edition) {
  return edition == "professional" || edition == "enterprise";
}

std::optional<error_info> check_profile_change(const principal& who,
                                               const profile_info& current,
                                               const profile_info& wanted) {
  bool admin = may_administer(who);
  if (current.id == 0 && !admin)
    return forbidden("only an administrator may create profiles");
  auto& changed = wanted.changed;
  bool social_fields =
      names(changed, "social_tab") || names(changed, "social_profile_link");
  bool admin_fields = names(changed, "name") || names(changed, "admin") ||
                      names(changed, "social_admin");
  if (social_fields && !may_administer_social(who))
    return forbidden("changing social access needs the social administrator "
                     "or administrative permission");
  if (admin_fields && !admin)
    return forbidden("only a super administrator or an administrator may "
                     "change a profile's name, administrative privilege or "
                     "social administrator permission");
  if (current.builtin) {
    if (names(changed, "social_admin") &&
        wanted.perms.social_admin != current.perms.social_admin)
      return make_error("builtin_profile_locked",
                        "the social administrator permission of the default "
                        "profiles cannot be edited; clone the profile");
    if ((names(changed, "admin") &&
         wanted.perms.admin != current.perms.admin) ||
        (names(changed, "name") && wanted.name != current.name))
      return make_error("builtin_profile_locked",
                        "the default profiles keep their name and "
                        "administrative privilege; clone the profile");
  }
  return std::nullopt;
}

profile_info apply_profile_change(const profile_info& current,
                                  const profile_info& wanted) {
  auto out = current;
  auto& changed = wanted.changed;
  if (names(changed, "name"))
    out.name = wanted.name;
  if (names(changed, "admin"))
    out.perms.admin = wanted.perms.admin;
  if (names(changed, "social_profile_link"))
    out.perms.social_profile_link = wanted.perms.social_profile_link;
  if (names(changed, "social_admin")) {
    if (wanted.perms.social_admin && !current.perms.social_admin &&
        !names(changed, "social_tab"))
      out.perms.social_tab = true;
    out.perms.social_admin = wanted.perms.social_admin;
  }
  if (names(changed, "social_tab"))
    out.perms.social_tab = wanted.perms.social_tab;
  return out;
}

std::optional<error_info> check_user_change(const principal& who,
                                            const user_info& current,
                                            const user_info& wanted) {
  if (!may_administer(who))
    return forbidden("only an administrator may create or change users");
  if (current.super_admin && !who.user.super_admin)
    return forbidden("only the super administrator may change the super "
                     "administrator");
  if (current.id != 0 && current.id == who.user.id &&
      names(wanted.changed, "active") && !wanted.active)
    return make_error("cannot_deactivate_self",
                      "you cannot deactivate your own user");
  return std::nullopt;
}

} // namespace socialcrm
