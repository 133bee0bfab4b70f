// The WebSocket transport of the web chat (/v1/chat/ws) against the real server:
// the first-message token check, the origin check, the message size limit,
// TLS, shutdown, and chat hours. The conversation itself is in chat_flow_test.cc.
#include <gtest/gtest.h>

#include <ctime>

#include "tests/e2e_env.h"
#include "tests/support/tls_client.h"
#include "tests/support/ws_client.h"

namespace rxdesk::testing {
namespace {

constexpr char kPath[] = "/v1/chat/ws";

nlohmann::json Auth(const std::string& token) { return {{"type", "auth"}, {"token", token}}; }

// Connected and signed in as `role` on the shared server.
std::unique_ptr<WsClient> SignedIn(Role role) {
  auto ws = std::make_unique<WsClient>("127.0.0.1", E2e::Get().port());
  EXPECT_EQ(ws->Connect(kPath), 101);
  ws->SendJson(Auth(E2e::Get().Token(role)));
  auto ready = ws->WaitFor("ready");
  EXPECT_TRUE(ready.has_value());
  return ws;
}

// A seeded server of its own with extra settings, and member.demo's token.
class OwnServer {
 public:
  explicit OwnServer(std::vector<std::string> env, std::vector<std::string> args = {}) {
    const CommandResult seeded = Rxdesk({"seed", "--demo", "--members", "2"}, dir_.path());
    EXPECT_EQ(seeded.exit_code, 0) << seeded.err;
    server_ = std::make_unique<ServerProcess>(dir_.path(), std::move(args), std::move(env));
  }
  std::string MemberToken(bool tls = false, const std::string& ca = "") {
    TransportClient client("127.0.0.1", server_->port(), {.tls = tls, .ca_file = ca});
    const HttpResult r = client.Post("/v1/auth/login", {{"username", "member.demo"}, {"password", kDemoPassword}});
    EXPECT_EQ(r.status, 200) << r.body;
    return r.json().value("token", "");
  }
  ServerProcess& server() { return *server_; }

