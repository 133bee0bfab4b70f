// What a member pays for a drug under a commercial plan's formulary (PRODUCT.md §5):
// tiers, copays and coinsurance, retail vs mail, generic substitution by DAW code.
//
//   PlanCostSharing plan;                                    // one per plan, from config
//   plan.tiers[TierIndex(FormularyTier::kGeneric)].retail30 = Copay(Cents::FromDollars(10));
//   RXD_ASSIGN_OR_RETURN(Cents pays, MemberCostShare(Cents::FromDollars(42), FormularyTier::kGeneric,
//                                                    FillChannel::kMail90, 90, plan));
//   // pays == $20.00: one 90-day mail share, by default 2 × the $10 retail copay.
//
// Supplies other than the tier's own period are priced per started period:
//   retail: 1–30 days = 1 × the 30-day share, 31–60 = 2 ×, 61–90 = 3 ×, and so on;
//   mail:   1–90 days = 1 × the 90-day mail share, 91–180 = 2 ×, … — but never more than
//           the retail price of the same supply, so a 30-day mail fill costs one 30-day share.
// Whatever the arithmetic, the member never pays more than the drug costs, nor less than $0.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string_view>

#include "domain/money.h"
#include "domain/prescription.h"  // DawCode (NCPDP 408-D8)
#include "domain/result.h"

