// Plans, their formulary and what a drug costs under them (PRODUCT.md §5; not PHI,
// so any signed-in user may read them, unaudited), and a member's benefit year: the
// accumulators built from fill_costs (services/fill_pricing.h) and their Part D
// Low-Income Subsidy level (PHI: audited, behind the contact gate).
//
//   BenefitsService benefits(store, clock, zone, members, pricer);
//   RXD_ASSIGN_OR_RETURN(DrugLookup d, benefits.LookupDrug("commercial-2026", "99999030101", {}));
//   // d.prices[0]: a 30-day retail fill; d.prices[1]: 90 days by mail, with the generic saving.
//   RXD_ASSIGN_OR_RETURN(BenefitYear y, benefits.Year(caller, member_id, 2026));
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "domain/clock.h"
#include "domain/zone.h"
#include "services/caller.h"
#include "services/fill_pricing.h"
#include "services/member_service.h"
#include "services/prescription_service.h"  // Page<T>
#include "store/store.h"

namespace rxdesk {

// One drug on a plan's formulary.
struct FormularyItem {
  DrugPrice drug;
  FormularyEntry entry;
};

struct FormularyQuery {
  std::string q;                      // part of the drug's name, any case; "" for all
  std::optional<FormularyTier> tier;  // only this tier
  int limit = 50;
  std::string cursor;  // the last NDC of the previous page
};

// What the member would pay for one supply of a drug (a 30-day retail or a 90-day
// mail fill), with the generic substitution applied by the DAW code.
struct ChannelPrice {
  FillChannel channel = FillChannel::kRetail30;
  std::int64_t days_supply = 0;
  Quantity quantity;
  Cents drug_cost{};  // of the dispensed product
  SubstitutionDecision decision;
};

struct DrugLookup {
  PlanBenefit plan;
  DrugPrice drug;
  std::optional<FormularyEntry> entry;  // nullopt: not on the formulary
  std::optional<DrugPrice> generic;     // its A-rated generic, if any
  std::optional<FormularyEntry> generic_entry;
  DawCode daw = DawCode::kNoProductSelectionIndicated;
  // Retail 30 days then mail 90 days; empty when the plan prices fills by Part D's
  // standard benefit, or the drug is unpriced or off the formulary.
  std::vector<ChannelPrice> prices;
};

struct DrugLookupQuery {
  Quantity quantity_per_30_days = Quantity::FromUnits(30);  // the mail fill is 3 ×
  DawCode daw = DawCode::kNoProductSelectionIndicated;
};

// A member's benefit year (the EOB's year-to-date figures).
struct BenefitYear {
  std::string member_id;
  std::int64_t year = 0;
  std::string plan_id;  // "" without a plan
  std::string plan_kind;
  LowIncomeSubsidy lis = LowIncomeSubsidy::kNone;
  std::int64_t fills = 0;
  Cents drug_cost{};
  Cents member_paid{};
  Cents plan_paid{};
  Cents out_of_pocket{};  // the latest fill's ytd_out_of_pocket_after (Part D: TrOOP)
  // Part D plans, for a year with parameters:
  std::optional<PartDParameters> part_d;  // the year's benefit
  Cents deductible{};                     // 0 with full LIS
  Cents deductible_met{};
  std::optional<PartDPhase> phase;
};

class BenefitsService {
 public:
  BenefitsService(Store& store, const Clock& clock, const Zone& zone, const MemberService& members,
                  const FillPricer& pricer)
      : store_(store), clock_(clock), zone_(zone), members_(members), pricer_(pricer) {}

  // Plans by id. Refusal: store errors; invalid_request if a stored plan is invalid.
  Result<Page<PlanBenefit>> Plans(int limit, const std::string& cursor);
  // Refusal: not_found.
  Result<PlanBenefit> Plan(const std::string& plan_id);
  // The plan's formulary by NDC. Refusal: not_found (plan).
  Result<Page<FormularyItem>> Formulary(const std::string& plan_id, const FormularyQuery& query);
  // `ndc` in its 11-digit form. Refusal: not_found (plan, or a drug not on the drug list).
  Result<DrugLookup> LookupDrug(const std::string& plan_id, const std::string& ndc, const DrugLookupQuery& query);

  // A member's totals for `year`: the member themselves, an agent in a verified contact,
  // a pharmacist or supervisor. Audited. Refusals: not_found, verification_required.
  Result<BenefitYear> Year(const Caller& caller, const std::string& member_id, std::int64_t year);
  // Sets the member's Low-Income Subsidy level for fills priced from now on (agent in a
  // verified contact, pharmacist, supervisor). Audited. Refusals: as Year.
  Result<LowIncomeSubsidy> SetLis(const Caller& caller, const std::string& member_id, LowIncomeSubsidy lis);

 private:
  Store& store_;
  const Clock& clock_;
  const Zone& zone_;
  const MemberService& members_;
  const FillPricer& pricer_;
};

}  // namespace rxdesk
