#pragma once

#include "protocol/error.hpp"
#include "protocol/messages.hpp"

#include <SQLiteCpp/Database.h>
#include <SQLiteCpp/Statement.h>

#include <optional>
#include <string>
#include <vector>

namespace socialcrm::storage {

/// The editable fields of a lead or contact.
struct person_fields {
  std::string first_name;
  std::string last_name;
  std::string email;
  std::string phone;
  std::string website;
  std::string company;
  std::string origin = "manual"; // manual, social, demo, import, converted
  std::int64_t created_by = 0;   // user id, 0 = none
};

struct person_record {
  person_ref ref;
  person_fields fields;
  unix_ms created_at = 0;
  unix_ms updated_at = 0;
};

/// Leads, contacts and their social profiles (SPEC S-2.1, S-2.2).
class people_repository {
public:
  explicit people_repository(SQLite::Database& db);

  std::int64_t create(record_type type, const person_fields& f, unix_ms now);
  std::optional<person_record> find(person_ref who);
  bool exists(person_ref who);

  /// The person a social profile belongs to, if any.
  std::optional<person_ref> owner_of(const author_key& key);

  /// Associates `link.key` with `link.person`. Refuses with
  /// `profile_owned_by_other` when another person has it and `link.move` is
  /// not set; `person_not_found` when the person does not exist. Returns the
  /// previous owner (empty when there was none).
  expected<person_ref> link_profile(const profile_link& link, unix_ms now);

  /// Social profiles of one person.
  std::vector<author_key> profiles_of(person_ref who);

  /// Every associated profile with its owner.
  struct profile_owner {
    author_key key;
    person_ref person;
  };
  std::vector<profile_owner> all_profiles();

private:
  SQLite::Database& db_;
  SQLite::Statement insert_lead_;
  SQLite::Statement insert_contact_;
  SQLite::Statement owner_of_;
  SQLite::Statement insert_profile_;
  SQLite::Statement move_profile_;
  SQLite::Statement profiles_of_;
};

} // namespace socialcrm::storage
