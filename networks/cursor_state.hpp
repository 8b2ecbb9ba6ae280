#pragma once

#include <map>
#include <string>

namespace socialcrm::networks {

/// A poll cursor made of named parts ("since=123;next=abc;newest=456"), as
/// stored opaquely by the core. Lets a connector walk a newest-first list
/// page by page while remembering where the walk started, so the "since"
/// mark moves only after every page of a backlog was stored.
class cursor_state {
public:
  explicit cursor_state(const std::string& text = {});

  std::string get(const std::string& key) const;
  void set(const std::string& key, const std::string& value);
  void erase(const std::string& key);
  std::string str() const;

private:
  std::map<std::string, std::string> parts_;
};

} // namespace socialcrm::networks
