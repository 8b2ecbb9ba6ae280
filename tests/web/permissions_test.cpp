#include "protocol/permission_rules.hpp"

#include <catch2/catch.hpp>

using namespace socialcrm;

namespace {

principal as(permissions perms, bool super_admin = false) {
  principal p;
  p.user.id = 1;
  p.user.super_admin = super_admin;
  p.profile.perms = perms;
  p.edition = "enterprise";
  return p;
}

const permissions admin_perms{true, true, true, true};
const permissions social_admin_perms{true, true, true, false};
const permissions standard_perms{true, true, false, false};
const permissions tab_off_perms{false, true, true, false};

profile_info change(std::vector<std::string> fields, permissions perms = {},
                    std::string name = {}) {
  profile_info p;
  p.changed = std::move(fields);
  p.perms = perms;
  p.name = std::move(name);
  return p;
}

profile_info existing(bool builtin, permissions perms) {
  profile_info p;
  p.id = 7;
  p.name = "Standard";
  p.builtin = builtin;
  p.perms = perms;
  return p;
}

} // namespace

TEST_CASE("switching the tab off withdraws every social right (S-8.3)",
          "[web][permissions]") {
  auto e = effective(tab_off_perms);
  CHECK_FALSE(e.social_tab);
  CHECK_FALSE(e.social_profile_link);
  CHECK_FALSE(e.social_admin);
  CHECK_FALSE(may_link_profiles(as(tab_off_perms)));
  CHECK_FALSE(may_administer_social(as(tab_off_perms)));
  CHECK(may_link_profiles(as(standard_perms)));
}

TEST_CASE("only administrators grant social administrator, and never on "
          "the default profiles (S-8.2)",
          "[web][permissions]") {
  auto grant = change({"social_admin"}, {false, false, true, false});
  auto clone = existing(false, standard_perms);
  auto builtin = existing(true, standard_perms);
  CHECK_FALSE(check_profile_change(as(admin_perms), clone, grant));
  CHECK_FALSE(check_profile_change(as({}, true), clone, grant));
  CHECK(check_profile_change(as(social_admin_perms), clone, grant)->code ==
        "forbidden");
  CHECK(check_profile_change(as(standard_perms), clone, grant)->code ==
        "forbidden");
  CHECK(check_profile_change(as(admin_perms), builtin, grant)->code ==
        "builtin_profile_locked");
}

TEST_CASE("social administrators set social access but not the rest",
          "[web][permissions]") {
  auto clone = existing(false, standard_perms);
  CHECK_FALSE(check_profile_change(as(social_admin_perms), clone,
                                   change({"social_tab"})));
  CHECK(check_profile_change(as(social_admin_perms), clone,
                             change({"admin"}, {false, false, false, true}))
            ->code == "forbidden");
  CHECK(check_profile_change(as(standard_perms), clone, change({"social_tab"}))
            ->code == "forbidden");
  CHECK(check_profile_change(as(social_admin_perms), profile_info{},
                             change({"name"}, {}, "new"))
            ->code == "forbidden");
}

TEST_CASE("granting social administrator opens the tab, and removing it "
          "keeps the tab (S-8.3)",
          "[web][permissions]") {
  auto closed = existing(false, {false, false, false, false});
  auto granted = apply_profile_change(
      closed, change({"social_admin"}, {false, false, true, false}));
  CHECK(granted.perms.social_admin);
  CHECK(granted.perms.social_tab);
  auto removed = apply_profile_change(
      granted, change({"social_admin"}, {false, false, false, false}));
  CHECK_FALSE(removed.perms.social_admin);
  CHECK(removed.perms.social_tab);
  auto off = apply_profile_change(removed, change({"social_tab"}));
  CHECK_FALSE(off.perms.social_tab);
}

TEST_CASE("users are managed by administrators, and the super "
          "administrator only by itself",
          "[web][permissions]") {
  user_info target;
  target.id = 5;
  user_info wanted;
  wanted.changed = {"name"};
  CHECK_FALSE(check_user_change(as(admin_perms), target, wanted));
  CHECK(check_user_change(as(social_admin_perms), target, wanted)->code ==
        "forbidden");
  target.super_admin = true;
  CHECK(check_user_change(as(admin_perms), target, wanted)->code ==
        "forbidden");
  CHECK_FALSE(check_user_change(as(admin_perms, true), target, wanted));
  user_info self;
  self.id = 1;
  user_info deactivate;
  deactivate.changed = {"active"};
  deactivate.active = false;
  CHECK(check_user_change(as(admin_perms), self, deactivate)->code ==
        "cannot_deactivate_self");
}

TEST_CASE("the social features belong to Professional and Enterprise "
          "(S-8.5)",
          "[web][permissions]") {
  CHECK(edition_has_social("professional"));
  CHECK(edition_has_social("enterprise"));
  CHECK_FALSE(edition_has_social("standard"));
  CHECK_FALSE(edition_has_social("free"));
}
