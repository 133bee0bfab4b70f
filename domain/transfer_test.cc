#include "domain/transfer.h"

#include <gtest/gtest.h>

#include <string>

namespace rxdesk {
namespace {

using std::chrono::hours;

// What PRODUCT.md §3 and 21 CFR 1306.08(e) / 1306.25(a) allow, row by row.
struct TransferCase {
  Schedule schedule;
  int prior_transfers;
  int refills_remaining;
  bool electronic_initial_fill;
  bool shares_realtime_database;
  std::string_view code;  // "" = allowed
  const char* why;
};

constexpr TransferCase kTransferCases[] = {
    // Non-controlled: unlimited while refills remain.
    {Schedule::kNone, 0, 3, false, false, "", "first transfer"},
    {Schedule::kNone, 1, 3, false, false, "", "second transfer"},
    {Schedule::kNone, 7, 1, false, false, "", "eighth transfer, one refill left"},
    {Schedule::kNone, 0, 0, false, false, "no_refills_remaining", "nothing left to move"},
    {Schedule::kNone, 2, 0, true, false, "", "unfilled e-Rx moves for its first fill"},
    // Schedule II: only an unfilled electronic prescription, once.
    {Schedule::kII, 0, 0, false, false, "schedule_ii_not_transferable", "paper or filled"},
    {Schedule::kII, 0, 0, false, true, "schedule_ii_not_transferable", "a shared database does not help"},
    {Schedule::kII, 3, 0, false, false, "schedule_ii_not_transferable", "II is named before the count"},
    {Schedule::kII, 0, 0, true, false, "", "e-Rx initial fill, 1306.08(e)"},
    {Schedule::kII, 1, 0, true, false, "transfer_limit_reached", "e-Rx initial fill moves only once"},
    // Schedules III–V: once, unless the pharmacies share a real-time database.
    {Schedule::kIII, 0, 2, false, false, "", "first transfer"},
    {Schedule::kIV, 0, 2, false, false, "", "first transfer"},
    {Schedule::kV, 0, 2, false, false, "", "first transfer"},
    {Schedule::kIII, 1, 2, false, false, "transfer_limit_reached", "second transfer"},
    {Schedule::kIV, 1, 2, false, false, "transfer_limit_reached", "second transfer"},
    {Schedule::kV, 1, 2, false, false, "transfer_limit_reached", "second transfer"},
    {Schedule::kIV, 5, 2, false, false, "transfer_limit_reached", "sixth transfer"},
    {Schedule::kIII, 1, 2, false, true, "", "shared database: up to the refills"},
    {Schedule::kV, 4, 1, false, true, "", "shared database: up to the refills"},
    {Schedule::kIV, 1, 0, false, true, "no_refills_remaining", "shared database, nothing left"},
    {Schedule::kIII, 0, 0, false, false, "no_refills_remaining", "nothing left to move"},
    {Schedule::kIV, 1, 0, false, false, "transfer_limit_reached", "the limit is named before the refills"},
    {Schedule::kIV, 0, 0, true, false, "", "e-Rx initial fill"},
    {Schedule::kV, 1, 0, true, true, "transfer_limit_reached", "1306.08(e) is once even with a shared database"},
};

TEST(CheckTransferIn, FollowsTheTransferRulesRowByRow) {
  for (const TransferCase& c : kTransferCases) {
    const TransferInRequest request{.schedule = c.schedule,
                                    .prior_transfers = c.prior_transfers,
                                    .refills_remaining = c.refills_remaining,
                                    .electronic_initial_fill = c.electronic_initial_fill,
                                    .shares_realtime_database = c.shares_realtime_database};
    const Status status = CheckTransferIn(request);
    const std::string label = std::string(ToString(c.schedule)) + ": " + c.why;
    if (c.code.empty()) {
      EXPECT_TRUE(status.ok()) << label << " → " << status.error().code;
    } else {
      ASSERT_FALSE(status.ok()) << label;
      EXPECT_EQ(status.error().code, c.code) << label;
      EXPECT_FALSE(status.error().message.empty());
    }
  }
}

TEST(CheckTransferIn, RefusesNegativeCountsAsMalformed) {
  const Status prior = CheckTransferIn({.schedule = Schedule::kNone, .prior_transfers = -1, .refills_remaining = 2});
  ASSERT_FALSE(prior.ok());
  EXPECT_EQ(prior.error().code, "invalid_request");
  EXPECT_EQ(prior.error().field, "prior_transfers");
  const Status refills = CheckTransferIn({.schedule = Schedule::kII, .prior_transfers = 0, .refills_remaining = -1});
  ASSERT_FALSE(refills.ok());
  EXPECT_EQ(refills.error().code, "invalid_request");
  EXPECT_EQ(refills.error().field, "refills_remaining");
}

// ---------------------------------------------------------------- completion window

constexpr Instant At(int y, unsigned m, unsigned d, int h) {
  return Instant{MakeDate(y, m, d)} + std::chrono::hours{h};
}

TEST(ExpectedTransferCompletion, NonControlledWithinTwentyFourHours) {
  const Instant requested = At(2026, 11, 23, 15);
  const TransferWindow w = ExpectedTransferCompletion(requested, Schedule::kNone, TransferPolicy{});
  EXPECT_EQ(w.earliest, requested);
  EXPECT_EQ(w.latest, At(2026, 11, 24, 15));
}

TEST(ExpectedTransferCompletion, ControlledAddsOneToThreeDaysForVerification) {
  // [0 h, 24 h] processing + [24 h, 72 h] verification = [24 h, 96 h]: Nov 24 and Nov 27, 15:00.
  const Instant requested = At(2026, 11, 23, 15);
  for (Schedule s : {Schedule::kII, Schedule::kIII, Schedule::kIV, Schedule::kV}) {
    const TransferWindow w = ExpectedTransferCompletion(requested, s, TransferPolicy{});
    EXPECT_EQ(w.earliest, At(2026, 11, 24, 15)) << ToString(s);
    EXPECT_EQ(w.latest, At(2026, 11, 27, 15)) << ToString(s);
  }
}

TEST(ExpectedTransferCompletion, CountsElapsedHoursAcrossTheYearEnd) {
  // 2026-12-30 20:00 + 96 h = 4 days later: Dec 31, Jan 1, Jan 2, Jan 3.
  const TransferWindow w = ExpectedTransferCompletion(At(2026, 12, 30, 20), Schedule::kIV, TransferPolicy{});
  EXPECT_EQ(FormatInstant(w.earliest), "2026-12-31T20:00:00Z");
  EXPECT_EQ(FormatInstant(w.latest), "2027-01-03T20:00:00Z");
}

TEST(ExpectedTransferCompletion, TakesItsHoursFromThePolicy) {
  TransferPolicy policy;
  policy.processing_min = hours{24};  // "processing always takes the full day": [48 h, 96 h] controlled
  const Instant requested = At(2028, 2, 28, 12);
  TransferWindow w = ExpectedTransferCompletion(requested, Schedule::kIII, policy);
  EXPECT_EQ(w.earliest, At(2028, 3, 1, 12));  // +48 h across the leap day: Feb 29, Mar 1
  EXPECT_EQ(w.latest, At(2028, 3, 3, 12));    // +96 h
  EXPECT_EQ(ExpectedTransferCompletion(requested, Schedule::kNone, policy),
            (TransferWindow{At(2028, 2, 29, 12), At(2028, 2, 29, 12)}));

  policy = TransferPolicy{};
  policy.processing_max = hours{12};
  policy.controlled_verification_min = hours{6};
  policy.controlled_verification_max = hours{36};
  w = ExpectedTransferCompletion(requested, Schedule::kV, policy);
  EXPECT_EQ(w.earliest, At(2028, 2, 28, 18));  // 0 + 6 h
  EXPECT_EQ(w.latest, At(2028, 3, 1, 12));     // 12 + 36 = 48 h: Feb 29, Mar 1
}

TEST(ExpectedTransferCompletion, NeverEndsBeforeItStarts) {
  const Instant requested = At(2026, 6, 1, 0);
  for (Schedule s : {Schedule::kNone, Schedule::kII, Schedule::kIII, Schedule::kIV, Schedule::kV}) {
    const TransferWindow w = ExpectedTransferCompletion(requested, s, TransferPolicy{});
    EXPECT_LE(requested, w.earliest);
    EXPECT_LE(w.earliest, w.latest);
  }
}

}  // namespace
}  // namespace rxdesk
