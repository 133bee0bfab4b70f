// The web chat end to end against the real server and its contact center: a
// member starts a chat, the ACD assigns an agent, both talk, typing and read
// markers cross, either side ends it; a dropped socket resumes with every message
// exactly once; an agent holds three chats; a restart keeps the transcript.
#include <gtest/gtest.h>

#include <set>
#include <thread>

#include "tests/e2e_env.h"
#include "tests/support/ws_client.h"

namespace rxdesk::testing {
namespace {

constexpr char kPath[] = "/v1/chat/ws";

class ChatFlow : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = new TempDir();
    const CommandResult seeded = Rxdesk({"seed", "--demo", "--members", "2"}, dir_->path());
    ASSERT_EQ(seeded.exit_code, 0) << seeded.err;
    server_ = new ServerProcess(dir_->path());
    // Signed in once: a TOTP code works once per 30-second step.
    member_ = Login("member.demo", false);
    agent_ = Login("agent.demo", true);
    supervisor_ = Login("supervisor.demo", true);
  }
  static void TearDownTestSuite() {
    delete server_;
    delete dir_;
    server_ = nullptr;
    dir_ = nullptr;
  }

  void SetUp() override {
    http_ = std::make_unique<HttpClient>("127.0.0.1", server_->port());
    // Each test starts with the agent free: offline, no wrap-up.
    (void)http_->Post("/v1/agents/me/wrap-up/finish", nlohmann::json::object(), agent_);
    SetAgent("offline");
  }
  void TearDown() override {
    // End whatever the test left open, so the next one starts clean.
    WsClient ws("127.0.0.1", server_->port());
    if (ws.Connect(kPath) == 101) {
      ws.SendJson({{"type", "auth"}, {"token", member_}});
      if (auto ready = ws.WaitFor("ready")) {
        for (const auto& chat : (*ready)["chats"]) {
          ws.SendJson({{"type", "end"}, {"chat_id", chat["id"]}});
          ws.WaitFor("ended");
        }
      }
    }
    (void)http_->Post("/v1/agents/me/wrap-up/finish", nlohmann::json::object(), agent_);
  }

  static std::string Login(const std::string& username, bool totp) {
    HttpClient http("127.0.0.1", server_->port());
    nlohmann::json body = {{"username", username}, {"password", kDemoPassword}};
    for (int attempt = 0; attempt < 3; ++attempt) {
      if (totp) {
        const CommandResult code = Rxdesk({"user", "totp", "--username", username}, dir_->path());
        body["totp"] = code.out.substr(0, code.out.find('\n'));
      }
      const HttpResult r = http.Post("/v1/auth/login", body);
      if (r.status == 200) return r.json()["token"];
      std::this_thread::sleep_for(std::chrono::seconds(31 - (std::time(nullptr) % 30)));  // next TOTP step
    }
    ADD_FAILURE() << "cannot sign in " << username;
    return "";
  }

  void SetAgent(const std::string& state) {
    const HttpResult r = http_->Send("PUT", "/v1/agents/me/state", nlohmann::json{{"state", state}}.dump(),
                                     {{"Authorization", "Bearer " + agent_}, {"Content-Type", "application/json"}});
    ASSERT_EQ(r.status, 200) << r.body;
  }

  std::unique_ptr<WsClient> Socket(const std::string& token) {
    auto ws = std::make_unique<WsClient>("127.0.0.1", server_->port());
    EXPECT_EQ(ws->Connect(kPath), 101);
    ws->SendJson({{"type", "auth"}, {"token", token}});
    EXPECT_TRUE(ws->WaitFor("ready").has_value());
    return ws;
  }

  // The member starts a chat; returns the "started" event.
  nlohmann::json Start(WsClient& member) {
    member.SendJson({{"type", "start"}});
    auto started = member.WaitFor("started");
    EXPECT_TRUE(started.has_value());
    return started.value_or(nlohmann::json::object());
  }

  static nlohmann::json Message(const std::string& chat_id, const std::string& client_id, const std::string& text) {
    return {{"type", "message"}, {"chat_id", chat_id}, {"client_id", client_id}, {"text", text}};
  }

