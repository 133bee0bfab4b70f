#include "tests/e2e_env.h"

#include <gtest/gtest.h>

#include <chrono>
#include <stdexcept>
#include <thread>

namespace rxdesk::testing {

CommandResult Rxdesk(std::vector<std::string> args, const std::string& data_dir, const std::string& stdin_text) {
  args.insert(args.begin(), RxdeskBinary());
  args.push_back("--data-dir");
  args.push_back(data_dir);
  return RunCommand(args, stdin_text);
}

E2e& E2e::Get() {
  static E2e* env = new E2e();  // lives until exit; the server is stopped by the OS-level destructor below
  return *env;
}

E2e::E2e() {
  const CommandResult seeded = Rxdesk({"seed", "--demo", "--members", "40"}, dir_.path());
  if (seeded.exit_code != 0) throw std::runtime_error("seed failed: " + seeded.err);
  server_ = std::make_unique<ServerProcess>(dir_.path());
  client_ = std::make_unique<HttpClient>("127.0.0.1", server_->port());
  std::atexit([] { Get().server_.reset(); });
}

std::string E2e::CurrentTotp(const std::string& username) {
  const CommandResult r = Rxdesk({"user", "totp", "--username", username}, dir_.path());
  if (r.exit_code != 0) throw std::runtime_error("user totp failed: " + r.err);
  return r.out.substr(0, r.out.find('\n'));
}

std::string E2e::Login(const std::string& username, const std::string& password, bool needs_totp) {
  nlohmann::json body = {{"username", username}, {"password", password}};
  for (int attempt = 0; attempt < 3; ++attempt) {
    if (needs_totp) body["totp"] = CurrentTotp(username);
    const HttpResult r = client_->Post("/v1/auth/login", body);
    if (r.status == 200) return r.json()["token"].get<std::string>();
    // A TOTP code works once per 30-second step: wait for the next step and retry.
    if (needs_totp && r.error_code() == "mfa_required") {
      std::this_thread::sleep_for(std::chrono::seconds(31 - (std::time(nullptr) % 30)));
      continue;
    }
    throw std::runtime_error("login failed for " + username + ": " + r.body);
  }
  throw std::runtime_error("login kept failing for " + username);
}

const std::string& E2e::Token(Role role) {
  auto it = tokens_.find(role);
  if (it != tokens_.end()) return it->second;
  std::string username = role == Role::kPrivacyOfficer ? "privacy.demo" : std::string(ToString(role)) + ".demo";
  return tokens_[role] = Login(username, kDemoPassword, role != Role::kMember);
}

const std::string& E2e::DemoMemberId() {
  if (demo_member_id_.empty()) {
    // member.demo reads their own profile through a listing of their prescriptions' owner.
    const HttpResult me = client_->Get("/v1/me", Token(Role::kMember));
    if (me.status != 200) throw std::runtime_error("GET /v1/me failed: " + me.body);
    demo_member_id_ = me.json()["member_id"].get<std::string>();
  }
  return demo_member_id_;
}

std::string E2e::VerifiedContact(const std::string& token, const nlohmann::json& member) {
  const HttpResult opened = client().Post("/v1/contacts", {{"channel", "call"}}, token);
  EXPECT_EQ(opened.status, 201) << opened.body;
  if (opened.status != 201) return "";
  const std::string id = opened.json()["id"];
  nlohmann::json address = member["address"];
  const HttpResult verified = client().Post("/v1/contacts/" + id + "/verify",
                                            {{"first_name", member["first_name"]},
                                             {"last_name", member["last_name"]},
                                             {"date_of_birth", member["date_of_birth"]},
                                             {"address", address}},
                                            token);
  EXPECT_EQ(verified.status, 200) << verified.body;
  return id;
}

nlohmann::json NewMemberBody(int n) {
  return {{"first_name", "Testa"},
          {"last_name", "Member" + std::to_string(n)},
          {"date_of_birth", "1961-04-0" + std::to_string(1 + n % 9)},
          {"address", {{"line1", std::to_string(100 + n) + " Main St"}, {"city", "Austin"}, {"state", "TX"}, {"zip", "78701"}}},
          {"email", "testa" + std::to_string(n) + "@example.com"},
          {"phone", "(512) 555-01" + std::to_string(10 + n % 90)}};
}

}  // namespace rxdesk::testing
