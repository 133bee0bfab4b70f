// What each fill costs (PRODUCT.md §5): the plan's formulary and cost sharing for
// commercial plans, the Part D standard benefit at the member's year-to-date
// position for Part D plans, written as one fill_costs row in the fill's own
// transaction. The rules are the domain's (domain/formulary.h, domain/part_d.h);
// this file finds their inputs in the store.
//
//   FillPricer pricer(config.part_d_years);
//   pharmacy.prescriptions.SetHooks(pricer.Hooks());   // every recorded fill gets its row
//   RXD_ASSIGN_OR_RETURN(std::int64_t priced, pricer.PriceUnpricedFills(store, now));  // seed, upgrades
//
// How a fill is priced (fill_costs.pricing):
//   no_plan      the member has no plan: they pay the drug cost;
//   unpriced     the drug has no price on file (or a Part D fill falls in a year with
//                no configured parameters): every amount is $0, nothing accumulates;
//   not_covered  the drug is not on the plan's formulary: the member pays the cost and
//                it does not count toward Part D's out-of-pocket threshold;
//   covered      DecideSubstitution picks brand or A-rated generic by the DAW code, then
//                a commercial plan charges the tier's share (mail fills, those of an
//                order, at the 90-day mail share; others at the 30-day retail share) and
//                a Part D plan the standard benefit (EstimatePartD) for the dispensed
//                product at the member's true out-of-pocket so far, with their LIS level.
// ytd_out_of_pocket_after: Part D, the true out-of-pocket after the fill; other plans,
// the running total of what the member paid this calendar year.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "domain/formulary.h"
#include "domain/part_d.h"
#include "domain/prescription.h"
#include "services/prescription_service.h"
#include "store/store.h"

namespace rxdesk {

inline constexpr char kPartDPlanKind[] = "medicare_part_d";

// A plan as the pricer sees it. Part D plans keep tiers for the formulary listing;
// their members' fills are priced by the standard benefit.
struct PlanBenefit {
  std::string id;
  std::string name;
  std::string kind;  // commercial | medicare_part_d
  PlanCostSharing cost_sharing;
  bool part_d() const { return kind == kPartDPlanKind; }
};

// A drug of the drug list with its price: unit_cost_millicents per unit (thousandths
// of a cent); nullopt when not priced.
struct DrugPrice {
  std::string ndc;  // 11 digits, no hyphens
  std::string name;
  std::string strength;
  std::string form;
  bool generic = false;
  bool insulin = false;
  std::optional<std::int64_t> unit_cost_millicents;
  std::string a_rated_generic_ndc;  // 11 digits; empty: none
};

// The most a unit may cost (thousandths of a cent): $1,000,000 a unit.
inline constexpr std::int64_t kMaxUnitCostMillicents = 100'000'000'000;

// `quantity` units at `unit_cost_millicents` each, half up to the cent.
// Refusal: invalid_request naming "unit_cost_millicents" (0–kMaxUnitCostMillicents)
// or "drug_cost_cents" (the product is above kMaxDrugCost).
Result<Cents> DrugCostOf(std::int64_t unit_cost_millicents, Quantity quantity);

// Plans, drugs and formulary entries, keyed by plan id and 11-digit NDC.
class BenefitCatalog {
 public:
  const PlanBenefit* Plan(const std::string& id) const;
  const DrugPrice* Drug(const std::string& ndc) const;
  std::optional<FormularyEntry> Entry(const std::string& plan_id, const std::string& ndc) const;

  // Adds or replaces. Plans must pass ValidatePlanCostSharing (AddPlan refuses otherwise).
  Status AddPlan(PlanBenefit plan);
  void AddDrug(DrugPrice drug);
  void AddEntry(const std::string& plan_id, const std::string& ndc, FormularyEntry entry);

 private:
  std::map<std::string, PlanBenefit> plans_;
  std::map<std::string, DrugPrice> drugs_;
  std::map<std::pair<std::string, std::string>, FormularyEntry> entries_;
};

// Loads the whole catalog (small: plans × formulary). Refusal: store errors, or
// invalid_request for a stored plan the domain's validator refuses.
Result<BenefitCatalog> LoadBenefitCatalog(Connection& conn);
// Loads only what pricing `ndc` for `plan_id` needs: the plan, the drug, its
// A-rated generic and their formulary entries.
Result<BenefitCatalog> LoadBenefitCatalogFor(Connection& conn, const std::string& plan_id, const std::string& ndc);
// One plan with its tiers; nullopt when absent.
Result<std::optional<PlanBenefit>> LoadPlanBenefit(Connection& conn, const std::string& plan_id);

enum class FillPricingKind { kCovered, kNotCovered, kUnpriced, kNoPlan };
// "covered", "not_covered", "unpriced", "no_plan".
std::string_view ToString(FillPricingKind kind);

// One fill to price, and where the member stands this year before it.
struct FillToPrice {
  std::string plan_id;  // empty: no plan
  std::string ndc;      // the prescribed product, 11 digits
  DawCode daw = DawCode::kNoProductSelectionIndicated;
  FillChannel channel = FillChannel::kRetail30;
  Quantity quantity;
  std::int64_t days_supply = 0;
  Date fill_date{};
  Cents ytd_out_of_pocket{};  // the latest fill_costs row's, this member and year
  LowIncomeSubsidy lis = LowIncomeSubsidy::kNone;
};

struct FillCost {
  FillPricingKind pricing = FillPricingKind::kUnpriced;
  Cents drug_cost{};
  Cents member_paid{};
  Cents plan_paid{};
  Cents ytd_out_of_pocket_after{};
  std::optional<PartDPhase> phase_after;  // Part D plans only
  std::string dispensed_ndc;              // empty when unpriced
  std::optional<FormularyTier> tier;      // the dispensed product's, when covered
  bool part_d = false;
};

// Prices one fill (see the top of this file). Pure: no store, no clock.
// Refusal: invalid_request from the domain (e.g. days_supply out of 1–365).
Result<FillCost> PriceFill(const FillToPrice& fill, const BenefitCatalog& catalog,
                           std::span<const PartDParameters> part_d_years);

// Whether a new prescription of `ndc` with `daw` needs prior authorization under the
// plan: the PA flag of the product DecideSubstitution would dispense on a 30-day
// retail fill (the prescribed one when nothing is priced).
bool PriorAuthRequired(const std::string& plan_id, const std::string& ndc, DawCode daw, Quantity quantity,
                       int days_supply, const BenefitCatalog& catalog);

// The store side: the prescription hooks, and pricing of fills that have no row yet.
class FillPricer {
 public:
  // `part_d_years` must have passed ValidatePartDParameters.
  explicit FillPricer(std::vector<PartDParameters> part_d_years) : part_d_years_(std::move(part_d_years)) {}

  // on_created: sets prior_auth_required from the member's formulary; on_filled: writes
  // the fill's fill_costs row. Both run in the caller's transaction.
  PrescriptionHooks Hooks() const;

  Status OnPrescriptionCreated(Connection& conn, PrescriptionRecord& rx) const;
  Status OnFillRecorded(Connection& conn, const PrescriptionRecord& rx, const FillRecord& fill) const;

  // Prices every fill without a fill_costs row, member by member in fill-date order,
  // continuing each member-year from its latest row; in transactions of about
  // `members_per_batch` members. Returns how many fills it priced. Idempotent.
  Result<std::int64_t> PriceUnpricedFills(Store& store, Instant now, int members_per_batch = 2000) const;

  std::span<const PartDParameters> part_d_years() const { return part_d_years_; }

 private:
  std::vector<PartDParameters> part_d_years_;
};

}  // namespace rxdesk
