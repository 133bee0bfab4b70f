#include "domain/message_sla.h"

#include <gtest/gtest.h>

#include "domain/test_fixtures.h"

namespace rxdesk {
namespace {

using test::At;

const Instant kSent = At("2026-11-02T09:30:00Z");

SlaState StateAt(const char* now) { return ClassifyMessageSla(kSent, At(now), MessageSlaPolicy{}).state; }

TEST(MessageSla, AFreshMessageIsWithinItsSla) { EXPECT_EQ(StateAt("2026-11-02T09:30:00Z"), SlaState::kWithin); }

TEST(MessageSla, OneSecondBeforeTwentyFourHoursThereIsNoWarningYet) {
  EXPECT_EQ(StateAt("2026-11-03T09:29:59Z"), SlaState::kWithin);
}

TEST(MessageSla, AtTwentyFourHoursExactlyTheDeskIsWarned) {
  EXPECT_EQ(StateAt("2026-11-03T09:30:00Z"), SlaState::kWarning);
}

TEST(MessageSla, OneSecondBeforeFortyEightHoursItIsStillAWarning) {
  EXPECT_EQ(StateAt("2026-11-04T09:29:59Z"), SlaState::kWarning);
}

TEST(MessageSla, AtFortyEightHoursExactlyItBreaches) {
  EXPECT_EQ(StateAt("2026-11-04T09:30:00Z"), SlaState::kBreached);
  EXPECT_EQ(StateAt("2026-12-04T09:30:00Z"), SlaState::kBreached);
}

TEST(MessageSla, TheAgeAndThresholdInstantsAreReported) {
  const MessageSla sla = ClassifyMessageSla(kSent, At("2026-11-03T10:30:00Z"), MessageSlaPolicy{});
  EXPECT_EQ(sla.age, std::chrono::hours{25});
  EXPECT_EQ(sla.warn_at, At("2026-11-03T09:30:00Z"));
  EXPECT_EQ(sla.breach_at, At("2026-11-04T09:30:00Z"));
}

TEST(MessageSla, AClockBehindTheMessageGivesAgeZero) {
  const MessageSla sla = ClassifyMessageSla(kSent, kSent - std::chrono::seconds{5}, MessageSlaPolicy{});
  EXPECT_EQ(sla.age, std::chrono::seconds{0});
  EXPECT_EQ(sla.state, SlaState::kWithin);
}

TEST(MessageSla, ThresholdsFollowThePolicy) {
  const MessageSlaPolicy tight{.warn_after = std::chrono::hours{1}, .breach_after = std::chrono::hours{2}};
  EXPECT_EQ(ClassifyMessageSla(kSent, At("2026-11-02T10:30:00Z"), tight).state, SlaState::kWarning);
  EXPECT_EQ(ClassifyMessageSla(kSent, At("2026-11-02T11:30:00Z"), tight).state, SlaState::kBreached);
}

}  // namespace
}  // namespace rxdesk
