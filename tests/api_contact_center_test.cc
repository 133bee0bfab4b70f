// Queues, agents and routing over HTTP against a server of its own (so that no
// other test's agents or calls take part): a Spanish callback waits for the
// Spanish-speaking agent with the skill, not the English-only one; break while
// busy waits for the wrap-up; refusals; KPIs; the state survives a restart.
#include <gtest/gtest.h>

#include <chrono>
#include <map>
#include <memory>
#include <thread>

#include "tests/e2e_env.h"

namespace rxdesk::testing {
namespace {

class ContactCenterApi : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = std::make_unique<TempDir>();
    ASSERT_EQ(Rxdesk({"seed", "--demo", "--members", "3"}, dir_->path()).exit_code, 0);
    for (const char* user : {"ana.es", "ed.en"}) {
      ASSERT_EQ(Rxdesk({"user", "create", "--username", user, "--role", "agent", "--password-stdin"}, dir_->path(),
                       std::string(kDemoPassword) + "\n")
                    .exit_code,
                0);
    }
    server_ = std::make_unique<ServerProcess>(dir_->path());
    client_ = std::make_unique<HttpClient>("127.0.0.1", server_->port());
  }
  static void TearDownTestSuite() {
    client_.reset();
    server_.reset();
    dir_.reset();
  }

  // One sign-in per user for the suite: a TOTP code works once per 30-second step.
  static std::string Login(const std::string& user, bool totp = true) {
    static std::map<std::string, std::string> tokens;
    if (auto it = tokens.find(user); it != tokens.end()) return it->second;
    nlohmann::json body = {{"username", user}, {"password", kDemoPassword}};
    for (int attempt = 0; attempt < 3; ++attempt) {
      if (totp) {
        const CommandResult code = Rxdesk({"user", "totp", "--username", user}, dir_->path());
        body["totp"] = code.out.substr(0, code.out.find('\n'));
      }
      const HttpResult r = client_->Post("/v1/auth/login", body);
      if (r.status == 200) return tokens[user] = r.json()["token"].get<std::string>();
      // A TOTP code works once per 30-second step: the next step's code is needed.
      std::this_thread::sleep_for(std::chrono::seconds(31 - (std::time(nullptr) % 30)));
    }
    ADD_FAILURE() << "cannot sign in " << user;
    return "";
  }

  static HttpResult Put(const std::string& path, const nlohmann::json& body, const std::string& token) {
    return client_->Send("PUT", path, body.dump(),
                         {{"Authorization", "Bearer " + token}, {"Content-Type", "application/json"}});
  }

  static std::string UserId(const std::string& supervisor, const std::string& username) {
    const HttpResult r = client_->Get("/v1/agents", supervisor);
    EXPECT_EQ(r.status, 200) << r.body;
    const nlohmann::json body = r.json();
    for (const auto& a : body["items"]) {
      if (a["username"] == username) return a["user_id"];
    }
    ADD_FAILURE() << username << " is not listed: " << r.body;
    return "";
  }

  static std::unique_ptr<TempDir> dir_;
  static std::unique_ptr<ServerProcess> server_;
  static std::unique_ptr<HttpClient> client_;
};

std::unique_ptr<TempDir> ContactCenterApi::dir_;
std::unique_ptr<ServerProcess> ContactCenterApi::server_;
std::unique_ptr<HttpClient> ContactCenterApi::client_;

