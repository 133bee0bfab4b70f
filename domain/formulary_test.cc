#include "domain/formulary.h"

#include <gtest/gtest.h>

#include <cstdint>
#include <limits>
#include <string_view>
#include <vector>

namespace rxdesk {
namespace {

constexpr Cents Dollars(std::int64_t dollars, std::int64_t cents = 0) { return Cents::FromDollars(dollars, cents); }

// A plan shaped like a typical commercial formulary:
//   tier 1 $3 copay (mail: $0 for 90 days), tier 2 $10, tier 3 $40,
//   tier 4 40% with a $20 floor, tier 5 25% with a $150 ceiling (per 30 days).
PlanCostSharing TestPlan() {
  PlanCostSharing plan;
  plan.tiers[TierIndex(FormularyTier::kPreferredGeneric)] = {Copay(Dollars(3)), Copay(Dollars(0))};
  plan.tiers[TierIndex(FormularyTier::kGeneric)] = {Copay(Dollars(10))};
  plan.tiers[TierIndex(FormularyTier::kPreferredBrand)] = {Copay(Dollars(40))};
  plan.tiers[TierIndex(FormularyTier::kNonPreferredDrug)] = {Coinsurance(40, Dollars(20))};
  plan.tiers[TierIndex(FormularyTier::kSpecialty)] = {Coinsurance(25, Cents{0}, Dollars(150))};
  return plan;
}

Cents Pays(Cents cost, FormularyTier tier, FillChannel channel, std::int64_t days,
           const PlanCostSharing& plan = TestPlan()) {
  Result<Cents> r = MemberCostShare(cost, tier, channel, days, plan);
  EXPECT_TRUE(r.ok()) << r.error().field;
  return r.ok() ? *r : Cents{-1};
}

TEST(FormularyTier, NumbersOneToFiveNameTheTiersOfTheSpec) {
  struct Row {
    std::int64_t number;
    FormularyTier tier;
    const char* name;
  };
  for (const Row& row : std::vector<Row>{{1, FormularyTier::kPreferredGeneric, "preferred_generic"},
                                         {2, FormularyTier::kGeneric, "generic"},
                                         {3, FormularyTier::kPreferredBrand, "preferred_brand"},
                                         {4, FormularyTier::kNonPreferredDrug, "non_preferred_drug"},
                                         {5, FormularyTier::kSpecialty, "specialty"}}) {
    ASSERT_EQ(TierFromNumber(row.number), row.tier) << row.number;
    EXPECT_EQ(ToString(row.tier), row.name);
    EXPECT_EQ(TierIndex(row.tier), static_cast<std::size_t>(row.number - 1));
  }
  for (std::int64_t bad : {std::int64_t{0}, std::int64_t{6}, std::int64_t{-1}, std::numeric_limits<std::int64_t>::max()}) {
    EXPECT_FALSE(TierFromNumber(bad).has_value()) << bad;
  }
}

TEST(FillChannel, ParsesOnlyTheApiSpelling) {
  EXPECT_EQ(ParseFillChannel("retail30"), FillChannel::kRetail30);
  EXPECT_EQ(ParseFillChannel("mail90"), FillChannel::kMail90);
  EXPECT_EQ(ToString(FillChannel::kMail90), "mail90");
  using std::string_view_literals::operator""sv;
  for (std::string_view bad : {""sv, "Retail30"sv, "mail"sv, "mail90 "sv, "retail30\0x"sv}) {
    EXPECT_FALSE(ParseFillChannel(bad)) << bad;
  }
}

TEST(MemberCostShare, RetailChargesOneCopayPerStartedThirtyDays) {
  // Tier 2, $10 copay, a $1,000 drug so the cost cap never bites: $10 × ceil(days / 30).
  struct Row {
    std::int64_t days;
    std::int64_t copays;
  };
  for (const Row& row : std::vector<Row>{{1, 1}, {29, 1}, {30, 1}, {31, 2}, {59, 2}, {60, 2}, {61, 3},
                                         {89, 3}, {90, 3}, {91, 4}, {364, 13}, {365, 13}}) {
    EXPECT_EQ(Pays(Dollars(1000), FormularyTier::kGeneric, FillChannel::kRetail30, row.days), Dollars(10 * row.copays))
        << row.days << " days";
  }
}

TEST(MemberCostShare, MailChargesTwiceTheRetailCopayForNinetyDaysButNeverMoreThanRetail) {
  // Tier 2: retail $10 per started 30 days; mail $20 (2 × $10) per started 90 days.
  struct Row {
    std::int64_t days;
    Cents pays;  // min(mail, retail)
  };
  for (const Row& row : std::vector<Row>{
           {1, Dollars(10)},    // min($20, $10)
           {30, Dollars(10)},   // min($20, $10)
           {31, Dollars(20)},   // min($20, $20)
           {60, Dollars(20)},   // min($20, $20)
           {61, Dollars(20)},   // min($20, $30)
           {90, Dollars(20)},   // min($20, $30)
           {91, Dollars(40)},   // min(2 × $20, 4 × $10)
           {180, Dollars(40)},  // min(2 × $20, 6 × $10)
           {181, Dollars(60)},  // min(3 × $20, 7 × $10)
       }) {
    EXPECT_EQ(Pays(Dollars(1000), FormularyTier::kGeneric, FillChannel::kMail90, row.days), row.pays)
        << row.days << " days";
  }
}

TEST(MemberCostShare, MailMultiplierComesFromThePlan) {
  PlanCostSharing plan = TestPlan();
  plan.mail_copay_multiplier = 1;
  // Tier 3 $40: 90 days by mail is 1 × $40 instead of 2 × $40; retail would be 3 × $40.
  EXPECT_EQ(Pays(Dollars(500), FormularyTier::kPreferredBrand, FillChannel::kMail90, 90, plan), Dollars(40));
  EXPECT_EQ(Pays(Dollars(500), FormularyTier::kPreferredBrand, FillChannel::kMail90, 90), Dollars(80));
  EXPECT_EQ(Pays(Dollars(500), FormularyTier::kPreferredBrand, FillChannel::kRetail30, 90), Dollars(120));
}

TEST(MemberCostShare, ConfiguredMailShareReplacesTheDefault) {
  // Tier 1: $3 retail, $0 configured for mail.
  EXPECT_EQ(Pays(Dollars(25), FormularyTier::kPreferredGeneric, FillChannel::kMail90, 90), Dollars(0));
  EXPECT_EQ(Pays(Dollars(25), FormularyTier::kPreferredGeneric, FillChannel::kMail90, 30), Dollars(0));
  EXPECT_EQ(Pays(Dollars(25), FormularyTier::kPreferredGeneric, FillChannel::kRetail30, 90), Dollars(9));  // 3 × $3
}

TEST(MemberCostShare, MemberNeverPaysMoreThanTheDrugCosts) {
  // Tier 3, $40 copay.
  EXPECT_EQ(Pays(Dollars(12, 34), FormularyTier::kPreferredBrand, FillChannel::kRetail30, 30), Dollars(12, 34));
  EXPECT_EQ(Pays(Dollars(39, 99), FormularyTier::kPreferredBrand, FillChannel::kRetail30, 30), Dollars(39, 99));
  EXPECT_EQ(Pays(Dollars(40), FormularyTier::kPreferredBrand, FillChannel::kRetail30, 30), Dollars(40));
  EXPECT_EQ(Pays(Dollars(40, 1), FormularyTier::kPreferredBrand, FillChannel::kRetail30, 30), Dollars(40));
  // 60 days = 2 copays = $80, but the drug costs $50.
  EXPECT_EQ(Pays(Dollars(50), FormularyTier::kPreferredBrand, FillChannel::kRetail30, 60), Dollars(50));
  EXPECT_EQ(Pays(Cents{0}, FormularyTier::kPreferredBrand, FillChannel::kRetail30, 30), Cents{0});
}

TEST(MemberCostShare, CoinsuranceFloorAppliesPerPeriodButNeverAboveTheCost) {
  // Tier 4: 40% with a $20 floor per 30 days.
  struct Row {
    Cents cost;
    std::int64_t days;
    Cents pays;
  };
  for (const Row& row : std::vector<Row>{
           {Dollars(100), 30, Dollars(40)},   // 40% of $100 = $40 > $20
           {Dollars(50), 30, Dollars(20)},    // 40% of $50 = $20 = floor
           {Dollars(50, 3), 30, Dollars(20, 1)},  // 40% of $50.03 = $20.012 → $20.01
           {Dollars(30), 30, Dollars(20)},    // 40% = $12 → floor $20
           {Dollars(15), 30, Dollars(15)},    // floor $20, but the drug costs $15
           {Dollars(30), 60, Dollars(30)},    // 40% = $12 → floor 2 × $20 = $40 → cost $30
           {Dollars(200), 60, Dollars(80)},   // 40% = $80 ≥ $40
       }) {
    EXPECT_EQ(Pays(row.cost, FormularyTier::kNonPreferredDrug, FillChannel::kRetail30, row.days), row.pays)
        << row.cost.value() << " cents, " << row.days << " days";
  }
}

TEST(MemberCostShare, CoinsuranceCeilingAppliesPerPeriodAndScalesForMail) {
  // Tier 5: 25% with a $150 ceiling per 30 days; by mail $300 (2 × $150) per 90 days.
  EXPECT_EQ(Pays(Dollars(1000), FormularyTier::kSpecialty, FillChannel::kRetail30, 30), Dollars(150));  // $250 → $150
  EXPECT_EQ(Pays(Dollars(600), FormularyTier::kSpecialty, FillChannel::kRetail30, 30), Dollars(150));   // exactly $150
  EXPECT_EQ(Pays(Dollars(599, 96), FormularyTier::kSpecialty, FillChannel::kRetail30, 30), Dollars(149, 99));
  EXPECT_EQ(Pays(Dollars(1000), FormularyTier::kSpecialty, FillChannel::kRetail30, 60), Dollars(250));  // ceiling $300
  EXPECT_EQ(Pays(Dollars(2000), FormularyTier::kSpecialty, FillChannel::kRetail30, 60), Dollars(300));  // $500 → $300
  // Mail 90 days of a $2,000 fill: $500 → mail ceiling $300; retail would be min($500, 3 × $150).
  EXPECT_EQ(Pays(Dollars(2000), FormularyTier::kSpecialty, FillChannel::kMail90, 90), Dollars(300));
  EXPECT_EQ(Pays(Dollars(2000), FormularyTier::kSpecialty, FillChannel::kRetail30, 90), Dollars(450));
}

TEST(MemberCostShare, CoinsuranceRoundsHalfUpToTheCent) {
  // Tier 5, 25%: 1¢ → 0.25¢ → 0¢; 2¢ → 0.5¢ → 1¢; 3¢ → 0.75¢ → 1¢; 6¢ → 1.5¢ → 2¢; 10¢ → 2.5¢ → 3¢.
  struct Row {
    std::int64_t cost_cents;
    std::int64_t pays_cents;
  };
  for (const Row& row : std::vector<Row>{{1, 0}, {2, 1}, {3, 1}, {4, 1}, {6, 2}, {10, 3}}) {
    EXPECT_EQ(Pays(Cents{row.cost_cents}, FormularyTier::kSpecialty, FillChannel::kRetail30, 30), Cents{row.pays_cents})
        << row.cost_cents;
  }
}

TEST(MemberCostShare, StaysBetweenZeroAndTheCostAndMailNeverCostsMoreThanRetail) {
  const PlanCostSharing plan = TestPlan();
  for (std::int64_t tier_number = 1; tier_number <= 5; ++tier_number) {
    const FormularyTier tier = *TierFromNumber(tier_number);
    for (std::int64_t days = 1; days <= kMaxDaysSupply; ++days) {
      for (Cents cost : {Cents{0}, Cents{1}, Dollars(2, 99), Dollars(19, 99), Dollars(87, 65), Dollars(4321)}) {
        const Cents retail = Pays(cost, tier, FillChannel::kRetail30, days, plan);
        const Cents mail = Pays(cost, tier, FillChannel::kMail90, days, plan);
        ASSERT_GE(retail, Cents{0});
        ASSERT_LE(retail, cost);
        ASSERT_GE(mail, Cents{0});
        ASSERT_LE(mail, retail) << "tier " << tier_number << ", " << days << " days, " << cost.value();
      }
    }
  }
}

TEST(MemberCostShare, RefusesGarbageNamingTheField) {
  const PlanCostSharing plan = TestPlan();
  struct Row {
    Cents cost;
    FormularyTier tier;
    FillChannel channel;
    std::int64_t days;
    const char* field;
  };
  const FormularyTier ok_tier = FormularyTier::kGeneric;
  const FillChannel retail = FillChannel::kRetail30;
  for (const Row& row : std::vector<Row>{
           {Cents{-1}, ok_tier, retail, 30, "drug_cost_cents"},
           {Cents{std::numeric_limits<std::int64_t>::min()}, ok_tier, retail, 30, "drug_cost_cents"},
           {kMaxDrugCost + Cents{1}, ok_tier, retail, 30, "drug_cost_cents"},
           {Cents{std::numeric_limits<std::int64_t>::max()}, ok_tier, retail, 30, "drug_cost_cents"},
           {Dollars(10), static_cast<FormularyTier>(0), retail, 30, "tier"},
           {Dollars(10), static_cast<FormularyTier>(6), retail, 30, "tier"},
           {Dollars(10), ok_tier, static_cast<FillChannel>(7), 30, "channel"},
           {Dollars(10), ok_tier, retail, 0, "days_supply"},
           {Dollars(10), ok_tier, retail, -30, "days_supply"},
           {Dollars(10), ok_tier, retail, kMaxDaysSupply + 1, "days_supply"},
           {Dollars(10), ok_tier, retail, std::numeric_limits<std::int64_t>::max(), "days_supply"},
       }) {
    Result<Cents> r = MemberCostShare(row.cost, row.tier, row.channel, row.days, plan);
    ASSERT_FALSE(r.ok()) << row.field;
    EXPECT_EQ(r.error().code, "invalid_request");
    EXPECT_EQ(r.error().field, row.field);
  }
  // The bounds themselves are accepted: $10,000,000 for 365 days.
  EXPECT_EQ(Pays(kMaxDrugCost, ok_tier, retail, kMaxDaysSupply, plan), Dollars(130));  // 13 × $10
}

TEST(ValidatePlanCostSharing, AcceptsTheDefaultAndATypicalPlan) {
  EXPECT_TRUE(ValidatePlanCostSharing(PlanCostSharing{}).ok());
  EXPECT_TRUE(ValidatePlanCostSharing(TestPlan()).ok());
  EXPECT_EQ(PlanCostSharing{}.mail_copay_multiplier, 2);  // PRODUCT.md §5: 2× the 30-day copay
}

TEST(ValidatePlanCostSharing, RefusesImpossibleSharesNamingTheSetting) {
  struct Row {
    const char* field;
    PlanCostSharing plan;
  };
  std::vector<Row> rows;
  auto with = [](auto change) {
    PlanCostSharing plan = TestPlan();
    change(plan);
    return plan;
  };
  rows.push_back({"mail_copay_multiplier", with([](PlanCostSharing& p) { p.mail_copay_multiplier = 0; })});
  rows.push_back({"mail_copay_multiplier", with([](PlanCostSharing& p) { p.mail_copay_multiplier = 13; })});
  rows.push_back({"tier2.retail30.copay", with([](PlanCostSharing& p) { p.tiers[1].retail30 = Copay(Cents{-1}); })});
  rows.push_back({"tier1.mail90.copay", with([](PlanCostSharing& p) { p.tiers[0].mail90 = Copay(Cents{-500}); })});
  rows.push_back({"tier5.retail30.coinsurance_basis_points",
                  with([](PlanCostSharing& p) { p.tiers[4].retail30.coinsurance_basis_points = 10'001; })});
  rows.push_back({"tier4.retail30.coinsurance_basis_points",
                  with([](PlanCostSharing& p) { p.tiers[3].retail30.coinsurance_basis_points = -1; })});
  rows.push_back({"tier4.retail30.coinsurance_min",
                  with([](PlanCostSharing& p) { p.tiers[3].retail30.coinsurance_min = Cents{-1}; })});
  rows.push_back({"tier5.retail30.coinsurance_max", with([](PlanCostSharing& p) {
                    p.tiers[4].retail30 = Coinsurance(25, Dollars(100), Dollars(99, 99));
                  })});
  rows.push_back({"tier3.retail30.kind",
                  with([](PlanCostSharing& p) { p.tiers[2].retail30.kind = static_cast<CostShareKind>(9); })});
  for (const Row& row : rows) {
    Status s = ValidatePlanCostSharing(row.plan);
    ASSERT_FALSE(s.ok()) << row.field;
    EXPECT_EQ(s.error().code, "invalid_request");
    EXPECT_EQ(s.error().field, row.field);
  }
  // 100% coinsurance and a floor equal to the ceiling are legal edges.
  EXPECT_TRUE(ValidatePlanCostSharing(with([](PlanCostSharing& p) {
                p.tiers[4].retail30 = Coinsurance(100, Dollars(50), Dollars(50));
              })).ok());
}

// Substitution: a $200 brand on tier 3 ($40) with a $12 A-rated generic on tier 1 ($3).
SubstitutionInput BrandWithGeneric(DawCode daw) {
  return SubstitutionInput{
      .brand = {.entry = {.tier = FormularyTier::kPreferredBrand}, .drug_cost = Dollars(200)},
      .a_rated_generic = PricedProduct{.entry = {.tier = FormularyTier::kPreferredGeneric}, .drug_cost = Dollars(12)},
      .daw = daw,
      .channel = FillChannel::kRetail30,
      .days_supply = 30};
}

TEST(DecideSubstitution, FollowsTheDawCodeTable) {
  struct Row {
    int daw;
    DispensedProduct dispensed;
    Cents member_pays;
  };
  constexpr DispensedProduct kBrand = DispensedProduct::kBrand;
  constexpr DispensedProduct kGeneric = DispensedProduct::kGeneric;
  for (const Row& row : std::vector<Row>{
           {0, kGeneric, Dollars(3)},  // no selection: the generic, PRODUCT.md §5
           {1, kBrand, Dollars(40)},   // prescriber: brand at the brand's share
           {2, kBrand, Dollars(40)},   // patient: brand at the brand's share
           {3, kBrand, Dollars(3)},    // pharmacist's choice: the member is not charged for it
           {4, kBrand, Dollars(3)},    // generic not in stock: the pharmacy's shortfall
           {5, kBrand, Dollars(3)},    // brand dispensed as generic
           {6, kBrand, Dollars(40)},   // payer override: no substitution on a payer-specific code
           {7, kBrand, Dollars(40)},   // brand mandated by law
           {8, kBrand, Dollars(40)},   // no generic on the market
           {9, kBrand, Dollars(3)},    // the plan asks for the brand: not the member's cost
       }) {
    Result<SubstitutionDecision> d = DecideSubstitution(BrandWithGeneric(static_cast<DawCode>(row.daw)), TestPlan());
    ASSERT_TRUE(d.ok()) << row.daw;
    EXPECT_EQ(d->dispensed, row.dispensed) << "DAW " << row.daw;
    EXPECT_EQ(d->member_pays, row.member_pays) << "DAW " << row.daw;
    EXPECT_EQ(d->brand_member_cost, Dollars(40)) << "DAW " << row.daw;
    EXPECT_EQ(d->saving, Dollars(40) - row.member_pays) << "DAW " << row.daw;
  }
}

TEST(DecideSubstitution, WithoutAGenericTheBrandGoesOutAtItsShareWhateverTheCode) {
  for (int daw = 0; daw <= 9; ++daw) {
    SubstitutionInput input = BrandWithGeneric(static_cast<DawCode>(daw));
    input.a_rated_generic = std::nullopt;
    Result<SubstitutionDecision> d = DecideSubstitution(input, TestPlan());
    ASSERT_TRUE(d.ok()) << daw;
    EXPECT_EQ(d->dispensed, DispensedProduct::kBrand);
    EXPECT_EQ(d->member_pays, Dollars(40));
    EXPECT_EQ(d->saving, Cents{0});
  }
}

TEST(DecideSubstitution, KeepsTheBrandWhenTheGenericWouldCostTheMemberMore) {
  // A $2.50 brand costs the member $2.50 (below its $40 copay); the generic costs
  // $5.00 and its $3 copay applies: $3.00 > $2.50, so DAW 0 keeps the brand.
  SubstitutionInput input = BrandWithGeneric(DawCode::kNoProductSelectionIndicated);
  input.brand.drug_cost = Dollars(2, 50);
  input.a_rated_generic->drug_cost = Dollars(5);
  Result<SubstitutionDecision> d = DecideSubstitution(input, TestPlan());
  ASSERT_TRUE(d.ok());
  EXPECT_EQ(d->dispensed, DispensedProduct::kBrand);
  EXPECT_EQ(d->member_pays, Dollars(2, 50));
  EXPECT_EQ(d->saving, Cents{0});

  // At $3.00 the brand costs the member the same as the generic: the generic goes out.
  input.brand.drug_cost = Dollars(3);
  d = DecideSubstitution(input, TestPlan());
  ASSERT_TRUE(d.ok());
  EXPECT_EQ(d->dispensed, DispensedProduct::kGeneric);
  EXPECT_EQ(d->member_pays, Dollars(3));
  EXPECT_EQ(d->saving, Cents{0});

  // DAW 4 (generic out of stock) charges the lesser of the two: $2.50.
  input.brand.drug_cost = Dollars(2, 50);
  input.daw = DawCode::kGenericNotInStock;
  d = DecideSubstitution(input, TestPlan());
  ASSERT_TRUE(d.ok());
  EXPECT_EQ(d->member_pays, Dollars(2, 50));
}

TEST(DecideSubstitution, ReportsThePriorAuthorizationFlagOfWhatIsDispensed) {
  SubstitutionInput input = BrandWithGeneric(DawCode::kNoProductSelectionIndicated);
  input.brand.entry.prior_authorization = true;
  Result<SubstitutionDecision> d = DecideSubstitution(input, TestPlan());
  ASSERT_TRUE(d.ok());
  EXPECT_FALSE(d->prior_authorization_required);  // the generic went out

  input.daw = DawCode::kSubstitutionNotAllowedByPrescriber;
  d = DecideSubstitution(input, TestPlan());
  ASSERT_TRUE(d.ok());
  EXPECT_TRUE(d->prior_authorization_required);  // the brand went out

  input.daw = DawCode::kNoProductSelectionIndicated;
  input.brand.entry.prior_authorization = false;
  input.a_rated_generic->entry.prior_authorization = true;
  d = DecideSubstitution(input, TestPlan());
  ASSERT_TRUE(d.ok());
  EXPECT_TRUE(d->prior_authorization_required);
}

TEST(DecideSubstitution, MailSavingUsesEachTiersMailShare) {
  // 90 days by mail: brand tier 3 = 2 × $40 = $80; generic tier 1 mail = $0.
  SubstitutionInput input = BrandWithGeneric(DawCode::kNoProductSelectionIndicated);
  input.channel = FillChannel::kMail90;
  input.days_supply = 90;
  Result<SubstitutionDecision> d = DecideSubstitution(input, TestPlan());
  ASSERT_TRUE(d.ok());
  EXPECT_EQ(d->dispensed, DispensedProduct::kGeneric);
  EXPECT_EQ(d->member_pays, Cents{0});
  EXPECT_EQ(d->saving, Dollars(80));
}

TEST(DecideSubstitution, RefusesGarbageNamingTheField) {
  struct Row {
    const char* field;
    SubstitutionInput input;
  };
  auto with = [](auto change) {
    SubstitutionInput input = BrandWithGeneric(DawCode::kNoProductSelectionIndicated);
    change(input);
    return input;
  };
  for (const Row& row : std::vector<Row>{
           {"daw", with([](SubstitutionInput& in) { in.daw = static_cast<DawCode>(10); })},
           {"daw", with([](SubstitutionInput& in) { in.daw = static_cast<DawCode>(255); })},
           {"brand.drug_cost_cents", with([](SubstitutionInput& in) { in.brand.drug_cost = Cents{-1}; })},
           {"brand.tier", with([](SubstitutionInput& in) { in.brand.entry.tier = static_cast<FormularyTier>(0); })},
           {"generic.drug_cost_cents",
            with([](SubstitutionInput& in) { in.a_rated_generic->drug_cost = kMaxDrugCost + Cents{1}; })},
           {"generic.tier",
            with([](SubstitutionInput& in) { in.a_rated_generic->entry.tier = static_cast<FormularyTier>(9); })},
           {"days_supply", with([](SubstitutionInput& in) { in.days_supply = 0; })},
       }) {
    Result<SubstitutionDecision> d = DecideSubstitution(row.input, TestPlan());
    ASSERT_FALSE(d.ok()) << row.field;
    EXPECT_EQ(d.error().code, "invalid_request");
    EXPECT_EQ(d.error().field, row.field);
  }
}

}  // namespace
}  // namespace rxdesk
