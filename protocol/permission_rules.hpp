#pragma once

// The rules of SPEC S-8 as plain functions over the principal and the
// profiles involved: the web layer uses them to gate endpoints, the CRM
// actor checks them again inside the transaction that writes.

#include "protocol/crm_messages.hpp"
#include "protocol/error.hpp"

#include <optional>
#include <string_view>

namespace socialcrm {

/// The permissions in effect: switching the social tab off withdraws every
/// social right of the profile (S-8.3), whatever else is stored.
permissions effective(const permissions& p);

/// Super administrator or a profile with the administrative privilege.
bool may_administer(const principal& who);

/// May open the social tab and see social data (S-8.3).
bool may_use_social(const principal& who);

/// May associate social profiles with leads and contacts (S-2.3).
bool may_link_profiles(const principal& who);

/// May link accounts and set other users' social access (S-1.2, S-8.2).
bool may_administer_social(const principal& who);

/// The social features belong to these editions (S-8.5).
bool edition_has_social(std::string_view edition);

/// Whether `who` may turn `current` into `wanted` (the fields named in
/// `wanted.changed`); `current.id == 0` for a new profile. Returns the
/// refusal: `forbidden` when the user lacks the right,
/// `builtin_profile_locked` for the default profiles' social administrator
/// permission, administrative privilege and name (S-8.2).
std::optional<error_info> check_profile_change(const principal& who,
                                               const profile_info& current,
                                               const profile_info& wanted);

/// `current` with the changes of `wanted` applied. Granting social
/// administrator also opens the tab unless the change says otherwise;
/// removing it leaves the tab as it was, so the user keeps viewing (S-8.3).
profile_info apply_profile_change(const profile_info& current,
                                  const profile_info& wanted);

/// Whether `who` may create or change the user `target` (`current` is the
/// user before the change, id 0 when new).
std::optional<error_info> check_user_change(const principal& who,
                                            const user_info& current,
                                            const user_info& wanted);

/// True when `changed` names `field`.
bool names(const std::vector<std::string>& changed, std::string_view field);

} // namespace socialcrm
