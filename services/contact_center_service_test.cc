// The contact center on a real migrated store (SQLite, and PostgreSQL where its
// binaries are installed) with a manual clock: routing by skill and language,
// listeners, refusals, wrap-up and break, the restart rebuild, and KPIs over a
// scripted morning.
#include "services/contact_center_service.h"

#include <date/tz.h>
#include <gtest/gtest.h>

#include "domain/clock.h"
#include "services/contact_gate.h"
#include "tests/support/postgres_schema.h"
#include "tests/support/postgres_server.h"
#include "tests/support/server_process.h"

namespace rxdesk {
namespace {

using std::chrono::seconds;
using testing::TempDir;
using testing::TestPostgres;
using testing::TestStoreOptions;

const Instant kStart = *ParseInstant("2026-03-10T15:00:00Z");  // 10:00 CDT

Caller As(const std::string& user, Role role) {
  Caller c;
  c.principal.user_id = user;
  c.principal.username = user;
  c.principal.role = role;
  return c;
}

class ContactCenterTest : public ::testing::TestWithParam<Dialect> {
 protected:
  void SetUp() override {
    if (GetParam() == Dialect::kPostgres && !TestPostgres::Available()) GTEST_SKIP() << TestPostgres::NotFoundMessage();
    auto store = Store::Open(TestStoreOptions(GetParam(), dir_.path(), "cc"));
    ASSERT_TRUE(store.ok()) << store.error().message;
    store_ = std::move(*store);
    for (const auto& [id, role] : std::vector<std::pair<std::string, std::string>>{
             {"ana", "agent"}, {"ben", "agent"}, {"cal", "agent"}, {"phil", "pharmacist"}, {"sue", "supervisor"}}) {
      const Status s = store_->Write([&](WriteContext& w) -> Status {
        RXD_TRY(
            w.conn.Exec("INSERT INTO users(id, username, role, password_hash, created_at) VALUES (?, ?, ?, 'x', "
                        "'2026-01-01T00:00:00Z')",
                        {Value(id), Value(id), Value(role)}));
        return OkStatus();
      });
      ASSERT_TRUE(s.ok()) << s.error().message;
    }
    Start();
  }

  void Start() {
    cc_.reset();
    assigned_.clear();
    auto cc = ContactCenterService::Create(*store_, clock_, zone_, config_, {.timer = false});
    ASSERT_TRUE(cc.ok()) << cc.error().message;
    cc_ = std::move(*cc);
    cc_->OnAssigned([this](const AssignedContact& a) { assigned_.push_back(a); });
  }

  void Profile(const std::string& user, std::vector<std::pair<std::string, int>> skills,
               std::vector<Language> languages = {Language::kEnglish}) {
    auto v = cc_->UpdateAgent(As("sue", Role::kSupervisor), user, {std::move(skills), std::move(languages), {}});
    ASSERT_TRUE(v.ok()) << v.error().message;
  }

  AgentView State(const std::string& user, Presence p, const std::string& reason = "") {
    auto v = cc_->SetMyState(As(user, Role::kAgent), p, reason);
    EXPECT_TRUE(v.ok()) << v.error().message;
    return v.ok() ? *v : AgentView{};
  }

  Arrived Call(const std::string& queue, Language lang = Language::kEnglish, bool callback = false) {
    auto a = cc_->Arrive({.channel = "call", .queue = queue, .language = lang, .callback = callback});
    EXPECT_TRUE(a.ok()) << a.error().message;
    return a.ok() ? *a : Arrived{};
  }

  AgentView Me(const std::string& user) {
    auto v = cc_->Me(As(user, Role::kAgent));
    EXPECT_TRUE(v.ok());
    return v.ok() ? *v : AgentView{};
  }

