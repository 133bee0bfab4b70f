// Medicare Part D standard benefit (PRODUCT.md §5; API.md "Calculators"): what a
// member pays for one fill, and a member's fills run through a calendar year.
//
//   const std::array<PartDParameters, 1> configured{};      // defaults: 2026
//   RXD_ASSIGN_OR_RETURN(PartDEstimate e, EstimatePartD({.year = 2026,
//       .ytd_out_of_pocket = Cents::FromDollars(600), .drug_cost = Cents::FromDollars(100),
//       .days_supply = 30}, configured));
//   // e.member_pays == $36.25: $15 finishes the deductible, then 25% of $85 = $21.25.
//
// The benefit has three phases, decided by the member's true out-of-pocket spending
// this year (TrOOP, "ytd"): below the deductible the member pays the drug cost;
// from the deductible to the threshold a coinsurance; from the threshold on, $0.
// A fill that crosses a boundary is split there exactly, and only the coinsurance
// part is rounded (half up to the cent).
//   Insulin (SSA §1860D-2(b)(9), IRA §11406): no deductible; the member pays the lesser
//     of 25% of the cost and $35 per month's supply, a month being a started 30 days
//     (days_supply 1–30 = 1 month, 31–60 = 2, …). It counts toward the threshold.
//   Full Low-Income Subsidy (42 CFR 423.782(a)): no deductible, so no deductible
//     phase; the year's generic or brand copay per fill, never more than the drug
//     cost (nor, for insulin, than the insulin amount), $0 from the threshold on.
// No Part D payment ever takes the member past the threshold.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string_view>
#include <vector>

#include "domain/formulary.h"  // kMaxDrugCost, kMaxDaysSupply
#include "domain/money.h"
#include "domain/result.h"
#include "domain/time.h"

namespace rxdesk {

namespace part_d_error {
inline constexpr std::string_view kUnsupportedYear = "unsupported_year";  // 422, API.md
}  // namespace part_d_error

// One year's standard benefit (config per year). Defaults: the 2026 figures of
// PRODUCT.md §5 (CMS CY 2026 Rate Announcement).
struct PartDParameters {
  std::int64_t year = 2026;
  Cents deductible = Cents::FromDollars(615);
  std::int64_t initial_coinsurance_basis_points = 2500;  // 25% between deductible and threshold
  Cents out_of_pocket_threshold = Cents::FromDollars(2100);
  Cents insulin_monthly_cap = Cents::FromDollars(35);     // IRA §11406
  std::int64_t insulin_days_per_month = 30;               // "a month's supply"
  Cents lis_generic_copay = Cents::FromDollars(5, 10);    // 2026 full-subsidy maximum
  Cents lis_brand_copay = Cents::FromDollars(12, 65);     // 2026 full-subsidy maximum
};

// Checks one year's configuration: year 2006 (Part D's first) to 9999, amounts ≥ 0,
// deductible ≤ threshold, coinsurance 0–100%, month of 1–31 days.
// Refusal: invalid_request naming the parameter, e.g. "part_d.2027.deductible".
Status ValidatePartDParameters(const PartDParameters& parameters);

// The configured parameters for `year`. Refusal: unsupported_year naming "year".
Result<PartDParameters> FindPartDParameters(std::span<const PartDParameters> configured, std::int64_t year);

enum class PartDPhase { kDeductible, kInitial, kCatastrophic };
enum class LowIncomeSubsidy { kNone, kFull };

// "deductible", "initial", "catastrophic" (the API's spelling).
std::string_view ToString(PartDPhase phase);
// "none", "full"; ParseLowIncomeSubsidy returns nullopt for anything else.
std::string_view ToString(LowIncomeSubsidy lis);
std::optional<LowIncomeSubsidy> ParseLowIncomeSubsidy(std::string_view text);

// The body of POST /v1/part-d/estimate. Integers are int64 so that out-of-range
// JSON values reach the checks.
struct PartDInput {
  std::int64_t year = 0;
  Cents ytd_out_of_pocket{};
  Cents drug_cost{};
  std::int64_t days_supply = 0;
  bool generic = false;
  bool insulin = false;
  LowIncomeSubsidy lis = LowIncomeSubsidy::kNone;
};

struct PartDEstimate {
  Cents member_pays{};
  Cents plan_pays{};  // drug_cost − member_pays
  Cents ytd_out_of_pocket_after{};
  PartDPhase phase_after = PartDPhase::kDeductible;

  bool operator==(const PartDEstimate&) const = default;
};

// Prices one fill under `parameters` (see the top of this file). Requires
// parameters that passed ValidatePartDParameters.
// Refusal: invalid_request naming year (not the parameters' year), drug_cost_cents
// (0–kMaxDrugCost), days_supply (1–kMaxDaysSupply), ytd_out_of_pocket_cents (0 up to
// the threshold: nobody pays past it) or lis.
Result<PartDEstimate> EstimatePartD(const PartDInput& input, const PartDParameters& parameters);

// As above, with the parameters of input.year. Refusal: as above, or unsupported_year.
Result<PartDEstimate> EstimatePartD(const PartDInput& input, std::span<const PartDParameters> configured);

// One dispensed fill of a member's year.
struct PartDFill {
  Date fill_date{};
  Cents drug_cost{};
  std::int64_t days_supply = 0;
  bool generic = false;
  bool insulin = false;
  LowIncomeSubsidy lis = LowIncomeSubsidy::kNone;  // LIS status can change mid-year
};

// A member's totals for one calendar year, as the Explanation of Benefits shows them.
struct PartDYearTotals {
  std::int64_t year = 0;
  std::int64_t fills = 0;
  Cents drug_cost{};
  Cents member_paid{};
  Cents plan_paid{};
  Cents out_of_pocket{};  // TrOOP at the year's last fill
  PartDPhase phase = PartDPhase::kDeductible;

  bool operator==(const PartDYearTotals&) const = default;
};

// The result of AccumulateYear. Reuse one across members: its vectors keep their
// capacity, so a run over many members allocates nothing once they have grown.
struct PartDYearLedger {
  std::vector<PartDEstimate> per_fill;  // per_fill[i] is fills[i]
  std::vector<PartDYearTotals> years;   // one per calendar year met, in order
};

// Runs one member's fills, in date order, through the benefit: TrOOP starts at $0
// and resets on January 1, each fill priced with its own year's parameters (which
// must have passed ValidatePartDParameters).
// Replaces the ledger's contents (left in an unspecified state on refusal).
// Refusal: invalid_request naming "fills[i].fill_date" (out of order) or
// "fills[i].<field>" as EstimatePartD does; unsupported_year naming "fills[i].fill_date".
Status AccumulateYear(std::span<const PartDFill> fills, std::span<const PartDParameters> configured,
                      PartDYearLedger* ledger);

// As above, into a new ledger.
Result<PartDYearLedger> AccumulateYear(std::span<const PartDFill> fills,
                                       std::span<const PartDParameters> configured);

}  // namespace rxdesk
