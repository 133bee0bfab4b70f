// Notifications end to end: the real `rxdesk serve` with a real SMTP server
// (python3-aiosmtpd) and a local HTTP receiver standing in for the SMS gateway.
// A refill placed through the API is confirmed by email in the member's
// language; an SMS gateway that fails twice gets the message on the third
// attempt, later each time; an SMTP server that is down or hangs never holds
// up the refill; a member who opted out gets nothing; a queued message
// survives kill -9. Also the preference routes on the shared server.
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <thread>

#include "domain/time.h"
#include "store/db.h"
#include "tests/e2e_env.h"
#include "tests/support/http_receiver.h"
#include "tests/support/smtp_sink.h"

namespace rxdesk::testing {
namespace {

using std::chrono::seconds;

std::string PrefsPath(const std::string& member_id) { return "/v1/members/" + member_id + "/notification-preferences"; }

HttpResult Put(HttpClient& client, const std::string& target, const nlohmann::json& body, const std::string& token,
               std::vector<std::pair<std::string, std::string>> headers = {}) {
  headers.emplace_back("Authorization", "Bearer " + token);
  headers.emplace_back("Content-Type", "application/json");
  return client.Send("PUT", target, body.dump(), headers);
}

nlohmann::json NewRx() {
  const auto today = std::chrono::floor<std::chrono::days>(std::chrono::system_clock::now());
  return {{"drug", {{"ndc", "00093-7146-56"}, {"name", "atorvastatin"}}},
          {"schedule", "none"},
          {"quantity", 30},
          {"days_supply", 30},
          {"refills_authorized", 3},
          {"written_date", FormatDate(today - std::chrono::days{10})},
          {"prescriber", {{"npi", "1245319599"}, {"name", "Dr. Avery Quinn"}}}};
}

// A server of its own, seeded with the demo accounts, notifications configured by `env`.
class NotifyServer {
 public:
  explicit NotifyServer(std::vector<std::string> env) : env_(std::move(env)) {
    const CommandResult seeded = Rxdesk({"seed", "--demo", "--members", "1"}, dir_.path());
    EXPECT_EQ(seeded.exit_code, 0) << seeded.err;
    Start();
    const std::string totp = Rxdesk({"user", "totp", "--username", "pharmacist.demo"}, dir_.path()).out.substr(0, 6);
    const HttpResult pharmacist =
        client_->Post("/v1/auth/login", {{"username", "pharmacist.demo"}, {"password", kDemoPassword}, {"totp", totp}});
    EXPECT_EQ(pharmacist.status, 200) << pharmacist.body;
    pharmacist_ = pharmacist.json().value("token", "");
    const HttpResult member =
        client_->Post("/v1/auth/login", {{"username", "member.demo"}, {"password", kDemoPassword}});
    EXPECT_EQ(member.status, 200) << member.body;
    member_ = member.json().value("token", "");
    member_id_ = client_->Get("/v1/me", member_).json().value("member_id", "");
  }

  void Start() {
    server_ = std::make_unique<ServerProcess>(dir_.path(), std::vector<std::string>{}, env_);
    client_ = std::make_unique<HttpClient>("127.0.0.1", server_->port());
  }
  void Kill9() { server_->Kill9(); }

  HttpClient& client() { return *client_; }
  const std::string& pharmacist() const { return pharmacist_; }
  const std::string& member() const { return member_; }
  const std::string& member_id() const { return member_id_; }

  // A refill of a new prescription of `member_id`, placed by `token`; returns the response.
  HttpResult Refill(const std::string& member_id, const std::string& token) {
    const HttpResult rx = client_->Post("/v1/members/" + member_id + "/prescriptions", NewRx(), pharmacist_);
    EXPECT_EQ(rx.status, 201) << rx.body;
    return client_->Post("/v1/refills", {{"rx_number", rx.json().value("rx_number", "")}}, token);
  }