 private:
  TempDir dir_;
  std::unique_ptr<ServerProcess> server_;
};

TEST(ChatSocket, AValidTokenInTheFirstMessageIsAnsweredWithReadyAndTheRole) {
  WsClient ws("127.0.0.1", E2e::Get().port());
  ASSERT_EQ(ws.Connect(kPath), 101);
  ws.SendJson(Auth(E2e::Get().Token(Role::kMember)));
  auto ready = ws.WaitFor("ready");
  ASSERT_TRUE(ready.has_value());
  EXPECT_EQ((*ready)["role"], "member");
  EXPECT_TRUE((*ready)["chats"].is_array());
}

TEST(ChatSocket, AnUnknownTokenIsToldAndClosedWith4401) {
  WsClient ws("127.0.0.1", E2e::Get().port());
  ASSERT_EQ(ws.Connect(kPath), 101);
  ws.SendJson(Auth("not-a-token"));
  auto error = ws.WaitFor("error");
  ASSERT_TRUE(error.has_value());
  EXPECT_EQ((*error)["code"], "unauthenticated");
  EXPECT_EQ(ws.WaitClosed(), 4401);
}

TEST(ChatSocket, AnyFirstMessageOtherThanAuthClosesWith4401) {
  for (const std::string first : {R"({"type":"start"})", R"({"type":"message","chat_id":"x"})", "not json", "[]",
                                  R"({"type":"auth"})", R"({"type":"auth","token":"t","extra":1})"}) {
    WsClient ws("127.0.0.1", E2e::Get().port());
    ASSERT_EQ(ws.Connect(kPath), 101);
    ws.Send(first);
    EXPECT_EQ(ws.WaitClosed(), 4401) << first;
  }
}

TEST(ChatSocket, ALoggedOutTokenEndsTheSocketAtItsNextMessage) {
  const std::string token = E2e::Get().Login("member.demo", kDemoPassword, false);
  WsClient ws("127.0.0.1", E2e::Get().port());
  ASSERT_EQ(ws.Connect(kPath), 101);
  ws.SendJson(Auth(token));
  ASSERT_TRUE(ws.WaitFor("ready").has_value());
  ASSERT_EQ(E2e::Get().client().Post("/v1/auth/logout", nlohmann::json::object(), token).status, 204);
  ws.SendJson({{"type", "typing"}, {"chat_id", "01J00000000000000000000000"}});
  EXPECT_EQ(ws.WaitClosed(), 4401);
}

TEST(ChatSocket, APlainGetOfTheChatPathIsTold426) {
  const HttpResult r = E2e::Get().client().Get(kPath);
  EXPECT_EQ(r.status, 426);
  EXPECT_EQ(r.error_code(), "upgrade_required");
}

TEST(ChatSocket, AnotherSitesOriginIsRefusedWith403BeforeTheUpgrade) {
  WsClient ws("127.0.0.1", E2e::Get().port(), {.origin = "https://evil.example"});
  EXPECT_EQ(ws.Connect(kPath), 403);
  EXPECT_NE(ws.refusal_body().find("forbidden"), std::string::npos);
}

TEST(ChatSocket, TheNullOriginOfSandboxedPagesIsRefused) {
  WsClient ws("127.0.0.1", E2e::Get().port(), {.origin = "null"});
  EXPECT_EQ(ws.Connect(kPath), 403);
}

TEST(ChatSocket, TheServersOwnOriginIsAccepted) {
  const std::string own = "http://127.0.0.1:" + std::to_string(E2e::Get().port());
  WsClient ws("127.0.0.1", E2e::Get().port(), {.origin = own});
  EXPECT_EQ(ws.Connect(kPath), 101);
}

TEST(ChatSocket, ASameHostOnAnotherPortIsAnotherOrigin) {
  WsClient ws("127.0.0.1", E2e::Get().port(), {.origin = "http://127.0.0.1:1"});
  EXPECT_EQ(ws.Connect(kPath), 403);
}

TEST(ChatSocket, AMessageOfExactlyTheLimitIsReadAndOneByteMoreClosesWith1009) {
  auto ws = SignedIn(Role::kMember);
  // 16 KiB exactly: read, and refused as a chat text (over 4,000 bytes), the socket stays.
  nlohmann::json body = {
      {"type", "message"}, {"chat_id", "01J00000000000000000000000"}, {"client_id", "c1"}, {"text", ""}};
  const std::size_t overhead = body.dump().size();
  body["text"] = std::string(16 * 1024 - overhead, 'a');
  ASSERT_EQ(body.dump().size(), 16u * 1024);
  ws->SendJson(body);
  auto error = ws->WaitFor("error");
  ASSERT_TRUE(error.has_value());
  EXPECT_EQ((*error)["field"], "text");
  EXPECT_TRUE(ws->open());
  body["text"] = std::string(16 * 1024 - overhead + 1, 'a');
  ws->SendJson(body);
  EXPECT_EQ(ws->WaitClosed(), 1009);
}

TEST(ChatSocket, UnknownTypesAndFieldsAreErrorsNamingTheFieldAndTheSocketStays) {
  auto ws = SignedIn(Role::kMember);
  ws->SendJson({{"type", "dance"}});
  auto e1 = ws->WaitFor("error");
  ASSERT_TRUE(e1.has_value());
  EXPECT_EQ((*e1)["code"], "invalid_request");
  EXPECT_EQ((*e1)["field"], "type");
  ws->SendJson({{"type", "typing"}, {"chat_id", "01J00000000000000000000000"}, {"mood", "happy"}});
  auto e2 = ws->WaitFor("error");
  ASSERT_TRUE(e2.has_value());
  EXPECT_EQ((*e2)["field"], "mood");
  ws->SendJson({{"type", "read"}, {"chat_id", "01J00000000000000000000000"}, {"seq", "7"}});
  auto e3 = ws->WaitFor("error");
  ASSERT_TRUE(e3.has_value());
  EXPECT_EQ((*e3)["field"], "seq");
  EXPECT_TRUE(ws->open());
}

TEST(ChatSocket, SomeoneElsesChatIdIsNotFound) {
  auto ws = SignedIn(Role::kMember);
  ws->SendJson({{"type", "resume"}, {"chat_id", "01J00000000000000000000000"}, {"after_seq", 0}});
  auto e = ws->WaitFor("error");
  ASSERT_TRUE(e.has_value());
  EXPECT_EQ((*e)["code"], "not_found");
}

TEST(ChatSocket, SilenceBeforeAuthClosesWith4401AfterTheConfiguredTime) {
  OwnServer own({"RXDESK_CHAT_AUTH_TIMEOUT_S=1"});
  WsClient ws("127.0.0.1", own.server().port());
  ASSERT_EQ(ws.Connect(kPath), 101);
  EXPECT_EQ(ws.WaitClosed(std::chrono::seconds(20)), 4401);
}

TEST(ChatSocket, AConfiguredOriginIsAcceptedAndAClientWithoutOriginRefusedWhenRequired) {
  OwnServer own({"RXDESK_CHAT_ALLOWED_ORIGINS=https://desk.example.com", "RXDESK_CHAT_REQUIRE_ORIGIN=true"});
  WsClient allowed("127.0.0.1", own.server().port(), {.origin = "https://desk.example.com"});
  EXPECT_EQ(allowed.Connect(kPath), 101);
  WsClient own_origin("127.0.0.1", own.server().port(),
                      {.origin = "http://127.0.0.1:" + std::to_string(own.server().port())});
  EXPECT_EQ(own_origin.Connect(kPath), 403) << own_origin.refusal_body();
  WsClient none("127.0.0.1", own.server().port());
  EXPECT_EQ(none.Connect(kPath), 403) << none.refusal_body();
}

TEST(ChatSocket, SpeaksOverTlsOnTheSamePort) {
  TempDir certs;
  const SelfSignedCert cert = MakeSelfSignedCert(certs.path());
  OwnServer own({}, {"--tls-cert", cert.cert_file, "--tls-key", cert.key_file});
  const std::string token = own.MemberToken(true, cert.cert_file);
  WsClient ws("127.0.0.1", own.server().port(), {.tls = true, .ca_file = cert.cert_file});
  ASSERT_EQ(ws.Connect(kPath), 101);
  ws.SendJson(Auth(token));
  auto ready = ws.WaitFor("ready");
  ASSERT_TRUE(ready.has_value());
  EXPECT_EQ((*ready)["role"], "member");
  WsClient plain("127.0.0.1", own.server().port());
  EXPECT_EQ(plain.Connect(kPath), 0);  // no plain WebSocket on a TLS port
}

TEST(ChatSocket, ShutdownClosesOpenSocketsWith1001) {
  OwnServer own({});
  const std::string token = own.MemberToken();
  WsClient ws("127.0.0.1", own.server().port());
  ASSERT_EQ(ws.Connect(kPath), 101);
  ws.SendJson(Auth(token));
  ASSERT_TRUE(ws.WaitFor("ready").has_value());
  own.server().Terminate();
  EXPECT_EQ(ws.WaitClosed(), 1001);
}

// "YYYY-MM-DD" of the civil day `days` from now in the operator's zone (CT), near enough:
// yesterday, today and tomorrow cover today in CT whatever this machine's zone.
std::string DayFromNow(int days) {
  const std::time_t t = std::time(nullptr) + days * 86400;
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[16];
  std::strftime(buf, sizeof buf, "%Y-%m-%d", &tm);
  return buf;
}

TEST(ChatSocket, OutsideChatHoursStartIsRefusedSayingWhenChatOpensAndOfferingASecureMessage) {
  OwnServer own({"RXDESK_CHANNELS_CHAT_CLOSED_DATES=" + DayFromNow(-1) + "," + DayFromNow(0) + "," + DayFromNow(1)});
  WsClient ws("127.0.0.1", own.server().port());
  ASSERT_EQ(ws.Connect(kPath), 101);
  ws.SendJson(Auth(own.MemberToken()));
  ASSERT_TRUE(ws.WaitFor("ready").has_value());
  ws.SendJson({{"type", "start"}});
  auto refused = ws.WaitFor("error");
  ASSERT_TRUE(refused.has_value());
  SCOPED_TRACE(refused->dump());
  EXPECT_EQ((*refused)["code"], "channel_closed");
  EXPECT_EQ((*refused)["offer"], "secure_message");
  ASSERT_TRUE((*refused).contains("opens_at"));
  const std::string opens_at = (*refused)["opens_at"];
  EXPECT_GT(opens_at.substr(0, 10), DayFromNow(0));
  EXPECT_NE((*refused)["message"].get<std::string>().find(opens_at), std::string::npos);
}

}  // namespace
}  // namespace rxdesk::testing
