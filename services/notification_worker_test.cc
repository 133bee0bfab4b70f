// The outbox and its worker on a real migrated store (SQLite, and PostgreSQL
// where its binaries are installed), with fake senders and a manual clock:
// queuing, preferences, backoff, giving up, leases between two holders, and
// the audit entry of every address read.
#include "services/notification_worker.h"

#include <gtest/gtest.h>

#include <deque>
#include <set>
#include <thread>

#include "services/notification_outbox.h"
#include "services/notifications.h"
#include "tests/support/service_env.h"

namespace rxdesk {
namespace {

using std::chrono::seconds;
using testing::TestPostgres;

const NotificationParams kRef = {{"reference", "RX-261123-4F7KQ2-8"}};

// Records what it is asked to send; answers with the scripted outcomes, then ok.
class FakeEmail final : public EmailSender {
 public:
  SendOutcome Send(const EmailMessage& m) override {
    std::lock_guard lock(mu);
    sent.push_back(m);
    if (script.empty()) return {.ok = true};
    SendOutcome o = script.front();
    script.pop_front();
    return o;
  }
  std::mutex mu;
  std::vector<EmailMessage> sent;
  std::deque<SendOutcome> script;
};

class FakeSms final : public SmsGateway {
 public:
  SendOutcome Send(const SmsMessage& m) override {
    sent.push_back(m);
    if (script.empty()) return {.ok = true};
    SendOutcome o = script.front();
    script.pop_front();
    return o;
  }
  std::vector<SmsMessage> sent;
  std::deque<SendOutcome> script;
};

const SendOutcome kTemporary{.ok = false, .permanent = false, .error = "smtp: Couldn't connect to server"};

class NotificationWorkerTest : public ::testing::TestWithParam<Dialect>, protected testing::ServiceEnv {
 protected:
  NotificationWorkerTest() : ServiceEnv(Instant{seconds(1'800'000'000)}) {}

  void SetUp() override {
    if (GetParam() == Dialect::kPostgres && !TestPostgres::Available()) GTEST_SKIP() << TestPostgres::NotFoundMessage();
    ASSERT_TRUE(OpenServiceEnv(GetParam(), "notify"));
  }

  std::string AddMember(const std::string& email, const std::string& phone) {
    Member m;
    m.id = "M" + std::to_string(++members_added_);
    m.member_number = "10000" + std::to_string(members_added_);
    m.first_name = "Ana";
    m.last_name = "Ruiz";
    m.date_of_birth = MakeDate(1960, 1, 2);
    m.address = {.line1 = "1 Main St", .city = "Austin", .state = "TX", .zip = "78701", .country = "US"};
    m.email = email;
    m.phone = phone;
    m.created_at = m.updated_at = FormatInstant(clock_.Now());
    EXPECT_TRUE(store_->Write([&](WriteContext& w) { return members_->Save(w.conn, m); }).ok());
    return m.id;
  }

  Status Queue(const NotificationRequest& r) {
    return store_->Write([&](WriteContext& w) { return QueueNotification(w.conn, r); });
  }

  void Prefer(const std::string& member, NotificationChannel ch, NotificationLanguage lang) {
    ASSERT_TRUE(store_
                    ->Write([&](WriteContext& w) {
                      return SaveNotificationPreference(w.conn, member, ch, lang, "test", clock_.Now());
                    })
                    .ok());
  }

  std::unique_ptr<Connection> Connect() {
    auto c = store_->Connect();
    EXPECT_TRUE(c.ok());
    return c.ok() ? std::move(*c) : nullptr;
  }

  Rows Query(const std::string& sql) {
    auto rows = store_->Read([&](Connection& c) { return c.Query(sql); });
    EXPECT_TRUE(rows.ok()) << rows.error().message;
    return rows.ok() ? std::move(*rows) : Rows{};
  }

  std::vector<OutboxRow> Outbox() {
    std::vector<OutboxRow> out;
    for (const Row& r : Query("SELECT id FROM notification_outbox ORDER BY id")) {
      auto row = store_->Read([&](Connection& c) { return LoadOutboxRow(c, r.Text(0)); });
      EXPECT_TRUE(row.ok() && row->has_value());
      out.push_back(**row);
    }
    return out;
  }

  std::unique_ptr<NotificationWorker> Worker(NotificationRetryPolicy retry = {}, const std::string& holder = "node-a") {
    NotificationWorkerOptions o;
    o.retry = retry;
    o.lease = seconds(300);
    o.unit_random = [] { return 0.0; };
    o.poll_interval = std::chrono::milliseconds(50);
    return std::make_unique<NotificationWorker>(*store_, *vault_, clock_, o, &email_, &sms_, holder);
  }

  NotificationRoundReport Round(NotificationWorker& w) {
    auto r = w.RunOnce();
    EXPECT_TRUE(r.ok()) << r.error().code << " " << r.error().message;
    return r.ok() ? *r : NotificationRoundReport{};
  }

  FakeEmail email_;
  FakeSms sms_;
  int members_added_ = 0;
};

INSTANTIATE_TEST_SUITE_P(Dialects, NotificationWorkerTest, ::testing::Values(Dialect::kSqlite, Dialect::kPostgres),
                         [](const auto& param_info) {
                           return param_info.param == Dialect::kSqlite ? "Sqlite" : "Postgres";
                         });

// ---------------------------------------------------------------- queuing

TEST_P(NotificationWorkerTest, UnknownTemplateOrMissingParameterIsRefusedAtQueueTimeAndQueuesNothing) {
  const std::string m = AddMember("ana@example.com", "+15125550100");
  const Status unknown = Queue({.member_id = m, .template_id = "order_lost", .params = kRef});
  ASSERT_FALSE(unknown.ok());
  EXPECT_EQ(unknown.error().code, "invalid_request");
  EXPECT_EQ(unknown.error().field, "template_id");
  const Status missing = Queue({.member_id = m, .template_id = "refill_confirmed", .params = {}});
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.error().code, "invalid_request");
  EXPECT_EQ(missing.error().field, "params.reference");
  EXPECT_TRUE(Outbox().empty());
}

TEST_P(NotificationWorkerTest, UnknownMemberIsNotFound) {
  const Status s = Queue({.member_id = "NOPE", .template_id = "refill_confirmed", .params = kRef});
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.error().code, "not_found");
}

TEST_P(NotificationWorkerTest, DefaultIsEmailThenSmsThenNothing) {
  const std::string both = AddMember("ana@example.com", "+15125550100");
  const std::string phone_only = AddMember("", "+15125550101");
  const std::string neither = AddMember("", "");
  for (const std::string& m : {both, phone_only, neither}) {
    ASSERT_TRUE(Queue({.member_id = m, .template_id = "refill_confirmed", .params = kRef}).ok());
  }
  const auto rows = Outbox();
  ASSERT_EQ(rows.size(), 2u) << "a member with no address gets nothing";
  EXPECT_EQ(rows[0].member_id, both);
  EXPECT_EQ(rows[0].channel, NotificationChannel::kEmail);
  EXPECT_EQ(rows[0].language, NotificationLanguage::kEnglish);
  EXPECT_EQ(rows[1].member_id, phone_only);
  EXPECT_EQ(rows[1].channel, NotificationChannel::kSms);
  EXPECT_EQ(rows[0].status, OutboxStatus::kQueued);
  EXPECT_EQ(rows[0].attempts, 0);
  EXPECT_EQ(rows[0].next_attempt_at, "") << "due at once";
}

TEST_P(NotificationWorkerTest, MemberWhoChoseNoneGetsNothing) {
  const std::string m = AddMember("ana@example.com", "+15125550100");
  Prefer(m, NotificationChannel::kNone, NotificationLanguage::kEnglish);
  ASSERT_TRUE(Queue({.member_id = m, .template_id = "refill_confirmed", .params = kRef}).ok());
  EXPECT_TRUE(Outbox().empty());
}

TEST_P(NotificationWorkerTest, QueuingIsPartOfTheCallersTransaction) {
  const std::string m = AddMember("ana@example.com", "");
  const Status s = store_->Write([&](WriteContext& w) -> Status {
    RXD_TRY(QueueNotification(w.conn, {.member_id = m, .template_id = "ticket_opened", .params = kRef}));
    return MakeError("conflict", "the caller's change failed after queuing");
  });
  ASSERT_FALSE(s.ok());
  EXPECT_TRUE(Outbox().empty()) << "rolled back with the change it told of";
}

TEST_P(NotificationWorkerTest, QueuingRingsTheDoorbell) {
  const std::string m = AddMember("ana@example.com", "");
  const std::uint64_t before = OutboxDoorbellRings();
  ASSERT_TRUE(Queue({.member_id = m, .template_id = "ticket_opened", .params = kRef}).ok());
  EXPECT_GT(OutboxDoorbellRings(), before);
}

// ---------------------------------------------------------------- sending

TEST_P(NotificationWorkerTest, SendsInTheMembersLanguageAndAuditsTheAddressRead) {
  const std::string m = AddMember("ana@example.com", "+15125550100");
  Prefer(m, NotificationChannel::kEmail, NotificationLanguage::kSpanish);
  ASSERT_TRUE(Queue({.member_id = m, .template_id = "refill_confirmed", .params = kRef}).ok());
  auto worker = Worker();
  const NotificationRoundReport r = Round(*worker);
  EXPECT_EQ(r.claimed, 1);
  EXPECT_EQ(r.sent, 1);
  ASSERT_EQ(email_.sent.size(), 1u);
  EXPECT_EQ(email_.sent[0].to, "ana@example.com");
  EXPECT_EQ(email_.sent[0].subject, "Recibimos su solicitud de resurtido RX-261123-4F7KQ2-8");
  const auto rows = Outbox();
  EXPECT_EQ(rows[0].status, OutboxStatus::kSent);
  EXPECT_EQ(rows[0].attempts, 1);
  EXPECT_EQ(email_.sent[0].message_id, "<" + rows[0].id + "@rxdesk>");
  const Rows audit = Query(
      "SELECT actor_id, action, record_type, record_id, member_id, outcome FROM audit_log "
      "WHERE action = 'notification.address_read'");
  ASSERT_EQ(audit.size(), 1u);
  EXPECT_EQ(audit[0].Text(0), "system");
  EXPECT_EQ(audit[0].Text(2), "notification");
  EXPECT_EQ(audit[0].Text(3), rows[0].id);
  EXPECT_EQ(audit[0].Text(4), m);
  EXPECT_EQ(audit[0].Text(5), "ok");
  EXPECT_EQ(Round(*worker).claimed, 0) << "sent once";
}

TEST_P(NotificationWorkerTest, SmsGoesToThePhoneWithTheShortText) {
  const std::string m = AddMember("", "+15125550100");
  ASSERT_TRUE(Queue({.member_id = m, .template_id = "message_reply", .params = kRef}).ok());
  auto worker = Worker();
  EXPECT_EQ(Round(*worker).sent, 1);
  ASSERT_EQ(sms_.sent.size(), 1u);
  EXPECT_EQ(sms_.sent[0].to, "+15125550100");
  EXPECT_EQ(sms_.sent[0].text, "You have a reply to secure message RX-261123-4F7KQ2-8. Sign in to read it.");
  EXPECT_EQ(sms_.sent[0].id, Outbox()[0].id);
}

TEST_P(NotificationWorkerTest, RetriesWithDoublingBackoffAndSucceedsOnTheThirdAttempt) {
  const std::string m = AddMember("ana@example.com", "");
  ASSERT_TRUE(Queue({.member_id = m, .template_id = "refill_confirmed", .params = kRef}).ok());
  email_.script = {kTemporary, kTemporary};
  auto worker = Worker();
  const Instant t0 = clock_.Now();
  EXPECT_EQ(Round(*worker).retried, 1);
  EXPECT_EQ(Outbox()[0].next_attempt_at, FormatInstant(t0 + seconds(30)));
  EXPECT_EQ(Outbox()[0].last_error, kTemporary.error);
  clock_.Advance(seconds(29));
  EXPECT_EQ(Round(*worker).claimed, 0) << "one second before the retry is due";
  clock_.Advance(seconds(1));
  EXPECT_EQ(Round(*worker).retried, 1) << "due exactly at next_attempt_at";
  EXPECT_EQ(Outbox()[0].next_attempt_at, FormatInstant(t0 + seconds(30 + 60)));
  clock_.Advance(seconds(59));
  EXPECT_EQ(Round(*worker).claimed, 0);
  clock_.Advance(seconds(1));
  EXPECT_EQ(Round(*worker).sent, 1);
  const OutboxRow row = Outbox()[0];
  EXPECT_EQ(row.status, OutboxStatus::kSent);
  EXPECT_EQ(row.attempts, 3);
  EXPECT_EQ(email_.sent.size(), 3u);
}

TEST_P(NotificationWorkerTest, MarkedFailedAfterTheLastAttemptWithNoAddressInTheError) {
  const std::string m = AddMember("ana@example.com", "");
  ASSERT_TRUE(Queue({.member_id = m, .template_id = "refill_confirmed", .params = kRef}).ok());
  email_.script = {kTemporary, kTemporary, kTemporary, kTemporary};
  auto worker = Worker({.base_delay = seconds(1), .max_delay = seconds(1), .max_attempts = 3});
  for (int i = 0; i < 3; ++i) {
    Round(*worker);
    clock_.Advance(seconds(1));
  }
  const OutboxRow row = Outbox()[0];
  EXPECT_EQ(row.status, OutboxStatus::kFailed);
  EXPECT_EQ(row.attempts, 3);
  EXPECT_EQ(row.last_error.find("ana@"), std::string::npos);
  EXPECT_EQ(Round(*worker).claimed, 0) << "a failed row is never claimed again";
  EXPECT_EQ(email_.sent.size(), 3u);
}

TEST_P(NotificationWorkerTest, APermanentRefusalFailsAtOnce) {
  const std::string m = AddMember("ana@example.com", "");
  ASSERT_TRUE(Queue({.member_id = m, .template_id = "refill_confirmed", .params = kRef}).ok());
  email_.script = {{.ok = false, .permanent = true, .error = "smtp: Failed sending data (reply 550)"}};
  auto worker = Worker();
  EXPECT_EQ(Round(*worker).failed, 1);
  EXPECT_EQ(Outbox()[0].status, OutboxStatus::kFailed);
}

TEST_P(NotificationWorkerTest, AChannelWithNoSenderFailsItsRowsWithoutReadingTheAddress) {
  const std::string m = AddMember("", "+15125550100");
  ASSERT_TRUE(Queue({.member_id = m, .template_id = "refill_confirmed", .params = kRef}).ok());
  NotificationWorker worker(*store_, *vault_, clock_, {.unit_random = [] { return 0.0; }}, &email_, nullptr, "n");
  EXPECT_EQ(Round(worker).failed, 1);
  EXPECT_EQ(Outbox()[0].last_error, "sms_off");
  EXPECT_TRUE(Query("SELECT 1 FROM audit_log WHERE action = 'notification.address_read'").empty());
}

TEST_P(NotificationWorkerTest, AnAddressRemovedAfterQueuingFailsForGood) {
  const std::string m = AddMember("ana@example.com", "");
  ASSERT_TRUE(Queue({.member_id = m, .template_id = "refill_confirmed", .params = kRef}).ok());
  ASSERT_TRUE(store_
                  ->Write([&](WriteContext& w) -> Status {
                    RXD_TRY(w.conn.Exec("UPDATE members SET email_enc = NULL WHERE id = ?", {Value(m)}));
                    return OkStatus();
                  })
                  .ok());
  auto worker = Worker();
  EXPECT_EQ(Round(*worker).failed, 1);
  EXPECT_EQ(Outbox()[0].last_error, "no_email_on_file");
  EXPECT_TRUE(email_.sent.empty());
}

// ---------------------------------------------------------------- leases

TEST_P(NotificationWorkerTest, ALiveLeaseKeepsOtherHoldersOffAndAnExpiredOneLetsThemIn) {
  const std::string m = AddMember("ana@example.com", "");
  ASSERT_TRUE(Queue({.member_id = m, .template_id = "refill_confirmed", .params = kRef}).ok());
  const auto claim = [&](const std::string& holder) {
    auto rows = ClaimDueNotifications(*Connect(), holder, clock_.Now(), seconds(300), 10);
    EXPECT_TRUE(rows.ok());
    return rows.ok() ? *rows : std::vector<OutboxRow>{};
  };
  ASSERT_EQ(claim("node-a").size(), 1u);  // node-a crashes here, before sending
  clock_.Advance(seconds(299));
  EXPECT_TRUE(claim("node-b").empty()) << "a second before the lease ends";
  clock_.Advance(seconds(1));
  const auto taken = claim("node-b");
  ASSERT_EQ(taken.size(), 1u) << "at the lease's end";
  EXPECT_EQ(taken[0].attempts, 2) << "the crashed claim counts as an attempt";
  auto conn = Connect();
  auto lost = MarkNotificationSent(*conn, taken[0].id, "node-a", clock_.Now());
  ASSERT_TRUE(lost.ok());
  EXPECT_FALSE(*lost) << "node-a's lease is gone";
  auto mine = MarkNotificationSent(*conn, taken[0].id, "node-b", clock_.Now());
  ASSERT_TRUE(mine.ok());
  EXPECT_TRUE(*mine);
}

TEST_P(NotificationWorkerTest, LeasesOfAHolderKnownToBeGoneAreReleasedAndOthersAreKept) {
  const std::string m = AddMember("ana@example.com", "");
  ASSERT_TRUE(Queue({.member_id = m, .template_id = "refill_confirmed", .params = kRef}).ok());
  ASSERT_TRUE(Queue({.member_id = m, .template_id = "refill_confirmed", .params = kRef}).ok());
  auto conn = Connect();
  auto crashed = ClaimDueNotifications(*conn, "host:101", clock_.Now(), seconds(300), 1);
  ASSERT_TRUE(crashed.ok());
  ASSERT_EQ(crashed->size(), 1u);
  auto alive = ClaimDueNotifications(*conn, "host:202", clock_.Now(), seconds(300), 1);
  ASSERT_TRUE(alive.ok());
  ASSERT_EQ(alive->size(), 1u);
  const auto gone = [](const std::string& holder) { return holder == "host:101"; };
  auto released = ReleaseLeasesOfGoneHolders(*conn, gone, clock_.Now());
  ASSERT_TRUE(released.ok()) << released.error().message;
  EXPECT_EQ(*released, 1);
  // The gone holder's row is claimable at once, long before its lease would end;
  // the live holder's row is not.
  auto next = ClaimDueNotifications(*conn, "host:303", clock_.Now(), seconds(300), 10);
  ASSERT_TRUE(next.ok());
  ASSERT_EQ(next->size(), 1u);
  EXPECT_EQ((*next)[0].id, (*crashed)[0].id);
  auto again = ReleaseLeasesOfGoneHolders(*conn, gone, clock_.Now());
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(*again, 0) << "nothing left of the gone holder";
}

TEST_P(NotificationWorkerTest, TwoClaimersInOpenTransactionsNeverTakeTheSameRow) {
  if (GetParam() != Dialect::kPostgres) GTEST_SKIP() << "SQLite has one writer at a time: nothing to race";
  const std::string m = AddMember("ana@example.com", "");
  for (int i = 0; i < 5; ++i) {
    ASSERT_TRUE(Queue({.member_id = m, .template_id = "refill_confirmed", .params = kRef}).ok());
  }
  auto a = Connect();
  auto b = Connect();
  ASSERT_TRUE(a->Begin().ok());
  ASSERT_TRUE(b->Begin().ok());
  auto first = ClaimDueNotifications(*a, "node-a", clock_.Now(), seconds(300), 3);
  ASSERT_TRUE(first.ok());
  // node-a has not committed: node-b skips its locked rows instead of waiting.
  auto second = ClaimDueNotifications(*b, "node-b", clock_.Now(), seconds(300), 10);
  ASSERT_TRUE(second.ok());
  ASSERT_TRUE(a->Commit().ok());
  ASSERT_TRUE(b->Commit().ok());
  EXPECT_EQ(first->size(), 3u);
  EXPECT_EQ(second->size(), 2u);
  std::set<std::string> ids;
  for (const auto& r : *first) ids.insert(r.id);
  for (const auto& r : *second) ids.insert(r.id);
  EXPECT_EQ(ids.size(), 5u);
}

TEST_P(NotificationWorkerTest, TheRunningWorkerSendsWhatIsQueuedWithoutBeingAsked) {
  const std::string m = AddMember("ana@example.com", "");
  auto worker = Worker();
  worker->Start();
  ASSERT_TRUE(Queue({.member_id = m, .template_id = "ticket_opened", .params = kRef}).ok());
  for (int i = 0; i < 500 && Outbox()[0].status != OutboxStatus::kSent; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  worker->Stop();
  EXPECT_EQ(Outbox()[0].status, OutboxStatus::kSent);
}

}  // namespace
}  // namespace rxdesk

namespace rxdesk {
namespace {

TEST(NotificationConfigTest, EmailNeedsAnSmtpUrlAndASenderAndUrlsTheirSchemes) {
  EXPECT_TRUE(ValidateNotificationConfig({}).ok()) << "everything off is valid";
  NotificationConfig c;
  c.smtp_url = "smtp://127.0.0.1:2525";
  EXPECT_EQ(ValidateNotificationConfig(c).error().field, "notifications.from");
  c.from = "care@example.com";
  EXPECT_TRUE(ValidateNotificationConfig(c).ok());
  c.smtp_url = "http://mail.example.com";
  EXPECT_EQ(ValidateNotificationConfig(c).error().field, "notifications.smtp_url");
  c = {};
  c.smtp_tls = "maybe";
  EXPECT_EQ(ValidateNotificationConfig(c).error().field, "notifications.smtp_tls");
  c = {};
  c.sms_gateway_url = "ftp://sms.example.com";
  EXPECT_EQ(ValidateNotificationConfig(c).error().field, "notifications.sms_gateway_url");
  c = {};
  c.retry_base_delay_s = 60;
  c.retry_max_delay_s = 59;
  EXPECT_EQ(ValidateNotificationConfig(c).error().code, "config_invalid");
}

TEST(NotificationConfigTest, TheLeaseOutlastsAWholeBatchAtItsTimeout) {
  const NotificationWorkerOptions o = WorkerOptionsFrom({});
  EXPECT_EQ(o.lease, std::chrono::seconds(310));  // 10 × (20 + 5) + 60
  EXPECT_EQ(o.retry.base_delay, std::chrono::seconds(30));
  EXPECT_EQ(o.retry.max_attempts, 8);
  EXPECT_EQ(EmailSenderFrom({}), nullptr);
  EXPECT_EQ(SmsGatewayFrom({}), nullptr);
}

}  // namespace
}  // namespace rxdesk
