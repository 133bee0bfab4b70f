#include "domain/renewal_request.h"

#include <gtest/gtest.h>

#include <string>

namespace rxdesk {
namespace {

std::string CodeOf(const Status& s) { return s.ok() ? "ok" : s.error().code; }

RenewalCandidate Candidate(Schedule schedule, RefillReason reason, int refills_remaining = 0) {
  RenewalCandidate c;
  c.schedule = schedule;
  c.refill.eligible = reason == RefillReason::kNone;
  c.refill.reason = reason;
  c.refill.refills_remaining = refills_remaining;
  return c;
}

TEST(RenewalEligibility, FollowsTheSpecTable) {
  // Schedule II first (the law), then what refill eligibility says today.
  struct Case {
    Schedule schedule;
    RefillReason reason;
    const char* expected;
  };
  const Case cases[] = {
      {Schedule::kNone, RefillReason::kNoRefillsRemaining, "ok"},
      {Schedule::kNone, RefillReason::kExpired, "ok"},  // an expired Rx needs the prescriber too
      {Schedule::kIII, RefillReason::kNoRefillsRemaining, "ok"},
      {Schedule::kIV, RefillReason::kExpired, "ok"},
      {Schedule::kV, RefillReason::kNoRefillsRemaining, "ok"},
      {Schedule::kII, RefillReason::kNoRefillsRemaining, "schedule_ii_new_prescription_required"},
      {Schedule::kII, RefillReason::kScheduleIiNoRefills, "schedule_ii_new_prescription_required"},
      {Schedule::kII, RefillReason::kExpired, "schedule_ii_new_prescription_required"},
      {Schedule::kII, RefillReason::kNone, "schedule_ii_new_prescription_required"},
      {Schedule::kNone, RefillReason::kNotActive, "not_active"},
      {Schedule::kNone, RefillReason::kNone, "renewal_not_needed"},
      {Schedule::kNone, RefillReason::kTooSoon, "renewal_not_needed"},
      {Schedule::kNone, RefillReason::kPriorAuthRequired, "renewal_not_needed"},
  };
  for (const Case& c : cases) {
    EXPECT_EQ(CodeOf(CheckRenewalEligibility(Candidate(c.schedule, c.reason))), c.expected)
        << "schedule=" << ToString(c.schedule) << " reason=" << ToString(c.reason);
  }
}

TEST(RenewalEligibility, ANotNeededRenewalSaysHowManyRefillsRemain) {
  const Status s = CheckRenewalEligibility(Candidate(Schedule::kNone, RefillReason::kTooSoon, 2));
  ASSERT_FALSE(s.ok());
  ASSERT_EQ(s.error().details.size(), 1u);
  EXPECT_EQ(s.error().details[0].first, "refills_remaining");
  EXPECT_EQ(s.error().details[0].second, "2");
}

// requested -> sent -> approved | denied; cancelled until the prescriber answers.
// clang-format off
constexpr const char* kExpected[5][4] = {
    //                sent    approved    denied    cancelled
    /* requested */ {"sent", "-",        "-",      "cancelled"},
    /* sent      */ {"-",    "approved", "denied", "cancelled"},
    /* approved  */ {"-",    "-",        "-",      "-"},
    /* denied    */ {"-",    "-",        "-",      "-"},
    /* cancelled */ {"-",    "-",        "-",      "-"},
};
// clang-format on

TEST(TransitionRenewal, EveryStatusAndEventPairMatchesTheSpecTable) {
  for (int s = 0; s < 5; ++s) {
    for (int e = 0; e < 4; ++e) {
      const auto status = static_cast<RenewalStatus>(s);
      const auto event = static_cast<RenewalEvent>(e);
      const Result<RenewalStatus> next = TransitionRenewal(status, event);
      const std::string got = next.ok() ? std::string(ToString(*next)) : "-";
      EXPECT_EQ(got, kExpected[s][e]) << ToString(status) << " + " << ToString(event);
      if (!next.ok()) {
        EXPECT_EQ(next.error().code, "invalid_transition");
        ASSERT_EQ(next.error().details.size(), 2u);
        EXPECT_EQ(next.error().details[0].second, ToString(status));
        EXPECT_EQ(next.error().details[1].second, ToString(event));
      }
    }
  }
}

TEST(RenewalStatus, OnlyRequestedAndSentAreOpen) {
  EXPECT_TRUE(IsOpen(RenewalStatus::kRequested));
  EXPECT_TRUE(IsOpen(RenewalStatus::kSent));
  EXPECT_FALSE(IsOpen(RenewalStatus::kApproved));
  EXPECT_FALSE(IsOpen(RenewalStatus::kDenied));
  EXPECT_FALSE(IsOpen(RenewalStatus::kCancelled));
}

TEST(RenewalStatus, NamesRoundTripAndNothingElseParses) {
  for (int s = 0; s < 5; ++s) {
    const auto status = static_cast<RenewalStatus>(s);
    EXPECT_EQ(ParseRenewalStatus(ToString(status)), status);
  }
  for (int e = 0; e < 4; ++e) {
    const auto event = static_cast<RenewalEvent>(e);
    EXPECT_EQ(ParseRenewalEvent(ToString(event)), event);
  }
  EXPECT_FALSE(ParseRenewalStatus("Requested"));
  EXPECT_FALSE(ParseRenewalStatus(""));
  EXPECT_FALSE(ParseRenewalStatus("sent_to_prescriber"));
  EXPECT_FALSE(ParseRenewalEvent("requested"));
  EXPECT_FALSE(ParseRenewalEvent("sent "));
}

}  // namespace
}  // namespace rxdesk
