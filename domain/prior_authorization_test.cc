#include "domain/prior_authorization.h"

#include <gtest/gtest.h>

#include "domain/test_fixtures.h"

namespace rxdesk {
namespace {

using test::At;

const Instant kRequested = At("2026-03-09T16:00:00Z");
const Instant kDue = PriorAuthDueAt(kRequested, PriorAuthPolicy{});

TEST(PriorAuth, IsDueTwentyFourHoursAfterTheRequest) { EXPECT_EQ(kDue, At("2026-03-10T16:00:00Z")); }

TEST(PriorAuth, OneSecondBeforeTwentyFourHoursAPendingRequestIsNotOverdue) {
  EXPECT_FALSE(IsPriorAuthOverdue(PriorAuthStatus::kPending, kDue, At("2026-03-10T15:59:59Z")));
}

TEST(PriorAuth, AtTwentyFourHoursExactlyAPendingRequestIsOverdue) {
  EXPECT_TRUE(IsPriorAuthOverdue(PriorAuthStatus::kPending, kDue, At("2026-03-10T16:00:00Z")));
  EXPECT_TRUE(IsPriorAuthOverdue(PriorAuthStatus::kPending, kDue, At("2026-04-10T16:00:00Z")));
}

TEST(PriorAuth, ADecidedRequestIsNeverOverdue) {
  EXPECT_FALSE(IsPriorAuthOverdue(PriorAuthStatus::kApproved, kDue, At("2026-04-10T16:00:00Z")));
  EXPECT_FALSE(IsPriorAuthOverdue(PriorAuthStatus::kDenied, kDue, At("2026-04-10T16:00:00Z")));
}

TEST(PriorAuth, TheDecisionWindowIsConfigurable) {
  const PriorAuthPolicy policy{.decision_within = std::chrono::hours{72}};
  EXPECT_EQ(PriorAuthDueAt(kRequested, policy), At("2026-03-12T16:00:00Z"));
  EXPECT_TRUE(ValidatePriorAuthPolicy(policy).ok());
  EXPECT_EQ(ValidatePriorAuthPolicy({.decision_within = std::chrono::seconds{59}}).error().field,
            "prior_auth.decision_within_hours");
  EXPECT_FALSE(ValidatePriorAuthPolicy({.decision_within = std::chrono::days{31}}).ok());
}

TEST(PriorAuth, APendingRequestIsApprovedOrDeniedWithAReason) {
  EXPECT_EQ(*DecidePriorAuth(PriorAuthStatus::kPending, "approved", "meets step therapy"), PriorAuthStatus::kApproved);
  EXPECT_EQ(*DecidePriorAuth(PriorAuthStatus::kPending, "denied", "no trial of metformin"), PriorAuthStatus::kDenied);
}

TEST(PriorAuth, ADecisionWithoutAReasonOrWithAnUnknownWordIsRefused) {
  EXPECT_EQ(DecidePriorAuth(PriorAuthStatus::kPending, "approved", "").error().field, "reason");
  EXPECT_EQ(DecidePriorAuth(PriorAuthStatus::kPending, "approved", "   ").error().field, "reason");
  EXPECT_EQ(
      DecidePriorAuth(PriorAuthStatus::kPending, "approved", std::string(kMaxPriorAuthText + 1, 'x')).error().field,
      "reason");
  EXPECT_TRUE(DecidePriorAuth(PriorAuthStatus::kPending, "approved", std::string(kMaxPriorAuthText, 'x')).ok());
  EXPECT_EQ(DecidePriorAuth(PriorAuthStatus::kPending, "pending", "why").error().field, "decision");
  EXPECT_EQ(DecidePriorAuth(PriorAuthStatus::kPending, "APPROVED", "why").error().field, "decision");
}

TEST(PriorAuth, ADecidedRequestCannotBeDecidedAgain) {
  EXPECT_EQ(DecidePriorAuth(PriorAuthStatus::kApproved, "denied", "changed my mind").error().code, "conflict");
  EXPECT_EQ(DecidePriorAuth(PriorAuthStatus::kDenied, "approved", "appeal").error().code, "conflict");
}

TEST(PriorAuth, StatusesReadAndWriteTheApiSpelling) {
  for (PriorAuthStatus s : {PriorAuthStatus::kPending, PriorAuthStatus::kApproved, PriorAuthStatus::kDenied}) {
    EXPECT_EQ(ParsePriorAuthStatus(ToString(s)), s);
  }
  EXPECT_FALSE(ParsePriorAuthStatus("").has_value());
  EXPECT_FALSE(ParsePriorAuthStatus("overdue").has_value());
}

}  // namespace
}  // namespace rxdesk
