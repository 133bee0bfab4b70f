#include "domain/acd.h"

#include <gtest/gtest.h>

#include <chrono>
#include <vector>

namespace rxdesk {
namespace {

using std::chrono::milliseconds;
using std::chrono::seconds;

constexpr QueueId kRefills{1};
constexpr QueueId kBilling{2};
constexpr SkillId kRefillSkill{10};
constexpr SkillId kBillingSkill{20};
constexpr SkillId kGeneral{30};

AcdInstant T(double s) { return AcdInstant{milliseconds{static_cast<long long>(s * 1000)}}; }

QueueParams Queue(QueueId id, SkillId skill, int min = 1) {
  QueueParams q;
  q.id = id;
  q.required = {{skill, min}};
  q.wrap_up = seconds{0};
  return q;
}

AgentParams Agent(std::uint64_t id, std::vector<SkillLevel> skills,
                  std::vector<Language> languages = {Language::kEnglish}) {
  AgentParams a;
  a.id = AgentId{id};
  a.skills = std::move(skills);
  a.languages = std::move(languages);
  return a;
}

ContactParams Contact(std::uint64_t id, QueueId queue, Channel channel = Channel::kVoice) {
  ContactParams c;
  c.id = ContactId{id};
  c.queue = queue;
  c.channel = channel;
  return c;
}

class AcdTest : public ::testing::Test {
 protected:
  void AddQueue(const QueueParams& q) { ASSERT_TRUE(acd_.AddQueue(q).ok()); }
  void Login(const AgentParams& a, AcdInstant at) {
    ASSERT_TRUE(acd_.AddAgent(a, at).ok());
    auto out = acd_.SetPresence(a.id, Presence::kAvailable, "login", at);
    ASSERT_TRUE(out.ok());
  }
  AcdOutcome Enqueue(const ContactParams& c, AcdInstant at) {
    auto out = acd_.Enqueue(c, at);
    EXPECT_TRUE(out.ok()) << (out.ok() ? "" : out.error().message);
    return out.ok() ? *out : AcdOutcome{};
  }
  AcdOutcome End(std::uint64_t contact, AcdInstant at) {
    auto out = acd_.EndContact(ContactId{contact}, at);
    EXPECT_TRUE(out.ok()) << (out.ok() ? "" : out.error().message);
    return out.ok() ? *out : AcdOutcome{};
  }
  AcdOutcome Advance(AcdInstant at) {
    auto out = acd_.Advance(at);
    EXPECT_TRUE(out.ok());
    return out.ok() ? *out : AcdOutcome{};
  }
  // The agent a contact went to; 0 when it is waiting.
  std::uint64_t AgentOf(std::uint64_t contact) {
    auto s = acd_.GetContact(ContactId{contact});
    EXPECT_TRUE(s.ok());
    return s.ok() && s->agent ? static_cast<std::uint64_t>(*s->agent) : 0;
  }
  AgentState StateOf(std::uint64_t agent) {
    auto s = acd_.GetAgent(AgentId{agent});
    EXPECT_TRUE(s.ok());
    return s.ok() ? s->state : AgentState::kOffline;
  }

