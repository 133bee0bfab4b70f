// The contact desk's services on a real migrated store (SQLite, and PostgreSQL
// where its binaries are installed) with a manual clock: first-contact
// resolution at the edges of its 7-day window, the secure-message SLA at the
// edges of 24 and 48 hours, and CSAT surveys (one answer, expiry).
#include <date/tz.h>
#include <gtest/gtest.h>

#include "infra/crypto.h"
#include "infra/ids.h"
#include "services/message_service.h"
#include "services/survey_service.h"
#include "store/audit_log.h"
#include "tests/support/service_env.h"

namespace rxdesk {
namespace {

using std::chrono::hours;
using std::chrono::minutes;
using std::chrono::seconds;
using testing::TestPostgres;

Instant At(const char* text) { return *ParseInstant(text); }

class DeskServicesTest : public ::testing::TestWithParam<Dialect>, protected testing::ServiceEnv {
 protected:
  DeskServicesTest() : ServiceEnv(At("2026-11-02T15:00:00Z")) {}

  void SetUp() override {
    if (GetParam() == Dialect::kPostgres && !TestPostgres::Available()) GTEST_SKIP() << TestPostgres::NotFoundMessage();
    ASSERT_TRUE(OpenServiceEnv(GetParam(), "desk"));
    contacts_ = std::make_unique<ContactService>(*store_, *members_, clock_, zone_, VerificationPolicy{});
    messages_ = std::make_unique<MessageService>(*store_, *vault_, clock_, zone_, *contacts_, MessagePolicy{});
    surveys_ = std::make_unique<SurveyService>(*store_, *vault_, clock_, SurveyPolicy{}, "https://portal.test/s/");
    contacts_->OnClosed([this](Connection& tx, const Contact& c, Instant now) {
      return surveys_->OnContactClosed(tx, c, now, &last_token_);
    });
    agent_ = AddUser("agent", "");
    pharmacist_ = AddUser("pharmacist", "");
    supervisor_ = AddUser("supervisor", "");
    member_a_ = AddSealedMember(/*with_email=*/false);
    member_b_ = AddSealedMember(/*with_email=*/false);
    member_user_ = AddUser("member", member_a_);
  }

  // A call with `member` verified, opened at the clock's now.
  std::string VerifiedCall(const std::string& member) {
    auto c = contacts_->Open(CallerFor(agent_, Role::kAgent), "call", std::nullopt, nullptr);
    EXPECT_TRUE(c.ok());
    const Status s = store_->Write([&](WriteContext& w) -> Status {
      RXD_TRY(w.conn.Exec("UPDATE contacts SET member_id = ?, verification = 'verified' WHERE id = ?",
                          {Value(member), Value(c->id)}));
      return OkStatus();
    });
    EXPECT_TRUE(s.ok());
    return c->id;
  }

  void CloseAs(const std::string& id, Disposition d, Issue issue) {
    auto closed = contacts_->Close(CallerFor(agent_, Role::kAgent), id, {.disposition = d, .issue = issue});
    ASSERT_TRUE(closed.ok()) << closed.error().code;
  }

  // (resolved, fcr) as stored, NULL as -1.
  std::pair<int, int> Stored(const std::string& id) {
    auto rows = store_->Read(
        [&](Connection& c) { return c.Query("SELECT resolved, fcr FROM contacts WHERE id = ?", {Value(id)}); });
    EXPECT_TRUE(rows.ok() && rows->size() == 1);
    const Row& r = rows->at(0);
    return {r.IsNull(0) ? -1 : static_cast<int>(r.Int(0)), r.IsNull(1) ? -1 : static_cast<int>(r.Int(1))};
  }

  // A resolved refill contact closed at 2026-11-02T15:00:00Z, then a second
  // contact opened `gap` later by `member` on `issue` and closed; returns the first.
  std::string RepeatAfter(seconds gap, const std::string& member, Issue issue) {
    clock_.Set(At("2026-11-02T14:50:00Z"));
    const std::string first = VerifiedCall(member_a_);
    clock_.Set(At("2026-11-02T15:00:00Z"));
    CloseAs(first, Disposition::kResolved, Issue::kRefill);
    clock_.Set(At("2026-11-02T15:00:00Z") + gap);
    const std::string second = VerifiedCall(member);
    clock_.Advance(minutes{5});
    CloseAs(second, Disposition::kResolved, issue);
    return first;
  }

