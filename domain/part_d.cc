#include "domain/part_d.h"

#include <chrono>
#include <string>

namespace rxdesk {
namespace {

constexpr std::int64_t kBasisPointsPerWhole = 10'000;
// SSA §1860D-2(b)(9)(B) (IRA §11406): from 2026, covered insulin costs the member
// the lesser of $35 per month's supply and 25% of the negotiated price.
constexpr std::int64_t kInsulinCoinsuranceBasisPoints = 2500;
// Part D began in 2006 (Medicare Modernization Act of 2003).
constexpr std::int64_t kFirstPartDYear = 2006;
constexpr std::int64_t kLastYear = 9999;

const PartDParameters* FindParameters(std::span<const PartDParameters> configured, std::int64_t year) {
  for (const PartDParameters& parameters : configured) {
    if (parameters.year == year) return &parameters;
  }
  return nullptr;
}

Error UnsupportedYear(std::int64_t year, std::string field) {
  return MakeError(std::string(part_d_error::kUnsupportedYear),
                   "no Medicare Part D parameters are configured for " + std::to_string(year), std::move(field))
      .With("year", std::to_string(year));
}

// The IRA amount for covered insulin, never above the drug cost.
constexpr Cents InsulinAmount(Cents drug_cost, std::int64_t days_supply, const PartDParameters& p) {
  const std::int64_t months = (days_supply + p.insulin_days_per_month - 1) / p.insulin_days_per_month;
  const Cents coinsurance = MulDivHalfUp(drug_cost, kInsulinCoinsuranceBasisPoints, kBasisPointsPerWhole);
  return Min(Min(coinsurance, p.insulin_monthly_cap * months), drug_cost);
}

// Prices a fill whose inputs are known to be valid. Only the coinsurance is
// rounded; every other part is an exact amount of cents.
constexpr PartDEstimate PriceValidFill(Cents ytd, Cents drug_cost, std::int64_t days_supply, bool generic,
                                       bool insulin, LowIncomeSubsidy lis, const PartDParameters& p) {
  Cents member{};
  Cents deductible = p.deductible;
  if (lis == LowIncomeSubsidy::kFull) {
    deductible = Cents{0};  // 42 CFR 423.782(a)(1)
    member = Min(generic ? p.lis_generic_copay : p.lis_brand_copay, drug_cost);
    if (insulin) member = Min(member, InsulinAmount(drug_cost, days_supply, p));
  } else if (insulin) {
    member = InsulinAmount(drug_cost, days_supply, p);
  } else {
    // The deductible part is paid in full; the rest at the initial coinsurance.
    // Where that would pass the threshold the rest of the fill is catastrophic
    // ($0), which the cap on `member` below accounts for exactly.
    const Cents deductible_part = Min(drug_cost, Max(Cents{0}, deductible - ytd));
    member = deductible_part + MulDivHalfUp(drug_cost - deductible_part, p.initial_coinsurance_basis_points,
                                            kBasisPointsPerWhole);
  }
  member = Min(member, p.out_of_pocket_threshold - ytd);

  PartDEstimate estimate;
  estimate.member_pays = member;
  estimate.plan_pays = drug_cost - member;
  estimate.ytd_out_of_pocket_after = ytd + member;
  if (estimate.ytd_out_of_pocket_after >= p.out_of_pocket_threshold) {
    estimate.phase_after = PartDPhase::kCatastrophic;
  } else if (estimate.ytd_out_of_pocket_after < deductible) {
    estimate.phase_after = PartDPhase::kDeductible;
  } else {
    estimate.phase_after = PartDPhase::kInitial;
  }
  return estimate;
}

// Checks the fields a fill shares with an estimate; `prefix` leads each field name.
Status CheckFill(Cents drug_cost, std::int64_t days_supply, LowIncomeSubsidy lis, std::string_view prefix) {
  if (drug_cost < Cents{0} || drug_cost > kMaxDrugCost) {
    return InvalidField(std::string(prefix) + "drug_cost_cents", "must be between 0 and " + FormatDollars(kMaxDrugCost));
  }
  if (days_supply < 1 || days_supply > kMaxDaysSupply) {
    return InvalidField(std::string(prefix) + "days_supply", "must be between 1 and " + std::to_string(kMaxDaysSupply));
  }
  if (lis != LowIncomeSubsidy::kNone && lis != LowIncomeSubsidy::kFull) {
    return InvalidField(std::string(prefix) + "lis", "must be none or full");
  }
  return OkStatus();
}

Status CheckAmount(Cents amount, std::string_view year_field, std::string_view name) {
  if (amount < Cents{0} || amount > kMaxDrugCost) {
    return InvalidField(std::string(year_field) + std::string(name), "must be between $0 and " + FormatDollars(kMaxDrugCost));
  }
  return OkStatus();
}

}  // namespace

Status ValidatePartDParameters(const PartDParameters& p) {
  if (p.year < kFirstPartDYear || p.year > kLastYear) {
    return InvalidField("part_d.year", "must be between " + std::to_string(kFirstPartDYear) + " and 9999");
  }
  const std::string prefix = "part_d." + std::to_string(p.year) + ".";
  RXD_TRY(CheckAmount(p.deductible, prefix, "deductible"));
  RXD_TRY(CheckAmount(p.out_of_pocket_threshold, prefix, "out_of_pocket_threshold"));
  RXD_TRY(CheckAmount(p.insulin_monthly_cap, prefix, "insulin_monthly_cap"));
  RXD_TRY(CheckAmount(p.lis_generic_copay, prefix, "lis_generic_copay"));
  RXD_TRY(CheckAmount(p.lis_brand_copay, prefix, "lis_brand_copay"));
  if (p.deductible > p.out_of_pocket_threshold) {
    return InvalidField(prefix + "deductible", "must not exceed the out-of-pocket threshold");
  }
  if (p.initial_coinsurance_basis_points < 0 || p.initial_coinsurance_basis_points > kBasisPointsPerWhole) {
    return InvalidField(prefix + "initial_coinsurance_basis_points", "must be between 0% and 100%");
  }
  if (p.insulin_days_per_month < 1 || p.insulin_days_per_month > 31) {
    return InvalidField(prefix + "insulin_days_per_month", "must be between 1 and 31");
  }
  return OkStatus();
}

Result<PartDParameters> FindPartDParameters(std::span<const PartDParameters> configured, std::int64_t year) {
  const PartDParameters* found = FindParameters(configured, year);
  if (found == nullptr) return UnsupportedYear(year, "year");
  return *found;
}

std::string_view ToString(PartDPhase phase) {
  switch (phase) {
    case PartDPhase::kDeductible: return "deductible";
    case PartDPhase::kInitial: return "initial";
    case PartDPhase::kCatastrophic: return "catastrophic";
  }
  return "unknown";
}

std::string_view ToString(LowIncomeSubsidy lis) {
  switch (lis) {
    case LowIncomeSubsidy::kNone: return "none";
    case LowIncomeSubsidy::kFull: return "full";
  }
  return "unknown";
}

std::optional<LowIncomeSubsidy> ParseLowIncomeSubsidy(std::string_view text) {
  if (text == "none") return LowIncomeSubsidy::kNone;
  if (text == "full") return LowIncomeSubsidy::kFull;
  return std::nullopt;
}

Result<PartDEstimate> EstimatePartD(const PartDInput& input, const PartDParameters& parameters) {
  if (input.year != parameters.year) {
    return InvalidField("year", "the parameters given are for " + std::to_string(parameters.year));
  }
  if (input.ytd_out_of_pocket < Cents{0} || input.ytd_out_of_pocket > parameters.out_of_pocket_threshold) {
    return InvalidField("ytd_out_of_pocket_cents",
                        "must be between 0 and the year's out-of-pocket threshold of " +
                            FormatDollars(parameters.out_of_pocket_threshold));
  }
  RXD_TRY(CheckFill(input.drug_cost, input.days_supply, input.lis, ""));
  return PriceValidFill(input.ytd_out_of_pocket, input.drug_cost, input.days_supply, input.generic, input.insulin,
                        input.lis, parameters);
}

Result<PartDEstimate> EstimatePartD(const PartDInput& input, std::span<const PartDParameters> configured) {
  const PartDParameters* parameters = FindParameters(configured, input.year);
  if (parameters == nullptr) return UnsupportedYear(input.year, "year");
  return EstimatePartD(input, *parameters);
}

Status AccumulateYear(std::span<const PartDFill> fills, std::span<const PartDParameters> configured,
                      PartDYearLedger* ledger) {
  ledger->per_fill.clear();
  ledger->years.clear();
  ledger->per_fill.reserve(fills.size());

  const PartDParameters* parameters = nullptr;
  PartDYearTotals* totals = nullptr;
  Date next_year_starts{};
  for (std::size_t i = 0; i < fills.size(); ++i) {
    const PartDFill& fill = fills[i];
    if (i > 0 && fill.fill_date < fills[i - 1].fill_date) {
      return InvalidField("fills[" + std::to_string(i) + "].fill_date", "fills must be in date order");
    }
    if (parameters == nullptr || fill.fill_date >= next_year_starts) {
      // A new calendar year: TrOOP starts again from $0 (42 CFR 423.104(d)).
      const std::chrono::year year = std::chrono::year_month_day{fill.fill_date}.year();
      parameters = FindParameters(configured, static_cast<int>(year));
      if (parameters == nullptr) {
        return UnsupportedYear(static_cast<int>(year), "fills[" + std::to_string(i) + "].fill_date");
      }
      next_year_starts = Date{(year + std::chrono::years{1}) / std::chrono::January / 1};
      totals = &ledger->years.emplace_back();
      totals->year = static_cast<int>(year);
    }
    const Status checked = CheckFill(fill.drug_cost, fill.days_supply, fill.lis, "");
    if (!checked.ok()) {
      Error error = checked.error();
      error.field = "fills[" + std::to_string(i) + "]." + error.field;
      return error;
    }
    const PartDEstimate& estimate = ledger->per_fill.emplace_back(PriceValidFill(
        totals->out_of_pocket, fill.drug_cost, fill.days_supply, fill.generic, fill.insulin, fill.lis, *parameters));
    totals->fills += 1;
    totals->drug_cost += fill.drug_cost;
    totals->member_paid += estimate.member_pays;
    totals->plan_paid += estimate.plan_pays;
    totals->out_of_pocket = estimate.ytd_out_of_pocket_after;
    totals->phase = estimate.phase_after;
  }
  return OkStatus();
}

Result<PartDYearLedger> AccumulateYear(std::span<const PartDFill> fills,
                                       std::span<const PartDParameters> configured) {
  PartDYearLedger ledger;
  RXD_TRY(AccumulateYear(fills, configured, &ledger));
  return ledger;
}

}  // namespace rxdesk
