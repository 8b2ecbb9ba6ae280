#pragma once

// The cells of the permission matrix (permission_matrix_test.cpp): what
// each route that changes something answers each kind of user (role
// cells), and which S-1.5 operation a post action needs on the account it
// goes through (operation cells). Every cell names its route as the router
// registers it: method, space, pattern.

#include "tests/web/permission_org.hpp"

#include <array>
#include <functional>
#include <string>
#include <vector>

namespace socialcrm::test::permissions {

using statuses = std::array<unsigned, role_count>;

// What one route answers each kind of user. `route` is the router's
// method and pattern; `what` tells apart the cells of one route.
struct role_cell {
  std::string route;
  std::string what;
  std::function<api_result(org&, api_client&)> act;
  statuses expected;
};

std::vector<role_cell> role_cells();

// Whose post an operation cell acts on: a new author nobody knows, a new
// author who is a contact (records are added to known authors only), or
// no post at all (compose).
enum class poster { unknown, contact, none };

// What an operation cell acts through and on.
struct target {
  std::string account; // the linked account's id
  std::string post;    // our id of the post; "" for compose
};

// A route that needs one operation of S-1.5 on the linked account it goes
// through: `op` as PUT /social/accounts/{id}/operations names it, on a
// post of `network`. `unseen_too`: also on a post no account saw (found by
// a keyword column), which goes through any account of its network the
// user may use. `logged` is the emulator's published action once done
// ("" for routes that only write the CRM), `done` the status then.
struct operation_cell {
  std::string route;
  std::string op;
  std::string network;
  poster by;
  bool unseen_too;
  std::string logged;
  unsigned done;
  std::function<api_result(org&, api_client&, const target&)> act;
};

std::vector<operation_cell> operation_cells();

} // namespace socialcrm::test::permissions