  static TempDir* dir_;
  static ServerProcess* server_;
  static std::string member_;
  static std::string agent_;
  static std::string supervisor_;
  std::unique_ptr<HttpClient> http_;
};

TempDir* ChatFlow::dir_ = nullptr;
std::string ChatFlow::member_;
std::string ChatFlow::agent_;
std::string ChatFlow::supervisor_;
ServerProcess* ChatFlow::server_ = nullptr;

TEST_F(ChatFlow, AMemberAndAnAgentChatFromStartToEndAndTheTranscriptKeepsIt) {
  auto agent = Socket(agent_);
  SetAgent("available");
  auto member = Socket(member_);
  const nlohmann::json started = Start(*member);
  const std::string chat_id = started["chat"]["id"];
  EXPECT_EQ(started["chat"]["reference"].get<std::string>().substr(0, 3), "RX-");
  auto offered = agent->WaitFor("assigned");
  ASSERT_TRUE(offered.has_value());
  EXPECT_EQ((*offered)["chat"]["id"], chat_id);
  EXPECT_EQ((*offered)["chat"]["status"], "active");

  member->SendJson(Message(chat_id, "m-1", "Is my refill on its way?"));
  auto ack = member->WaitFor("ack");
  ASSERT_TRUE(ack.has_value());
  EXPECT_EQ((*ack)["seq"], 1);
  EXPECT_EQ((*ack)["duplicate"], false);
  auto got = agent->WaitFor("message");
  ASSERT_TRUE(got.has_value());
  EXPECT_EQ((*got)["text"], "Is my refill on its way?");
  EXPECT_EQ((*got)["from"], "member");
  EXPECT_EQ((*got)["seq"], 1);

  agent->SendJson({{"type", "typing"}, {"chat_id", chat_id}});
  auto typing = member->WaitFor("typing");
  ASSERT_TRUE(typing.has_value());
  EXPECT_EQ((*typing)["from"], "agent");
  agent->SendJson({{"type", "read"}, {"chat_id", chat_id}, {"seq", 1}});
  auto read = member->WaitFor("read");
  ASSERT_TRUE(read.has_value());
  EXPECT_EQ((*read)["seq"], 1);

  agent->SendJson(Message(chat_id, "a-1", "Yes, it shipped today."));
  auto reply = member->WaitFor("message");
  ASSERT_TRUE(reply.has_value());
  EXPECT_EQ((*reply)["seq"], 2);
  EXPECT_EQ((*reply)["from"], "agent");

  member->SendJson({{"type", "end"}, {"chat_id", chat_id}});
  auto ended = agent->WaitFor("ended");
  ASSERT_TRUE(ended.has_value());
  EXPECT_EQ((*ended)["chat"]["ended_by"], "member");

  const HttpResult mine = http_->Get("/v1/contacts/" + chat_id + "/transcript", member_);
  ASSERT_EQ(mine.status, 200) << mine.body;
  ASSERT_EQ(mine.json()["messages"].size(), 2u);
  EXPECT_EQ(mine.json()["messages"][1]["text"], "Yes, it shipped today.");
  EXPECT_EQ(http_->Get("/v1/contacts/" + chat_id + "/transcript", agent_).status, 200);
  EXPECT_EQ(http_->Get("/v1/contacts/" + chat_id + "/transcript", supervisor_).status, 200);
}

TEST_F(ChatFlow, AWaitingMemberLearnsTheirPositionAndIsAssignedWhenAnAgentBecomesAvailable) {
  auto agent = Socket(agent_);
  auto member = Socket(member_);
  const nlohmann::json started = Start(*member);
  EXPECT_EQ(started["chat"]["status"], "waiting");
  EXPECT_GE(started["position"].get<int>(), 1);
  // The member may write while waiting; the agent reads it after the assignment.
  member->SendJson(Message(started["chat"]["id"], "w-1", "Hello?"));
  ASSERT_TRUE(member->WaitFor("ack").has_value());
  SetAgent("available");
  auto assigned = member->WaitFor("assigned");
  ASSERT_TRUE(assigned.has_value());
  ASSERT_TRUE(agent->WaitFor("assigned").has_value());
  agent->SendJson({{"type", "resume"}, {"chat_id", started["chat"]["id"]}, {"after_seq", 0}});
  auto early = agent->WaitFor("message");
  ASSERT_TRUE(early.has_value());
  EXPECT_EQ((*early)["text"], "Hello?");
}

