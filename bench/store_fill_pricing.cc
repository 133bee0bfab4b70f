// What every fill costs, the pricing core that each recorded fill and the seed
// path run (services/fill_pricing.h): a year of fills for 100,000 Part D members
// (1.2 M fills) priced one after another from each member's running position, as
// PriceUnpricedFills does, with formulary lookup and generic substitution.
// Target (issue "pharmacy services"): under 2 s.
#include <benchmark/benchmark.h>

#include <cstdint>
#include <vector>

#include "services/fill_pricing.h"

namespace rxdesk {
namespace {

constexpr std::int64_t kFillPricingMembers = 100'000;
constexpr unsigned kFillPricingFillsPerMember = 12;

// The demo plan's shape: a generic, a brand with its A-rated generic, a specialty
// drug and an insulin, on a Part D plan.
BenefitCatalog FillPricingCatalog() {
  BenefitCatalog catalog;
  (void)catalog.AddPlan({.id = "pd", .name = "Part D", .kind = kPartDPlanKind, .cost_sharing = {}});
  catalog.AddDrug({.ndc = "99999010101", .name = "atorvastatin", .generic = true, .unit_cost_millicents = 12'000});
  catalog.AddDrug(
      {.ndc = "99999030101", .name = "Lipitor", .unit_cost_millicents = 850'000, .a_rated_generic_ndc = "99999010101"});
  catalog.AddDrug({.ndc = "99999030501", .name = "Humira", .unit_cost_millicents = 345'000'000});
  catalog.AddDrug({.ndc = "99999011201", .name = "insulin glargine", .insulin = true, .unit_cost_millicents = 980'000});
  catalog.AddEntry("pd", "99999010101", {.tier = FormularyTier::kPreferredGeneric});
  catalog.AddEntry("pd", "99999030101", {.tier = FormularyTier::kPreferredBrand});
  catalog.AddEntry("pd", "99999030501", {.tier = FormularyTier::kSpecialty, .prior_authorization = true});
  catalog.AddEntry("pd", "99999011201", {.tier = FormularyTier::kPreferredBrand});
  return catalog;
}

void BM_FillPricingPartDYear100kMembers(benchmark::State& state) {
  const BenefitCatalog catalog = FillPricingCatalog();
  const std::vector<PartDParameters> years = {PartDParameters{}};
  const char* ndcs[] = {"99999010101", "99999030101", "99999030501", "99999011201"};
  for (auto _ : state) {
    std::int64_t paid = 0;
    std::uint64_t random = 2026;
    for (std::int64_t member = 0; member < kFillPricingMembers; ++member) {
      random = random * 6364136223846793005u + 1442695040888963407u;
      const char* ndc = ndcs[(random >> 33) % 20 == 0 ? 2 : (random >> 40) % 4 == 2 ? 0 : (random >> 40) % 4];
      const LowIncomeSubsidy lis = (random >> 50) % 5 == 0 ? LowIncomeSubsidy::kFull : LowIncomeSubsidy::kNone;
      Cents ytd{};
      for (unsigned month = 1; month <= kFillPricingFillsPerMember; ++month) {
        auto cost = PriceFill({.plan_id = "pd",
                               .ndc = ndc,
                               .daw = DawCode::kNoProductSelectionIndicated,
                               .quantity = Quantity::FromUnits(ndc == ndcs[2] ? 2 : 30),
                               .days_supply = 30,
                               .fill_date = MakeDate(2026, month, 10),
                               .ytd_out_of_pocket = ytd,
                               .lis = lis},
                              catalog, years);
        if (!cost.ok()) {
          state.SkipWithError("a fill was refused");
          return;
        }
        ytd = cost->ytd_out_of_pocket_after;
        paid += cost->member_paid.value();
      }
    }
    benchmark::DoNotOptimize(paid);
  }
  state.SetItemsProcessed(state.iterations() * kFillPricingMembers * kFillPricingFillsPerMember);
}
BENCHMARK(BM_FillPricingPartDYear100kMembers)->Unit(benchmark::kMillisecond)->Iterations(1)->UseRealTime();

}  // namespace
}  // namespace rxdesk
