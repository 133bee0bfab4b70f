// [part_d.<year>]: the Medicare Part D standard benefit of each year rxdesk knows
// (PRODUCT.md §5, *(config per year)*). Amounts in cents; the coinsurance in basis
// points (2500 = 25%). Checked by ValidatePartDConfig when the configuration loads.
#include "app/config.h"

namespace rxdesk {

void BindPartD(PartDConfig& c, ConfigBinder& b) {
  constexpr std::int64_t kMaxCents = kMaxDrugCost.value();
  for (PartDYearConfig& y : c.years) {  // the list is fixed before binding: the pointers stay valid
    PartDParameters& p = y.parameters;
    const std::string section = "part_d." + std::to_string(p.year);
    const auto cents = [&](const char* key, Cents* target) {
      b.Int(
          section, key, [target](std::int64_t v) { *target = Cents(v); }, 0, kMaxCents);
    };
    b.Bool(section, "offered", &y.offered);
    cents("deductible_cents", &p.deductible);
    b.Int(section, "coinsurance_basis_points", &p.initial_coinsurance_basis_points, 0, 10000);
    cents("out_of_pocket_threshold_cents", &p.out_of_pocket_threshold);
    cents("insulin_monthly_cap_cents", &p.insulin_monthly_cap);
    b.Int(section, "insulin_days_per_month", &p.insulin_days_per_month, 1, 31);
    cents("lis_generic_copay_cents", &p.lis_generic_copay);
    cents("lis_brand_copay_cents", &p.lis_brand_copay);
  }
}

}  // namespace rxdesk