  TempDir dir_;
  std::unique_ptr<Store> store_;
  ManualClock clock_{kStart};
  Zone zone_{date::locate_zone("America/Chicago")};
  ContactCenterConfig config_;
  std::unique_ptr<ContactCenterService> cc_;
  std::vector<AssignedContact> assigned_;
};

TEST_P(ContactCenterTest, AWaitingCallGoesToTheAgentWhoBecomesAvailableAndTheListenerHearsOnce) {
  const Arrived a = Call("refills_delivery");
  EXPECT_EQ(a.position, 1);
  EXPECT_GT(a.expected_wait.count(), 0);
  EXPECT_TRUE(a.contact.agent_id.empty());
  EXPECT_FALSE(a.contact.reference.empty());
  EXPECT_TRUE(assigned_.empty());
  clock_.Advance(seconds{5});
  const AgentView v = State("ana", Presence::kAvailable, "login");
  EXPECT_EQ(v.state, AgentState::kBusy);
  ASSERT_EQ(assigned_.size(), 1u);
  EXPECT_EQ(assigned_[0].contact_id, a.contact.id);
  EXPECT_EQ(assigned_[0].agent_user_id, "ana");
  EXPECT_EQ(assigned_[0].queue, "refills_delivery");
  EXPECT_EQ(assigned_[0].channel, "call");
  auto where = cc_->Where(a.contact.id);
  ASSERT_TRUE(where.ok());
  EXPECT_EQ(where->position, 0);
  EXPECT_EQ(where->contact.agent_id, "ana");  // the holder, who then verifies the caller
}

TEST_P(ContactCenterTest, ASpanishCallbackGoesToTheSpanishSpeakerNotTheEnglishOnlyAgent) {
  Profile("ana", {{"refills", 3}});
  Profile("ben", {{"refills", 2}}, {Language::kEnglish, Language::kSpanish});
  State("ana", Presence::kAvailable);
  const Arrived a = Call("refills_delivery", Language::kSpanish, true);
  EXPECT_EQ(a.position, 1);
  EXPECT_TRUE(assigned_.empty());
  State("ben", Presence::kAvailable);
  ASSERT_EQ(assigned_.size(), 1u);
  EXPECT_EQ(assigned_[0].agent_user_id, "ben");
}

TEST_P(ContactCenterTest, AnUnknownQueueOrChannelIsRefusedByField) {
  auto a = cc_->Arrive({.channel = "call", .queue = "nope"});
  ASSERT_FALSE(a.ok());
  EXPECT_EQ(a.error().field, "queue");
  a = cc_->Arrive({.channel = "fax", .queue = "refills_delivery"});
  ASSERT_FALSE(a.ok());
  EXPECT_EQ(a.error().field, "channel");
}

TEST_P(ContactCenterTest, AbandonAndFinishRefuseWhatDoesNotApply) {
  EXPECT_EQ(cc_->Abandon("01UNKNOWN").error().code, "not_found");
  EXPECT_EQ(cc_->Finish("01UNKNOWN").error().code, "not_found");
  const Arrived waiting = Call("billing_insurance");
  EXPECT_EQ(cc_->Finish(waiting.contact.id).error().code, "conflict");
  State("ana", Presence::kAvailable);
  ASSERT_EQ(assigned_.size(), 1u);
  EXPECT_EQ(cc_->Abandon(waiting.contact.id).error().code, "conflict");
  // Only the holder finishes it through the API.
  EXPECT_EQ(cc_->Finish(As("ben", Role::kAgent), waiting.contact.id).error().code, "not_found");
  EXPECT_TRUE(cc_->Finish(As("ana", Role::kAgent), waiting.contact.id).ok());
  EXPECT_EQ(cc_->Finish(waiting.contact.id).error().code, "conflict");
  const Arrived gone = Call("billing_insurance");
  EXPECT_TRUE(cc_->Abandon(gone.contact.id).ok());
  EXPECT_EQ(cc_->Abandon(gone.contact.id).error().code, "conflict");
  auto closed = store_->Read([&](Connection& c) { return LoadContact(c, gone.contact.id); });
  ASSERT_TRUE(closed.ok() && closed->has_value());
  EXPECT_FALSE((*closed)->open);
}

TEST_P(ContactCenterTest, BreakAskedWhileBusyTakesEffectAfterTheWrapUp) {
  State("ana", Presence::kAvailable);
  const Arrived a = Call("refills_delivery");
  EXPECT_EQ(State("ana", Presence::kBreak, "lunch").state, AgentState::kBusy);
  clock_.Advance(seconds{60});
  ASSERT_TRUE(cc_->Finish(a.contact.id).ok());
  EXPECT_EQ(Me("ana").state, AgentState::kWrapUp);
  Call("refills_delivery");  // not given to an agent going on break
  EXPECT_EQ(assigned_.size(), 1u);
  clock_.Advance(seconds{29});
  ASSERT_TRUE(cc_->Tick().ok());
  EXPECT_EQ(Me("ana").state, AgentState::kWrapUp);
  clock_.Advance(seconds{1});  // the queue's 30 s of wrap-up are over
  ASSERT_TRUE(cc_->Tick().ok());
  const AgentView v = Me("ana");
  EXPECT_EQ(v.state, AgentState::kBreak);
  EXPECT_EQ(v.reason, "lunch");
  EXPECT_EQ(assigned_.size(), 1u);
}

TEST_P(ContactCenterTest, FinishingTheWrapUpEarlyFreesTheAgentForTheNextCall) {
  State("ana", Presence::kAvailable);
  const Arrived first = Call("refills_delivery");
  const Arrived second = Call("refills_delivery");
  EXPECT_EQ(second.position, 1);
  ASSERT_TRUE(cc_->Finish(first.contact.id).ok());
  EXPECT_EQ(assigned_.size(), 1u);
  auto v = cc_->FinishMyWrapUp(As("ana", Role::kAgent));
  ASSERT_TRUE(v.ok());
  EXPECT_EQ(v->state, AgentState::kBusy);
  ASSERT_EQ(assigned_.size(), 2u);
  EXPECT_EQ(assigned_[1].contact_id, second.contact.id);
}

TEST_P(ContactCenterTest, ARestartKeepsTheLineInOrderTheAgentsStatesAndTheAssignments) {
  Profile("ana", {{"refills", 3}});
  Profile("ben", {{"refills", 3}});
  State("ana", Presence::kAvailable, "login");
  State("ben", Presence::kBreak, "training");
  const Arrived held = Call("refills_delivery");
  clock_.Advance(seconds{1});
  const Arrived second = Call("refills_delivery");
  clock_.Advance(seconds{1});
  const Arrived third = Call("refills_delivery");
  const Arrived tty = [&] {
    auto a = cc_->Arrive({.channel = "call", .queue = "refills_delivery", .tty = true});
    EXPECT_TRUE(a.ok());
    return *a;
  }();
  EXPECT_EQ(tty.position, 1);  // TTY callers go first

  clock_.Advance(seconds{10});
  Start();  // a new process over the same store

  auto pos = [&](const Arrived& a) {
    auto w = cc_->Where(a.contact.id);
    EXPECT_TRUE(w.ok());
    return w.ok() ? w->position : -1;
  };
  EXPECT_EQ(pos(held), 0);
  EXPECT_EQ(pos(tty), 1);
  EXPECT_EQ(pos(second), 2);
  EXPECT_EQ(pos(third), 3);
  const AgentView ana = Me("ana");
  EXPECT_EQ(ana.state, AgentState::kBusy);
  EXPECT_EQ(ana.live_contacts, std::vector<std::string>{held.contact.id});
  const AgentView ben = Me("ben");
  EXPECT_EQ(ben.state, AgentState::kBreak);
  EXPECT_EQ(ben.reason, "training");
  ASSERT_EQ(ben.profile.skills.size(), 1u);
  EXPECT_EQ(ben.profile.skills[0].second, 3);

  State("ben", Presence::kAvailable);
  ASSERT_EQ(assigned_.size(), 1u);
  EXPECT_EQ(assigned_[0].contact_id, tty.contact.id);
  ASSERT_TRUE(cc_->Finish(held.contact.id).ok());
  ASSERT_TRUE(cc_->FinishMyWrapUp(As("ana", Role::kAgent)).ok());
  ASSERT_EQ(assigned_.size(), 2u);
  EXPECT_EQ(assigned_[1].contact_id, second.contact.id);
}

TEST_P(ContactCenterTest, AWrapUpThatEndedWhileTheServerWasDownIsOverAfterTheRestart) {
  State("ana", Presence::kAvailable);
  const Arrived a = Call("refills_delivery");
  ASSERT_TRUE(cc_->Finish(a.contact.id).ok());
  const Arrived next = Call("refills_delivery");
  cc_.reset();
  clock_.Advance(seconds{120});
  Start();
  auto w = cc_->Where(next.contact.id);
  ASSERT_TRUE(w.ok());
  EXPECT_EQ(w->position, 0);
  EXPECT_EQ(w->contact.agent_id, "ana");
  // The restart's own decisions were stored: a second restart does not make them again.
  Start();
  EXPECT_EQ(Me("ana").live_contacts, std::vector<std::string>{next.contact.id});
  auto states = store_->Read([](Connection& c) { return c.Query("SELECT COUNT(*) FROM cc_agent_states"); });
  ASSERT_TRUE(states.ok());
  // available, busy, wrap_up, then at the wrap-up's end (replayed after the restart) available and at once
  // busy with the waiting call: 5 changes, none twice.
  EXPECT_EQ(states->at(0).Int(0), 5);
}

TEST_P(ContactCenterTest, AContactOpenedForSelfServiceHasNoHolderUntilRouted) {
  auto c = cc_->OpenSelfService("call", std::nullopt);
  ASSERT_TRUE(c.ok()) << c.error().message;
  EXPECT_TRUE(c->agent_id.empty());
  Caller agent = As("ana", Role::kAgent);
  agent.contact_id = c->id;
  EXPECT_EQ(CheckContactGate(*store_, agent, "m1").error().code, "verification_required");
  State("ana", Presence::kAvailable);
  auto a = cc_->Arrive({.channel = "call", .queue = "representative", .contact_id = c->id});
  ASSERT_TRUE(a.ok()) << a.error().message;
  EXPECT_EQ(a->contact.reference, c->reference);
  EXPECT_EQ(a->contact.agent_id, "ana");
  EXPECT_EQ(cc_->Arrive({.channel = "call", .queue = "representative", .contact_id = c->id}).error().code, "conflict");
}

TEST_P(ContactCenterTest, ExpectedWaitUsesTheQueuesRecentHandleTime) {
  State("ana", Presence::kAvailable);
  const Arrived a = Call("billing_insurance");
  clock_.Advance(seconds{270});
  ASSERT_TRUE(cc_->Finish(a.contact.id).ok());  // handle 270 + 30 s wrap-up = 300 s
  ASSERT_TRUE(cc_->FinishMyWrapUp(As("ana", Role::kAgent)).ok());
  State("ana", Presence::kBreak);
  const Arrived b = Call("billing_insurance");
  const Arrived c = Call("billing_insurance");
  // Nobody staffed counts as one: 1 × 300 and 2 × 300.
  EXPECT_EQ(b.expected_wait, seconds{300});
  EXPECT_EQ(c.expected_wait, seconds{600});
}

TEST_P(ContactCenterTest, UpdatingABusyAgentIsAConflictAndAnUnknownOneIsNotFound) {
  State("ana", Presence::kAvailable);
  auto v = cc_->UpdateAgent(As("sue", Role::kSupervisor), "ana", {{{"billing", 2}}, {Language::kEnglish}, {}});
  ASSERT_FALSE(v.ok());
  EXPECT_EQ(v.error().code, "conflict");
  v = cc_->UpdateAgent(As("sue", Role::kSupervisor), "sue", {{{"billing", 2}}, {Language::kEnglish}, {}});
  ASSERT_FALSE(v.ok());
  EXPECT_EQ(v.error().code, "not_found");
  v = cc_->UpdateAgent(As("sue", Role::kSupervisor), "ben", {{{"billing", 6}}, {Language::kEnglish}, {}});
  ASSERT_FALSE(v.ok());
  EXPECT_EQ(v.error().field, "skills[0].proficiency");
}

// A scripted morning (10:00:00 CDT = kStart), hand-computed:
//  10:00:00 ana available. #1 refills arrives, answered at once (wait 0).
//  10:00:10 #2 refills arrives; ana busy: waits.
//  10:00:40 #3 billing arrives; ben available at 10:00:40 takes #3 at once (wait 0)... ben has billing only.
//  10:05:00 ana finishes #1 (talk 300 s); wrap-up 30 s → 10:05:30, then takes #2 (waited 320 s: late).
//  10:06:00 #4 refills arrives, abandons at 10:06:25 (waited 25 s).
//  10:10:00 ben finishes #3 (talk 560 s) and ends his wrap-up at once (after-contact work 0 s).
//  10:12:00 ana finishes #2 (talk 390 s), wrap-up until 10:12:30. Report as of 10:15:00.
// Offered 4, answered #1 #2 #3, in 20 s: #1 #3 → SL 2/4 = 0.5; ASA (0 + 320 + 0) / 3 = 106.67 s;
// abandonment 1/4; AHT ((300 + 30) + (560 + 0) + (390 + 30)) / 3 = 1310 / 3 = 436.67 s.
// Occupancy: ana staffed 10:00:00–10:15:00 = 900 s, busy 300 + 390 = 690, wrap 30 + 30 = 60;
// ben staffed 10:00:40–10:15:00 = 860 s, busy 560. (690 + 60 + 560) / (900 + 860) = 1310 / 1760.
TEST_P(ContactCenterTest, KpisOverAScriptedMorningMatchTheHandComputation) {
  Profile("ana", {{"refills", 3}});
  Profile("ben", {{"billing", 3}});
  State("ana", Presence::kAvailable);
  const Arrived c1 = Call("refills_delivery");
  clock_.Set(kStart + seconds{10});
  const Arrived c2 = Call("refills_delivery");
  clock_.Set(kStart + seconds{40});
  const Arrived c3 = Call("billing_insurance");
  State("ben", Presence::kAvailable);
  clock_.Set(kStart + seconds{300});
  ASSERT_TRUE(cc_->Finish(c1.contact.id).ok());
  clock_.Set(kStart + seconds{330});
  ASSERT_TRUE(cc_->Tick().ok());
  clock_.Set(kStart + seconds{360});
  const Arrived c4 = Call("refills_delivery");
  clock_.Set(kStart + seconds{385});
  ASSERT_TRUE(cc_->Abandon(c4.contact.id).ok());
  clock_.Set(kStart + seconds{600});
  ASSERT_TRUE(cc_->Finish(c3.contact.id).ok());
  ASSERT_TRUE(cc_->FinishMyWrapUp(As("ben", Role::kAgent)).ok());
  clock_.Set(kStart + seconds{720});
  ASSERT_TRUE(cc_->Finish(c2.contact.id).ok());
  clock_.Set(kStart + seconds{900});
  ASSERT_TRUE(cc_->Tick().ok());

  auto k = cc_->Kpis({.from = kStart, .to = kStart + std::chrono::minutes{30}, .interval = std::chrono::minutes{15}});
  ASSERT_TRUE(k.ok()) << k.error().message;
  const KpiFigures& t = k->report.total;
  EXPECT_EQ(t.offered, 4);
  EXPECT_EQ(t.answered, 3);
  EXPECT_DOUBLE_EQ(*t.ServiceLevel(), 0.5);
  EXPECT_NEAR(*t.Asa(), 320.0 / 3, 1e-9);
  EXPECT_DOUBLE_EQ(*t.Abandonment(), 0.25);
  EXPECT_NEAR(*t.Aht(), 1310.0 / 3, 1e-9);
  EXPECT_NEAR(*t.Occupancy(), 1310.0 / 1760, 1e-9);
  EXPECT_FALSE(k->fcr_available && t.resolved > 0);
  EXPECT_NEAR(*k->report.per_agent.at("ana").Occupancy(), 750.0 / 900, 1e-9);
  EXPECT_DOUBLE_EQ(*k->report.per_queue.at("billing_insurance").ServiceLevel(), 1.0);
  ASSERT_EQ(k->report.intervals.size(), 2u);
  EXPECT_EQ(k->report.intervals[0].figures.offered, 4);
  EXPECT_EQ(k->report.intervals[1].figures.offered, 0);
  // The live snapshot covers today (CT) and sees the same contacts.
  EXPECT_EQ(cc_->Now().report.total.offered, 4);
}

TEST_P(ContactCenterTest, KpiQueriesAreRefusedByField) {
  EXPECT_EQ(cc_->Kpis({.from = kStart, .to = kStart}).error().field, "to");
  EXPECT_EQ(cc_->Kpis({.from = kStart, .to = kStart + std::chrono::days{32}}).error().field, "to");
  EXPECT_EQ(cc_->Kpis({.queue = "nope"}).error().field, "queue");
  EXPECT_EQ(cc_->Kpis({.interval = std::chrono::minutes{0}}).error().field, "interval");
}

TEST_P(ContactCenterTest, AWaitingCallTurnedIntoACallbackKeepsItsReferenceAndPlaceAndIsNotAnAbandonment) {
  Profile("ana", {{"refills", 3}});
  const Arrived first = Call("refills_delivery");
  clock_.Advance(seconds{30});
  const Arrived second = Call("refills_delivery");
  clock_.Advance(seconds{400});
  ASSERT_TRUE(cc_->TurnIntoCallback(first.contact.id).ok());
  auto where = cc_->Where(first.contact.id);
  ASSERT_TRUE(where.ok());
  EXPECT_EQ(where->contact.reference, first.contact.reference);
  EXPECT_EQ(where->position, 1);
  EXPECT_EQ(cc_->Where(second.contact.id)->position, 2);
  ASSERT_TRUE(cc_->Abandon(second.contact.id).ok());  // a real abandonment, for contrast

  auto k = cc_->Kpis({.from = kStart, .to = kStart + std::chrono::minutes{30}});
  ASSERT_TRUE(k.ok()) << k.error().message;
  EXPECT_EQ(k->report.total.offered, 2);
  EXPECT_EQ(k->report.total.abandoned, 1);
  EXPECT_EQ(k->report.total.waiting, 1);
  EXPECT_DOUBLE_EQ(*k->report.total.Abandonment(), 0.5);

  clock_.Advance(seconds{20});
  State("ana", Presence::kAvailable);
  ASSERT_EQ(assigned_.size(), 1u);
  EXPECT_EQ(assigned_[0].contact_id, first.contact.id);
  auto mine = cc_->MyContacts(As("ana", Role::kAgent));
  ASSERT_TRUE(mine.ok());
  ASSERT_EQ(mine->size(), 1u);
  EXPECT_TRUE((*mine)[0].callback);
  EXPECT_EQ((*mine)[0].reference, first.contact.reference);
  k = cc_->Kpis({.from = kStart, .to = kStart + std::chrono::minutes{30}});
  ASSERT_TRUE(k.ok());
  EXPECT_EQ(k->report.total.answered, 1);
  EXPECT_EQ(k->report.total.abandoned, 1);
  EXPECT_NEAR(*k->report.total.Asa(), 450.0, 1e-9);  // the wait counts from the call's arrival
}

TEST_P(ContactCenterTest, TurningIntoACallbackRefusesAContactThatIsNotWaiting) {
  EXPECT_EQ(cc_->TurnIntoCallback("01UNKNOWN").error().code, "not_found");
  Profile("ana", {{"refills", 3}});
  State("ana", Presence::kAvailable);
  const Arrived held = Call("refills_delivery");
  EXPECT_EQ(cc_->TurnIntoCallback(held.contact.id).error().code, "conflict");
  const Arrived gone = Call("refills_delivery");
  ASSERT_TRUE(cc_->Abandon(gone.contact.id).ok());
  EXPECT_EQ(cc_->TurnIntoCallback(gone.contact.id).error().code, "conflict");
  const Arrived twice = Call("refills_delivery");
  EXPECT_TRUE(cc_->TurnIntoCallback(twice.contact.id).ok());
  EXPECT_TRUE(cc_->TurnIntoCallback(twice.contact.id).ok());  // already a callback: nothing changes
  EXPECT_EQ(cc_->Where(twice.contact.id)->position, 1);
}

TEST_P(ContactCenterTest, ACallTurnedIntoACallbackKeepsItsPlaceAfterARestart) {
  Profile("ana", {{"refills", 3}});
  const Arrived first = Call("refills_delivery");
  clock_.Advance(seconds{1});
  const Arrived second = Call("refills_delivery");
  ASSERT_TRUE(cc_->TurnIntoCallback(second.contact.id).ok());
  EXPECT_EQ(cc_->Where(second.contact.id)->position, 2);  // no callback priority: it keeps the call's place
  clock_.Advance(seconds{10});
  Start();  // a new process over the same store
  EXPECT_EQ(cc_->Where(first.contact.id)->position, 1);
  EXPECT_EQ(cc_->Where(second.contact.id)->position, 2);
  State("ana", Presence::kAvailable);
  ASSERT_TRUE(cc_->Finish(first.contact.id).ok());
  ASSERT_TRUE(cc_->FinishMyWrapUp(As("ana", Role::kAgent)).ok());
  auto mine = cc_->MyContacts(As("ana", Role::kAgent));
  ASSERT_TRUE(mine.ok());
  ASSERT_EQ(mine->size(), 1u);
  EXPECT_EQ((*mine)[0].contact_id, second.contact.id);
  EXPECT_TRUE((*mine)[0].callback);
}

INSTANTIATE_TEST_SUITE_P(Stores, ContactCenterTest, ::testing::Values(Dialect::kSqlite, Dialect::kPostgres),
                         [](const ::testing::TestParamInfo<Dialect>& p) {
                           return p.param == Dialect::kSqlite ? "Sqlite" : "Postgres";
                         });

TEST(ContactCenterConfig, TheShippedQueuesAreValidAndABadSkillIsNamed) {
  ContactCenterConfig c;
  EXPECT_TRUE(ValidateContactCenterConfig(c).ok());
  EXPECT_EQ(c.queues.size(), 11u);
  c.queues[1].skills = {"billing:9"};
  const Status s = ValidateContactCenterConfig(c);
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.error().code, "config_invalid");
  EXPECT_EQ(s.error().field, "contact_center.billing_insurance.skills");
}

}  // namespace
}  // namespace rxdesk