  // The outbox rows of a member straight from the database: (status, attempts, last_error).
  std::vector<std::tuple<std::string, int, std::string>> Outbox(const std::string& member_id) {
    auto db = OpenSqlite({.path = dir_.path() + "/rxdesk.db", .read_only = true});
    EXPECT_TRUE(db.ok());
    if (!db.ok()) return {};
    auto rows = (*db)->Query(
        "SELECT status, attempts, COALESCE(last_error, '') FROM notification_outbox WHERE "
        "member_id = ? ORDER BY id",
        {Value(member_id)});
    EXPECT_TRUE(rows.ok());
    std::vector<std::tuple<std::string, int, std::string>> out;
    for (const Row& r : *rows) out.emplace_back(r.Text(0), static_cast<int>(r.Int(1)), r.Text(2));
    return out;
  }

  // Polls the member's first outbox row until `done` holds (30 s).
  bool WaitForRow(const std::string& member_id,
                  const std::function<bool(const std::string&, int, const std::string&)>& done) {
    for (int i = 0; i < 600; ++i) {
      const auto rows = Outbox(member_id);
      if (!rows.empty() && done(std::get<0>(rows[0]), std::get<1>(rows[0]), std::get<2>(rows[0]))) return true;
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    return false;
  }

 private:
  TempDir dir_;
  std::vector<std::string> env_;
  std::unique_ptr<ServerProcess> server_;
  std::unique_ptr<HttpClient> client_;
  std::string pharmacist_, member_, member_id_;
};

std::vector<std::string> SmtpEnv(std::uint16_t port, int base_delay_s = 1, int timeout_s = 10) {
  return {"RXDESK_NOTIFICATIONS_SMTP_URL=smtp://127.0.0.1:" + std::to_string(port),
          "RXDESK_NOTIFICATIONS_FROM=care@rxdesk.example",
          "RXDESK_NOTIFICATIONS_SMTP_TLS=none",
          "RXDESK_NOTIFICATIONS_RETRY_BASE_DELAY_S=" + std::to_string(base_delay_s),
          "RXDESK_NOTIFICATIONS_RETRY_MAX_DELAY_S=" + std::to_string(base_delay_s * 4),
          "RXDESK_NOTIFICATIONS_POLL_INTERVAL_MS=100",
          "RXDESK_NOTIFICATIONS_SEND_TIMEOUT_S=" + std::to_string(timeout_s)};
}

// A loopback listener that accepts connections (the kernel does) but never
// says a word: an SMTP server that hangs. Sets `port`; -1 on failure.
int MuteListener(std::uint16_t& port) {
  const int listener = socket(AF_INET, SOCK_STREAM, 0);
  const int one = 1;
  setsockopt(listener, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (bind(listener, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0 || listen(listener, 16) != 0) {
    close(listener);
    return -1;
  }
  socklen_t len = sizeof addr;
  getsockname(listener, reinterpret_cast<sockaddr*>(&addr), &len);
  port = ntohs(addr.sin_port);
  return listener;
}

class NotificationsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    if (!SmtpSink::Available()) GTEST_SKIP() << SmtpSink::NotFoundMessage();
  }
};

TEST_F(NotificationsTest, RefillPlacedThroughTheApiIsConfirmedByEmailInSpanishWithItsReference) {
  SmtpSink smtp;
  NotifyServer s(SmtpEnv(smtp.port()));
  const HttpResult pref =
      Put(s.client(), PrefsPath(s.member_id()), {{"channel", "email"}, {"language", "es"}}, s.member());
  ASSERT_EQ(pref.status, 200) << pref.body;
  const HttpResult refill = s.Refill(s.member_id(), s.member());
  ASSERT_EQ(refill.status, 201) << refill.body;
  const std::string reference = refill.json()["reference"];

  ASSERT_TRUE(smtp.WaitForMessages(1, seconds(30)));
  const nlohmann::json mail = smtp.Messages()[0];
  EXPECT_EQ(mail["mail_from"], "care@rxdesk.example");
  EXPECT_EQ(mail["rcpt_tos"], nlohmann::json::array({"member1@example.com"}));
  EXPECT_EQ(mail["subject"], "Recibimos su solicitud de resurtido " + reference);
  const std::string body = mail["body"];
  EXPECT_NE(body.find("Referencia: " + reference), std::string::npos) << body;
  EXPECT_NE(body.find("Inicie sesión"), std::string::npos) << body;
  EXPECT_EQ(body.find("atorvastatin"), std::string::npos) << "no clinical detail";
  ASSERT_TRUE(
      s.WaitForRow(s.member_id(), [](const std::string& status, int, const std::string&) { return status == "sent"; }));
}

TEST_F(NotificationsTest, SmsGatewayFailingTwiceGetsTheMessageOnTheThirdAttemptLaterEachTime) {
  HttpReceiver gateway({500, 500});
  NotifyServer s({"RXDESK_NOTIFICATIONS_SMS_GATEWAY_URL=" + gateway.url("/v1/messages"),
                  "RXDESK_NOTIFICATIONS_SMS_TOKEN=gateway-test-token", "RXDESK_NOTIFICATIONS_RETRY_BASE_DELAY_S=3",
                  "RXDESK_NOTIFICATIONS_RETRY_MAX_DELAY_S=60", "RXDESK_NOTIFICATIONS_POLL_INTERVAL_MS=100"});
  ASSERT_EQ(Put(s.client(), PrefsPath(s.member_id()), {{"channel", "sms"}, {"language", "en"}}, s.member()).status,
            200);
  const std::string phone = s.client().Get("/v1/members/" + s.member_id(), s.member()).json()["phone"];
  const HttpResult refill = s.Refill(s.member_id(), s.member());
  ASSERT_EQ(refill.status, 201) << refill.body;
  const std::string reference = refill.json()["reference"];

  ASSERT_TRUE(gateway.WaitForRequests(3, seconds(60)));
  ASSERT_TRUE(
      s.WaitForRow(s.member_id(), [](const std::string& status, int, const std::string&) { return status == "sent"; }));
  const auto requests = gateway.Requests();
  ASSERT_EQ(requests.size(), 3u) << "sent once it was accepted";
  EXPECT_EQ(requests[0].answered, 500);
  EXPECT_EQ(requests[1].answered, 500);
  EXPECT_EQ(requests[2].answered, 200);
  for (const ReceivedRequest& r : requests) {
    EXPECT_EQ(r.method, "POST");
    EXPECT_EQ(r.target, "/v1/messages");
    EXPECT_EQ(r.Header("authorization"), "Bearer gateway-test-token");
    EXPECT_EQ(r.json()["to"], phone);
    EXPECT_EQ(r.json()["text"], "Refill request received. Ref " + reference + ". Sign in for status and delivery.");
    EXPECT_EQ(r.Header("idempotency-key"), requests[0].Header("idempotency-key")) << "the same message each time";
  }
  // Backoff: 3 s less up to half of it in jitter, then 6 s less up to half; instants
  // are whole seconds, so each wait is at least the delay less one second.
  EXPECT_GE(requests[1].at - requests[0].at, seconds(1));
  EXPECT_GE(requests[2].at - requests[1].at, seconds(2));
  const auto row = s.Outbox(s.member_id());
  EXPECT_EQ(std::get<1>(row[0]), 3);
}

TEST_F(NotificationsTest, SmtpDownIsRetriedUntilItComesUpAndTheRefillIsAnswered201) {
  SmtpSink smtp(FreePort(), /*start=*/false);
  NotifyServer s(SmtpEnv(smtp.port()));
  const HttpResult refill = s.Refill(s.member_id(), s.member());
  ASSERT_EQ(refill.status, 201) << refill.body;
  // At least one attempt failed and was put back in the queue with its reason.
  ASSERT_TRUE(s.WaitForRow(s.member_id(), [](const std::string& status, int attempts, const std::string& error) {
    return status == "queued" && attempts >= 1 && !error.empty();
  }));
  const auto failed = s.Outbox(s.member_id());
  EXPECT_EQ(std::get<2>(failed[0]).find("member1"), std::string::npos) << "no address in the error";
  smtp.Start();
  ASSERT_TRUE(smtp.WaitForMessages(1, seconds(30)));
  EXPECT_EQ(smtp.Messages()[0]["subject"],
            "We received your refill request " + refill.json()["reference"].get<std::string>());
}

TEST_F(NotificationsTest, AHangingSmtpServerDoesNotHoldUpTheRefillRequest) {
  std::uint16_t port = 0;
  const int listener = MuteListener(port);
  ASSERT_GE(listener, 0);
  NotifyServer s(SmtpEnv(port, 1, /*timeout_s=*/60));
  const HttpResult refill = s.Refill(s.member_id(), s.member());
  ASSERT_EQ(refill.status, 201) << refill.body;
  // Answered while the send is still waiting for the server: no attempt has ended.
  const auto rows = s.Outbox(s.member_id());
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_EQ(std::get<0>(rows[0]), "queued");
  EXPECT_EQ(std::get<2>(rows[0]), "") << "the request did not wait for a send to finish";
  close(listener);
}

TEST_F(NotificationsTest, AMemberWhoChoseNoneGetsNothingWhileOthersGetTheirs) {
  SmtpSink smtp;
  NotifyServer s(SmtpEnv(smtp.port()));
  ASSERT_EQ(Put(s.client(), PrefsPath(s.member_id()), {{"channel", "none"}, {"language", "en"}}, s.member()).status,
            200);
  ASSERT_EQ(s.Refill(s.member_id(), s.member()).status, 201);
  EXPECT_TRUE(s.Outbox(s.member_id()).empty()) << "nothing queued for a member who opted out";
  // Another member, with the default preference (email), placed after: once theirs
  // arrived, the first would have too.
  const HttpResult other = s.client().Post("/v1/members", NewMemberBody(7), s.pharmacist());
  ASSERT_EQ(other.status, 201) << other.body;
  ASSERT_EQ(s.Refill(other.json()["id"], s.pharmacist()).status, 201);
  ASSERT_TRUE(smtp.WaitForMessages(1, seconds(30)));
  ASSERT_TRUE(s.WaitForRow(other.json()["id"],
                           [](const std::string& status, int, const std::string&) { return status == "sent"; }));
  const auto mails = smtp.Messages();
  ASSERT_EQ(mails.size(), 1u);
  EXPECT_EQ(mails[0]["rcpt_tos"], nlohmann::json::array({"testa7@example.com"}));
}

TEST_F(NotificationsTest, AQueuedNotificationSurvivesKillDashNineAndIsSentAfterTheRestart) {
  SmtpSink smtp(FreePort(), /*start=*/false);
  NotifyServer s(SmtpEnv(smtp.port()));
  const HttpResult refill = s.Refill(s.member_id(), s.member());
  ASSERT_EQ(refill.status, 201) << refill.body;
  ASSERT_TRUE(s.WaitForRow(s.member_id(), [](const std::string& status, int attempts, const std::string&) {
    return status == "queued" && attempts >= 1;
  }));
  s.Kill9();
  smtp.Start();
  s.Start();
  ASSERT_TRUE(smtp.WaitForMessages(1, seconds(30)));
  ASSERT_TRUE(
      s.WaitForRow(s.member_id(), [](const std::string& status, int, const std::string&) { return status == "sent"; }));
  EXPECT_EQ(smtp.Messages().size(), 1u);
  EXPECT_EQ(smtp.Messages()[0]["subject"],
            "We received your refill request " + refill.json()["reference"].get<std::string>());
}

TEST_F(NotificationsTest, ASendCutOffByKillDashNineIsSentRightAfterTheRestartNotAfterItsLease) {
  // An SMTP server that accepts and never answers: the worker is mid-send, its
  // row leased (for minutes: a whole batch at this send timeout), when the
  // process is killed.
  std::uint16_t port = 0;
  const int listener = MuteListener(port);
  ASSERT_GE(listener, 0);
  NotifyServer s(SmtpEnv(port, 1, /*timeout_s=*/60));
  const HttpResult refill = s.Refill(s.member_id(), s.member());
  ASSERT_EQ(refill.status, 201) << refill.body;
  ASSERT_TRUE(s.WaitForRow(s.member_id(), [](const std::string& status, int attempts, const std::string& error) {
    return status == "queued" && attempts == 1 && error.empty();  // claimed, the send under way
  }));
  s.Kill9();
  close(listener);
  SmtpSink smtp(port, /*start=*/false);
  smtp.Start();
  s.Start();
  // The restarted server sees that the lease's holder, a process on this host,
  // is gone, and sends at once (the lease alone would hold the row for minutes).
  ASSERT_TRUE(smtp.WaitForMessages(1, seconds(30)));
  EXPECT_EQ(smtp.Messages()[0]["subject"],
            "We received your refill request " + refill.json()["reference"].get<std::string>());
}

// ---------------------------------------------------------------- preference routes (shared server)

TEST(NotificationPreferencesApi, AMemberReadsTheDefaultAndChangesIt) {
  E2e& env = E2e::Get();
  const std::string member = env.Token(Role::kMember);
  const std::string path = PrefsPath(env.DemoMemberId());
  // Back to the default shape first: another run may have stored a choice.
  ASSERT_EQ(Put(env.client(), path, {{"channel", "email"}, {"language", "en"}}, member).status, 200);
  const HttpResult set = Put(env.client(), path, {{"channel", "sms"}, {"language", "es"}}, member);
  ASSERT_EQ(set.status, 200) << set.body;
  EXPECT_EQ(set.json()["channel"], "sms");
  EXPECT_EQ(set.json()["language"], "es");
  EXPECT_EQ(set.json()["default"], false);
  const HttpResult got = env.client().Get(path, member);
  ASSERT_EQ(got.status, 200);
  EXPECT_EQ(got.json()["channel"], "sms");
  EXPECT_EQ(got.json()["language"], "es");
  EXPECT_EQ(got.json()["available_channels"], nlohmann::json::array({"email", "sms", "none"}));
  EXPECT_EQ(got.json()["member_id"], env.DemoMemberId());
}

TEST(NotificationPreferencesApi, ANewMemberHasTheDefaultEmailInEnglish) {
  E2e& env = E2e::Get();
  const HttpResult created = env.client().Post("/v1/members", NewMemberBody(4101), env.Token(Role::kPharmacist));
  ASSERT_EQ(created.status, 201) << created.body;
  const std::string agent = env.Token(Role::kAgent);
  const std::string contact = env.VerifiedContact(agent, created.json());
  const HttpResult got = env.client().Get(PrefsPath(created.json()["id"]), agent, InContact(contact));
  ASSERT_EQ(got.status, 200) << got.body;
  EXPECT_EQ(got.json()["channel"], "email");
  EXPECT_EQ(got.json()["language"], "en");
  EXPECT_EQ(got.json()["default"], true);
  EXPECT_EQ(got.json()["updated_at"], nullptr);
}

TEST(NotificationPreferencesApi, AnAgentNeedsAVerifiedContactForThatMember) {
  E2e& env = E2e::Get();
  const std::string agent = env.Token(Role::kAgent);
  const HttpResult created = env.client().Post("/v1/members", NewMemberBody(4102), env.Token(Role::kPharmacist));
  ASSERT_EQ(created.status, 201);
  const std::string id = created.json()["id"];
  EXPECT_EQ(env.client().Get(PrefsPath(id), agent).error_code(), "verification_required");
  EXPECT_EQ(Put(env.client(), PrefsPath(id), {{"channel", "none"}, {"language", "en"}}, agent).error_code(),
            "verification_required");
  const std::string contact = env.VerifiedContact(agent, created.json());
  const HttpResult set =
      Put(env.client(), PrefsPath(id), {{"channel", "none"}, {"language", "es"}}, agent, InContact(contact));
  ASSERT_EQ(set.status, 200) << set.body;
  EXPECT_EQ(set.json()["channel"], "none");
  // The contact verified this member, not another.
  EXPECT_EQ(env.client().Get(PrefsPath(env.DemoMemberId()), agent, InContact(contact)).error_code(),
            "verification_required");
}

TEST(NotificationPreferencesApi, AMemberCannotSeeAnotherMembersPreferences) {
  E2e& env = E2e::Get();
  const HttpResult created = env.client().Post("/v1/members", NewMemberBody(4103), env.Token(Role::kPharmacist));
  ASSERT_EQ(created.status, 201);
  const HttpResult r = env.client().Get(PrefsPath(created.json()["id"]), env.Token(Role::kMember));
  EXPECT_EQ(r.status, 404);
  EXPECT_EQ(r.error_code(), "not_found");
  EXPECT_EQ(Put(env.client(), PrefsPath(created.json()["id"]), {{"channel", "none"}, {"language", "en"}},
                env.Token(Role::kMember))
                .status,
            404);
}

TEST(NotificationPreferencesApi, AChannelWithNoAddressOnFileIsRefused) {
  E2e& env = E2e::Get();
  nlohmann::json body = NewMemberBody(4104);
  body.erase("phone");
  const HttpResult created = env.client().Post("/v1/members", body, env.Token(Role::kPharmacist));
  ASSERT_EQ(created.status, 201) << created.body;
  const std::string agent = env.Token(Role::kAgent);
  const std::string contact = env.VerifiedContact(agent, created.json());
  const HttpResult r = Put(env.client(), PrefsPath(created.json()["id"]), {{"channel", "sms"}, {"language", "en"}},
                           agent, InContact(contact));
  EXPECT_EQ(r.status, 422);
  EXPECT_EQ(r.error_code(), "channel_unavailable");
  EXPECT_EQ(r.json()["error"]["field"], "channel");
  const HttpResult got = env.client().Get(PrefsPath(created.json()["id"]), agent, InContact(contact));
  EXPECT_EQ(got.json()["available_channels"], nlohmann::json::array({"email", "none"}));
}

TEST(NotificationPreferencesApi, MalformedBodiesAreRefusedNamingTheField) {
  E2e& env = E2e::Get();
  const std::string member = env.Token(Role::kMember);
  const std::string path = PrefsPath(env.DemoMemberId());
  const auto field_of = [&](const nlohmann::json& body) {
    const HttpResult r = Put(env.client(), path, body, member);
    EXPECT_EQ(r.status, 400) << body.dump() << " " << r.body;
    EXPECT_EQ(r.error_code(), "invalid_request");
    return r.json()["error"].value("field", "");
  };
  EXPECT_EQ(field_of({{"channel", "fax"}, {"language", "en"}}), "channel");
  EXPECT_EQ(field_of({{"channel", 1}, {"language", "en"}}), "channel");
  EXPECT_EQ(field_of({{"channel", "email"}, {"language", "fr"}}), "language");
  EXPECT_EQ(field_of({{"channel", "email"}}), "language");
  EXPECT_EQ(field_of({{"channel", "email"}, {"language", "en"}, {"email", "x@example.com"}}), "email");
  EXPECT_EQ(field_of({{"channel", std::string(5000, 'e')}, {"language", "en"}}), "channel");
  EXPECT_EQ(field_of(nlohmann::json::object()), "channel");
}

}  // namespace
}  // namespace rxdesk::testing
