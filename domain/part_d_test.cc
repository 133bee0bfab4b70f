#include "domain/part_d.h"

#include <gtest/gtest.h>

#include <array>
#include <cstdint>
#include <limits>
#include <vector>

namespace rxdesk {
namespace {

constexpr Cents Dollars(std::int64_t dollars, std::int64_t cents = 0) { return Cents::FromDollars(dollars, cents); }

const PartDParameters k2026{};

PartDInput Brand(Cents ytd, Cents cost, std::int64_t days = 30) {
  return PartDInput{.year = 2026, .ytd_out_of_pocket = ytd, .drug_cost = cost, .days_supply = days};
}

PartDEstimate Estimate(const PartDInput& input) {
  Result<PartDEstimate> r = EstimatePartD(input, k2026);
  EXPECT_TRUE(r.ok()) << r.error().field << ": " << r.error().message;
  return r.ok() ? *r : PartDEstimate{.member_pays = Cents{-1}};
}

struct Expected {
  Cents member_pays;
  Cents ytd_after;
  PartDPhase phase;
};

void ExpectEstimate(const PartDInput& input, const Expected& expected) {
  const PartDEstimate e = Estimate(input);
  EXPECT_EQ(e.member_pays, expected.member_pays);
  EXPECT_EQ(e.plan_pays, input.drug_cost - expected.member_pays);
  EXPECT_EQ(e.ytd_out_of_pocket_after, expected.ytd_after);
  EXPECT_EQ(ToString(e.phase_after), ToString(expected.phase));
}

constexpr PartDPhase kDeductible = PartDPhase::kDeductible;
constexpr PartDPhase kInitial = PartDPhase::kInitial;
constexpr PartDPhase kCatastrophic = PartDPhase::kCatastrophic;

TEST(PartDParameters, DefaultsAreThe2026StandardBenefitOfTheSpec) {
  EXPECT_EQ(k2026.year, 2026);
  EXPECT_EQ(k2026.deductible, Cents{61'500});
  EXPECT_EQ(k2026.initial_coinsurance_basis_points, 2500);
  EXPECT_EQ(k2026.out_of_pocket_threshold, Cents{210'000});
  EXPECT_EQ(k2026.insulin_monthly_cap, Cents{3'500});
  EXPECT_EQ(k2026.insulin_days_per_month, 30);
  EXPECT_EQ(k2026.lis_generic_copay, Cents{510});
  EXPECT_EQ(k2026.lis_brand_copay, Cents{1'265});
  EXPECT_TRUE(ValidatePartDParameters(k2026).ok());
}

TEST(PartDParameters, RefusesImpossibleConfigurationNamingTheSetting) {
  struct Row {
    const char* field;
    PartDParameters parameters;
  };
  auto with = [](auto change) {
    PartDParameters p;
    change(p);
    return p;
  };
  for (const Row& row : std::vector<Row>{
           {"part_d.year", with([](PartDParameters& p) { p.year = 2005; })},
           {"part_d.year", with([](PartDParameters& p) { p.year = 10'000; })},
           {"part_d.2026.deductible", with([](PartDParameters& p) { p.deductible = Cents{-1}; })},
           {"part_d.2026.deductible", with([](PartDParameters& p) { p.deductible = Dollars(2100, 1); })},
           {"part_d.2026.out_of_pocket_threshold",
            with([](PartDParameters& p) { p.out_of_pocket_threshold = kMaxDrugCost + Cents{1}; })},
           {"part_d.2026.initial_coinsurance_basis_points",
            with([](PartDParameters& p) { p.initial_coinsurance_basis_points = 10'001; })},
           {"part_d.2026.insulin_monthly_cap", with([](PartDParameters& p) { p.insulin_monthly_cap = Cents{-3500}; })},
           {"part_d.2026.insulin_days_per_month", with([](PartDParameters& p) { p.insulin_days_per_month = 0; })},
           {"part_d.2026.lis_generic_copay", with([](PartDParameters& p) { p.lis_generic_copay = Cents{-1}; })},
           {"part_d.2026.lis_brand_copay", with([](PartDParameters& p) { p.lis_brand_copay = Cents{-1}; })},
       }) {
    Status s = ValidatePartDParameters(row.parameters);
    ASSERT_FALSE(s.ok()) << row.field;
    EXPECT_EQ(s.error().code, "invalid_request");
    EXPECT_EQ(s.error().field, row.field);
  }
  // A deductible equal to the threshold is a legal (if odd) edge.
  EXPECT_TRUE(ValidatePartDParameters(with([](PartDParameters& p) { p.deductible = Dollars(2100); })).ok());
}

TEST(FindPartDParameters, RefusesAYearWithoutParametersAsUnsupportedYear) {
  const std::array<PartDParameters, 1> configured{};
  ASSERT_TRUE(FindPartDParameters(configured, 2026).ok());
  EXPECT_EQ(FindPartDParameters(configured, 2026)->deductible, Dollars(615));
  for (std::int64_t year : {std::int64_t{2025}, std::int64_t{2027}, std::int64_t{0}, std::int64_t{-2026},
                            std::numeric_limits<std::int64_t>::max()}) {
    Result<PartDParameters> r = FindPartDParameters(configured, year);
    ASSERT_FALSE(r.ok()) << year;
    EXPECT_EQ(r.error().code, "unsupported_year");
    EXPECT_EQ(r.error().field, "year");
    ASSERT_EQ(r.error().details.size(), 1u);
    EXPECT_EQ(r.error().details[0].second, std::to_string(year));
  }
  EXPECT_FALSE(FindPartDParameters({}, 2026).ok());
}

TEST(EstimatePartD, RefusesAYearWithoutParametersAsUnsupportedYear) {
  const std::array<PartDParameters, 1> configured{};
  PartDInput input = Brand(Cents{0}, Dollars(100));
  input.year = 2027;
  Result<PartDEstimate> r = EstimatePartD(input, configured);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, "unsupported_year");
  input.year = 2026;
  EXPECT_TRUE(EstimatePartD(input, configured).ok());
}

TEST(EstimatePartD, DeductiblePhaseEdges) {
  // A $100 brand fill; deductible $615, then 25%.
  struct Row {
    Cents ytd;
    Expected expected;
  };
  for (const Row& row : std::vector<Row>{
           // All $100 in the deductible: 0 + 100.
           {Cents{0}, {Dollars(100), Dollars(100), kDeductible}},
           // 514.99 + 100 = 614.99, still a cent short of the deductible.
           {Dollars(514, 99), {Dollars(100), Dollars(614, 99), kDeductible}},
           // 515 + 100 = 615: the deductible is met exactly, the member is now in the initial phase.
           {Dollars(515), {Dollars(100), Dollars(615), kInitial}},
           // 515.01: $99.99 deductible + 25% of 1¢ (0.25¢ → 0¢) = $99.99.
           {Dollars(515, 1), {Dollars(99, 99), Dollars(615), kInitial}},
           // One cent below: 1¢ deductible + 25% of $99.99 ($24.9975 → $25.00) = $25.01.
           {Dollars(614, 99), {Dollars(25, 1), Dollars(640), kInitial}},
           // Exactly at the deductible: 25% of $100 = $25.
           {Dollars(615), {Dollars(25), Dollars(640), kInitial}},
           // One cent above: 25% of $100 = $25.
           {Dollars(615, 1), {Dollars(25), Dollars(640, 1), kInitial}},
           // The spec's example: $15 deductible + 25% of $85 ($21.25) = $36.25.
           {Dollars(600), {Dollars(36, 25), Dollars(636, 25), kInitial}},
       }) {
    SCOPED_TRACE(row.ytd.value());
    ExpectEstimate(Brand(row.ytd, Dollars(100)), row.expected);
  }
}

TEST(EstimatePartD, CatastrophicThresholdEdges) {
  // $100 brand fill in the initial phase: 25% = $25 unless the $2,100 threshold is nearer.
  struct Row {
    Cents ytd;
    Cents cost;
    Expected expected;
  };
  for (const Row& row : std::vector<Row>{
           // 2074.99 + 25 = 2099.99: a cent short.
           {Dollars(2074, 99), Dollars(100), {Dollars(25), Dollars(2099, 99), kInitial}},
           // 2075 + 25 = 2100: the threshold is reached exactly.
           {Dollars(2075), Dollars(100), {Dollars(25), Dollars(2100), kCatastrophic}},
           // 2075.01: 25 would pass the threshold; the member pays the $24.99 left.
           {Dollars(2075, 1), Dollars(100), {Dollars(24, 99), Dollars(2100), kCatastrophic}},
           // One cent left to pay.
           {Dollars(2099, 99), Dollars(100), {Cents{1}, Dollars(2100), kCatastrophic}},
           // Already at the threshold: $0 for the rest of the year.
           {Dollars(2100), Dollars(100), {Cents{0}, Dollars(2100), kCatastrophic}},
           // Mid-fill: $400 of $1,000 at 25% = $100 reaches the threshold; the other $600 is catastrophic.
           {Dollars(2000), Dollars(1000), {Dollars(100), Dollars(2100), kCatastrophic}},
           // Every phase in one fill: $615 deductible, then 25% of $9,385 = $2,346.25 > the $1,485 left.
           {Cents{0}, Dollars(10'000), {Dollars(2100), Dollars(2100), kCatastrophic}},
       }) {
    SCOPED_TRACE(row.ytd.value());
    ExpectEstimate(Brand(row.ytd, row.cost), row.expected);
  }
}

TEST(EstimatePartD, CoinsuranceRoundsHalfUpToTheCent) {
  // At the deductible: 25% of 1¢ = 0.25¢ → 0¢; of 2¢ = 0.5¢ → 1¢; of 6¢ = 1.5¢ → 2¢; of 3¢ = 0.75¢ → 1¢.
  struct Row {
    std::int64_t cost;
    std::int64_t pays;
  };
  for (const Row& row : std::vector<Row>{{1, 0}, {2, 1}, {3, 1}, {6, 2}, {10, 3}}) {
    SCOPED_TRACE(row.cost);
    ExpectEstimate(Brand(Dollars(615), Cents{row.cost}),
                   {Cents{row.pays}, Dollars(615) + Cents{row.pays}, kInitial});
  }
  // Across the deductible only the coinsurance part rounds: 1¢ + 25% of 2¢ (0.5¢ → 1¢) = 2¢.
  ExpectEstimate(Brand(Dollars(614, 99), Cents{3}), {Cents{2}, Dollars(615, 1), kInitial});
}

TEST(EstimatePartD, ZeroCostDrugCostsNothingAndKeepsThePhase) {
  ExpectEstimate(Brand(Cents{0}, Cents{0}), {Cents{0}, Cents{0}, kDeductible});
  ExpectEstimate(Brand(Dollars(614, 99), Cents{0}), {Cents{0}, Dollars(614, 99), kDeductible});
  ExpectEstimate(Brand(Dollars(615), Cents{0}), {Cents{0}, Dollars(615), kInitial});
  ExpectEstimate(Brand(Dollars(2100), Cents{0}), {Cents{0}, Dollars(2100), kCatastrophic});
}

PartDInput Insulin(Cents ytd, Cents cost, std::int64_t days) {
  PartDInput input = Brand(ytd, cost, days);
  input.insulin = true;
  return input;
}

TEST(EstimatePartD, InsulinSkipsTheDeductibleAndCostsAtMost35DollarsAMonth) {
  // $300 for 30 days at ytd $0: no deductible; min(25% = $75, $35) = $35. It counts toward TrOOP.
  ExpectEstimate(Insulin(Cents{0}, Dollars(300), 30), {Dollars(35), Dollars(35), kDeductible});
  // Cheap insulin: 25% of $40 = $10 < $35 (the 2026 "lesser of" rule).
  ExpectEstimate(Insulin(Cents{0}, Dollars(40), 30), {Dollars(10), Dollars(10), kDeductible});
  // Insulin spending moves the member through the deductible: 600 + 35 = 635 ≥ 615.
  ExpectEstimate(Insulin(Dollars(600), Dollars(300), 30), {Dollars(35), Dollars(635), kInitial});
  // Near the threshold the member pays only what is left: 2100 − 2090 = $10.
  ExpectEstimate(Insulin(Dollars(2090), Dollars(300), 30), {Dollars(10), Dollars(2100), kCatastrophic});
  ExpectEstimate(Insulin(Dollars(2100), Dollars(300), 30), {Cents{0}, Dollars(2100), kCatastrophic});
}

TEST(EstimatePartD, InsulinCapIsPerStartedThirtyDays) {
  // $2,000 of insulin: 25% = $500, so the cap decides: $35 × ceil(days / 30).
  struct Row {
    std::int64_t days;
    std::int64_t months;
  };
  for (const Row& row : std::vector<Row>{{1, 1}, {29, 1}, {30, 1}, {31, 2}, {60, 2}, {61, 3}, {90, 3}, {91, 4}}) {
    SCOPED_TRACE(row.days);
    const Cents cap = Dollars(35) * row.months;
    ExpectEstimate(Insulin(Dollars(700), Dollars(2000), row.days), {cap, Dollars(700) + cap, kInitial});
  }
  // 90 days of $900 insulin: min(25% = $225, 3 × $35 = $105) = $105.
  ExpectEstimate(Insulin(Cents{0}, Dollars(900), 90), {Dollars(105), Dollars(105), kDeductible});
}

PartDInput Lis(Cents ytd, Cents cost, bool generic) {
  PartDInput input = Brand(ytd, cost);
  input.generic = generic;
  input.lis = LowIncomeSubsidy::kFull;
  return input;
}

TEST(EstimatePartD, FullLowIncomeSubsidyPaysTheCopayOrTheCostIfLower) {
  struct Row {
    bool generic;
    Cents cost;
    Cents pays;
  };
  for (const Row& row : std::vector<Row>{
           {true, Dollars(3), Dollars(3)},             // cheaper than the $5.10 copay
           {true, Dollars(5, 9), Dollars(5, 9)},
           {true, Dollars(5, 10), Dollars(5, 10)},
           {true, Dollars(5, 11), Dollars(5, 10)},
           {true, Dollars(100), Dollars(5, 10)},
           {false, Dollars(10), Dollars(10)},          // cheaper than the $12.65 copay
           {false, Dollars(12, 64), Dollars(12, 64)},
           {false, Dollars(12, 65), Dollars(12, 65)},
           {false, Dollars(12, 66), Dollars(12, 65)},
           {false, Dollars(100), Dollars(12, 65)},
       }) {
    SCOPED_TRACE(row.cost.value());
    // No deductible for a full-subsidy member, so no deductible phase (42 CFR 423.782(a)(1)).
    ExpectEstimate(Lis(Dollars(100), row.cost, row.generic), {row.pays, Dollars(100) + row.pays, kInitial});
  }
  ExpectEstimate(Lis(Cents{0}, Cents{0}, false), {Cents{0}, Cents{0}, kInitial});
}

TEST(EstimatePartD, FullLowIncomeSubsidyStopsAtTheThreshold) {
  // $5 left before $2,100: the $12.65 brand copay is cut to $5.
  ExpectEstimate(Lis(Dollars(2095), Dollars(100), false), {Dollars(5), Dollars(2100), kCatastrophic});
  ExpectEstimate(Lis(Dollars(2100), Dollars(100), false), {Cents{0}, Dollars(2100), kCatastrophic});
}

TEST(EstimatePartD, FullLowIncomeSubsidyInsulinPaysTheLesserOfCopayAndInsulinAmount) {
  PartDInput input = Lis(Cents{0}, Dollars(40), false);
  input.insulin = true;
  ExpectEstimate(input, {Dollars(10), Dollars(10), kInitial});  // min($12.65, 25% of $40 = $10)
  input.drug_cost = Dollars(300);
  ExpectEstimate(input, {Dollars(12, 65), Dollars(12, 65), kInitial});  // min($12.65, $35)
}

TEST(EstimatePartD, PaymentsAddUpAndNeverPassTheThresholdOrTheCost) {
  for (std::int64_t ytd = 0; ytd <= 210'000; ytd += 1'237) {
    for (std::int64_t cost : {0, 1, 2, 99, 1'000, 6'155, 61'500, 123'457, 1'000'000}) {
      for (int kind = 0; kind < 4; ++kind) {  // brand, generic, insulin, LIS
        PartDInput input = Brand(Cents{ytd}, Cents{cost}, 1 + (ytd % 90));
        input.generic = kind == 1;
        input.insulin = kind == 2;
        input.lis = kind == 3 ? LowIncomeSubsidy::kFull : LowIncomeSubsidy::kNone;
        const PartDEstimate e = Estimate(input);
        ASSERT_GE(e.member_pays, Cents{0});
        ASSERT_LE(e.member_pays, input.drug_cost);
        ASSERT_EQ(e.member_pays + e.plan_pays, input.drug_cost);
        ASSERT_EQ(e.ytd_out_of_pocket_after, input.ytd_out_of_pocket + e.member_pays);
        ASSERT_LE(e.ytd_out_of_pocket_after, k2026.out_of_pocket_threshold);
        // A dearer drug never costs the member less.
        input.drug_cost += Cents{1};
        ASSERT_GE(Estimate(input).member_pays, e.member_pays) << ytd << " " << cost << " " << kind;
      }
    }
  }
}

TEST(EstimatePartD, RefusesGarbageNamingTheField) {
  struct Row {
    const char* field;
    PartDInput input;
  };
  auto with = [](auto change) {
    PartDInput input = Brand(Dollars(100), Dollars(50));
    change(input);
    return input;
  };
  constexpr std::int64_t kMax = std::numeric_limits<std::int64_t>::max();
  constexpr std::int64_t kMin = std::numeric_limits<std::int64_t>::min();
  for (const Row& row : std::vector<Row>{
           {"year", with([](PartDInput& in) { in.year = 2027; })},
           {"ytd_out_of_pocket_cents", with([](PartDInput& in) { in.ytd_out_of_pocket = Cents{-1}; })},
           {"ytd_out_of_pocket_cents", with([](PartDInput& in) { in.ytd_out_of_pocket = Dollars(2100, 1); })},
           {"ytd_out_of_pocket_cents", with([](PartDInput& in) { in.ytd_out_of_pocket = Cents{kMin}; })},
           {"drug_cost_cents", with([](PartDInput& in) { in.drug_cost = Cents{-1}; })},
           {"drug_cost_cents", with([](PartDInput& in) { in.drug_cost = kMaxDrugCost + Cents{1}; })},
           {"drug_cost_cents", with([](PartDInput& in) { in.drug_cost = Cents{kMax}; })},
           {"days_supply", with([](PartDInput& in) { in.days_supply = 0; })},
           {"days_supply", with([](PartDInput& in) { in.days_supply = -30; })},
           {"days_supply", with([](PartDInput& in) { in.days_supply = kMaxDaysSupply + 1; })},
           {"days_supply", with([](PartDInput& in) { in.days_supply = kMax; })},
           {"lis", with([](PartDInput& in) { in.lis = static_cast<LowIncomeSubsidy>(7); })},
       }) {
    Result<PartDEstimate> r = EstimatePartD(row.input, k2026);
    ASSERT_FALSE(r.ok()) << row.field;
    EXPECT_EQ(r.error().code, "invalid_request");
    EXPECT_EQ(r.error().field, row.field);
  }
  // The bounds are accepted: a $10,000,000 fill for 365 days.
  EXPECT_TRUE(EstimatePartD(Brand(Cents{0}, kMaxDrugCost, kMaxDaysSupply), k2026).ok());
}

TEST(PartDNames, UseTheApiSpelling) {
  EXPECT_EQ(ToString(PartDPhase::kDeductible), "deductible");
  EXPECT_EQ(ToString(PartDPhase::kInitial), "initial");
  EXPECT_EQ(ToString(PartDPhase::kCatastrophic), "catastrophic");
  EXPECT_EQ(ParseLowIncomeSubsidy("none"), LowIncomeSubsidy::kNone);
  EXPECT_EQ(ParseLowIncomeSubsidy("full"), LowIncomeSubsidy::kFull);
  EXPECT_EQ(ToString(LowIncomeSubsidy::kFull), "full");
  for (const char* bad : {"", "Full", "partial", "none "}) EXPECT_FALSE(ParseLowIncomeSubsidy(bad)) << bad;
}

// ---- A member's year of fills ----

PartDFill BrandFill(Date date, Cents cost) { return PartDFill{.fill_date = date, .drug_cost = cost, .days_supply = 30}; }

PartDParameters ParametersFor(std::int64_t year) {
  PartDParameters p;
  p.year = year;
  return p;
}

TEST(AccumulateYear, TwelveMonthlyThousandDollarFillsReachTheThresholdInJuly) {
  std::vector<PartDFill> fills;
  for (unsigned month = 1; month <= 12; ++month) fills.push_back(BrandFill(MakeDate(2026, month, 15), Dollars(1000)));
  const std::array<PartDParameters, 1> configured{};
  Result<PartDYearLedger> ledger = AccumulateYear(fills, configured);
  ASSERT_TRUE(ledger.ok());
  // Jan: $615 deductible + 25% of $385 ($96.25) = $711.25. Feb–Jun: 25% of $1,000 = $250 each
  // (711.25 → 961.25 → 1211.25 → 1461.25 → 1711.25 → 1961.25). Jul: $138.75 left to $2,100. Then $0.
  const std::vector<Cents> pays = {Dollars(711, 25), Dollars(250), Dollars(250), Dollars(250),
                                   Dollars(250),     Dollars(250), Dollars(138, 75), Cents{0},
                                   Cents{0},         Cents{0},     Cents{0},         Cents{0}};
  ASSERT_EQ(ledger->per_fill.size(), 12u);
  Cents ytd{0};
  for (std::size_t i = 0; i < 12; ++i) {
    ytd += pays[i];
    EXPECT_EQ(ledger->per_fill[i].member_pays, pays[i]) << i;
    EXPECT_EQ(ledger->per_fill[i].ytd_out_of_pocket_after, ytd) << i;
    EXPECT_EQ(ledger->per_fill[i].phase_after, i < 6 ? kInitial : kCatastrophic) << i;
  }
  ASSERT_EQ(ledger->years.size(), 1u);
  EXPECT_EQ(ledger->years[0], (PartDYearTotals{.year = 2026,
                                               .fills = 12,
                                               .drug_cost = Dollars(12'000),
                                               .member_paid = Dollars(2100),
                                               .plan_paid = Dollars(9900),
                                               .out_of_pocket = Dollars(2100),
                                               .phase = kCatastrophic}));
}

TEST(AccumulateYear, StartsAgainOnJanuaryFirstWithThatYearsParameters) {
  PartDParameters p2027 = ParametersFor(2027);
  p2027.deductible = Dollars(700);  // a different figure, to see which year priced the fill
  const std::array<PartDParameters, 2> configured{PartDParameters{}, p2027};
  const std::vector<PartDFill> fills = {BrandFill(MakeDate(2026, 12, 31), Dollars(10'000)),
                                        BrandFill(MakeDate(2027, 1, 1), Dollars(650))};
  Result<PartDYearLedger> ledger = AccumulateYear(fills, configured);
  ASSERT_TRUE(ledger.ok());
  // Dec 31: the whole 2026 benefit, $2,100. Jan 1: ytd back to $0, $650 < the 2027 $700 deductible.
  EXPECT_EQ(ledger->per_fill[0].member_pays, Dollars(2100));
  EXPECT_EQ(ledger->per_fill[1], (PartDEstimate{Dollars(650), Cents{0}, Dollars(650), kDeductible}));
  ASSERT_EQ(ledger->years.size(), 2u);
  EXPECT_EQ(ledger->years[0].year, 2026);
  EXPECT_EQ(ledger->years[0].out_of_pocket, Dollars(2100));
  EXPECT_EQ(ledger->years[1].year, 2027);
  EXPECT_EQ(ledger->years[1].fills, 1);
  EXPECT_EQ(ledger->years[1].out_of_pocket, Dollars(650));
  EXPECT_EQ(ledger->years[1].phase, kDeductible);
}

TEST(AccumulateYear, LeapDayBelongsToItsYearAndYearsWithoutFillsNeedNoParameters) {
  const std::array<PartDParameters, 2> configured{ParametersFor(2026), ParametersFor(2028)};
  const std::vector<PartDFill> fills = {
      BrandFill(MakeDate(2026, 6, 1), Dollars(100)),  BrandFill(MakeDate(2028, 2, 28), Dollars(100)),
      BrandFill(MakeDate(2028, 2, 29), Dollars(100)), BrandFill(MakeDate(2028, 3, 1), Dollars(100)),
      BrandFill(MakeDate(2028, 12, 31), Dollars(100)),
  };
  Result<PartDYearLedger> ledger = AccumulateYear(fills, configured);
  ASSERT_TRUE(ledger.ok());
  ASSERT_EQ(ledger->years.size(), 2u);
  EXPECT_EQ(ledger->years[0].year, 2026);
  EXPECT_EQ(ledger->years[1].year, 2028);
  EXPECT_EQ(ledger->years[1].fills, 4);
  // 4 × $100, all within the $615 deductible.
  EXPECT_EQ(ledger->years[1].out_of_pocket, Dollars(400));
}

TEST(AccumulateYear, RefusesFillsOutOfDateOrderButAcceptsTheSameDay) {
  const std::array<PartDParameters, 1> configured{};
  std::vector<PartDFill> fills = {BrandFill(MakeDate(2026, 3, 1), Dollars(10)),
                                  BrandFill(MakeDate(2026, 3, 1), Dollars(20)),
                                  BrandFill(MakeDate(2026, 2, 28), Dollars(30))};
  Result<PartDYearLedger> ledger = AccumulateYear(fills, configured);
  ASSERT_FALSE(ledger.ok());
  EXPECT_EQ(ledger.error().code, "invalid_request");
  EXPECT_EQ(ledger.error().field, "fills[2].fill_date");
  fills.pop_back();
  EXPECT_TRUE(AccumulateYear(fills, configured).ok());
}

TEST(AccumulateYear, RefusesAFillInAYearWithoutParameters) {
  const std::array<PartDParameters, 1> configured{};
  const std::vector<PartDFill> fills = {BrandFill(MakeDate(2026, 12, 31), Dollars(10)),
                                        BrandFill(MakeDate(2027, 1, 1), Dollars(10))};
  Result<PartDYearLedger> ledger = AccumulateYear(fills, configured);
  ASSERT_FALSE(ledger.ok());
  EXPECT_EQ(ledger.error().code, "unsupported_year");
  EXPECT_EQ(ledger.error().field, "fills[1].fill_date");
}

TEST(AccumulateYear, RefusesAGarbageFillNamingItsIndex) {
  const std::array<PartDParameters, 1> configured{};
  std::vector<PartDFill> fills = {BrandFill(MakeDate(2026, 1, 2), Dollars(10)),
                                  BrandFill(MakeDate(2026, 1, 3), Cents{-1})};
  Result<PartDYearLedger> ledger = AccumulateYear(fills, configured);
  ASSERT_FALSE(ledger.ok());
  EXPECT_EQ(ledger.error().field, "fills[1].drug_cost_cents");
  fills[1] = BrandFill(MakeDate(2026, 1, 3), Dollars(10));
  fills[1].days_supply = 0;
  ledger = AccumulateYear(fills, configured);
  ASSERT_FALSE(ledger.ok());
  EXPECT_EQ(ledger.error().field, "fills[1].days_supply");
}

TEST(AccumulateYear, NoFillsMakeAnEmptyLedgerAndAReusedLedgerIsReplaced) {
  const std::array<PartDParameters, 1> configured{};
  PartDYearLedger ledger;
  const std::vector<PartDFill> three = {BrandFill(MakeDate(2026, 1, 2), Dollars(10)),
                                        BrandFill(MakeDate(2026, 2, 2), Dollars(10)),
                                        BrandFill(MakeDate(2026, 3, 2), Dollars(10))};
  ASSERT_TRUE(AccumulateYear(three, configured, &ledger).ok());
  EXPECT_EQ(ledger.per_fill.size(), 3u);
  const std::vector<PartDFill> one = {BrandFill(MakeDate(2026, 5, 2), Dollars(7))};
  ASSERT_TRUE(AccumulateYear(one, configured, &ledger).ok());
  ASSERT_EQ(ledger.per_fill.size(), 1u);
  ASSERT_EQ(ledger.years.size(), 1u);
  EXPECT_EQ(ledger.years[0].member_paid, Dollars(7));  // nothing carried over from the other member
  ASSERT_TRUE(AccumulateYear({}, configured, &ledger).ok());
  EXPECT_TRUE(ledger.per_fill.empty());
  EXPECT_TRUE(ledger.years.empty());
}

TEST(AccumulateYear, AReusedLedgerKeepsItsStorageForAMemberNoLargerThanTheLast) {
  // The year run for 100k members relies on this: no allocation once the ledger has grown.
  const std::array<PartDParameters, 1> configured{};
  std::vector<PartDFill> fills;
  for (unsigned month = 1; month <= 12; ++month) fills.push_back(BrandFill(MakeDate(2026, month, 1), Dollars(90)));
  PartDYearLedger ledger;
  ASSERT_TRUE(AccumulateYear(fills, configured, &ledger).ok());
  const PartDEstimate* per_fill = ledger.per_fill.data();
  const PartDYearTotals* years = ledger.years.data();
  fills.resize(7);
  ASSERT_TRUE(AccumulateYear(fills, configured, &ledger).ok());
  EXPECT_EQ(ledger.per_fill.data(), per_fill);
  EXPECT_EQ(ledger.years.data(), years);
  // Six × $90 = $540 in the deductible; the 7th: $75 finishes it, + 25% of $15 = $3.75.
  EXPECT_EQ(ledger.years[0].member_paid, Dollars(618, 75));
}

TEST(AccumulateYear, AgreesWithChainedEstimatesFillByFill) {
  const std::array<PartDParameters, 1> configured{};
  std::uint64_t state = 20260101;  // a fixed linear congruential sequence: reproducible
  auto next = [&state](std::uint64_t bound) {
    state = state * 6364136223846793005u + 1442695040888963407u;
    return static_cast<std::int64_t>((state >> 33) % bound);
  };
  for (int member = 0; member < 200; ++member) {
    std::vector<PartDFill> fills;
    Date date = MakeDate(2026, 1, 1);
    for (int i = 0; i < 15; ++i) {
      date += Days{next(25)};
      if (date > MakeDate(2026, 12, 31)) break;
      fills.push_back(PartDFill{.fill_date = date,
                                .drug_cost = Cents{next(150'000)},
                                .days_supply = 1 + next(120),
                                .generic = next(2) == 0,
                                .insulin = next(5) == 0,
                                .lis = next(4) == 0 ? LowIncomeSubsidy::kFull : LowIncomeSubsidy::kNone});
    }
    Result<PartDYearLedger> ledger = AccumulateYear(fills, configured);
    ASSERT_TRUE(ledger.ok());
    Cents ytd{0};
    for (std::size_t i = 0; i < fills.size(); ++i) {
      const PartDFill& f = fills[i];
      Result<PartDEstimate> alone = EstimatePartD(PartDInput{.year = 2026,
                                                             .ytd_out_of_pocket = ytd,
                                                             .drug_cost = f.drug_cost,
                                                             .days_supply = f.days_supply,
                                                             .generic = f.generic,
                                                             .insulin = f.insulin,
                                                             .lis = f.lis},
                                                  k2026);
      ASSERT_TRUE(alone.ok());
      ASSERT_EQ(ledger->per_fill[i], *alone) << "member " << member << " fill " << i;
      ytd = alone->ytd_out_of_pocket_after;
    }
    if (!fills.empty()) {
      EXPECT_EQ(ledger->years.back().out_of_pocket, ytd);
    }
  }
}

}  // namespace
}  // namespace rxdesk
