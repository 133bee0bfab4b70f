#include "domain/adherence.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <climits>
#include <cstdint>
#include <map>
#include <random>
#include <set>
#include <vector>

namespace rxdesk {
namespace {

AdherenceFill Fill(int y, unsigned m, unsigned d, int days_supply, std::uint32_t drug = 0) {
  return AdherenceFill{MakeDate(y, m, d), days_supply, drug};
}

MeasurementPeriod Year(int y) { return {MakeDate(y, 1, 1), MakeDate(y, 12, 31)}; }

PdcMeasure Pdc(MeasurementPeriod period, const std::vector<AdherenceFill>& fills, const AdherencePolicy& policy = {}) {
  Result<PdcMeasure> r = ComputePdc(period, fills, policy);
  EXPECT_TRUE(r.ok()) << (r.ok() ? "" : r.error().field);
  return r.ok() ? *r : PdcMeasure{};
}

// An independent oracle: simulate the member's supply day by day. Each drug has
// its own stock; a fill adds its days supply to the stock on its date, and a day
// is covered when any drug has stock (which is then used up by one). Only fills
// in the period count; the treatment period runs from the first one.
std::pair<int, int> OracleCoveredAndTreatment(MeasurementPeriod period, const std::vector<AdherenceFill>& fills) {
  std::map<std::uint32_t, std::map<int, int>> added;  // drug -> day -> supply
  int index = INT32_MAX;
  const int first = DaysBetween(Date{}, period.first);
  const int last = DaysBetween(Date{}, period.last);
  for (const AdherenceFill& f : fills) {
    const int day = DaysBetween(Date{}, f.date);
    if (day < first || day > last) continue;
    added[f.drug][day] += f.days_supply;
    index = std::min(index, day);
  }
  if (index == INT32_MAX) return {0, 0};
  std::set<int> covered;
  for (const auto& [drug, by_day] : added) {
    int stock = 0;
    for (int day = index; day <= last; ++day) {
      if (auto it = by_day.find(day); it != by_day.end()) stock += it->second;
      if (stock > 0) {
        covered.insert(day);
        --stock;
      }
    }
  }
  return {static_cast<int>(covered.size()), last - index + 1};
}

// ---------------------------------------------------------------------------
// Days covered, by hand.

TEST(ComputePdc, CountsFillsThatDoNotOverlapAsTheirDaysSupply) {
  // Jan 1 +30 covers Jan 1-30; Feb 1 +30 covers Feb 1-Mar 2. 60 of 365 days.
  const PdcMeasure m = Pdc(Year(2026), {Fill(2026, 1, 1, 30), Fill(2026, 2, 1, 30)});
  EXPECT_TRUE(m.measured);
  EXPECT_EQ(m.fills_in_period, 2);
  EXPECT_EQ(m.index_date, MakeDate(2026, 1, 1));
  EXPECT_EQ(m.treatment_days, 365);
  EXPECT_EQ(m.covered_days, 60);
  EXPECT_FALSE(m.adherent);
  EXPECT_EQ(m.supply_runs_out, MakeDate(2026, 3, 3));
  EXPECT_DOUBLE_EQ(m.Fraction(), 60.0 / 365.0);
}

TEST(ComputePdc, ShiftsAnEarlyRefillToWhenThePreviousSupplyRunsOut) {
  // PQA worked example: Jan 1 +90 -> Jan 1-Mar 31 (90); Mar 25 +90 shifts to
  // Apr 1-Jun 29 (90); Jul 5 +90 -> Jul 5-Oct 2 (90); Oct 15 +90 -> Oct 15-Dec 31
  // counted (17+30+31 = 78). 348 of 365.
  const PdcMeasure m = Pdc(Year(2018), {Fill(2018, 1, 1, 90), Fill(2018, 3, 25, 90), Fill(2018, 7, 5, 90),
                                        Fill(2018, 10, 15, 90)});
  EXPECT_EQ(m.treatment_days, 365);
  EXPECT_EQ(m.covered_days, 348);
  EXPECT_TRUE(m.adherent);
  EXPECT_EQ(m.supply_runs_out, MakeDate(2019, 1, 13));  // Oct 15 + 90 days, not truncated
}

TEST(ComputePdc, StartsTheTreatmentPeriodAtTheFirstFillInThePeriod) {
  // PQA worked example: Mar 25 +90 -> Mar 25-Jun 22; Jul 5 +90 -> Jul 5-Oct 2;
  // Sep 25 +90 shifts to Oct 3-Dec 31. Treatment Mar 25-Dec 31 = 7 + 275 = 282
  // days; uncovered Jun 23-Jul 4 = 12 days; covered 270.
  const PdcMeasure m = Pdc(Year(2018), {Fill(2018, 3, 25, 90), Fill(2018, 7, 5, 90), Fill(2018, 9, 25, 90)});
  EXPECT_EQ(m.index_date, MakeDate(2018, 3, 25));
  EXPECT_EQ(m.treatment_days, 282);
  EXPECT_EQ(m.covered_days, 270);
}

TEST(ComputePdc, ChainsSeveralEarlyRefills) {
  // Jan 1 +30 -> Jan 1-30; Jan 20 +30 -> Jan 31-Mar 1; Feb 10 +30 -> Mar 2-31.
  // Period Jan 1-Mar 31 = 31+28+31 = 90 days, all covered.
  const MeasurementPeriod q1{MakeDate(2026, 1, 1), MakeDate(2026, 3, 31)};
  const PdcMeasure m = Pdc(q1, {Fill(2026, 1, 1, 30), Fill(2026, 1, 20, 30), Fill(2026, 2, 10, 30)});
  EXPECT_EQ(m.treatment_days, 90);
  EXPECT_EQ(m.covered_days, 90);
  EXPECT_EQ(m.supply_runs_out, MakeDate(2026, 4, 1));
}

TEST(ComputePdc, LeavesAGapBetweenLateRefillsUncovered) {
  // Jan 1 +30 -> Jan 1-30; Mar 1 +30 -> Mar 1-30. Period Jan 1-Mar 31: 60 of 90.
  const MeasurementPeriod q1{MakeDate(2026, 1, 1), MakeDate(2026, 3, 31)};
  const PdcMeasure m = Pdc(q1, {Fill(2026, 1, 1, 30), Fill(2026, 3, 1, 30)});
  EXPECT_EQ(m.covered_days, 60);
  EXPECT_EQ(m.treatment_days, 90);
  EXPECT_FALSE(m.adherent);
}

TEST(ComputePdc, TruncatesSupplyAtThePeriodEnd) {
  // Dec 1 +30 -> Dec 1-30; Dec 20 +30 shifts to Dec 31-Jan 29: only Dec 31 counts.
  // Treatment Dec 1-31 = 31 days, covered 31.
  const PdcMeasure m = Pdc(Year(2026), {Fill(2026, 12, 1, 30), Fill(2026, 12, 20, 30)});
  EXPECT_EQ(m.treatment_days, 31);
  EXPECT_EQ(m.covered_days, 31);
  EXPECT_EQ(m.supply_runs_out, MakeDate(2027, 1, 30));
}

TEST(ComputePdc, IgnoresFillsOutsideThePeriodIncludingCarriedSupply) {
  // PQA: the index date is the first fill in the period; the Dec 15 fill and its
  // supply are not counted, the 2027 fill neither. Treatment Jan 20-Dec 31 =
  // 365 - 19 = 346; covered Jan 20-Feb 18 and Feb 19-Mar 20 = 60.
  const PdcMeasure m = Pdc(Year(2026), {Fill(2025, 12, 15, 60), Fill(2026, 1, 20, 30), Fill(2026, 2, 19, 30),
                                        Fill(2027, 1, 5, 90)});
  EXPECT_EQ(m.fills_in_period, 2);
  EXPECT_EQ(m.index_date, MakeDate(2026, 1, 20));
  EXPECT_EQ(m.treatment_days, 346);
  EXPECT_EQ(m.covered_days, 60);
  EXPECT_TRUE(m.measured);
}

TEST(ComputePdc, CountsAFillOnThePeriodsFirstAndLastDay) {
  // Jan 1 +1 covers Jan 1; Dec 31 +30 covers Dec 31 only. 2 of 365.
  const PdcMeasure m = Pdc(Year(2026), {Fill(2026, 1, 1, 1), Fill(2026, 12, 31, 30)});
  EXPECT_EQ(m.fills_in_period, 2);
  EXPECT_EQ(m.covered_days, 2);
}

TEST(ComputePdc, MeasuresAOneDayPeriod) {
  const MeasurementPeriod day{MakeDate(2026, 5, 5), MakeDate(2026, 5, 5)};
  const PdcMeasure m = Pdc(day, {Fill(2026, 5, 5, 30), Fill(2026, 5, 4, 30)});
  EXPECT_EQ(m.fills_in_period, 1);
  EXPECT_EQ(m.treatment_days, 1);
  EXPECT_EQ(m.covered_days, 1);
  EXPECT_FALSE(m.measured);
}

// ---------------------------------------------------------------------------
// The threshold and the calendar.

TEST(ComputePdc, ExactlyEightyPercentIsAdherent) {
  // Jan 1 +90 (Jan 1-Mar 31), Apr 1 +90 (Apr 1-Jun 29), Jul 1 +90 (Jul 1-Sep 28),
  // Oct 1 +22: 90+90+90+22 = 292 = 0.80 x 365 exactly. One day less is 291.
  const std::vector<AdherenceFill> base = {Fill(2026, 1, 1, 90), Fill(2026, 4, 1, 90), Fill(2026, 7, 1, 90)};
  auto with_last = [&](int days) {
    auto fills = base;
    fills.push_back(Fill(2026, 10, 1, days));
    return Pdc(Year(2026), fills);
  };
  EXPECT_EQ(with_last(22).covered_days, 292);
  EXPECT_TRUE(with_last(22).adherent);
  EXPECT_EQ(with_last(21).covered_days, 291);
  EXPECT_FALSE(with_last(21).adherent);
  EXPECT_TRUE(with_last(23).adherent);
}

TEST(ComputePdc, LeapYearsHaveALongerTreatmentPeriod) {
  // 2024 has 366 days: 80% is 292.8, so 292 days fall short and 293 reach it.
  // Jan 1 +90 covers Jan 1-Mar 30 (31+29+30); no fill overlaps the next.
  const std::vector<AdherenceFill> base = {Fill(2024, 1, 1, 90), Fill(2024, 4, 1, 90), Fill(2024, 7, 1, 90)};
  auto with_last = [&](int days) {
    auto fills = base;
    fills.push_back(Fill(2024, 10, 1, days));
    return Pdc(Year(2024), fills);
  };
  EXPECT_EQ(with_last(22).treatment_days, 366);
  EXPECT_EQ(with_last(22).covered_days, 292);
  EXPECT_FALSE(with_last(22).adherent);
  EXPECT_TRUE(with_last(23).adherent);
}

TEST(ComputePdc, ShiftsAcrossTheLeapDay) {
  // 2024: Feb 1 +30 covers Feb 1-Mar 1 (29 Feb days + Mar 1); Feb 20 +30 shifts to
  // Mar 2-31, runs out Apr 1. In 2026 the same fills run out Apr 2.
  EXPECT_EQ(Pdc(Year(2024), {Fill(2024, 2, 1, 30), Fill(2024, 2, 20, 30)}).supply_runs_out, MakeDate(2024, 4, 1));
  EXPECT_EQ(Pdc(Year(2026), {Fill(2026, 2, 1, 30), Fill(2026, 2, 20, 30)}).supply_runs_out, MakeDate(2026, 4, 2));
}

TEST(ComputePdc, FollowsTheConfiguredThreshold) {
  // 292/365 = 80%: adherent at 80, not at 90, and every member is adherent at 0.
  const std::vector<AdherenceFill> fills = {Fill(2026, 1, 1, 90), Fill(2026, 4, 1, 90), Fill(2026, 7, 1, 90),
                                            Fill(2026, 10, 1, 22)};
  EXPECT_TRUE(Pdc(Year(2026), fills, AdherencePolicy{.adherent_threshold_percent = 80}).adherent);
  EXPECT_FALSE(Pdc(Year(2026), fills, AdherencePolicy{.adherent_threshold_percent = 90}).adherent);
  EXPECT_TRUE(Pdc(Year(2026), {Fill(2026, 1, 1, 1), Fill(2026, 6, 1, 1)},
                  AdherencePolicy{.adherent_threshold_percent = 0}).adherent);
}

// ---------------------------------------------------------------------------
// Who is measured (PQA denominator: two fills on different dates).

TEST(ComputePdc, DoesNotMeasureAMemberWithoutFills) {
  for (const auto& fills : {std::vector<AdherenceFill>{}, std::vector<AdherenceFill>{Fill(2025, 6, 1, 30)}}) {
    const PdcMeasure m = Pdc(Year(2026), fills);
    EXPECT_FALSE(m.measured);
    EXPECT_EQ(m.fills_in_period, 0);
    EXPECT_FALSE(m.index_date.has_value());
    EXPECT_EQ(m.treatment_days, 0);
    EXPECT_EQ(m.Fraction(), 0.0);
    EXPECT_FALSE(m.adherent);
    EXPECT_FALSE(m.supply_runs_out.has_value());
  }
}

TEST(ComputePdc, DoesNotMeasureASingleFill) {
  const PdcMeasure m = Pdc(Year(2026), {Fill(2026, 1, 1, 365)});
  EXPECT_FALSE(m.measured);
  EXPECT_FALSE(m.adherent);  // even fully covered: not in the denominator
  EXPECT_EQ(m.covered_days, 365);
}

TEST(ComputePdc, DoesNotMeasureTwoFillsOnTheSameDate) {
  // Same drug, same day: the second shifts (Jan 1-30, Jan 31-Mar 1 = 60 days), but
  // one date of service is not two.
  const PdcMeasure m = Pdc(Year(2026), {Fill(2026, 1, 1, 30), Fill(2026, 1, 1, 30)});
  EXPECT_FALSE(m.measured);
  EXPECT_EQ(m.covered_days, 60);
  EXPECT_TRUE(Pdc(Year(2026), {Fill(2026, 1, 1, 30), Fill(2026, 1, 2, 30)}).measured);
}

// ---------------------------------------------------------------------------
// Several drugs of one class.

TEST(ComputePdc, DoesNotShiftConcurrentFillsOfDifferentDrugs) {
  // Metformin (1) and glipizide (2) both filled Jan 1 +90 cover the same days
  // Jan 1-Mar 31; metformin Apr 1 +90 covers Apr 1-Jun 29. Union: 90+90 = 180.
  // Treated as one drug, glipizide would shift to Apr 1-Jun 29 and the Apr 1
  // metformin to Jun 30-Sep 27: 270.
  const std::vector<AdherenceFill> two_drugs = {Fill(2026, 1, 1, 90, 1), Fill(2026, 1, 1, 90, 2),
                                                Fill(2026, 4, 1, 90, 1)};
  EXPECT_EQ(Pdc(Year(2026), two_drugs).covered_days, 180);
  std::vector<AdherenceFill> one_drug = two_drugs;
  for (auto& f : one_drug) f.drug = 7;
  EXPECT_EQ(Pdc(Year(2026), one_drug).covered_days, 270);
}

TEST(ComputePdc, SwitchingDrugsKeepsCoverageAndTheLatestRunOut) {
  // Drug 1 Jan 1 +30 (Jan 1-30), drug 2 Jan 25 +30 (Jan 25-Feb 23): union Jan 1-Feb 23
  // = 31 + 23 = 54 days; supply runs out Feb 24.
  const PdcMeasure m = Pdc(Year(2026), {Fill(2026, 1, 25, 30, 2), Fill(2026, 1, 1, 30, 1)});
  EXPECT_EQ(m.covered_days, 54);
  EXPECT_EQ(m.supply_runs_out, MakeDate(2026, 2, 24));
}

// ---------------------------------------------------------------------------
// Input order, size and garbage.

TEST(ComputePdc, GivesTheSameAnswerForAnyOrderOfFills) {
  std::vector<AdherenceFill> fills = {Fill(2018, 10, 15, 90), Fill(2018, 1, 1, 90), Fill(2018, 7, 5, 90),
                                      Fill(2018, 3, 25, 90)};
  EXPECT_EQ(Pdc(Year(2018), fills).covered_days, 348);  // the PQA example above, unsorted
  std::mt19937 rng(42);
  for (int i = 0; i < 20; ++i) {
    std::shuffle(fills.begin(), fills.end(), rng);
    EXPECT_EQ(Pdc(Year(2018), fills).covered_days, 348);
  }
}

TEST(ComputePdc, AgreesWithADayByDaySimulation) {
  // Property: random members (0-100 fills, 1-3 drugs, some outside the period,
  // unsorted) match the oracle; covered never exceeds the treatment period or the
  // supply dispensed in the period.
  std::mt19937 rng(20260101);
  const MeasurementPeriod period = Year(2024);
  for (int trial = 0; trial < 400; ++trial) {
    std::uniform_int_distribution<int> count(0, trial % 10 == 0 ? 100 : 12);
    std::uniform_int_distribution<int> day(-60, 400);
    std::uniform_int_distribution<int> supply(1, 100);
    std::uniform_int_distribution<std::uint32_t> drug(0, trial % 3);
    std::vector<AdherenceFill> fills(static_cast<std::size_t>(count(rng)));
    for (auto& f : fills) f = AdherenceFill{period.first + Days{day(rng)}, supply(rng), drug(rng)};
    const PdcMeasure m = Pdc(period, fills);
    const auto [covered, treatment] = OracleCoveredAndTreatment(period, fills);
    ASSERT_EQ(m.covered_days, covered) << "trial " << trial;
    ASSERT_EQ(m.treatment_days, treatment) << "trial " << trial;
    int supplied = 0;
    for (const auto& f : fills) supplied += (f.date >= period.first && f.date <= period.last) ? f.days_supply : 0;
    EXPECT_LE(m.covered_days, m.treatment_days);
    EXPECT_LE(m.covered_days, supplied);
  }
}

TEST(ComputePdc, AnotherFillNeverLowersCoverage) {
  // Property: supply only ever adds days (a refill can shift, never uncover).
  std::mt19937 rng(7);
  std::uniform_int_distribution<int> day(0, 364);
  std::uniform_int_distribution<int> supply(1, 90);
  for (int trial = 0; trial < 200; ++trial) {
    std::vector<AdherenceFill> fills;
    int before = 0;
    for (int k = 0; k < 8; ++k) {
      fills.push_back(AdherenceFill{MakeDate(2026, 1, 1) + Days{day(rng)}, supply(rng), 0});
      const int now = Pdc(Year(2026), fills).covered_days;
      ASSERT_GE(now, before);
      before = now;
    }
  }
}

TEST(ComputePdc, RefusesAPeriodThatEndsBeforeItStarts) {
  auto r = ComputePdc({MakeDate(2026, 2, 1), MakeDate(2026, 1, 31)}, {});
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, "invalid_request");
  EXPECT_EQ(r.error().field, "period");
}

TEST(ComputePdc, RefusesANonsenseDaysSupplyNamingTheFill) {
  for (int bad : {0, -30, 366, INT32_MAX, INT32_MIN}) {
    const std::vector<AdherenceFill> fills = {Fill(2026, 1, 1, 30), Fill(2026, 2, 1, bad)};
    auto r = ComputePdc(Year(2026), fills);
    ASSERT_FALSE(r.ok()) << bad;
    EXPECT_EQ(r.error().field, "fills[1].days_supply");
  }
  EXPECT_TRUE(ComputePdc(Year(2026), std::vector{Fill(2026, 1, 1, 365), Fill(2026, 2, 1, 1)}).ok());
  // Garbage outside the period is still garbage.
  EXPECT_FALSE(ComputePdc(Year(2026), std::vector{Fill(2019, 1, 1, 0)}).ok());
}

// ---------------------------------------------------------------------------
// The at-risk signal.

TEST(AssessAdherenceRisk, ARefillIsLateOnlyAfterTheGraceDays) {
  // Jan 1 +30 and Jan 31 +30 cover Jan 1-Mar 1 (60 days); supply runs out Mar 2.
  // Grace 7: Mar 9 is 7 days past (not late), Mar 10 is 8 (late). PDC to date
  // stays >= 80%: 60/68 on Mar 9, 60/69 on Mar 10.
  const std::vector<AdherenceFill> fills = {Fill(2026, 1, 1, 30), Fill(2026, 1, 31, 30)};
  auto risk_on = [&](unsigned month, unsigned d) {
    const Date today = MakeDate(2026, month, d);
    return AssessAdherenceRisk(Pdc({MakeDate(2026, 1, 1), today}, fills), today);
  };
  EXPECT_EQ(risk_on(3, 1).reason, RiskReason::kNone);
  EXPECT_EQ(risk_on(3, 1).days_late, 0);
  EXPECT_EQ(risk_on(3, 2).days_late, 0);  // the first day without supply
  EXPECT_EQ(risk_on(3, 9).reason, RiskReason::kNone);
  EXPECT_EQ(risk_on(3, 9).days_late, 7);
  EXPECT_EQ(risk_on(3, 10).reason, RiskReason::kLateRefill);
  EXPECT_EQ(risk_on(3, 10).days_late, 8);
  // Mar 17: 15 days late and 60/76 = 78.9% < 80%.
  EXPECT_EQ(risk_on(3, 17).reason, RiskReason::kLateRefillAndLowPdc);
}

TEST(AssessAdherenceRisk, FlagsLowPdcWhileTheMemberStillHasSupply) {
  // Jan 1 +30 (Jan 1-30), Mar 1 +30 (Mar 1-30). On Mar 20: 30 + 20 = 50 of 79 days
  // = 63%; supply lasts until Mar 31, so not late.
  const Date today = MakeDate(2026, 3, 20);
  const PdcMeasure m = Pdc({MakeDate(2026, 1, 1), today}, {Fill(2026, 1, 1, 30), Fill(2026, 3, 1, 30)});
  EXPECT_EQ(m.covered_days, 50);
  EXPECT_EQ(m.treatment_days, 79);
  const AdherenceRisk risk = AssessAdherenceRisk(m, today);
  EXPECT_EQ(risk.reason, RiskReason::kLowPdc);
  EXPECT_EQ(risk.days_late, 0);
}

TEST(AssessAdherenceRisk, AFirstFillNeverRefilledIsLateThoughNotMeasured) {
  // Jan 1 +30 runs out Jan 31: Feb 7 is 7 days past, Feb 8 is 8.
  const std::vector<AdherenceFill> fills = {Fill(2026, 1, 1, 30)};
  const Date feb7 = MakeDate(2026, 2, 7);
  const Date feb8 = MakeDate(2026, 2, 8);
  EXPECT_EQ(AssessAdherenceRisk(Pdc({MakeDate(2026, 1, 1), feb7}, fills), feb7).reason, RiskReason::kNone);
  EXPECT_EQ(AssessAdherenceRisk(Pdc({MakeDate(2026, 1, 1), feb8}, fills), feb8).reason, RiskReason::kLateRefill);
}

TEST(AssessAdherenceRisk, NoFillsIsNoSignal) {
  const AdherenceRisk risk = AssessAdherenceRisk(PdcMeasure{}, MakeDate(2026, 6, 1));
  EXPECT_EQ(risk.reason, RiskReason::kNone);
  EXPECT_EQ(risk.days_late, 0);
}

TEST(AssessAdherenceRisk, FollowsTheConfiguredGrace) {
  // Supply runs out Mar 2 (see above). With no grace, Mar 3 is already late.
  const std::vector<AdherenceFill> fills = {Fill(2026, 1, 1, 30), Fill(2026, 1, 31, 30)};
  const AdherencePolicy no_grace{.late_refill_grace_days = 0};
  const Date mar2 = MakeDate(2026, 3, 2);
  const Date mar3 = MakeDate(2026, 3, 3);
  EXPECT_EQ(AssessAdherenceRisk(Pdc({MakeDate(2026, 1, 1), mar2}, fills), mar2, no_grace).reason, RiskReason::kNone);
  EXPECT_EQ(AssessAdherenceRisk(Pdc({MakeDate(2026, 1, 1), mar3}, fills), mar3, no_grace).reason,
            RiskReason::kLateRefill);
}

}  // namespace
}  // namespace rxdesk
