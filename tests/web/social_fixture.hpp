#pragma once

// A real `socialcrm sim` and a real `socialcrm serve` polling it, with the
// emulator's control API and the server's REST API at hand: what every
// social-tab test (accounts, feeds, actions, live) starts from.

#include "tests/support/temp_dir.hpp"
#include "tests/web/server_fixture.hpp"

#include <chrono>
#include <functional>
#include <memory>
#include <string>

namespace socialcrm::test {

class social_env {
public:
  /// Starts the emulator, then the server pointed at it (`--sim-url`,
  /// poll interval `poll_interval` seconds), signed in as the super
  /// administrator.
  explicit social_env(std::string poll_interval = "0.2");
  ~social_env();

  /// The emulator's base URL, e.g. "http://127.0.0.1:40123".
  const std::string& sim_url() const { return sim_url_; }
  server_process& server() { return *server_; }
  /// The super administrator's signed-in client.
  api_client& admin() { return admin_; }

  /// POST /_sim{path}; fails the test unless the answer is 2xx.
  json control(const std::string& path, const json& body);
  /// GET /_sim{path}, parsed.
  json sim_get(const std::string& path);

  /// A user of the emulated network (password "pw"); returns its user id.
  std::string sim_user(const std::string& net, const std::string& handle);
  /// A page owned by `owner` (Facebook, Google+); returns the page id.
  std::string sim_page(const std::string& net, const std::string& owner,
                       const std::string& name);
  /// A valid access token of `user` (for a page when `page` is set).
  std::string sim_token(const std::string& net, const std::string& user,
                        const std::string& page = {});
  /// A post on the emulated network; returns its external id.
  std::string sim_post(const std::string& net, const std::string& author,
                       const std::string& text, const std::string& kind,
                       const std::string& to_account = {},
                       const std::string& in_reply_to = {});

  /// Links an organisation account over POST /social/accounts with a token
  /// from the emulator, and returns the linked account's id. Creates the
  /// network user (and page for Facebook/Google+) named `handle`.
  struct linked {
    std::string account_id;
    std::string org_user_id; // the emulator's id of the organisation
    std::string page_id;     // Facebook / Google+
  };
  linked link(const std::string& net, const std::string& handle);

  /// A signed-in client for a new user of the given profile ("Standard",
  /// "Administrator", or a profile id as a string).
  api_client user(const std::string& email, const std::string& profile);

  /// Polls `done` every 50 ms until it is true or `limit` passes; the
  /// answer says which. Tests wait for conditions, never for time.
  static bool eventually(const std::function<bool()>& done,
                         std::chrono::milliseconds limit =
                           std::chrono::seconds(20));

private:
  std::unique_ptr<child_process> sim_;
  std::string sim_url_;
  std::unique_ptr<server_process> server_;
  api_client admin_{""};
  http::client http_;
};

/// A personal API token of `client`'s user in a 0600 file under `dir`,
/// for `socialcrm console --token-file`.
std::string token_file(api_client& client, temp_dir& dir,
                       const std::string& name);

} // namespace socialcrm::test