TEST_F(ContactCenterApi, ASpanishCallbackGoesToTheSpanishAgentAndBreakWaitsForTheWrapUp) {
  const std::string supervisor = Login("supervisor.demo");
  const std::string ana = Login("ana.es");
  const std::string ed = Login("ed.en");
  const std::string member = Login("member.demo", false);
  const std::string ana_id = UserId(supervisor, "ana.es");
  const std::string ed_id = UserId(supervisor, "ed.en");

  HttpResult r =
      Put("/v1/agents/" + ana_id,
          {{"skills", {{{"skill", "refills"}, {"proficiency", 3}}}}, {"languages", {"en", "es"}}}, supervisor);
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.json()["languages"], nlohmann::json({"en", "es"}));
  r = Put("/v1/agents/" + ed_id, {{"skills", {{{"skill", "refills"}, {"proficiency", 5}}}}, {"languages", {"en"}}},
          supervisor);
  ASSERT_EQ(r.status, 200) << r.body;

  // The English-only agent is available; the Spanish callback waits for someone who speaks Spanish.
  r = Put("/v1/agents/me/state", {{"state", "available"}, {"reason", "login"}}, ed);
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.json()["state"], "available");
  r = client_->Post("/v1/callbacks", {{"queue", "refills_delivery"}, {"lang", "es"}}, member);
  ASSERT_EQ(r.status, 201) << r.body;
  const std::string contact = r.json()["contact_id"];
  const std::string reference = r.json()["reference"];
  EXPECT_EQ(r.json()["position"], 1);
  EXPECT_GT(r.json()["expected_wait_s"].get<int>(), 0);
  r = client_->Get("/v1/queues", ed);
  ASSERT_EQ(r.status, 200) << r.body;
  const nlohmann::json queues = r.json();
  for (const auto& q : queues["items"]) {
    if (q["id"] == "refills_delivery") {
      EXPECT_EQ(q["waiting"], 1);
    }
  }
  EXPECT_TRUE(client_->Get("/v1/agents/me/contacts", ed).json()["items"].empty());

  // The Spanish-speaking agent goes available and gets it at once.
  r = Put("/v1/agents/me/state", {{"state", "available"}}, ana);
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.json()["state"], "busy");
  r = client_->Get("/v1/agents/me/contacts", ana);
  ASSERT_EQ(r.status, 200) << r.body;
  ASSERT_EQ(r.json()["items"].size(), 1u);
  const nlohmann::json mine = r.json()["items"][0];
  EXPECT_EQ(mine["contact_id"], contact);
  EXPECT_EQ(mine["reference"], reference);
  EXPECT_EQ(mine["lang"], "es");
  EXPECT_EQ(mine["callback"], true);
  EXPECT_EQ(mine["channel"], "call");
  EXPECT_FALSE(mine.contains("member_id"));
  // The agent holds the contact: it appears in their contacts, to verify the caller.
  EXPECT_EQ(client_->Get("/v1/contacts/" + contact, ana).status, 200);
  EXPECT_TRUE(client_->Get("/v1/agents/me/contacts", ed).json()["items"].empty());

  // Only the holder finishes it.
  EXPECT_EQ(client_->Post("/v1/contacts/" + contact + "/finish", nlohmann::json::object(), ed).status, 404);
  // Break while busy: still busy, then wrap-up, then break once the wrap-up is done.
  r = Put("/v1/agents/me/state", {{"state", "break"}, {"reason", "lunch"}}, ana);
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.json()["state"], "busy");
  r = client_->Post("/v1/contacts/" + contact + "/finish", nlohmann::json::object(), ana);
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.json()["state"], "wrap_up");
  EXPECT_EQ(client_->Post("/v1/contacts/" + contact + "/finish", nlohmann::json::object(), ana).error_code(),
            "conflict");
  r = client_->Post("/v1/agents/me/wrap-up/finish", nlohmann::json::object(), ana);
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.json()["state"], "break");
  EXPECT_EQ(r.json()["reason"], "lunch");

  // KPIs of today: one offered and answered.
  r = client_->Get("/v1/kpis?interval=1h", supervisor);
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.json()["total"]["offered"], 1);
  EXPECT_EQ(r.json()["total"]["answered"], 1);
  EXPECT_EQ(r.json()["interval_minutes"], 60);
  EXPECT_EQ(r.json()["intervals"].size(), 24u);  // 23 or 25 on a daylight-saving day
  EXPECT_EQ(r.json()["hold_tracked"], false);

  // A restart keeps the agents' states.
  server_->Terminate();
  server_ = std::make_unique<ServerProcess>(dir_->path());
  client_ = std::make_unique<HttpClient>("127.0.0.1", server_->port());
  r = client_->Get("/v1/agents/me", ana);
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.json()["state"], "break");
  EXPECT_EQ(r.json()["reason"], "lunch");
  EXPECT_EQ(client_->Get("/v1/agents/me", ed).json()["state"], "available");
}

TEST_F(ContactCenterApi, BadInputIsRefusedByFieldAndAgentsNeedAVerifiedContactForACallback) {
  const std::string agent = Login("agent.demo");
  const std::string supervisor = Login("supervisor.demo");
  const std::string member = Login("member.demo", false);
  HttpResult r = client_->Post("/v1/callbacks", {{"queue", "nope"}}, member);
  EXPECT_EQ(r.status, 400);
  EXPECT_EQ(r.json()["error"]["field"], "queue");
  r = client_->Post("/v1/callbacks", {{"queue", "billing_insurance"}, {"lang", "fr"}}, member);
  EXPECT_EQ(r.json()["error"]["field"], "lang");
  r = client_->Post("/v1/callbacks", {{"queue", "billing_insurance"}, {"extra", 1}}, member);
  EXPECT_EQ(r.json()["error"]["field"], "extra");
  r = client_->Post("/v1/callbacks", {{"queue", "billing_insurance"}}, agent);
  EXPECT_EQ(r.status, 403);
  EXPECT_EQ(r.error_code(), "verification_required");
  r = Put("/v1/agents/me/state", {{"state", "busy"}}, agent);
  EXPECT_EQ(r.json()["error"]["field"], "state");
  r = Put("/v1/agents/me/state", {{"state", "available"}, {"reason", std::string(65, 'x')}}, agent);
  EXPECT_EQ(r.json()["error"]["field"], "reason");
  r = Put("/v1/agents/nobody", {{"skills", nlohmann::json::array()}, {"languages", {"en"}}}, supervisor);
  EXPECT_EQ(r.status, 404);
  r = Put("/v1/agents/nobody", {{"skills", {{{"skill", "refills"}, {"proficiency", 6}}}}, {"languages", {"en"}}},
          supervisor);
  EXPECT_EQ(r.json()["error"]["field"], "skills[0].proficiency");
  r = Put("/v1/agents/nobody", {{"skills", "refills"}, {"languages", {"en"}}}, supervisor);
  EXPECT_EQ(r.json()["error"]["field"], "skills");
  for (const char* bad : {"interval=0m", "interval=30s", "from=yesterday", "queue=nope", "color=red",
                          "from=2026-03-10T00:00:00Z&to=2026-03-09T00:00:00Z"}) {
    r = client_->Get(std::string("/v1/kpis?") + bad, supervisor);
    EXPECT_EQ(r.status, 400) << bad;
  }
}

}  // namespace
}  // namespace rxdesk::testing
