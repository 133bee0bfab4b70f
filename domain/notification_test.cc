#include "domain/notification.h"

#include <gtest/gtest.h>

#include "domain/test_fixtures.h"

namespace rxdesk {
namespace {

using std::chrono::seconds;
using test::At;

// ---------------------------------------------------------------- channel and language

TEST(NotificationChannelTest, DefaultIsEmailWhenTheMemberHasOneElseSmsElseNone) {
  EXPECT_EQ(DefaultChannel({.has_email = true, .has_phone = true}), NotificationChannel::kEmail);
  EXPECT_EQ(DefaultChannel({.has_email = true, .has_phone = false}), NotificationChannel::kEmail);
  EXPECT_EQ(DefaultChannel({.has_email = false, .has_phone = true}), NotificationChannel::kSms);
  EXPECT_EQ(DefaultChannel({.has_email = false, .has_phone = false}), NotificationChannel::kNone);
}

TEST(NotificationChannelTest, DefaultLanguageIsEnglish) {
  EXPECT_EQ(kDefaultNotificationLanguage, NotificationLanguage::kEnglish);
}

TEST(NotificationChannelTest, AChannelReachesTheMemberOnlyWithItsAddressOnFile) {
  EXPECT_TRUE(ChannelReachable(NotificationChannel::kEmail, {.has_email = true}));
  EXPECT_FALSE(ChannelReachable(NotificationChannel::kEmail, {.has_phone = true}));
  EXPECT_TRUE(ChannelReachable(NotificationChannel::kSms, {.has_phone = true}));
  EXPECT_FALSE(ChannelReachable(NotificationChannel::kSms, {.has_email = true}));
  EXPECT_FALSE(ChannelReachable(NotificationChannel::kNone, {.has_email = true, .has_phone = true}));
}

TEST(NotificationChannelTest, ParsesTheApiSpellingsAndRefusesOthersNamingTheField) {
  for (NotificationChannel c : {NotificationChannel::kEmail, NotificationChannel::kSms, NotificationChannel::kNone}) {
    auto parsed = ParseNotificationChannel(ToString(c));
    ASSERT_TRUE(parsed.ok());
    EXPECT_EQ(*parsed, c);
  }
  for (const char* bad : {"", "Email", "EMAIL", "mail", "sms ", "push"}) {
    auto parsed = ParseNotificationChannel(bad, "channel");
    ASSERT_FALSE(parsed.ok()) << bad;
    EXPECT_EQ(parsed.error().code, "invalid_request");
    EXPECT_EQ(parsed.error().field, "channel");
  }
  EXPECT_EQ(*ParseNotificationLanguage("es"), NotificationLanguage::kSpanish);
  EXPECT_EQ(*ParseNotificationLanguage("en"), NotificationLanguage::kEnglish);
  for (const char* bad : {"", "ES", "sp", "en-US", "fr"}) {
    auto parsed = ParseNotificationLanguage(bad, "language");
    ASSERT_FALSE(parsed.ok()) << bad;
    EXPECT_EQ(parsed.error().field, "language");
  }
}

// ---------------------------------------------------------------- backoff

TEST(NotificationRetryTest, DelaysDoubleFromThirtySecondsWithoutJitter) {
  const NotificationRetryPolicy p;
  const long long expected[] = {30, 60, 120, 240, 480, 960, 1920, 3600, 3600};
  for (int failed = 1; failed <= 9; ++failed) {
    EXPECT_EQ(RetryDelay(p, failed, 0.0).count(), expected[failed - 1]) << "after failure " << failed;
  }
}

TEST(NotificationRetryTest, DelayStopsAtTheCapEvenAfterVeryManyFailures) {
  const NotificationRetryPolicy p;
  EXPECT_EQ(RetryDelay(p, 1000, 0.0), seconds(3600));
  EXPECT_EQ(RetryDelay(p, 2'000'000'000, 0.0), seconds(3600));
}

TEST(NotificationRetryTest, JitterTakesOffAtMostHalfTheNominalDelay) {
  const NotificationRetryPolicy p;
  EXPECT_EQ(RetryDelay(p, 1, 0.0), seconds(30));
  EXPECT_EQ(RetryDelay(p, 1, 0.5), seconds(23));  // 30 - floor(7.5)
  EXPECT_EQ(RetryDelay(p, 1, 0.999999), seconds(16));
  EXPECT_EQ(RetryDelay(p, 3, 0.999999), seconds(61));  // 120 - 59
  // Out-of-range randomness is clamped, never negative or beyond half.
  EXPECT_EQ(RetryDelay(p, 1, -3.0), seconds(30));
  EXPECT_EQ(RetryDelay(p, 1, 7.0), seconds(15));
}

TEST(NotificationRetryTest, NoDelayIsShorterThanOneSecond) {
  const NotificationRetryPolicy p{.base_delay = seconds(1), .max_delay = seconds(1), .max_attempts = 3};
  EXPECT_EQ(RetryDelay(p, 1, 0.0), seconds(1));
  EXPECT_EQ(RetryDelay(p, 1, 0.99), seconds(1));
}

TEST(NotificationRetryTest, GivesUpExactlyAtTheLastAttempt) {
  const NotificationRetryPolicy p;  // 8 attempts
  const Instant now = At("2026-11-23T15:00:00Z");
  const RetryDecision after_seven = DecideRetry(p, 7, now, 0.0);
  EXPECT_FALSE(after_seven.give_up);
  EXPECT_EQ(after_seven.next_attempt_at, now + seconds(1920));
  EXPECT_TRUE(DecideRetry(p, 8, now, 0.0).give_up);
  EXPECT_TRUE(DecideRetry(p, 9, now, 0.0).give_up);
}

TEST(NotificationRetryTest, OneAttemptInAllMeansNoRetry) {
  const NotificationRetryPolicy p{.max_attempts = 1};
  EXPECT_TRUE(DecideRetry(p, 1, At("2026-11-23T15:00:00Z"), 0.0).give_up);
}

TEST(NotificationRetryTest, DefaultScheduleSpansAboutAnHourBeforeGivingUp) {
  const NotificationRetryPolicy p;
  long long total = 0;
  for (int failed = 1; failed < p.max_attempts; ++failed) total += RetryDelay(p, failed, 0.0).count();
  EXPECT_EQ(total, 3810);  // 63.5 minutes from the first attempt to the eighth
}

TEST(NotificationRetryTest, PolicyRefusesZeroDelaysAndAttempts) {
  EXPECT_TRUE(ValidateRetryPolicy({}).ok());
  EXPECT_EQ(ValidateRetryPolicy({.base_delay = seconds(0)}).error().field, "base_delay");
  EXPECT_EQ(ValidateRetryPolicy({.base_delay = seconds(60), .max_delay = seconds(59)}).error().field, "max_delay");
  EXPECT_TRUE(ValidateRetryPolicy({.base_delay = seconds(60), .max_delay = seconds(60)}).ok());
  EXPECT_EQ(ValidateRetryPolicy({.max_attempts = 0}).error().field, "max_attempts");
}

}  // namespace
}  // namespace rxdesk