TEST_F(ChatFlow, AChatSurvivesAReconnectWithEveryMessageExactlyOnce) {
  auto agent = Socket(agent_);
  SetAgent("available");
  auto member = Socket(member_);
  const std::string chat_id = Start(*member)["chat"]["id"];
  ASSERT_TRUE(agent->WaitFor("assigned").has_value());

  constexpr int kMessages = 30;
  constexpr int kDropAfter = 11;
  std::vector<std::pair<int, std::string>> seen;  // (seq, text) as the agent received them
  const auto send = [&](int i) {
    member->SendJson(Message(chat_id, "m-" + std::to_string(i), "message " + std::to_string(i)));
    auto ack = member->WaitFor("ack");
    ASSERT_TRUE(ack.has_value());
    EXPECT_EQ((*ack)["seq"], i);
  };
  for (int i = 1; i <= kDropAfter; ++i) send(i);
  for (int i = 1; i <= kDropAfter; ++i) {
    auto m = agent->WaitFor("message");
    ASSERT_TRUE(m.has_value());
    seen.emplace_back((*m)["seq"], (*m)["text"]);
  }
  agent->Drop();  // the agent's network goes away mid-conversation
  for (int i = kDropAfter + 1; i <= kMessages; ++i) send(i);
  // The member's own resend of a message whose ack it "lost" stores nothing new.
  member->SendJson(Message(chat_id, "m-5", "message 5"));
  auto dup = member->WaitFor("ack");
  ASSERT_TRUE(dup.has_value());
  EXPECT_EQ((*dup)["seq"], 5);
  EXPECT_EQ((*dup)["duplicate"], true);

  agent = Socket(agent_);
  agent->SendJson({{"type", "resume"}, {"chat_id", chat_id}, {"after_seq", seen.back().first}});
  auto resumed_or_message = agent->ReceiveJson();
  while (resumed_or_message && (*resumed_or_message)["type"] != "resumed") {
    if ((*resumed_or_message)["type"] == "message") {
      seen.emplace_back((*resumed_or_message)["seq"], (*resumed_or_message)["text"]);
    }
    resumed_or_message = agent->ReceiveJson();
  }
  ASSERT_TRUE(resumed_or_message.has_value());
  EXPECT_EQ((*resumed_or_message)["chat"]["last_seq"], kMessages);
  // After the replay, live delivery goes on: the next message is the next seq, nothing repeated.
  send(kMessages + 1);
  auto live = agent->WaitFor("message");
  ASSERT_TRUE(live.has_value());
  seen.emplace_back((*live)["seq"], (*live)["text"]);

  ASSERT_EQ(seen.size(), static_cast<std::size_t>(kMessages + 1));
  for (int i = 1; i <= kMessages + 1; ++i) {
    EXPECT_EQ(seen[i - 1].first, i);
    EXPECT_EQ(seen[i - 1].second, "message " + std::to_string(i));
  }
  const HttpResult transcript = http_->Get("/v1/contacts/" + chat_id + "/transcript", member_);
  ASSERT_EQ(transcript.status, 200);
  EXPECT_EQ(transcript.json()["messages"].size(), static_cast<std::size_t>(kMessages + 1));
}

TEST_F(ChatFlow, AnAgentHoldsThreeChatsAtOnceAndTheFourthWaits) {
  auto agent = Socket(agent_);
  SetAgent("available");
  auto member = Socket(member_);
  std::set<std::string> assigned;
  for (int i = 0; i < 3; ++i) {
    const nlohmann::json started = Start(*member);
    auto a = agent->WaitFor("assigned");
    ASSERT_TRUE(a.has_value()) << i;
    assigned.insert((*a)["chat"]["id"].get<std::string>());
  }
  EXPECT_EQ(assigned.size(), 3u);
  const nlohmann::json fourth = Start(*member);
  EXPECT_EQ(fourth["chat"]["status"], "waiting");
  EXPECT_GE(fourth["position"].get<int>(), 1);
}

