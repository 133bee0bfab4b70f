#include "domain/refill_reminder.h"

#include <gtest/gtest.h>

#include "domain/notification_templates.h"

namespace rxdesk {
namespace {

Date D(int y, unsigned m, unsigned d) { return MakeDate(y, m, d); }

Prescription ActiveRx(Schedule schedule, Date written, int refills_remaining = 3) {
  Prescription rx;
  rx.drug = {.ndc = "00093714656", .name = "Atorvastatin", .strength = "20 mg", .form = "tablet"};
  rx.schedule = schedule;
  rx.quantity = Quantity::FromUnits(30);
  rx.days_supply = 30;
  rx.refills_authorized = refills_remaining;
  rx.refills_remaining = refills_remaining;
  rx.written_date = written;
  rx.prescriber = {.npi = "1245319599", .name = "Dr. Avery Quinn", .dea = "AQ1234563"};
  return rx;
}

AutoRefillStep Step(const Prescription& rx, LastFill last, Date today) {
  return DecideAutoRefill(CheckRefillEligibility(rx, last, today, RefillPolicy{}));
}

// ---------------------------------------------------------------- the cycle

TEST(RefillReminderTest, AThirtyDayFillOnJanuaryFirstRunsOutOnJanuaryThirtyFirst) {
  EXPECT_EQ(SupplyRunsOutOn({D(2026, 1, 1), 30}), D(2026, 1, 31));
}

TEST(RefillReminderTest, ANinetyDayFillRunsOutNinetyDaysLaterAcrossAYearEnd) {
  EXPECT_EQ(SupplyRunsOutOn({D(2025, 11, 15), 90}), D(2026, 2, 13));
}

TEST(RefillReminderTest, ANegativeDaysSupplyRunsOutOnTheFillDate) {
  EXPECT_EQ(SupplyRunsOutOn({D(2026, 3, 1), -5}), D(2026, 3, 1));
  EXPECT_EQ(SupplyRunsOutOn({D(2026, 3, 1), 0}), D(2026, 3, 1));
}

// ---------------------------------------------------------------- the reminder window

// Jan 1 + 30 runs out Jan 31: with 7 days before, the window is Jan 24 – Jan 31.
struct WindowCase {
  Date as_of;
  bool due;
};

TEST(RefillReminderTest, TheReminderIsDueFromSevenDaysBeforeTheSupplyRunsOutThroughThatDay) {
  const LastFill last{D(2026, 1, 1), 30};
  for (const WindowCase& c :
       {WindowCase{D(2026, 1, 22), false}, WindowCase{D(2026, 1, 23), false}, WindowCase{D(2026, 1, 24), true},
        WindowCase{D(2026, 1, 25), true}, WindowCase{D(2026, 1, 30), true}, WindowCase{D(2026, 1, 31), true},
        WindowCase{D(2026, 2, 1), false}, WindowCase{D(2026, 12, 31), false}}) {
    EXPECT_EQ(ReminderDue(last, c.as_of, RefillReminderPolicy{}), c.due) << FormatDate(c.as_of);
  }
}

TEST(RefillReminderTest, TheDayBeforeTheWindowIsNotDue) {
  EXPECT_FALSE(ReminderDue({D(2026, 1, 1), 30}, D(2026, 1, 23), {.days_before = 7}));
  EXPECT_TRUE(ReminderDue({D(2026, 1, 1), 30}, D(2026, 1, 24), {.days_before = 7}));
}

TEST(RefillReminderTest, TheWindowFollowsTheConfiguredDaysBefore) {
  const LastFill last{D(2026, 1, 1), 30};
  EXPECT_FALSE(ReminderDue(last, D(2026, 1, 20), {.days_before = 10}));
  EXPECT_TRUE(ReminderDue(last, D(2026, 1, 21), {.days_before = 10}));
}

TEST(RefillReminderTest, ZeroDaysBeforeRemindsOnlyOnTheDayTheSupplyRunsOut) {
  const LastFill last{D(2026, 1, 1), 30};
  EXPECT_FALSE(ReminderDue(last, D(2026, 1, 30), {.days_before = 0}));
  EXPECT_TRUE(ReminderDue(last, D(2026, 1, 31), {.days_before = 0}));
  EXPECT_FALSE(ReminderDue(last, D(2026, 2, 1), {.days_before = 0}));
}

TEST(RefillReminderTest, ASupplyShorterThanTheLeadTimeIsDueFromItsFillDate) {
  const LastFill last{D(2026, 1, 10), 5};  // runs out Jan 15; the window would open Jan 8
  EXPECT_TRUE(ReminderDue(last, D(2026, 1, 10), RefillReminderPolicy{}));
  EXPECT_TRUE(ReminderDue(last, D(2026, 1, 8), RefillReminderPolicy{}));
}

TEST(RefillReminderTest, AFillDatedAfterTheDayIsNotDue) {
  EXPECT_FALSE(ReminderDue({D(2026, 2, 1), 30}, D(2026, 1, 31), RefillReminderPolicy{}));
}

TEST(RefillReminderTest, DaysBeforeMustBeFromZeroToNinety) {
  EXPECT_TRUE(ValidateRefillReminderPolicy({.days_before = 0}).ok());
  EXPECT_TRUE(ValidateRefillReminderPolicy({.days_before = 90}).ok());
  for (int bad : {-1, 91, 100000}) {
    const Status s = ValidateRefillReminderPolicy({.days_before = bad});
    ASSERT_FALSE(s.ok()) << bad;
    EXPECT_EQ(s.error().code, "invalid_request");
    EXPECT_EQ(s.error().field, "days_before");
  }
}

// ---------------------------------------------------------------- auto-refill

TEST(RefillReminderTest, AutoRefillWaitsUntilSeventyFivePercentOfTheSupplyThenOrders) {
  const Prescription rx = ActiveRx(Schedule::kNone, D(2025, 12, 1));
  const LastFill last{D(2026, 1, 1), 30};  // eligible from Jan 1 + ceil(22.5) = Jan 24
  EXPECT_EQ(Step(rx, last, D(2026, 1, 23)), AutoRefillStep::kWait);
  EXPECT_EQ(Step(rx, last, D(2026, 1, 24)), AutoRefillStep::kPlaceOrder);
  EXPECT_EQ(Step(rx, last, D(2026, 1, 31)), AutoRefillStep::kPlaceOrder);
}

TEST(RefillReminderTest, AControlledRefillWaitsInsideTheWindowUntilEightyFivePercent) {
  const Prescription rx = ActiveRx(Schedule::kIV, D(2025, 12, 1));
  const LastFill last{D(2026, 1, 1), 30};  // window opens Jan 24; eligible from Jan 27 (ceil 25.5)
  EXPECT_TRUE(ReminderDue(last, D(2026, 1, 24), RefillReminderPolicy{}));
  EXPECT_EQ(Step(rx, last, D(2026, 1, 24)), AutoRefillStep::kWait);
  EXPECT_EQ(Step(rx, last, D(2026, 1, 26)), AutoRefillStep::kWait);
  EXPECT_EQ(Step(rx, last, D(2026, 1, 27)), AutoRefillStep::kPlaceOrder);
}

TEST(RefillReminderTest, NoRefillsRemainingTellsTheMember) {
  const Prescription rx = ActiveRx(Schedule::kNone, D(2025, 12, 1), 0);
  EXPECT_EQ(Step(rx, {D(2026, 1, 1), 30}, D(2026, 1, 25)), AutoRefillStep::kTellMember);
}

TEST(RefillReminderTest, AnExpiredPrescriptionTellsTheMember) {
  const Prescription rx = ActiveRx(Schedule::kNone, D(2025, 1, 20));  // last valid day 2026-01-20
  EXPECT_EQ(Step(rx, {D(2025, 12, 27), 30}, D(2026, 1, 20)), AutoRefillStep::kPlaceOrder);
  EXPECT_EQ(Step(rx, {D(2025, 12, 27), 30}, D(2026, 1, 21)), AutoRefillStep::kTellMember);
}

TEST(RefillReminderTest, APrescriptionOnHoldOrCancelledTellsTheMember) {
  for (RxStatus status : {RxStatus::kOnHold, RxStatus::kCancelled, RxStatus::kTransferredOut}) {
    Prescription rx = ActiveRx(Schedule::kNone, D(2025, 12, 1));
    rx.status = status;
    EXPECT_EQ(Step(rx, {D(2026, 1, 1), 30}, D(2026, 1, 25)), AutoRefillStep::kTellMember);
  }
}

TEST(RefillReminderTest, ScheduleTwoIsNeverRefilledAutomatically) {
  const Prescription rx = ActiveRx(Schedule::kII, D(2025, 12, 20), 0);
  EXPECT_EQ(Step(rx, {D(2026, 1, 1), 30}, D(2026, 1, 25)), AutoRefillStep::kTellMember);
}

TEST(RefillReminderTest, TooSoonWithNoDateLeftInThePrescriptionsLifeTellsTheMember) {
  // Schedule IV written Jul 10, 2025 is valid through Jan 10, 2026; the next eligible
  // day (Jan 27) falls after it, so waiting will not help.
  const Prescription rx = ActiveRx(Schedule::kIV, D(2025, 7, 10));
  const RefillEligibility e = CheckRefillEligibility(rx, LastFill{D(2026, 1, 1), 30}, D(2026, 1, 5), RefillPolicy{});
  ASSERT_EQ(e.reason, RefillReason::kTooSoon);
  ASSERT_FALSE(e.next_eligible_date.has_value());
  EXPECT_EQ(DecideAutoRefill(e), AutoRefillStep::kTellMember);
}

TEST(RefillReminderTest, PriorAuthorizationRequiredTellsTheMember) {
  RefillEligibility e;
  e.reason = RefillReason::kPriorAuthRequired;
  EXPECT_EQ(DecideAutoRefill(e), AutoRefillStep::kTellMember);
}

// ---------------------------------------------------------------- what the member is told

TEST(RefillReminderTest, TheAutoRefillRefusalMessageTakesNoParameterAndRendersInBothLanguages) {
  for (NotificationLanguage lang : {NotificationLanguage::kEnglish, NotificationLanguage::kSpanish}) {
    auto m = RenderNotification("auto_refill_unavailable", lang, {});
    ASSERT_TRUE(m.ok());
    EXPECT_LE(m->sms.size(), 160u);
  }
  // Nothing can ride along: not even the reason code.
  auto with_reason = RenderNotification("auto_refill_unavailable", NotificationLanguage::kEnglish,
                                        {{"reason", "no_refills_remaining"}});
  ASSERT_FALSE(with_reason.ok());
  EXPECT_EQ(with_reason.error().field, "params.reason");
}

TEST(RefillReminderTest, StepsHaveStableNames) {
  EXPECT_EQ(ToString(AutoRefillStep::kPlaceOrder), "place_order");
  EXPECT_EQ(ToString(AutoRefillStep::kWait), "wait");
  EXPECT_EQ(ToString(AutoRefillStep::kTellMember), "tell_member");
}

}  // namespace
}  // namespace rxdesk
