#include "domain/refill.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <array>
#include <string>
#include <vector>

namespace rxdesk {
namespace {

constexpr Schedule kAllSchedules[] = {Schedule::kNone, Schedule::kII, Schedule::kIII, Schedule::kIV, Schedule::kV};

Prescription ActiveRx(Schedule schedule, Date written, int refills_remaining = 3) {
  Prescription rx;
  rx.drug = {.ndc = "00002322730", .name = "Atomoxetine", .strength = "40 mg", .form = "capsule"};
  rx.schedule = schedule;
  rx.quantity = Quantity::FromUnits(30);
  rx.days_supply = 30;
  rx.refills_authorized = refills_remaining;
  rx.refills_remaining = refills_remaining;
  rx.written_date = written;
  rx.prescriber = {.npi = "1234567893", .name = "Dr. Ana Ruiz", .dea = "AB1234563"};
  return rx;
}

// The refusal code of a fill, or "(counted)", so that a wrong answer fails instead of crashing.
std::string RefusalOf(const Result<FillOutcome>& fill) { return fill.ok() ? "(counted)" : fill.error().code; }

RefillEligibility Check(const Prescription& rx, std::optional<LastFill> last, Date today) {
  return CheckRefillEligibility(rx, last, today, RefillPolicy{});
}

// ---------------------------------------------------------------- too soon

// ceil(days supply × threshold), worked by hand. 75% for non-controlled drugs,
// 85% for Schedules III–V (PRODUCT.md §2 defaults).
struct ThresholdCase {
  int days_supply;
  bool controlled;
  int wait_days;  // eligible on fill date + wait_days
};
constexpr ThresholdCase kThresholdCases[] = {
    {30, false, 23},  // 30 × 0.75 = 22.5  → 23
    {90, false, 68},  // 90 × 0.75 = 67.5  → 68
    {7, false, 6},    //  7 × 0.75 = 5.25  → 6
    {1, false, 1},    //  1 × 0.75 = 0.75  → 1
    {28, false, 21},  // 28 × 0.75 = 21    → 21 (exact: no rounding)
    {34, false, 26},  // 34 × 0.75 = 25.5  → 26
    {30, true, 26},   // 30 × 0.85 = 25.5  → 26
    {90, true, 77},   // 90 × 0.85 = 76.5  → 77
    {7, true, 6},     //  7 × 0.85 = 5.95  → 6
    {1, true, 1},     //  1 × 0.85 = 0.85  → 1
    {28, true, 24},   // 28 × 0.85 = 23.8  → 24
    {34, true, 29},   // 34 × 0.85 = 28.9  → 29
};

TEST(CheckRefillEligibility, TooSoonUntilTheThresholdShareOfTheLastSupplyHasElapsed) {
  const Date filled = MakeDate(2026, 3, 10);
  for (const ThresholdCase& c : kThresholdCases) {
    const auto schedules = c.controlled ? std::vector<Schedule>{Schedule::kIII, Schedule::kIV, Schedule::kV}
                                        : std::vector<Schedule>{Schedule::kNone};
    for (Schedule schedule : schedules) {
      const Prescription rx = ActiveRx(schedule, filled);
      const LastFill last{filled, c.days_supply};
      const Date due = filled + Days{c.wait_days};
      const std::string label = std::string(ToString(schedule)) + " " + std::to_string(c.days_supply) + " days";

      const RefillEligibility before = Check(rx, last, due - Days{1});
      EXPECT_FALSE(before.eligible) << label;
      EXPECT_EQ(before.reason, RefillReason::kTooSoon) << label;
      EXPECT_EQ(before.next_eligible_date, due) << label;

      const RefillEligibility on = Check(rx, last, due);
      EXPECT_TRUE(on.eligible) << label;
      EXPECT_EQ(on.reason, RefillReason::kNone) << label;
      EXPECT_EQ(on.next_eligible_date, std::nullopt) << label;

      EXPECT_TRUE(Check(rx, last, due + Days{1}).eligible) << label;
    }
  }
}

TEST(CheckRefillEligibility, TooSoonOnTheDayOfTheFillItself) {
  const Date filled = MakeDate(2026, 3, 10);
  const RefillEligibility e = Check(ActiveRx(Schedule::kNone, filled), LastFill{filled, 30}, filled);
  EXPECT_EQ(e.reason, RefillReason::kTooSoon);
  EXPECT_EQ(e.next_eligible_date, MakeDate(2026, 4, 2));  // March 10 + 23 days: 21 left in March, then April 2
}

TEST(CheckRefillEligibility, NextEligibleDateCountsTheLeapDay) {
  // 2024-02-20 + 23: Feb 21..29 are 9 days, 14 more is March 14.
  const Date leap_fill = MakeDate(2024, 2, 20);
  EXPECT_EQ(Check(ActiveRx(Schedule::kNone, leap_fill), LastFill{leap_fill, 30}, leap_fill).next_eligible_date,
            MakeDate(2024, 3, 14));
  // 2025-02-20 + 23: Feb 21..28 are 8 days, 15 more is March 15.
  const Date plain_fill = MakeDate(2025, 2, 20);
  EXPECT_EQ(Check(ActiveRx(Schedule::kNone, plain_fill), LastFill{plain_fill, 30}, plain_fill).next_eligible_date,
            MakeDate(2025, 3, 15));
}

TEST(NextEligibleDate, IsTheSmallestWholeDayCoveringTheThreshold) {
  // The definition of ceil: wait × 100 ≥ supply × percent > (wait − 1) × 100.
  const Date filled = MakeDate(2026, 1, 1);
  for (int percent : {1, 50, 75, 85, 99, 100}) {
    RefillPolicy policy;
    policy.non_controlled_threshold_percent = percent;
    policy.controlled_threshold_percent = percent;
    for (int supply = 1; supply <= 400; ++supply) {
      for (Schedule schedule : {Schedule::kNone, Schedule::kIV}) {
        const int wait = DaysBetween(filled, NextEligibleDate(LastFill{filled, supply}, schedule, policy));
        EXPECT_GE(wait * 100, supply * percent) << supply << " at " << percent << "%";
        EXPECT_LT((wait - 1) * 100, supply * percent) << supply << " at " << percent << "%";
      }
    }
  }
}

TEST(NextEligibleDate, UsesThePlansThresholds) {
  RefillPolicy policy;
  policy.non_controlled_threshold_percent = 80;  // 30 × 0.80 = 24
  policy.controlled_threshold_percent = 90;      // 30 × 0.90 = 27
  const Date filled = MakeDate(2026, 1, 1);
  EXPECT_EQ(NextEligibleDate(LastFill{filled, 30}, Schedule::kNone, policy), MakeDate(2026, 1, 25));
  EXPECT_EQ(NextEligibleDate(LastFill{filled, 30}, Schedule::kV, policy), MakeDate(2026, 1, 28));
}

TEST(NextEligibleDate, TreatsANonPositiveSupplyAsNoWait) {
  const Date filled = MakeDate(2026, 1, 1);
  EXPECT_EQ(NextEligibleDate(LastFill{filled, 0}, Schedule::kNone, RefillPolicy{}), filled);
  EXPECT_EQ(NextEligibleDate(LastFill{filled, -30}, Schedule::kNone, RefillPolicy{}), filled);
}

TEST(CheckRefillEligibility, OmitsTheNextDateWhenThePrescriptionExpiresFirst) {
  // Non-controlled, written 2025-01-10: last valid day 2026-01-10 (+365, 2025 is no leap year).
  const Date written = MakeDate(2025, 1, 10);
  const Prescription rx = ActiveRx(Schedule::kNone, written);
  // Filled 2025-12-18 (+23 = 2026-01-10, the last valid day): the date is still offered.
  RefillEligibility e = Check(rx, LastFill{MakeDate(2025, 12, 18), 30}, MakeDate(2025, 12, 20));
  EXPECT_EQ(e.reason, RefillReason::kTooSoon);
  EXPECT_EQ(e.next_eligible_date, MakeDate(2026, 1, 10));
  // Filled 2025-12-19 (+23 = 2026-01-11, a day too late): too soon, and no date exists.
  e = Check(rx, LastFill{MakeDate(2025, 12, 19), 30}, MakeDate(2025, 12, 20));
  EXPECT_EQ(e.reason, RefillReason::kTooSoon);
  EXPECT_EQ(e.next_eligible_date, std::nullopt);
}

// ---------------------------------------------------------------- expiry

struct ExpiryCase {
  Schedule schedule;
  Date written;
  Date last_valid;  // worked by hand
  const char* why;
};
const ExpiryCase kExpiryCases[] = {
    {Schedule::kNone, MakeDate(2025, 1, 10), MakeDate(2026, 1, 10), "+365 days in a common year"},
    {Schedule::kNone, MakeDate(2024, 2, 29), MakeDate(2025, 2, 28), "+365 from the leap day: 2025-03-01 is +366"},
    {Schedule::kNone, MakeDate(2023, 3, 1), MakeDate(2024, 2, 29), "+365 across a leap day lands on it"},
    {Schedule::kV, MakeDate(2025, 1, 10), MakeDate(2026, 1, 10), "Schedule V: state law, 365 days"},
    {Schedule::kV, MakeDate(2024, 2, 29), MakeDate(2025, 2, 28), "Schedule V from the leap day"},
    {Schedule::kIII, MakeDate(2024, 2, 29), MakeDate(2024, 8, 29), "6 calendar months, same day"},
    {Schedule::kIV, MakeDate(2024, 2, 29), MakeDate(2024, 8, 29), "6 calendar months, same day"},
    {Schedule::kIII, MakeDate(2024, 8, 31), MakeDate(2025, 2, 28), "Feb 31 clamps to Feb 28"},
    {Schedule::kIV, MakeDate(2023, 8, 31), MakeDate(2024, 2, 29), "Feb 31 clamps to the leap day"},
    {Schedule::kIII, MakeDate(2024, 3, 31), MakeDate(2024, 9, 30), "Sep 31 clamps to Sep 30"},
    {Schedule::kIV, MakeDate(2024, 12, 15), MakeDate(2025, 6, 15), "across the year end"},
    {Schedule::kIII, MakeDate(2025, 1, 1), MakeDate(2025, 7, 1), "181 days here, not 180 or 183"},
};

TEST(LastValidDay, MatchesTheHandWorkedCalendar) {
  for (const ExpiryCase& c : kExpiryCases) {
    EXPECT_EQ(LastValidDay(c.schedule, c.written, RefillPolicy{}), c.last_valid) << c.why;
  }
}

TEST(CheckRefillEligibility, ExpiresTheDayAfterTheLastValidDay) {
  for (const ExpiryCase& c : kExpiryCases) {
    const Prescription rx = ActiveRx(c.schedule, c.written);
    const LastFill last{c.written, 30};  // long past, so never too soon here
    EXPECT_TRUE(Check(rx, last, c.last_valid - Days{1}).eligible) << c.why;
    EXPECT_TRUE(Check(rx, last, c.last_valid).eligible) << c.why;
    const RefillEligibility after = Check(rx, last, c.last_valid + Days{1});
    EXPECT_FALSE(after.eligible) << c.why;
    EXPECT_EQ(after.reason, RefillReason::kExpired) << c.why;
    EXPECT_EQ(after.next_eligible_date, std::nullopt) << c.why;
  }
}

TEST(CheckRefillEligibility, UnfilledScheduleIiExpiresWithTheStateLimit) {
  // Federal law sets none; the state figure (365) applies: 2025-01-10 → 2026-01-10.
  const Prescription rx = ActiveRx(Schedule::kII, MakeDate(2025, 1, 10), 0);
  EXPECT_TRUE(Check(rx, std::nullopt, MakeDate(2026, 1, 10)).eligible);
  EXPECT_EQ(Check(rx, std::nullopt, MakeDate(2026, 1, 11)).reason, RefillReason::kExpired);
}

TEST(CheckRefillEligibility, ExpiryDaysComeFromThePolicy) {
  RefillPolicy policy;
  policy.non_controlled_expiry_days = 180;  // 2026-01-01 + 180: Jan 30, Feb 28, Mar 31, Apr 30, May 31, Jun 30
  policy.schedule_v_expiry_days = 90;       // 2026-01-01 + 90: 30 + 28 + 31 = 89 → Mar 31, + 1 → Apr 1
  const Date written = MakeDate(2026, 1, 1);
  const LastFill last{written, 30};
  const Prescription plain = ActiveRx(Schedule::kNone, written);
  EXPECT_TRUE(CheckRefillEligibility(plain, last, MakeDate(2026, 6, 30), policy).eligible);
  EXPECT_EQ(CheckRefillEligibility(plain, last, MakeDate(2026, 7, 1), policy).reason, RefillReason::kExpired);
  const Prescription five = ActiveRx(Schedule::kV, written);
  EXPECT_TRUE(CheckRefillEligibility(five, last, MakeDate(2026, 4, 1), policy).eligible);
  EXPECT_EQ(CheckRefillEligibility(five, last, MakeDate(2026, 4, 2), policy).reason, RefillReason::kExpired);
  // III–IV follow the law (6 months), whatever the state figures say.
  const Prescription three = ActiveRx(Schedule::kIII, written);
  EXPECT_TRUE(CheckRefillEligibility(three, last, MakeDate(2026, 7, 1), policy).eligible);
  EXPECT_EQ(CheckRefillEligibility(three, last, MakeDate(2026, 7, 2), policy).reason, RefillReason::kExpired);
}

TEST(CheckRefillEligibility, ExpiredStatusCountsEvenWithinTheDates) {
  Prescription rx = ActiveRx(Schedule::kNone, MakeDate(2026, 1, 1));
  rx.status = RxStatus::kExpired;
  EXPECT_EQ(Check(rx, LastFill{MakeDate(2026, 1, 1), 30}, MakeDate(2026, 3, 1)).reason, RefillReason::kExpired);
}

// ---------------------------------------------------------------- the other reasons

TEST(CheckRefillEligibility, OnlyAnActivePrescriptionIsActive) {
  const Date written = MakeDate(2026, 1, 1);
  const LastFill last{written, 30};
  const Date today = MakeDate(2026, 3, 1);
  struct Case {
    RxStatus status;
    RefillReason reason;
  };
  for (const Case& c : {Case{RxStatus::kActive, RefillReason::kNone}, Case{RxStatus::kOnHold, RefillReason::kNotActive},
                        Case{RxStatus::kCancelled, RefillReason::kNotActive},
                        Case{RxStatus::kTransferredOut, RefillReason::kNotActive},
                        Case{RxStatus::kExpired, RefillReason::kExpired}}) {
    Prescription rx = ActiveRx(Schedule::kNone, written);
    rx.status = c.status;
    EXPECT_EQ(Check(rx, last, today).reason, c.reason) << ToString(c.status);
  }
}

TEST(CheckRefillEligibility, PriorAuthorizationMustBeApprovedWhenRequired) {
  const Date written = MakeDate(2026, 1, 1);
  struct Case {
    PriorAuth pa;
    bool eligible;
  };
  for (const Case& c : {Case{PriorAuth::kNotRequired, true}, Case{PriorAuth::kApproved, true},
                        Case{PriorAuth::kPending, false}, Case{PriorAuth::kDenied, false}}) {
    Prescription rx = ActiveRx(Schedule::kNone, written);
    rx.prior_auth = c.pa;
    const RefillEligibility e = Check(rx, LastFill{written, 30}, MakeDate(2026, 3, 1));
    EXPECT_EQ(e.eligible, c.eligible);
    EXPECT_EQ(e.reason, c.eligible ? RefillReason::kNone : RefillReason::kPriorAuthRequired);
  }
}

TEST(CheckRefillEligibility, NoRefillsRemainingOnceTheyAreUsed) {
  const Date written = MakeDate(2026, 1, 1);
  for (int remaining : {-1, 0, 1}) {
    const RefillEligibility e =
        Check(ActiveRx(Schedule::kNone, written, remaining), LastFill{written, 30}, MakeDate(2026, 3, 1));
    EXPECT_EQ(e.eligible, remaining > 0) << remaining;
    EXPECT_EQ(e.refills_remaining, remaining);
    EXPECT_EQ(e.reason, remaining > 0 ? RefillReason::kNone : RefillReason::kNoRefillsRemaining) << remaining;
  }
}

TEST(CheckRefillEligibility, ScheduleIiIsNeverRefilledWhateverElseHolds) {
  const Date written = MakeDate(2026, 1, 1);
  for (int remaining : {0, 1}) {
    const RefillEligibility e =
        Check(ActiveRx(Schedule::kII, written, remaining), LastFill{written, 30}, MakeDate(2026, 3, 1));
    EXPECT_FALSE(e.eligible);
    EXPECT_EQ(e.reason, RefillReason::kScheduleIiNoRefills);
  }
}

TEST(CheckRefillEligibility, EverySchedulePassesWhenNothingStandsInTheWay) {
  const Date written = MakeDate(2026, 1, 1);
  for (Schedule schedule : kAllSchedules) {
    if (schedule == Schedule::kII) continue;  // never refilled: above
    const RefillEligibility e = Check(ActiveRx(schedule, written), LastFill{written, 30}, MakeDate(2026, 3, 1));
    EXPECT_TRUE(e.eligible) << ToString(schedule);
    EXPECT_EQ(e.refills_remaining, 3);
  }
}

TEST(CheckRefillEligibility, TheOriginalFillIsNotARefill) {
  // Never dispensed: Schedule II, zero refills, a fill "today" do not stand in the way.
  const Date written = MakeDate(2026, 1, 1);
  for (Schedule schedule : kAllSchedules) {
    EXPECT_TRUE(Check(ActiveRx(schedule, written, 0), std::nullopt, written).eligible) << ToString(schedule);
  }
  // But status, expiry and prior authorization still do.
  Prescription held = ActiveRx(Schedule::kII, written, 0);
  held.status = RxStatus::kOnHold;
  EXPECT_EQ(Check(held, std::nullopt, written).reason, RefillReason::kNotActive);
  EXPECT_EQ(Check(ActiveRx(Schedule::kIV, written, 0), std::nullopt, MakeDate(2026, 7, 2)).reason,
            RefillReason::kExpired);  // 2026-01-01 + 6 months = 2026-07-01
  Prescription pa = ActiveRx(Schedule::kNone, written, 0);
  pa.prior_auth = PriorAuth::kPending;
  EXPECT_EQ(Check(pa, std::nullopt, written).reason, RefillReason::kPriorAuthRequired);
}

// ---------------------------------------------------------------- precedence

// PRODUCT.md §2 lists the reasons in this order; the first that applies wins.
constexpr std::array<RefillReason, 6> kSpecOrder = {
    RefillReason::kScheduleIiNoRefills, RefillReason::kNotActive,  RefillReason::kExpired,
    RefillReason::kNoRefillsRemaining,  RefillReason::kTooSoon,    RefillReason::kPriorAuthRequired,
};

struct Scenario {
  Prescription rx;
  LastFill last;
  Date today;
};

// An eligible non-controlled prescription, then spoiled by each reason in `reasons`.
// Written 2025-01-10 (valid through 2026-01-10), filled that day for 30 days,
// asked on 2025-04-20: eligible. Expiry moves today to 2026-01-11; too-soon then
// moves the fill to the day before today.
Scenario Spoil(const std::vector<RefillReason>& reasons) {
  const Date written = MakeDate(2025, 1, 10);
  Scenario s{ActiveRx(Schedule::kNone, written), LastFill{written, 30}, MakeDate(2025, 4, 20)};
  const auto has = [&](RefillReason r) { return std::find(reasons.begin(), reasons.end(), r) != reasons.end(); };
  if (has(RefillReason::kScheduleIiNoRefills)) s.rx.schedule = Schedule::kII;  // II also lasts 365 days
  if (has(RefillReason::kNotActive)) s.rx.status = RxStatus::kOnHold;
  if (has(RefillReason::kExpired)) s.today = MakeDate(2026, 1, 11);
  if (has(RefillReason::kNoRefillsRemaining)) s.rx.refills_remaining = 0;
  if (has(RefillReason::kTooSoon)) s.last.date = s.today - Days{1};
  if (has(RefillReason::kPriorAuthRequired)) s.rx.prior_auth = PriorAuth::kPending;
  return s;
}

RefillReason Outcome(const Scenario& s) { return Check(s.rx, s.last, s.today).reason; }

TEST(CheckRefillEligibility, EachReasonAloneIsReported) {
  EXPECT_EQ(Outcome(Spoil({})), RefillReason::kNone);
  for (RefillReason r : kSpecOrder) EXPECT_EQ(Outcome(Spoil({r})), r) << ToString(r);
}

TEST(CheckRefillEligibility, OfTwoReasonsTheEarlierInTheSpecWins) {
  for (std::size_t i = 0; i < kSpecOrder.size(); ++i) {
    for (std::size_t j = i + 1; j < kSpecOrder.size(); ++j) {
      EXPECT_EQ(Outcome(Spoil({kSpecOrder[i], kSpecOrder[j]})), kSpecOrder[i])
          << ToString(kSpecOrder[i]) << " + " << ToString(kSpecOrder[j]);
      EXPECT_EQ(Outcome(Spoil({kSpecOrder[j], kSpecOrder[i]})), kSpecOrder[i]);
    }
  }
}

TEST(CheckRefillEligibility, OfAnySetOfReasonsTheEarliestWins) {
  for (unsigned mask = 1; mask < (1u << kSpecOrder.size()); ++mask) {
    std::vector<RefillReason> reasons;
    for (std::size_t i = 0; i < kSpecOrder.size(); ++i) {
      if (mask & (1u << i)) reasons.push_back(kSpecOrder[i]);
    }
    EXPECT_EQ(Outcome(Spoil(reasons)), reasons.front()) << "mask " << mask;
  }
}

// ---------------------------------------------------------------- codes and errors

TEST(RefillReason, UsesTheApiCodes) {
  EXPECT_EQ(ToString(RefillReason::kNone), "");
  EXPECT_EQ(ToString(RefillReason::kScheduleIiNoRefills), "schedule_ii_no_refills");
  EXPECT_EQ(ToString(RefillReason::kNotActive), "not_active");
  EXPECT_EQ(ToString(RefillReason::kExpired), "expired");
  EXPECT_EQ(ToString(RefillReason::kNoRefillsRemaining), "no_refills_remaining");
  EXPECT_EQ(ToString(RefillReason::kTooSoon), "too_soon");
  EXPECT_EQ(ToString(RefillReason::kPriorAuthRequired), "prior_auth_required");
}

TEST(RefusalError, CarriesTheCodeAndTheNextEligibleDate) {
  const Date filled = MakeDate(2026, 3, 10);
  const RefillEligibility soon = Check(ActiveRx(Schedule::kNone, filled), LastFill{filled, 30}, filled);
  const Error e = RefusalError(soon);
  EXPECT_EQ(e.code, "too_soon");
  EXPECT_FALSE(e.message.empty());
  ASSERT_EQ(e.details.size(), 1u);
  EXPECT_EQ(e.details[0].first, "next_eligible_date");
  EXPECT_EQ(e.details[0].second, "2026-04-02");  // March 10 + 23

  Prescription held = ActiveRx(Schedule::kNone, filled);
  held.status = RxStatus::kCancelled;
  const Error not_active = RefusalError(Check(held, LastFill{filled, 30}, filled));
  EXPECT_EQ(not_active.code, "not_active");
  EXPECT_TRUE(not_active.details.empty());
}

TEST(RefusalError, NoRefillsRemainingOffersARenewal) {
  const Date filled = MakeDate(2026, 3, 10);
  const RefillEligibility none = Check(ActiveRx(Schedule::kNone, filled, 0), LastFill{filled, 30}, filled + Days{30});
  ASSERT_EQ(none.reason, RefillReason::kNoRefillsRemaining);
  const Error e = RefusalError(none);
  ASSERT_EQ(e.details.size(), 1u);
  EXPECT_EQ(e.details[0].first, "renewal");
  EXPECT_EQ(e.details[0].second, "available");
}

// ---------------------------------------------------------------- counting fills

TEST(ApplyFill, ThreeRefillsMeanFourFills) {
  Prescription rx = ActiveRx(Schedule::kNone, MakeDate(2026, 1, 1), 3);
  std::vector<FillKind> kinds;
  bool dispensed = false;
  for (;;) {
    auto fill = ApplyFill(rx, dispensed);
    if (!fill.ok()) {
      EXPECT_EQ(fill.error().code, "no_refills_remaining");
      break;
    }
    kinds.push_back(fill->kind);
    rx.refills_remaining = fill->refills_remaining;
    dispensed = true;
    ASSERT_LT(kinds.size(), 10u);
  }
  EXPECT_EQ(kinds, (std::vector<FillKind>{FillKind::kOriginal, FillKind::kRefill, FillKind::kRefill,
                                          FillKind::kRefill}));
  EXPECT_EQ(rx.refills_remaining, 0);
}

TEST(ApplyFill, TheOriginalFillLeavesTheRefillsAlone) {
  auto fill = ApplyFill(ActiveRx(Schedule::kIV, MakeDate(2026, 1, 1), 5), false);
  ASSERT_TRUE(fill.ok());
  EXPECT_EQ(fill->kind, FillKind::kOriginal);
  EXPECT_EQ(fill->refills_remaining, 5);
  auto refill = ApplyFill(ActiveRx(Schedule::kIV, MakeDate(2026, 1, 1), 5), true);
  ASSERT_TRUE(refill.ok());
  EXPECT_EQ(refill->kind, FillKind::kRefill);
  EXPECT_EQ(refill->refills_remaining, 4);
}

TEST(ApplyFill, ZeroRefillsStillAllowTheOriginalFill) {
  const Prescription rx = ActiveRx(Schedule::kNone, MakeDate(2026, 1, 1), 0);
  EXPECT_TRUE(ApplyFill(rx, false).ok());
  EXPECT_EQ(RefusalOf(ApplyFill(rx, true)), "no_refills_remaining");
}

TEST(ApplyFill, ScheduleIiIsDispensedOnce) {
  const Prescription rx = ActiveRx(Schedule::kII, MakeDate(2026, 1, 1), 0);
  auto first = ApplyFill(rx, false);
  ASSERT_TRUE(first.ok());
  EXPECT_EQ(first->kind, FillKind::kOriginal);
  EXPECT_EQ(RefusalOf(ApplyFill(rx, true)), "schedule_ii_no_refills");
}

}  // namespace
}  // namespace rxdesk