TEST_F(ChatFlow, AStrangerCannotReadATranscript) {
  auto member = Socket(member_);
  const std::string chat_id = Start(*member)["chat"]["id"];
  // agent.demo was never assigned this chat (offline throughout).
  EXPECT_EQ(http_->Get("/v1/contacts/" + chat_id + "/transcript", agent_).status, 404);
  EXPECT_EQ(http_->Get("/v1/contacts/01J00000000000000000000000/transcript", member_).status, 404);
}

TEST_F(ChatFlow, ARestartKeepsTheTranscriptAndTheClientResumes) {
  auto agent = Socket(agent_);
  SetAgent("available");
  auto member = Socket(member_);
  const std::string chat_id = Start(*member)["chat"]["id"];
  ASSERT_TRUE(agent->WaitFor("assigned").has_value());
  for (int i = 1; i <= 3; ++i) {
    member->SendJson(Message(chat_id, "r-" + std::to_string(i), "before restart " + std::to_string(i)));
    ASSERT_TRUE(member->WaitFor("ack").has_value());
  }
  ASSERT_EQ(server_->Terminate(), 0);
  EXPECT_NE(member->WaitClosed(), 0);
  delete server_;
  server_ = new ServerProcess(dir_->path());
  http_ = std::make_unique<HttpClient>("127.0.0.1", server_->port());
  member = Socket(member_);
  member->SendJson({{"type", "resume"}, {"chat_id", chat_id}, {"after_seq", 1}});
  auto m2 = member->WaitFor("message");
  ASSERT_TRUE(m2.has_value());
  EXPECT_EQ((*m2)["seq"], 2);
  auto m3 = member->WaitFor("message");
  ASSERT_TRUE(m3.has_value());
  EXPECT_EQ((*m3)["text"], "before restart 3");
  member->SendJson(Message(chat_id, "r-4", "after restart"));
  auto ack = member->WaitFor("ack");
  ASSERT_TRUE(ack.has_value());
  EXPECT_EQ((*ack)["seq"], 4);
  const HttpResult transcript = http_->Get("/v1/contacts/" + chat_id + "/transcript", member_);
  ASSERT_EQ(transcript.status, 200) << transcript.body;
  EXPECT_EQ(transcript.json()["messages"].size(), 4u);
}

TEST_F(ChatFlow, ASupervisorsLiveKpiFeedSendsASnapshotAtOnceAndThenAgain) {
  WsClient feed("127.0.0.1", server_->port());
  ASSERT_EQ(feed.Connect("/v1/kpis/live"), 101);
  feed.SendJson({{"type", "auth"}, {"token", supervisor_}});
  auto first = feed.WaitFor("kpis");
  ASSERT_TRUE(first.has_value());
  EXPECT_TRUE((*first)["kpis"].contains("total"));
  EXPECT_TRUE((*first)["kpis"].contains("queues"));
  // A chat arrives: the figures move, or the interval (5 s) comes round first.
  auto member = Socket(member_);
  Start(*member);
  auto next = feed.WaitFor("kpis", std::chrono::seconds(30));
  ASSERT_TRUE(next.has_value());
  EXPECT_TRUE((*next)["kpis"].contains("as_of"));
}

TEST_F(ChatFlow, TheLiveKpiFeedClosesAnAgentWith4403AndABadTokenWith4401) {
  WsClient agent("127.0.0.1", server_->port());
  ASSERT_EQ(agent.Connect("/v1/kpis/live"), 101);
  agent.SendJson({{"type", "auth"}, {"token", agent_}});
  EXPECT_EQ(agent.WaitClosed(), 4403);
  WsClient stranger("127.0.0.1", server_->port());
  ASSERT_EQ(stranger.Connect("/v1/kpis/live"), 101);
  stranger.SendJson({{"type", "auth"}, {"token", "nope"}});
  EXPECT_EQ(stranger.WaitClosed(), 4401);
}

}  // namespace
}  // namespace rxdesk::testing