  std::unique_ptr<ContactService> contacts_;
  std::unique_ptr<MessageService> messages_;
  std::unique_ptr<SurveyService> surveys_;
  std::string last_token_;
  std::string agent_, pharmacist_, supervisor_, member_a_, member_b_, member_user_;
};

// ---- first-contact resolution ----

TEST_P(DeskServicesTest, AResolvedContactKeepsItsFcrUntilARepeatComes) {
  clock_.Set(At("2026-11-02T14:50:00Z"));
  const std::string id = VerifiedCall(member_a_);
  EXPECT_EQ(Stored(id), std::make_pair(-1, -1));  // open: unknown
  clock_.Set(At("2026-11-02T15:00:00Z"));
  CloseAs(id, Disposition::kResolved, Issue::kRefill);
  EXPECT_EQ(Stored(id), std::make_pair(1, -1));
}

TEST_P(DeskServicesTest, ARepeatOnTheSameIssueSixDaysTwentyThreeHoursFiftyNineMinutesLaterMarksTheFirstNotFcr) {
  const std::string first = RepeatAfter(std::chrono::days{6} + hours{23} + minutes{59}, member_a_, Issue::kRefill);
  EXPECT_EQ(Stored(first), std::make_pair(1, 0));
}

TEST_P(DeskServicesTest, ARepeatAtExactlySevenDaysLeavesTheFirstResolvedAtFirstContact) {
  const std::string first = RepeatAfter(std::chrono::days{7}, member_a_, Issue::kRefill);
  EXPECT_EQ(Stored(first), std::make_pair(1, -1));
}

TEST_P(DeskServicesTest, ARepeatSevenDaysAndOneSecondLaterLeavesTheFirstResolvedAtFirstContact) {
  const std::string first = RepeatAfter(std::chrono::days{7} + seconds{1}, member_a_, Issue::kRefill);
  EXPECT_EQ(Stored(first), std::make_pair(1, -1));
}

TEST_P(DeskServicesTest, AContactOnAnotherIssueIsNoRepeat) {
  const std::string first = RepeatAfter(hours{1}, member_a_, Issue::kBilling);
  EXPECT_EQ(Stored(first), std::make_pair(1, -1));
}

TEST_P(DeskServicesTest, AnotherMembersContactOnTheSameIssueIsNoRepeat) {
  const std::string first = RepeatAfter(hours{1}, member_b_, Issue::kRefill);
  EXPECT_EQ(Stored(first), std::make_pair(1, -1));
}

TEST_P(DeskServicesTest, AnUnresolvedContactIsNotCountedAndARepeatLeavesItAlone) {
  clock_.Set(At("2026-11-02T15:00:00Z"));
  const std::string first = VerifiedCall(member_a_);
  CloseAs(first, Disposition::kUnresolved, Issue::kRefill);
  clock_.Advance(hours{2});
  const std::string second = VerifiedCall(member_a_);
  CloseAs(second, Disposition::kResolved, Issue::kRefill);
  EXPECT_EQ(Stored(first), std::make_pair(0, -1));
  EXPECT_EQ(Stored(second), std::make_pair(1, -1));
}

TEST_P(DeskServicesTest, AContactClosedWithoutADispositionStaysUndocumented) {
  const std::string id = VerifiedCall(member_a_);
  auto closed = contacts_->Close(CallerFor(agent_, Role::kAgent), id);
  ASSERT_TRUE(closed.ok());
  EXPECT_EQ(Stored(id), std::make_pair(-1, -1));
  EXPECT_EQ(closed->disposition, "");
}

TEST_P(DeskServicesTest, ADispositionWithoutAnIssueIsRefused) {
  const std::string id = VerifiedCall(member_a_);
  auto r = contacts_->Close(CallerFor(agent_, Role::kAgent), id, {.disposition = Disposition::kResolved});
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().field, "issue");
}

// ---- secure-message SLA ----

MessageSlaReport SlaAt(MessageService& messages, const Caller& who) {
  auto report = messages.Sla(who, 50);
  EXPECT_TRUE(report.ok()) << report.error().code;
  return report.ok() ? *report : MessageSlaReport{};
}

TEST_P(DeskServicesTest, AMessageBreachesItsSlaOnAManualClock) {
  const Instant sent = At("2026-11-02T09:30:00Z");
  clock_.Set(sent);
  auto thread = messages_->Start(CallerFor(member_user_, Role::kMember, member_a_), "Refill question",
                                 "Can I get my refill early?", nullptr);
  ASSERT_TRUE(thread.ok()) << thread.error().code;
  const Caller supervisor = CallerFor(supervisor_, Role::kSupervisor);
  struct Step {
    seconds after;
    int warnings, breaches;
  };
  for (const Step& s : {Step{hours{23} + minutes{59} + seconds{59}, 0, 0}, Step{hours{24}, 1, 0},
                        Step{hours{47} + minutes{59} + seconds{59}, 1, 0}, Step{hours{48}, 0, 1}}) {
    clock_.Set(sent + s.after);
    const MessageSlaReport report = SlaAt(*messages_, supervisor);
    EXPECT_EQ(report.warnings, s.warnings) << s.after.count();
    EXPECT_EQ(report.breaches, s.breaches) << s.after.count();
    ASSERT_EQ(report.items.size(), static_cast<std::size_t>(s.warnings + s.breaches));
    if (!report.items.empty()) {
      EXPECT_EQ(report.items[0].thread_id, thread->id);
      EXPECT_EQ(report.items[0].sla.age, s.after);
    }
  }
}

TEST_P(DeskServicesTest, APharmacistReplyStopsTheSlaAndTheNextMemberMessageStartsItAgain) {
  const Instant sent = At("2026-11-02T09:30:00Z");
  clock_.Set(sent);
  const Caller member = CallerFor(member_user_, Role::kMember, member_a_);
  auto thread = messages_->Start(member, "Question", "First", nullptr);
  ASSERT_TRUE(thread.ok());
  clock_.Set(sent + hours{30});
  ASSERT_TRUE(messages_->Reply(CallerFor(pharmacist_, Role::kPharmacist), thread->id, "Answer", nullptr).ok());
  clock_.Set(sent + hours{100});
  EXPECT_TRUE(SlaAt(*messages_, CallerFor(pharmacist_, Role::kPharmacist)).items.empty());
  ASSERT_TRUE(messages_->Reply(member, thread->id, "Follow-up", nullptr).ok());
  clock_.Set(sent + hours{100} + hours{24});
  EXPECT_EQ(SlaAt(*messages_, CallerFor(pharmacist_, Role::kPharmacist)).warnings, 1);
}

TEST_P(DeskServicesTest, ASecondMemberMessageDoesNotRestartTheSlaClock) {
  const Instant sent = At("2026-11-02T09:30:00Z");
  clock_.Set(sent);
  const Caller member = CallerFor(member_user_, Role::kMember, member_a_);
  auto thread = messages_->Start(member, "Question", "First", nullptr);
  ASSERT_TRUE(thread.ok());
  clock_.Set(sent + hours{47});
  ASSERT_TRUE(messages_->Reply(member, thread->id, "Anyone there?", nullptr).ok());
  clock_.Set(sent + hours{48});
  EXPECT_EQ(SlaAt(*messages_, CallerFor(supervisor_, Role::kSupervisor)).breaches, 1);
}

// ---- CSAT ----

TEST_P(DeskServicesTest, AClosedVerifiedContactGetsOneSurveyThatTakesOneAnswer) {
  const std::string id = VerifiedCall(member_a_);
  CloseAs(id, Disposition::kResolved, Issue::kRefill);
  ASSERT_FALSE(last_token_.empty());
  const Caller anonymous;
  EXPECT_TRUE(surveys_->Answer(anonymous, last_token_, 5, std::string("kind")).ok());
  const Status again = surveys_->Answer(anonymous, last_token_, 4, std::nullopt);
  ASSERT_FALSE(again.ok());
  EXPECT_EQ(again.error().code, "conflict");
  auto survey = surveys_->ForContact(id);
  ASSERT_TRUE(survey.ok());
  EXPECT_EQ(survey->score, 5);
  EXPECT_EQ(survey->answered_by, "link");
}

TEST_P(DeskServicesTest, ASurveyTakesAnswersUntilTheSecondItExpires) {
  const Instant closed = clock_.Now();
  const std::string id = VerifiedCall(member_a_);
  CloseAs(id, Disposition::kResolved, Issue::kShipping);
  const std::string token = last_token_;
  clock_.Set(closed + std::chrono::days{14});
  const Status expired = surveys_->Answer(Caller{}, token, 3, std::nullopt);
  ASSERT_FALSE(expired.ok());
  EXPECT_EQ(expired.error().code, "survey_expired");
  clock_.Set(closed + std::chrono::days{14} - seconds{1});
  EXPECT_TRUE(surveys_->Answer(Caller{}, token, 3, std::nullopt).ok());
}

TEST_P(DeskServicesTest, AnUnverifiedContactGetsNoSurveyAndRecordCsatFindsNone) {
  auto c = contacts_->Open(CallerFor(agent_, Role::kAgent), "call", std::nullopt, nullptr);
  ASSERT_TRUE(c.ok());
  last_token_.clear();
  CloseAs(c->id, Disposition::kNoAction, Issue::kOther);
  EXPECT_TRUE(last_token_.empty());
  const Status s = surveys_->RecordCsat(c->id, 4, "ivr", Caller{});
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.error().code, "not_found");
}

TEST_P(DeskServicesTest, TheIvrRecordsAScoreInTheChannel) {
  const std::string id = VerifiedCall(member_a_);
  CloseAs(id, Disposition::kResolved, Issue::kBilling);
  EXPECT_FALSE(surveys_->RecordCsat(id, 6, "ivr", Caller{}).ok());
  EXPECT_FALSE(surveys_->RecordCsat(id, 4, "fax", Caller{}).ok());
  ASSERT_TRUE(surveys_->RecordCsat(id, 4, "ivr", Caller{}).ok());
  EXPECT_EQ(surveys_->ForContact(id)->answered_by, "ivr");
  EXPECT_EQ(surveys_->Answer(Caller{}, last_token_, 5, std::nullopt).error().code, "conflict");
}

INSTANTIATE_TEST_SUITE_P(Stores, DeskServicesTest, ::testing::Values(Dialect::kSqlite, Dialect::kPostgres),
                         [](const auto& p) { return p.param == Dialect::kSqlite ? "Sqlite" : "Postgres"; });

}  // namespace
}  // namespace rxdesk