namespace rxdesk {

// Sanity bounds for amounts and supplies coming from outside. They are not business
// rules: they refuse typos and keep every product below far from int64 overflow.
// The costliest single dispensed therapies are a few million dollars.
inline constexpr Cents kMaxDrugCost = Cents::FromDollars(10'000'000);
// No prescription is dispensed for more than a year's supply (refills expire at
// 365 days, PRODUCT.md §2).
inline constexpr std::int64_t kMaxDaysSupply = 365;

// The supply periods tier cost shares are quoted for (PRODUCT.md §5).
inline constexpr std::int64_t kRetailPeriodDays = 30;
inline constexpr std::int64_t kMailPeriodDays = 90;

// The five formulary tiers of PRODUCT.md §5; the value is the tier number.
enum class FormularyTier : std::uint8_t {
  kPreferredGeneric = 1,
  kGeneric = 2,
  kPreferredBrand = 3,
  kNonPreferredDrug = 4,
  kSpecialty = 5,
};
inline constexpr std::size_t kFormularyTierCount = 5;

// Index of `tier` in PlanCostSharing::tiers (tier number − 1). Requires a valid tier.
constexpr std::size_t TierIndex(FormularyTier tier) { return static_cast<std::size_t>(tier) - 1; }

// The tier numbered 1–5; nullopt for anything else.
std::optional<FormularyTier> TierFromNumber(std::int64_t number);

// "preferred_generic", "generic", "preferred_brand", "non_preferred_drug", "specialty".
std::string_view ToString(FormularyTier tier);

enum class FillChannel { kRetail30, kMail90 };

// "retail30" / "mail90"; ParseFillChannel returns nullopt for anything else.
std::string_view ToString(FillChannel channel);
std::optional<FillChannel> ParseFillChannel(std::string_view text);

enum class CostShareKind { kCopay, kCoinsurance };

// A tier's cost share for one supply period: a flat copay, or a percentage of the
// drug cost (in basis points, 2500 = 25%) optionally held between a floor and a
// ceiling that are themselves per supply period.
struct CostShare {
  CostShareKind kind = CostShareKind::kCopay;
  Cents copay{};
  std::int64_t coinsurance_basis_points = 0;
  Cents coinsurance_min{};                       // Cents{0}: no floor
  std::optional<Cents> coinsurance_max = std::nullopt;  // nullopt: no ceiling
};

// A copay of `amount` per supply period.
constexpr CostShare Copay(Cents amount) { return CostShare{.kind = CostShareKind::kCopay, .copay = amount}; }

// `percent`% of the drug cost, at least `min` and at most `max` per supply period.
constexpr CostShare Coinsurance(std::int64_t percent, Cents min = Cents{},
                                std::optional<Cents> max = std::nullopt) {
  return CostShare{.kind = CostShareKind::kCoinsurance,
                   .coinsurance_basis_points = percent * 100,
                   .coinsurance_min = min,
                   .coinsurance_max = max};
}

struct TierCostShare {
  CostShare retail30;
  // nullopt: derived from retail30 (PRODUCT.md §5) — a copay times
  // PlanCostSharing::mail_copay_multiplier; a coinsurance at the same percent with
  // its floor and ceiling times the same multiplier (the caps are per month's
  // supply, and the mail benefit prices 90 days like that many months).
  std::optional<CostShare> mail90 = std::nullopt;
};

// One plan's cost sharing (config per plan). PRODUCT.md gives no tier amounts, so
// there is no default: every tier starts at a $0 copay and the plan configures it.
struct PlanCostSharing {
  std::array<TierCostShare, kFormularyTierCount> tiers{};
  // PRODUCT.md §5 (config): the 90-day mail copay defaults to 2× the 30-day copay.
  std::int64_t mail_copay_multiplier = 2;
};

// Checks a plan's configuration: non-negative amounts, coinsurance 0–100%, floor ≤
// ceiling, multiplier 1–12. Refusal: invalid_request naming e.g. "tier3.mail90.copay".
Status ValidatePlanCostSharing(const PlanCostSharing& plan);

// The member's share of a fill costing `drug_cost` on `tier` through `channel`,
// pro-rated per started supply period (see the top of this file), never above
// `drug_cost`. Requires a plan that passed ValidatePlanCostSharing.
// Refusal: invalid_request naming drug_cost_cents (0–kMaxDrugCost), days_supply
// (1–kMaxDaysSupply) or tier.
Result<Cents> MemberCostShare(Cents drug_cost, FormularyTier tier, FillChannel channel,
                              std::int64_t days_supply, const PlanCostSharing& plan);

// A drug's place on the plan's formulary.
struct FormularyEntry {
  FormularyTier tier = FormularyTier::kPreferredBrand;
  // PRODUCT.md §5: a PA-flagged drug needs an approved prior authorization before fill.
  bool prior_authorization = false;
};

// A product and what the pharmacy is paid for this fill of it.
struct PricedProduct {
  FormularyEntry entry;
  Cents drug_cost{};
};

// A prescribed brand fill and, where one exists, its A-rated (therapeutically
// equivalent, FDA Orange Book) generic.
struct SubstitutionInput {
  PricedProduct brand;
  std::optional<PricedProduct> a_rated_generic = std::nullopt;
  DawCode daw = DawCode::kNoProductSelectionIndicated;
  FillChannel channel = FillChannel::kRetail30;
  std::int64_t days_supply = 0;
};

enum class DispensedProduct { kBrand, kGeneric };

struct SubstitutionDecision {
  DispensedProduct dispensed = DispensedProduct::kBrand;
  Cents member_pays{};
  Cents brand_member_cost{};  // what the brand costs the member at the brand's share
  Cents saving{};             // brand_member_cost − member_pays; never negative
  bool prior_authorization_required = false;  // the dispensed product's PA flag
};

// Decides brand or generic by DAW code (NCPDP 408-D8) and prices the fill:
//   0       the generic is dispensed at its share, unless it would cost the member more;
//   1, 2    the brand, at the brand's share (prescriber's or patient's choice, PRODUCT.md §5);
//   3,4,5,9 the brand, at the generic's share: the pharmacy or plan chose, not the member;
//   6,7,8   the brand, at the brand's share (payer override, law, no generic on the market).
// With no A-rated generic the brand goes out at its share whatever the code.
// Refusal: invalid_request naming daw, days_supply, brand.drug_cost_cents,
// generic.drug_cost_cents, brand.tier or generic.tier.
Result<SubstitutionDecision> DecideSubstitution(const SubstitutionInput& input, const PlanCostSharing& plan);

}  // namespace rxdesk