  Acd acd_;
};

// ---- matching ----

TEST_F(AcdTest, ContactGoesToAnAgentWithTheRequiredSkill) {
  AddQueue(Queue(kRefills, kRefillSkill));
  Login(Agent(1, {{kBillingSkill, 5}}), T(0));
  Login(Agent(2, {{kRefillSkill, 1}}), T(0));
  AcdOutcome out = Enqueue(Contact(100, kRefills), T(1));
  ASSERT_EQ(out.assignments.size(), 1u);
  EXPECT_EQ(out.assignments[0].agent, AgentId{2});
  EXPECT_EQ(out.assignments[0].waited, milliseconds{0});
  EXPECT_FALSE(out.assignments[0].overflow);
}

TEST_F(AcdTest, ProficiencyBelowTheMinimumIsNotEligibleAtTheMinimumIs) {
  AddQueue(Queue(kRefills, kRefillSkill, 3));
  Login(Agent(1, {{kRefillSkill, 2}}), T(0));
  EXPECT_TRUE(Enqueue(Contact(100, kRefills), T(1)).assignments.empty());
  Login(Agent(2, {{kRefillSkill, 3}}), T(2));  // going available picks the waiting contact
  EXPECT_EQ(AgentOf(100), 2u);
}

TEST_F(AcdTest, EveryRequiredSkillMustBeMet) {
  QueueParams q = Queue(kRefills, kRefillSkill);
  q.required.push_back({kBillingSkill, 2});
  AddQueue(q);
  Login(Agent(1, {{kRefillSkill, 5}, {kBillingSkill, 1}}), T(0));
  Login(Agent(2, {{kRefillSkill, 1}, {kBillingSkill, 2}}), T(0));
  Enqueue(Contact(100, kRefills), T(1));
  EXPECT_EQ(AgentOf(100), 2u);
}

TEST_F(AcdTest, SpanishContactWaitsForASpanishSpeakingAgent) {
  AddQueue(Queue(kRefills, kRefillSkill));
  Login(Agent(1, {{kRefillSkill, 5}}, {Language::kEnglish}), T(0));
  ContactParams c = Contact(100, kRefills);
  c.language = Language::kSpanish;
  EXPECT_TRUE(Enqueue(c, T(1)).assignments.empty());
  Login(Agent(2, {{kRefillSkill, 1}}, {Language::kEnglish, Language::kSpanish}), T(2));
  EXPECT_EQ(AgentOf(100), 2u);
}

TEST_F(AcdTest, ContactWithoutLanguageTakesTheQueuesLanguage) {
  QueueParams q = Queue(kRefills, kRefillSkill);
  q.language = Language::kSpanish;
  AddQueue(q);
  Login(Agent(1, {{kRefillSkill, 5}}, {Language::kEnglish}), T(0));
  Login(Agent(2, {{kRefillSkill, 1}}, {Language::kSpanish}), T(0));
  Enqueue(Contact(100, kRefills), T(1));
  EXPECT_EQ(AgentOf(100), 2u);
  EXPECT_EQ(acd_.GetContact(ContactId{100})->language, Language::kSpanish);
}

TEST_F(AcdTest, QueueWithoutRequiredSkillsTakesAnyAgentWithTheLanguage) {
  QueueParams q;
  q.id = kRefills;
  AddQueue(q);
  Login(Agent(1, {}), T(0));
  Enqueue(Contact(100, kRefills), T(1));
  EXPECT_EQ(AgentOf(100), 1u);
}

// ---- best agent ----

TEST_F(AcdTest, HighestProficiencyWinsOverLongerIdle) {
  AddQueue(Queue(kRefills, kRefillSkill));
  Login(Agent(1, {{kRefillSkill, 3}}), T(0));   // idle longest
  Login(Agent(2, {{kRefillSkill, 4}}), T(50));  // better skilled
  Enqueue(Contact(100, kRefills), T(60));
  EXPECT_EQ(AgentOf(100), 2u);
}

TEST_F(AcdTest, EqualSkillGoesToTheLongestIdle) {
  AddQueue(Queue(kRefills, kRefillSkill));
  Login(Agent(2, {{kRefillSkill, 3}}), T(5));
  Login(Agent(1, {{kRefillSkill, 3}}), T(10));
  Login(Agent(3, {{kRefillSkill, 3}}), T(20));
  Enqueue(Contact(100, kRefills), T(30));
  EXPECT_EQ(AgentOf(100), 2u);
  Enqueue(Contact(101, kRefills), T(31));
  EXPECT_EQ(AgentOf(101), 1u);
}

TEST_F(AcdTest, IdleRestartsWhenAnAgentFinishesAContact) {
  AddQueue(Queue(kRefills, kRefillSkill));
  Login(Agent(1, {{kRefillSkill, 3}}), T(0));
  Login(Agent(2, {{kRefillSkill, 3}}), T(1));
  Enqueue(Contact(100, kRefills), T(2));  // to agent 1
  End(100, T(3));                         // agent 1 idle again from 3 s; agent 2 from 1 s
  Enqueue(Contact(101, kRefills), T(4));
  EXPECT_EQ(AgentOf(101), 2u);
}

TEST_F(AcdTest, ScoreIsTheSumOverTheQueuesSkills) {
  QueueParams q = Queue(kRefills, kRefillSkill);
  q.required.push_back({kBillingSkill, 1});
  AddQueue(q);
  Login(Agent(1, {{kRefillSkill, 5}, {kBillingSkill, 1}}), T(0));  // 6
  Login(Agent(2, {{kRefillSkill, 3}, {kBillingSkill, 4}}), T(5));  // 7
  Enqueue(Contact(100, kRefills), T(6));
  EXPECT_EQ(AgentOf(100), 2u);
}

// ---- best contact ----

TEST_F(AcdTest, FreedAgentTakesTheHighestPriorityThenTheLongestWaiting) {
  AddQueue(Queue(kRefills, kRefillSkill));
  Enqueue(Contact(100, kRefills), T(1));
  Enqueue(Contact(101, kRefills), T(2));
  ContactParams tty = Contact(102, kRefills);
  tty.tty = true;
  Enqueue(tty, T(3));
  Login(Agent(1, {{kRefillSkill, 3}}), T(4));
  EXPECT_EQ(AgentOf(102), 1u);
  End(102, T(5));
  EXPECT_EQ(AgentOf(100), 1u);
  EXPECT_EQ(AgentOf(101), 0u);
}

TEST_F(AcdTest, QueuePriorityTableRanksTtyCallbackSpanishNormal) {
  AddQueue(Queue(kRefills, kRefillSkill));
  ContactParams normal = Contact(100, kRefills);
  ContactParams spanish = Contact(101, kRefills);
  spanish.language = Language::kSpanish;
  ContactParams callback = Contact(102, kRefills);
  callback.callback = true;
  ContactParams tty = Contact(103, kRefills);
  tty.tty = true;
  for (const ContactParams& c : {normal, spanish, callback, tty}) Enqueue(c, T(1));
  EXPECT_EQ(acd_.GetContact(ContactId{100})->priority, 0);
  EXPECT_EQ(acd_.GetContact(ContactId{101})->priority, 1);
  EXPECT_EQ(acd_.GetContact(ContactId{102})->priority, 2);
  EXPECT_EQ(acd_.GetContact(ContactId{103})->priority, 3);

  Login(Agent(1, {{kRefillSkill, 3}}, {Language::kEnglish, Language::kSpanish}), T(2));
  for (std::uint64_t expected : {103u, 102u, 101u, 100u}) {
    EXPECT_EQ(AgentOf(expected), 1u);
    End(expected, T(3));
  }
  EXPECT_EQ(acd_.Waiting(), 0);
}

TEST_F(AcdTest, CallerPriorityOverridesTheTable) {
  AddQueue(Queue(kRefills, kRefillSkill));
  ContactParams tty = Contact(100, kRefills);
  tty.tty = true;
  ContactParams urgent = Contact(101, kRefills);
  urgent.priority = 10;
  Enqueue(tty, T(1));
  Enqueue(urgent, T(2));
  Login(Agent(1, {{kRefillSkill, 3}}), T(3));
  EXPECT_EQ(AgentOf(101), 1u);
}

TEST_F(AcdTest, FreedAgentTakesTheOldestAcrossItsQueues) {
  AddQueue(Queue(kRefills, kRefillSkill));
  AddQueue(Queue(kBilling, kBillingSkill));
  Enqueue(Contact(100, kBilling), T(1));
  Enqueue(Contact(101, kRefills), T(2));
  Login(Agent(1, {{kRefillSkill, 5}, {kBillingSkill, 1}}), T(3));
  EXPECT_EQ(AgentOf(100), 1u);
}

// ---- overflow ----

class AcdOverflowTest : public AcdTest {
 protected:
  void SetUp() override {
    QueueParams q = Queue(kRefills, kRefillSkill, 3);
    q.overflow = {{kGeneral, 2}};
    q.overflow_after = seconds{45};
    AddQueue(q);
  }
};

TEST_F(AcdOverflowTest, OverflowAgentGetsNothingOneSecondBeforeTheThreshold) {
  Login(Agent(9, {{kGeneral, 2}}), T(0));
  Enqueue(Contact(100, kRefills), T(10));
  EXPECT_TRUE(Advance(T(54)).assignments.empty());
  EXPECT_EQ(AgentOf(100), 0u);
  EXPECT_FALSE(acd_.GetContact(ContactId{100})->overflowed);
}

TEST_F(AcdOverflowTest, OverflowAgentGetsTheContactExactlyAtTheThreshold) {
  Login(Agent(9, {{kGeneral, 2}}), T(0));
  Enqueue(Contact(100, kRefills), T(10));
  ASSERT_EQ(acd_.NextDeadline(), T(55));
  AcdOutcome out = Advance(T(55));
  ASSERT_EQ(out.assignments.size(), 1u);
  EXPECT_EQ(out.assignments[0].agent, AgentId{9});
  EXPECT_TRUE(out.assignments[0].overflow);
  EXPECT_EQ(out.assignments[0].waited, seconds{45});
  EXPECT_EQ(out.assignments[0].at, T(55));
}

TEST_F(AcdOverflowTest, LateAdvanceStampsTheDecisionAtTheThreshold) {
  Login(Agent(9, {{kGeneral, 2}}), T(0));
  Enqueue(Contact(100, kRefills), T(10));
  AcdOutcome out = Advance(T(70));
  ASSERT_EQ(out.assignments.size(), 1u);
  EXPECT_EQ(out.assignments[0].at, T(55));
}

TEST_F(AcdOverflowTest, OverflowAgentFreeingUpTakesOnlyOverflowedContacts) {
  Enqueue(Contact(100, kRefills), T(0));
  Enqueue(Contact(101, kRefills), T(30));
  Advance(T(50));  // 100 overflowed, 101 not yet
  Login(Agent(9, {{kGeneral, 2}}), T(50));
  EXPECT_EQ(AgentOf(100), 9u);
  EXPECT_EQ(AgentOf(101), 0u);
}

TEST_F(AcdOverflowTest, AgentBelowTheOverflowMinimumNeverGetsIt) {
  Login(Agent(9, {{kGeneral, 1}}), T(0));
  Enqueue(Contact(100, kRefills), T(0));
  Advance(T(3600));
  EXPECT_EQ(AgentOf(100), 0u);
}

TEST_F(AcdOverflowTest, PrimaryAgentStillPreferredAfterOverflow) {
  QueueParams q = Queue(kBilling, kBillingSkill, 3);
  q.overflow = {{kGeneral, 1}};
  q.overflow_after = seconds{0};
  AddQueue(q);
  Login(Agent(9, {{kGeneral, 5}}), T(0));
  Login(Agent(1, {{kBillingSkill, 3}}), T(5));
  AcdOutcome out = Enqueue(Contact(100, kBilling), T(10));
  ASSERT_EQ(out.assignments.size(), 1u);
  EXPECT_EQ(out.assignments[0].agent, AgentId{1});
  EXPECT_FALSE(out.assignments[0].overflow);
  out = Enqueue(Contact(101, kBilling), T(11));  // overflow at once: the threshold is 0 s
  ASSERT_EQ(out.assignments.size(), 1u);
  EXPECT_EQ(out.assignments[0].agent, AgentId{9});
  EXPECT_TRUE(out.assignments[0].overflow);
}

// ---- capacity ----

TEST_F(AcdTest, ThreeChatsAtOnceTheFourthWaits) {
  AddQueue(Queue(kRefills, kRefillSkill));
  Login(Agent(1, {{kRefillSkill, 3}}), T(0));
  for (std::uint64_t c = 100; c < 103; ++c) {
    EXPECT_EQ(Enqueue(Contact(c, kRefills, Channel::kChat), T(1)).assignments.size(), 1u) << c;
  }
  EXPECT_TRUE(Enqueue(Contact(103, kRefills, Channel::kChat), T(2)).assignments.empty());
  EXPECT_EQ(acd_.GetAgent(AgentId{1})->active[static_cast<int>(Channel::kChat)], 3);
  AcdOutcome out = End(101, T(3));  // a slot frees: the fourth gets it
  ASSERT_EQ(out.assignments.size(), 1u);
  EXPECT_EQ(out.assignments[0].contact, ContactId{103});
}

TEST_F(AcdTest, AgentOnACallTakesNoChat) {
  AddQueue(Queue(kRefills, kRefillSkill));
  Login(Agent(1, {{kRefillSkill, 3}}), T(0));
  Enqueue(Contact(100, kRefills, Channel::kVoice), T(1));
  EXPECT_TRUE(Enqueue(Contact(101, kRefills, Channel::kChat), T(2)).assignments.empty());
  EXPECT_TRUE(Enqueue(Contact(102, kRefills, Channel::kMessage), T(2)).assignments.empty());
  AcdOutcome out = End(100, T(3));
  EXPECT_EQ(out.assignments.size(), 2u);  // the chat and the message, together
}

TEST_F(AcdTest, AgentWithAChatTakesNoCall) {
  AddQueue(Queue(kRefills, kRefillSkill));
  Login(Agent(1, {{kRefillSkill, 3}}), T(0));
  Enqueue(Contact(100, kRefills, Channel::kChat), T(1));
  EXPECT_TRUE(Enqueue(Contact(101, kRefills, Channel::kVoice), T(2)).assignments.empty());
  EXPECT_EQ(Enqueue(Contact(102, kRefills, Channel::kMessage), T(2)).assignments.size(), 1u);
}

TEST_F(AcdTest, ZeroCapacityChannelIsNeverOffered) {
  AddQueue(Queue(kRefills, kRefillSkill));
  AgentParams a = Agent(1, {{kRefillSkill, 3}});
  a.capacity = {.voice = 0, .chat = 2, .message = 0};
  Login(a, T(0));
  EXPECT_TRUE(Enqueue(Contact(100, kRefills, Channel::kVoice), T(1)).assignments.empty());
  EXPECT_TRUE(Enqueue(Contact(101, kRefills, Channel::kMessage), T(1)).assignments.empty());
  EXPECT_EQ(Enqueue(Contact(102, kRefills, Channel::kChat), T(1)).assignments.size(), 1u);
}

// ---- wrap-up ----

TEST_F(AcdTest, WrapUpHoldsTheAgentForTheQueuesWrapUpTime) {
  QueueParams q = Queue(kRefills, kRefillSkill);
  q.wrap_up = seconds{30};
  AddQueue(q);
  Login(Agent(1, {{kRefillSkill, 3}}), T(0));
  Enqueue(Contact(100, kRefills), T(1));
  EXPECT_EQ(StateOf(1), AgentState::kBusy);
  AcdOutcome out = End(100, T(60));
  EXPECT_EQ(StateOf(1), AgentState::kWrapUp);
  ASSERT_EQ(out.agent_changes.size(), 1u);
  EXPECT_EQ(out.agent_changes[0].state, AgentState::kWrapUp);
  EXPECT_EQ(acd_.NextDeadline(), T(90));

  EXPECT_TRUE(Enqueue(Contact(101, kRefills), T(70)).assignments.empty());
  EXPECT_TRUE(Advance(T(89.999)).assignments.empty());
  out = Advance(T(90));
  ASSERT_EQ(out.assignments.size(), 1u);
  EXPECT_EQ(out.assignments[0].contact, ContactId{101});
  EXPECT_EQ(out.assignments[0].waited, seconds{20});
  ASSERT_EQ(out.agent_changes.size(), 2u);
  EXPECT_EQ(out.agent_changes[0].state, AgentState::kAvailable);
  EXPECT_EQ(out.agent_changes[0].at, T(90));
  EXPECT_EQ(out.agent_changes[1].state, AgentState::kBusy);
}

TEST_F(AcdTest, AgentIsAvailableAfterWrapUpWithNothingWaiting) {
  QueueParams q = Queue(kRefills, kRefillSkill);
  q.wrap_up = seconds{30};
  AddQueue(q);
  Login(Agent(1, {{kRefillSkill, 3}}), T(0));
  Enqueue(Contact(100, kRefills), T(1));
  End(100, T(10));
  Advance(T(40));
  EXPECT_EQ(StateOf(1), AgentState::kAvailable);
  EXPECT_EQ(acd_.GetAgent(AgentId{1})->since, T(40));
  EXPECT_EQ(acd_.GetAgent(AgentId{1})->reason, "ready");
  EXPECT_EQ(acd_.NextDeadline(), std::nullopt);
}

TEST_F(AcdTest, FinishWrapUpEndsItEarly) {
  QueueParams q = Queue(kRefills, kRefillSkill);
  q.wrap_up = seconds{30};
  AddQueue(q);
  Login(Agent(1, {{kRefillSkill, 3}}), T(0));
  Enqueue(Contact(100, kRefills), T(1));
  End(100, T(10));
  Enqueue(Contact(101, kRefills), T(11));
  auto out = acd_.FinishWrapUp(AgentId{1}, T(12));
  ASSERT_TRUE(out.ok());
  ASSERT_EQ(out->assignments.size(), 1u);
  EXPECT_EQ(out->assignments[0].contact, ContactId{101});
  End(101, T(20));  // wrap-up until 50; the stale deadline at 40 must not end it
  Advance(T(45));
  EXPECT_EQ(StateOf(1), AgentState::kWrapUp);
  Advance(T(50));
  EXPECT_EQ(StateOf(1), AgentState::kAvailable);
}

TEST_F(AcdTest, WrapUpOfAChatHoldsOnlyItsSlot) {
  QueueParams q = Queue(kRefills, kRefillSkill);
  q.wrap_up = seconds{30};
  AddQueue(q);
  AgentParams a = Agent(1, {{kRefillSkill, 3}});
  a.capacity.chat = 2;
  Login(a, T(0));
  Enqueue(Contact(100, kRefills, Channel::kChat), T(1));
  Enqueue(Contact(101, kRefills, Channel::kChat), T(1));
  End(100, T(5));
  EXPECT_EQ(StateOf(1), AgentState::kBusy);
  EXPECT_TRUE(Enqueue(Contact(102, kRefills, Channel::kChat), T(6)).assignments.empty());
  End(101, T(7));
  EXPECT_EQ(StateOf(1), AgentState::kWrapUp);
  EXPECT_EQ(Advance(T(35)).assignments.size(), 1u);  // the first slot is back at 35
}

// ---- presence ----

TEST_F(AcdTest, AgentsOnBreakOrOfflineGetNothing) {
  AddQueue(Queue(kRefills, kRefillSkill));
  ASSERT_TRUE(acd_.AddAgent(Agent(1, {{kRefillSkill, 5}}), T(0)).ok());  // offline from the start
  Login(Agent(2, {{kRefillSkill, 5}}), T(0));
  ASSERT_TRUE(acd_.SetPresence(AgentId{2}, Presence::kBreak, "lunch", T(1)).ok());
  EXPECT_EQ(StateOf(1), AgentState::kOffline);
  EXPECT_EQ(StateOf(2), AgentState::kBreak);
  EXPECT_EQ(acd_.GetAgent(AgentId{2})->reason, "lunch");
  EXPECT_TRUE(Enqueue(Contact(100, kRefills), T(2)).assignments.empty());
  auto out = acd_.SetPresence(AgentId{2}, Presence::kAvailable, "back", T(3));
  ASSERT_TRUE(out.ok());
  ASSERT_EQ(out->assignments.size(), 1u);
  EXPECT_EQ(out->assignments[0].agent, AgentId{2});
}

TEST_F(AcdTest, BreakAskedForDuringAContactStartsWhenItEnds) {
  AddQueue(Queue(kRefills, kRefillSkill));
  Login(Agent(1, {{kRefillSkill, 5}}), T(0));
  Enqueue(Contact(100, kRefills), T(1));
  ASSERT_TRUE(acd_.SetPresence(AgentId{1}, Presence::kBreak, "lunch", T(2)).ok());
  EXPECT_EQ(StateOf(1), AgentState::kBusy);
  Enqueue(Contact(101, kRefills), T(3));
  AcdOutcome out = End(100, T(4));
  EXPECT_TRUE(out.assignments.empty());
  ASSERT_EQ(out.agent_changes.size(), 1u);
  EXPECT_EQ(out.agent_changes[0].state, AgentState::kBreak);
  EXPECT_EQ(out.agent_changes[0].reason, "lunch");
  EXPECT_EQ(AgentOf(101), 0u);
}

TEST_F(AcdTest, NewReasonInTheSameStateIsRecorded) {
  Login(Agent(1, {}), T(0));
  ASSERT_TRUE(acd_.SetPresence(AgentId{1}, Presence::kBreak, "lunch", T(1)).ok());
  auto out = acd_.SetPresence(AgentId{1}, Presence::kBreak, "training", T(2));
  ASSERT_TRUE(out.ok());
  ASSERT_EQ(out->agent_changes.size(), 1u);
  EXPECT_EQ(out->agent_changes[0].reason, "training");
  EXPECT_EQ(acd_.GetAgent(AgentId{1})->since, T(2));
}

TEST_F(AcdTest, OfflineAgentWithoutContactsCanBeRemovedAndAddedAgain) {
  AddQueue(Queue(kRefills, kRefillSkill));
  Login(Agent(1, {{kRefillSkill, 5}}), T(0));
  EXPECT_EQ(acd_.RemoveAgent(AgentId{1}).error().code, "conflict");
  ASSERT_TRUE(acd_.SetPresence(AgentId{1}, Presence::kOffline, "end of shift", T(1)).ok());
  ASSERT_TRUE(acd_.RemoveAgent(AgentId{1}).ok());
  EXPECT_EQ(acd_.GetAgent(AgentId{1}).error().code, "not_found");
  Login(Agent(1, {{kBillingSkill, 5}}), T(2));  // new skills
  EXPECT_TRUE(Enqueue(Contact(100, kRefills), T(3)).assignments.empty());
}

// ---- abandonment ----

TEST_F(AcdTest, AbandonRemovesTheContactWithItsWait) {
  AddQueue(Queue(kRefills, kRefillSkill));
  Enqueue(Contact(100, kRefills), T(10));
  auto out = acd_.Abandon(ContactId{100}, T(52.5));
  ASSERT_TRUE(out.ok());
  ASSERT_TRUE(out->abandonment.has_value());
  EXPECT_EQ(out->abandonment->waited, milliseconds{42500});
  EXPECT_EQ(out->abandonment->queue, kRefills);
  EXPECT_EQ(acd_.Waiting(), 0);
  EXPECT_EQ(*acd_.WaitingIn(kRefills), 0);
  Login(Agent(1, {{kRefillSkill, 5}}), T(60));
  EXPECT_EQ(acd_.GetContact(ContactId{100}).error().code, "not_found");
}

TEST_F(AcdTest, AbandonOfAContactWithAnAgentIsRefused) {
  AddQueue(Queue(kRefills, kRefillSkill));
  Login(Agent(1, {{kRefillSkill, 5}}), T(0));
  Enqueue(Contact(100, kRefills), T(1));
  EXPECT_EQ(acd_.Abandon(ContactId{100}, T(2)).error().code, "conflict");
  EXPECT_EQ(acd_.EndContact(ContactId{101}, T(2)).error().code, "not_found");
}

TEST_F(AcdTest, EndOfAWaitingContactIsRefused) {
  AddQueue(Queue(kRefills, kRefillSkill));
  Enqueue(Contact(100, kRefills), T(1));
  EXPECT_EQ(acd_.EndContact(ContactId{100}, T(2)).error().code, "conflict");
}

TEST_F(AcdTest, AbandonAfterADueDeadlineAnsweredItReportsTheAnswer) {
  QueueParams q = Queue(kRefills, kRefillSkill);
  q.wrap_up = seconds{30};
  AddQueue(q);
  Login(Agent(1, {{kRefillSkill, 5}}), T(0));
  Enqueue(Contact(100, kRefills), T(0));
  End(100, T(10));                         // wrap-up until 40
  Enqueue(Contact(101, kRefills), T(20));  // waits
  auto out = acd_.Abandon(ContactId{101}, T(40));
  ASSERT_TRUE(out.ok());
  EXPECT_FALSE(out->abandonment.has_value());
  ASSERT_EQ(out->assignments.size(), 1u);
  EXPECT_EQ(out->assignments[0].contact, ContactId{101});
}

// ---- refusals ----

TEST_F(AcdTest, UnknownIdsAreNotFound) {
  AddQueue(Queue(kRefills, kRefillSkill));
  EXPECT_EQ(acd_.Enqueue(Contact(1, QueueId{99}), T(0)).error().code, "not_found");
  EXPECT_EQ(acd_.Enqueue(Contact(1, QueueId{99}), T(0)).error().field, "queue_id");
  EXPECT_EQ(acd_.SetPresence(AgentId{5}, Presence::kAvailable, "", T(0)).error().field, "agent_id");
  EXPECT_EQ(acd_.FinishWrapUp(AgentId{5}, T(0)).error().code, "not_found");
  EXPECT_EQ(acd_.RemoveAgent(AgentId{5}).error().code, "not_found");
  EXPECT_EQ(acd_.Abandon(ContactId{5}, T(0)).error().field, "contact_id");
  EXPECT_EQ(acd_.GetContact(ContactId{5}).error().code, "not_found");
  EXPECT_EQ(acd_.WaitingIn(QueueId{99}).error().code, "not_found");
}

TEST_F(AcdTest, DuplicateIdsConflict) {
  AddQueue(Queue(kRefills, kRefillSkill));
  EXPECT_EQ(acd_.AddQueue(Queue(kRefills, kBillingSkill)).error().code, "conflict");
  ASSERT_TRUE(acd_.AddAgent(Agent(1, {}), T(0)).ok());
  EXPECT_EQ(acd_.AddAgent(Agent(1, {}), T(0)).error().code, "conflict");
  Enqueue(Contact(100, kRefills), T(0));
  EXPECT_EQ(acd_.Enqueue(Contact(100, kRefills), T(0)).error().code, "conflict");
}

TEST_F(AcdTest, TimeMustNotGoBackwards) {
  AddQueue(Queue(kRefills, kRefillSkill));
  Enqueue(Contact(100, kRefills), T(10));
  auto out = acd_.Enqueue(Contact(101, kRefills), T(9.999));
  ASSERT_FALSE(out.ok());
  EXPECT_EQ(out.error().field, "now");
  EXPECT_TRUE(acd_.Enqueue(Contact(101, kRefills), T(10)).ok());  // the same instant is fine
  EXPECT_EQ(acd_.Advance(AcdInstant::max()).error().field, "now");
}

TEST_F(AcdTest, BadQueueSettingsNameTheField) {
  QueueParams q = Queue(kRefills, kRefillSkill, 6);
  EXPECT_EQ(acd_.AddQueue(q).error().field, "required[0].min_proficiency");
  q = Queue(kRefills, kRefillSkill, 0);
  EXPECT_EQ(acd_.AddQueue(q).error().field, "required[0].min_proficiency");
  q = Queue(kRefills, kRefillSkill);
  q.overflow = {{kGeneral, 1}, {kGeneral, 2}};
  EXPECT_EQ(acd_.AddQueue(q).error().field, "overflow[1].skill");
  q = Queue(kRefills, kRefillSkill);
  q.overflow_after = seconds{-1};
  EXPECT_EQ(acd_.AddQueue(q).error().field, "overflow_after");
  q = Queue(kRefills, kRefillSkill);
  q.wrap_up = std::chrono::hours{25};
  EXPECT_EQ(acd_.AddQueue(q).error().field, "wrap_up");
  q = Queue(kRefills, kRefillSkill);
  q.priority.tty = 64;
  EXPECT_EQ(acd_.AddQueue(q).error().field, "priority.tty");
  q = Queue(kRefills, kRefillSkill);
  q.language = static_cast<Language>(7);
  EXPECT_EQ(acd_.AddQueue(q).error().field, "language");
  q = Queue(kRefills, kRefillSkill);
  for (std::uint32_t s = 0; s < 12; ++s) q.required.push_back({SkillId{100 + s}, 1});
  EXPECT_EQ(acd_.AddQueue(q).error().field, "required");
}

TEST_F(AcdTest, BadAgentSettingsNameTheField) {
  EXPECT_EQ(acd_.AddAgent(Agent(1, {{kGeneral, 0}}), T(0)).error().field, "skills[0].proficiency");
  EXPECT_EQ(acd_.AddAgent(Agent(1, {{kGeneral, 6}}), T(0)).error().field, "skills[0].proficiency");
  EXPECT_EQ(acd_.AddAgent(Agent(1, {{kGeneral, 1}, {kGeneral, 1}}), T(0)).error().field, "skills[1].skill");
  EXPECT_EQ(acd_.AddAgent(Agent(1, {}, {}), T(0)).error().field, "languages");
  EXPECT_EQ(acd_.AddAgent(Agent(1, {}, {static_cast<Language>(200)}), T(0)).error().field, "languages[0]");
  AgentParams a = Agent(1, {});
  a.capacity.voice = 2;
  EXPECT_EQ(acd_.AddAgent(a, T(0)).error().field, "capacity.voice");
  a = Agent(1, {});
  a.capacity.chat = 17;
  EXPECT_EQ(acd_.AddAgent(a, T(0)).error().field, "capacity.chat");
  a = Agent(1, {});
  a.capacity.message = -1;
  EXPECT_EQ(acd_.AddAgent(a, T(0)).error().field, "capacity.message");
}

TEST_F(AcdTest, BadContactFieldsAreRefusedWithoutEffect) {
  AddQueue(Queue(kRefills, kRefillSkill));
  ContactParams c = Contact(100, kRefills, static_cast<Channel>(3));
  EXPECT_EQ(acd_.Enqueue(c, T(0)).error().field, "channel");
  c = Contact(100, kRefills);
  c.language = static_cast<Language>(2);
  EXPECT_EQ(acd_.Enqueue(c, T(0)).error().field, "language");
  c = Contact(100, kRefills);
  c.priority = -1;
  EXPECT_EQ(acd_.Enqueue(c, T(0)).error().field, "priority");
  c.priority = 64;
  EXPECT_EQ(acd_.Enqueue(c, T(0)).error().field, "priority");
  EXPECT_EQ(acd_.Waiting(), 0);
  EXPECT_EQ(acd_.SetPresence(AgentId{1}, static_cast<Presence>(9), "", T(0)).error().code, "not_found");
  ASSERT_TRUE(acd_.AddAgent(Agent(1, {}), T(0)).ok());
  EXPECT_EQ(acd_.SetPresence(AgentId{1}, static_cast<Presence>(9), "", T(0)).error().field, "presence");
}

TEST_F(AcdTest, EmptyEngineHasNoDeadlineAndAdvancesQuietly) {
  EXPECT_EQ(acd_.NextDeadline(), std::nullopt);
  AcdOutcome out = Advance(T(1000));
  EXPECT_TRUE(out.assignments.empty());
  EXPECT_TRUE(out.agent_changes.empty());
  EXPECT_EQ(acd_.Waiting(), 0);
}

TEST(AcdNames, ParseAndNameRoundTrip) {
  for (Channel c : {Channel::kVoice, Channel::kChat, Channel::kMessage}) EXPECT_EQ(*ParseChannel(ChannelName(c)), c);
  for (Language l : {Language::kEnglish, Language::kSpanish}) EXPECT_EQ(*ParseLanguage(LanguageCode(l)), l);
  EXPECT_EQ(ParseChannel("Voice", "arrivals[0].channel").error().field, "arrivals[0].channel");
  EXPECT_FALSE(ParseLanguage("").ok());
  EXPECT_EQ(AgentStateName(AgentState::kWrapUp), "wrap_up");
}

// ---- many ----

TEST_F(AcdTest, TenThousandWaitingAreServedByPriorityThenArrival) {
  AddQueue(Queue(kRefills, kRefillSkill));
  AddQueue(Queue(kBilling, kBillingSkill));
  constexpr int kContacts = 10'000;
  for (int i = 0; i < kContacts; ++i) {
    ContactParams c = Contact(static_cast<std::uint64_t>(i), i % 2 ? kRefills : kBilling);
    c.priority = i % 7;
    Enqueue(c, T(i * 0.01));
  }
  EXPECT_EQ(acd_.Waiting(), kContacts);
  ASSERT_TRUE(acd_.AddAgent(Agent(1, {{kRefillSkill, 1}, {kBillingSkill, 1}}), T(200)).ok());
  auto first = acd_.SetPresence(AgentId{1}, Presence::kAvailable, "login", T(200));
  ASSERT_TRUE(first.ok());
  ASSERT_EQ(first->assignments.size(), 1u);
  std::uint64_t current = static_cast<std::uint64_t>(first->assignments[0].contact);
  std::vector<std::uint64_t> order;
  for (int served = 0; served < kContacts; ++served) {
    order.push_back(current);
    AcdOutcome out = End(current, T(300 + served));
    if (served + 1 < kContacts) {
      ASSERT_EQ(out.assignments.size(), 1u);
      current = static_cast<std::uint64_t>(out.assignments[0].contact);
    }
  }
  int last_priority = 99;
  std::uint64_t last_id = 0;
  for (std::uint64_t id : order) {
    const int p = static_cast<int>(id % 7);
    ASSERT_TRUE(p < last_priority || (p == last_priority && id > last_id)) << id;
    last_priority = p;
    last_id = id;
  }
  EXPECT_EQ(acd_.Waiting(), 0);
}

TEST_F(AcdTest, ManyAgentsShareTheLoadLongestIdleFirst) {
  AddQueue(Queue(kRefills, kRefillSkill));
  constexpr int kAgents = 1000;
  for (int i = 1; i <= kAgents; ++i) Login(Agent(static_cast<std::uint64_t>(i), {{kRefillSkill, 3}}), T(i));
  for (int i = 0; i < kAgents; ++i) {
    AcdOutcome out = Enqueue(Contact(static_cast<std::uint64_t>(i), kRefills), T(2000));
    ASSERT_EQ(out.assignments.size(), 1u);
    ASSERT_EQ(out.assignments[0].agent, AgentId{static_cast<std::uint64_t>(i + 1)});
  }
  EXPECT_TRUE(Enqueue(Contact(5000, kRefills), T(2001)).assignments.empty());
}

}  // namespace
}  // namespace rxdesk
