#include "domain/formulary.h"

#include <string>

namespace rxdesk {
namespace {

constexpr std::int64_t kBasisPointsPerWhole = 10'000;
// A mail share priced as more than a year of monthly shares is a typo, not a plan.
constexpr std::int64_t kMaxMailCopayMultiplier = 12;

constexpr std::int64_t StartedPeriods(std::int64_t days, std::int64_t period_days) {
  return (days + period_days - 1) / period_days;
}

// The share for `periods` supply periods of a fill costing `drug_cost`; not yet
// capped at the drug cost.
constexpr Cents ShareFor(const CostShare& share, Cents drug_cost, std::int64_t periods) {
  if (share.kind == CostShareKind::kCopay) return share.copay * periods;
  Cents amount = MulDivHalfUp(drug_cost, share.coinsurance_basis_points, kBasisPointsPerWhole);
  amount = Max(amount, share.coinsurance_min * periods);
  if (share.coinsurance_max) amount = Min(amount, *share.coinsurance_max * periods);
  return amount;
}

constexpr CostShare MailShare(const TierCostShare& tier, std::int64_t multiplier) {
  if (tier.mail90) return *tier.mail90;
  CostShare mail = tier.retail30;
  mail.copay = mail.copay * multiplier;
  mail.coinsurance_min = mail.coinsurance_min * multiplier;
  if (mail.coinsurance_max) mail.coinsurance_max = *mail.coinsurance_max * multiplier;
  return mail;
}

// The member's share once the inputs are known to be valid.
Cents PriceValidFill(Cents drug_cost, FormularyTier tier, FillChannel channel, std::int64_t days_supply,
                     const PlanCostSharing& plan) {
  const TierCostShare& shares = plan.tiers[TierIndex(tier)];
  Cents amount = ShareFor(shares.retail30, drug_cost, StartedPeriods(days_supply, kRetailPeriodDays));
  if (channel == FillChannel::kMail90) {
    const Cents mail = ShareFor(MailShare(shares, plan.mail_copay_multiplier), drug_cost,
                                StartedPeriods(days_supply, kMailPeriodDays));
    amount = Min(amount, mail);
  }
  return Max(Cents{0}, Min(amount, drug_cost));
}

Status CheckFill(Cents drug_cost, FormularyTier tier, FillChannel channel, std::int64_t days_supply,
                 std::string_view prefix) {
  if (drug_cost < Cents{0} || drug_cost > kMaxDrugCost) {
    return InvalidField(std::string(prefix) + "drug_cost_cents", "must be between 0 and " + FormatDollars(kMaxDrugCost));
  }
  if (!TierFromNumber(static_cast<std::int64_t>(tier))) {
    return InvalidField(std::string(prefix) + "tier", "must be a formulary tier from 1 to 5");
  }
  if (channel != FillChannel::kRetail30 && channel != FillChannel::kMail90) {
    return InvalidField("channel", "must be retail30 or mail90");
  }
  if (days_supply < 1 || days_supply > kMaxDaysSupply) {
    return InvalidField("days_supply", "must be between 1 and " + std::to_string(kMaxDaysSupply));
  }
  return OkStatus();
}

Status CheckCostShare(const CostShare& share, const std::string& field) {
  if (share.kind != CostShareKind::kCopay && share.kind != CostShareKind::kCoinsurance) {
    return InvalidField(field + ".kind", "must be copay or coinsurance");
  }
  if (share.copay < Cents{0} || share.copay > kMaxDrugCost) {
    return InvalidField(field + ".copay", "must be between $0 and " + FormatDollars(kMaxDrugCost));
  }
  if (share.coinsurance_basis_points < 0 || share.coinsurance_basis_points > kBasisPointsPerWhole) {
    return InvalidField(field + ".coinsurance_basis_points", "must be between 0% and 100%");
  }
  if (share.coinsurance_min < Cents{0} || share.coinsurance_min > kMaxDrugCost) {
    return InvalidField(field + ".coinsurance_min", "must be between $0 and " + FormatDollars(kMaxDrugCost));
  }
  if (share.coinsurance_max &&
      (*share.coinsurance_max < share.coinsurance_min || *share.coinsurance_max > kMaxDrugCost)) {
    return InvalidField(field + ".coinsurance_max", "must be at least the minimum and at most " +
                                                        FormatDollars(kMaxDrugCost));
  }
  return OkStatus();
}

// What each DAW code (NCPDP 408-D8) means for the fill when an A-rated generic exists.
enum class DawOutcome { kSubstituteGeneric, kBrandAtBrandShare, kBrandAtGenericShare };

struct DawRule {
  DawCode code;
  DawOutcome outcome;
};

constexpr std::array<DawRule, 10> kDawRules = {{
    {DawCode::kNoProductSelectionIndicated, DawOutcome::kSubstituteGeneric},
    {DawCode::kSubstitutionNotAllowedByPrescriber, DawOutcome::kBrandAtBrandShare},  // PRODUCT.md §5
    {DawCode::kPatientRequestedProduct, DawOutcome::kBrandAtBrandShare},             // PRODUCT.md §5
    {DawCode::kPharmacistSelectedProduct, DawOutcome::kBrandAtGenericShare},
    {DawCode::kGenericNotInStock, DawOutcome::kBrandAtGenericShare},
    {DawCode::kBrandDispensedAsGeneric, DawOutcome::kBrandAtGenericShare},
    // "Override" has only a payer-specific meaning: never substitute on it.
    {DawCode::kOverride, DawOutcome::kBrandAtBrandShare},
    {DawCode::kBrandMandatedByLaw, DawOutcome::kBrandAtBrandShare},
    {DawCode::kGenericNotAvailableInMarketplace, DawOutcome::kBrandAtBrandShare},
    {DawCode::kPlanRequestsBrand, DawOutcome::kBrandAtGenericShare},
}};

static_assert([] {
  for (std::size_t i = 0; i < kDawRules.size(); ++i) {
    if (static_cast<std::size_t>(kDawRules[i].code) != i) return false;
  }
  return true;
}(), "kDawRules is indexed by DAW code");

}  // namespace

std::optional<FormularyTier> TierFromNumber(std::int64_t number) {
  if (number < 1 || number > static_cast<std::int64_t>(kFormularyTierCount)) return std::nullopt;
  return static_cast<FormularyTier>(number);
}

std::string_view ToString(FormularyTier tier) {
  switch (tier) {
    case FormularyTier::kPreferredGeneric: return "preferred_generic";
    case FormularyTier::kGeneric: return "generic";
    case FormularyTier::kPreferredBrand: return "preferred_brand";
    case FormularyTier::kNonPreferredDrug: return "non_preferred_drug";
    case FormularyTier::kSpecialty: return "specialty";
  }
  return "unknown";
}

std::string_view ToString(FillChannel channel) {
  switch (channel) {
    case FillChannel::kRetail30: return "retail30";
    case FillChannel::kMail90: return "mail90";
  }
  return "unknown";
}

std::optional<FillChannel> ParseFillChannel(std::string_view text) {
  if (text == "retail30") return FillChannel::kRetail30;
  if (text == "mail90") return FillChannel::kMail90;
  return std::nullopt;
}

Status ValidatePlanCostSharing(const PlanCostSharing& plan) {
  if (plan.mail_copay_multiplier < 1 || plan.mail_copay_multiplier > kMaxMailCopayMultiplier) {
    return InvalidField("mail_copay_multiplier", "must be between 1 and " + std::to_string(kMaxMailCopayMultiplier));
  }
  for (std::size_t i = 0; i < plan.tiers.size(); ++i) {
    const std::string tier = "tier" + std::to_string(i + 1);
    RXD_TRY(CheckCostShare(plan.tiers[i].retail30, tier + ".retail30"));
    if (plan.tiers[i].mail90) RXD_TRY(CheckCostShare(*plan.tiers[i].mail90, tier + ".mail90"));
  }
  return OkStatus();
}

Result<Cents> MemberCostShare(Cents drug_cost, FormularyTier tier, FillChannel channel, std::int64_t days_supply,
                              const PlanCostSharing& plan) {
  RXD_TRY(CheckFill(drug_cost, tier, channel, days_supply, ""));
  return PriceValidFill(drug_cost, tier, channel, days_supply, plan);
}

Result<SubstitutionDecision> DecideSubstitution(const SubstitutionInput& input, const PlanCostSharing& plan) {
  const auto daw = static_cast<std::size_t>(input.daw);
  if (daw >= kDawRules.size()) return InvalidField("daw", "must be a DAW code from 0 to 9");
  const PricedProduct& brand = input.brand;
  RXD_TRY(CheckFill(brand.drug_cost, brand.entry.tier, input.channel, input.days_supply, "brand."));

  SubstitutionDecision decision;
  decision.brand_member_cost = PriceValidFill(brand.drug_cost, brand.entry.tier, input.channel, input.days_supply, plan);
  decision.member_pays = decision.brand_member_cost;
  decision.prior_authorization_required = brand.entry.prior_authorization;
  if (!input.a_rated_generic) return decision;

  const PricedProduct& generic = *input.a_rated_generic;
  RXD_TRY(CheckFill(generic.drug_cost, generic.entry.tier, input.channel, input.days_supply, "generic."));
  const Cents generic_member_cost =
      PriceValidFill(generic.drug_cost, generic.entry.tier, input.channel, input.days_supply, plan);

  switch (kDawRules[daw].outcome) {
    case DawOutcome::kSubstituteGeneric:
      // Substitution is meant to save the member money; when the plan's tiers make
      // the generic dearer to the member (a cheap brand under its copay), keep the brand.
      if (generic_member_cost <= decision.brand_member_cost) {
        decision.dispensed = DispensedProduct::kGeneric;
        decision.member_pays = generic_member_cost;
        decision.prior_authorization_required = generic.entry.prior_authorization;
      }
      break;
    case DawOutcome::kBrandAtGenericShare:
      decision.member_pays = Min(generic_member_cost, decision.brand_member_cost);
      break;
    case DawOutcome::kBrandAtBrandShare:
      break;
  }
  decision.saving = decision.brand_member_cost - decision.member_pays;
  return decision;
}

}  // namespace rxdesk
