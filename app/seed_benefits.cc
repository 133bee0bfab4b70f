#include "app/seed_benefits.h"

#include <array>
#include <optional>
#include <string_view>

#include "domain/formulary.h"
#include "services/audit.h"

namespace rxdesk {
namespace {

// Price per unit of each listed drug, in thousandths of a cent ($0.12 = 12,000).
struct SeedPrice {
  const char* ndc;
  std::int64_t unit_cost_millicents;
};
constexpr std::array<SeedPrice, 24> kPrices{{
    {"99999-0101-01", 12'000}, {"99999-0102-01", 8'000},  {"99999-0103-01", 6'000},   {"99999-0104-01", 25'000},
    {"99999-0105-01", 7'000},  {"99999-0106-01", 15'000}, {"99999-0107-01", 20'000},  {"99999-0108-01", 10'000},
    {"99999-0109-01", 18'000}, {"99999-0110-01", 14'000}, {"99999-0111-01", 30'000},  {"99999-0112-01", 980'000},
    {"99999-0113-01", 90'000}, {"99999-0114-01", 22'000}, {"99999-0115-01", 150'000}, {"99999-0116-01", 45'000},
    {"99999-0117-01", 10'000}, {"99999-0118-01", 9'000},  {"99999-0201-01", 35'000},  {"99999-0202-01", 650'000},
    {"99999-0203-01", 10'000}, {"99999-0204-01", 25'000}, {"99999-0205-01", 12'000},  {"99999-0206-01", 55'000},
}};

// Brands added for the formulary: two with an A-rated generic on the list, two PA-flagged.
struct SeedBrand {
  const char* ndc;
  const char* name;
  const char* strength;
  const char* form;
  std::int64_t unit_cost_millicents;
  const char* a_rated_generic;  // "" for none
  int tier;
  bool prior_authorization;
};
constexpr std::array<SeedBrand, 5> kBrands{{
    {"99999-0301-01", "Lipitor", "20 mg", "tablet", 850'000, "99999-0101-01", 3, false},
    {"99999-0302-01", "Zoloft", "50 mg", "tablet", 1'100'000, "99999-0106-01", 4, false},
    {"99999-0303-01", "Eliquis", "5 mg", "tablet", 975'000, "", 3, false},
    {"99999-0304-01", "Ozempic", "2 mg/1.5 mL", "pen", 3'250'000, "", 4, true},
    {"99999-0305-01", "Humira", "40 mg/0.4 mL", "syringe", 345'000'000, "", 5, true},
}};

// commercial-2026's tiers: copays on 1–3, coinsurance with a monthly ceiling on 4–5;
// mail is 2 × retail except specialty, which states its own 90-day share.
struct SeedTier {
  int tier;
  CostShare retail30;
  std::optional<CostShare> mail90;
};
const std::array<SeedTier, 5> kCommercialTiers{{
    {1, Copay(Cents::FromDollars(5)), std::nullopt},
    {2, Copay(Cents::FromDollars(15)), std::nullopt},
    {3, Copay(Cents::FromDollars(45)), std::nullopt},
    {4, Coinsurance(40, Cents{}, Cents::FromDollars(150)), std::nullopt},
    {5, Coinsurance(25, Cents{}, Cents::FromDollars(250)), Coinsurance(25, Cents{}, Cents::FromDollars(500))},
}};

constexpr std::array<const char*, 2> kPlans = {"commercial-2026", "part-d-2026"};

std::array<Value, 5> ShareValues(const CostShare& s) {
  return {Value(s.kind == CostShareKind::kCopay ? "copay" : "coinsurance"), Value(s.copay.value()),
          Value(s.coinsurance_basis_points), Value(s.coinsurance_min.value()),
          s.coinsurance_max ? Value(s.coinsurance_max->value()) : Value()};
}

}  // namespace

Status SeedDemoBenefits(WriteContext& w, Instant now) {
  PlanCostSharing commercial;
  for (const SeedTier& t : kCommercialTiers) {
    commercial.tiers[static_cast<std::size_t>(t.tier - 1)] = {.retail30 = t.retail30, .mail90 = t.mail90};
  }
  RXD_TRY(ValidatePlanCostSharing(commercial));
  for (const SeedTier& t : kCommercialTiers) {
    const auto retail = ShareValues(t.retail30);
    const auto mail =
        t.mail90 ? ShareValues(*t.mail90) : std::array<Value, 5>{Value(), Value(0), Value(0), Value(0), Value()};
    RXD_TRY(
        w.conn.Exec("INSERT INTO plan_tiers(plan_id, tier, retail_kind, retail_copay_cents, retail_coinsurance_bp, "
                    "retail_min_cents, retail_max_cents, mail_kind, mail_copay_cents, mail_coinsurance_bp, "
                    "mail_min_cents, mail_max_cents) VALUES ('commercial-2026', ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                    {Value(t.tier), retail[0], retail[1], retail[2], retail[3], retail[4], mail[0], mail[1], mail[2],
                     mail[3], mail[4]}));
  }
  for (const SeedPrice& p : kPrices) {
    RXD_TRY(w.conn.Exec("UPDATE drugs SET unit_cost_millicents = ? WHERE ndc = ?",
                        {Value(p.unit_cost_millicents), Value(p.ndc)}));
  }
  // Insulin (IRA §11406: the $35 monthly cap under Part D).
  RXD_TRY(w.conn.Exec("UPDATE drugs SET insulin = 1 WHERE ndc = '99999-0112-01'"));
  for (const SeedBrand& b : kBrands) {
    RXD_TRY(
        w.conn.Exec("INSERT INTO drugs(ndc, name, strength, form, schedule, generic, maintenance, "
                    "unit_cost_millicents, a_rated_generic_ndc) VALUES (?, ?, ?, ?, 'none', 0, 1, ?, ?)",
                    {Value(b.ndc), Value(b.name), Value(b.strength), Value(b.form), Value(b.unit_cost_millicents),
                     std::string_view(b.a_rated_generic).empty() ? Value() : Value(b.a_rated_generic)}));
  }
  // Both plans list every drug: generics on tier 1 (maintenance) or 2, other listed
  // products on tier 3, the brands on their own tier.
  for (const char* plan : kPlans) {
    RXD_TRY(
        w.conn.Exec("INSERT INTO formulary(plan_id, ndc, tier, prior_authorization) SELECT ?, ndc, CASE WHEN "
                    "generic = 1 AND maintenance = 1 THEN 1 WHEN generic = 1 THEN 2 ELSE 3 END, 0 FROM drugs "
                    "WHERE ndc NOT LIKE '99999-03%'",
                    {Value(plan)}));
    for (const SeedBrand& b : kBrands) {
      RXD_TRY(w.conn.Exec("INSERT INTO formulary(plan_id, ndc, tier, prior_authorization) VALUES (?, ?, ?, ?)",
                          {Value(plan), Value(b.ndc), Value(b.tier), Value(b.prior_authorization)}));
    }
  }
  return w.audit.Append(w.conn, MakeSystemAudit(now, "seed.formulary", "plan", "-", "seed", "ok"));
}

}  // namespace rxdesk
