// One seeded `rxdesk serve` shared by the end-to-end tests of this binary, and
// a signed-in token per demo role. Tests that need a server of their own (crash,
// lockout) start one with ServerProcess.
#pragma once

#include <map>
#include <memory>
#include <string>

#include "domain/role.h"
#include "tests/support/http_client.h"
#include "tests/support/server_process.h"

namespace rxdesk::testing {

inline constexpr char kDemoPassword[] = "rxdesk-demo-2026";

class E2e {
 public:
  // The shared server (seeded with 40 demo members), started on first use.
  static E2e& Get();

  HttpClient& client() { return *client_; }
  std::uint16_t port() const { return server_->port(); }
  const std::string& data_dir() const { return dir_.path(); }
  ServerProcess& server() { return *server_; }

  // A token for the demo account of this role (member.demo, agent.demo, ...).
  const std::string& Token(Role role);
  // The first seeded member's id (member.demo's own record).
  const std::string& DemoMemberId();

  // Signs in any user (fetching the TOTP code from the CLI when needed).
  std::string Login(const std::string& username, const std::string& password, bool needs_totp);
  std::string CurrentTotp(const std::string& username);

  // Opens a call as `token` (an agent's) and verifies the caller as `member` (a
  // member as the API returns it: name, date of birth, address); returns the
  // contact's id, to send as X-Contact-Id.
  std::string VerifiedContact(const std::string& token, const nlohmann::json& member);

 private:
  E2e();
  TempDir dir_;
  std::unique_ptr<ServerProcess> server_;
  std::unique_ptr<HttpClient> client_;
  std::map<Role, std::string> tokens_;
  std::string demo_member_id_;
};

// Runs `rxdesk ARGS... --data-dir DIR`.
CommandResult Rxdesk(std::vector<std::string> args, const std::string& data_dir, const std::string& stdin_text = "");

// The header naming the contact a request is made in.
inline std::vector<std::pair<std::string, std::string>> InContact(const std::string& contact_id) {
  return {{"X-Contact-Id", contact_id}};
}

// A valid new-member body, made unique by `n`.
nlohmann::json NewMemberBody(int n);

}  // namespace rxdesk::testing
