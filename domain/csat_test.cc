#include "domain/csat.h"

#include <gtest/gtest.h>

#include "domain/test_fixtures.h"

namespace rxdesk {
namespace {

TEST(Csat, ScoresOneToFiveAreAcceptedAndNothingElse) {
  for (std::int64_t s = 1; s <= 5; ++s) EXPECT_TRUE(ValidateCsatScore(s).ok()) << s;
  for (std::int64_t s : {0, 6, -1, 100}) {
    const Status v = ValidateCsatScore(s);
    ASSERT_FALSE(v.ok()) << s;
    EXPECT_EQ(v.error().field, "score");
  }
}

TEST(Csat, OnlyFourAndFiveCountAsSatisfied) {
  EXPECT_FALSE(IsSatisfied(1));
  EXPECT_FALSE(IsSatisfied(3));
  EXPECT_TRUE(IsSatisfied(4));
  EXPECT_TRUE(IsSatisfied(5));
}

TEST(Csat, ASurveyExpiresExactlyTheConfiguredDaysAfterItWasSent) {
  const Instant sent = test::At("2026-11-02T15:00:00Z");
  EXPECT_EQ(SurveyExpiresAt(sent, SurveyPolicy{}), test::At("2026-11-16T15:00:00Z"));
  EXPECT_EQ(SurveyExpiresAt(sent, SurveyPolicy{.expire_days = 1}), test::At("2026-11-03T15:00:00Z"));
}

}  // namespace
}  // namespace rxdesk
