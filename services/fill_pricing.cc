#include "services/fill_pricing.h"

#include <algorithm>

#include "services/audit.h"

namespace rxdesk {
namespace {

// An NDC as stored (5-4-2 with hyphens in the demo's drug list, 11 digits from the
// API) in its 11-digit form; a stored value NormalizeNdc refuses keeps its digits.
std::string NdcKey(const std::string& stored) {
  auto normalized = NormalizeNdc(stored, "ndc");
  if (normalized.ok()) return *normalized;
  std::string digits;
  for (char c : stored) {
    if (c != '-') digits += c;
  }
  return digits;
}

std::int64_t YearOf(Date day) { return static_cast<int>(std::chrono::year_month_day{day}.year()); }

Result<CostShare> CostShareFromRow(const Row& r, std::size_t first, const std::string& field) {
  const std::string& kind = r.Text(first);
  const Cents copay{r.Int(first + 1)};
  const std::int64_t basis_points = r.Int(first + 2);
  const Cents min{r.Int(first + 3)};
  const std::optional<Cents> max = r.IsNull(first + 4) ? std::nullopt : std::optional<Cents>(Cents{r.Int(first + 4)});
  if (kind == "copay") return Copay(copay);
  if (kind == "coinsurance") {
    return CostShare{.kind = CostShareKind::kCoinsurance,
                     .coinsurance_basis_points = basis_points,
                     .coinsurance_min = min,
                     .coinsurance_max = max};
  }
  return InvalidField(field + ".kind", "must be copay or coinsurance");
}

constexpr char kPlanTierColumns[] =
    "tier, retail_kind, retail_copay_cents, retail_coinsurance_bp, retail_min_cents, retail_max_cents, mail_kind, "
    "mail_copay_cents, mail_coinsurance_bp, mail_min_cents, mail_max_cents";

Status ReadTiers(const Rows& rows, PlanBenefit& plan) {
  for (const Row& r : rows) {
    const std::optional<FormularyTier> tier = TierFromNumber(r.Int(0));
    if (!tier) return InvalidField("plan_tiers.tier", "must be 1 to 5");
    const std::string field = "tier" + std::to_string(r.Int(0));
    TierCostShare& share = plan.cost_sharing.tiers[TierIndex(*tier)];
    RXD_ASSIGN_OR_RETURN(share.retail30, CostShareFromRow(r, 1, field + ".retail30"));
    if (r.IsNull(6)) {
      share.mail90 = std::nullopt;
    } else {
      RXD_ASSIGN_OR_RETURN(CostShare mail, CostShareFromRow(r, 6, field + ".mail90"));
      share.mail90 = mail;
    }
  }
  return ValidatePlanCostSharing(plan.cost_sharing);
}

constexpr char kDrugColumns[] =
    "ndc, name, COALESCE(strength, ''), COALESCE(form, ''), generic, insulin, unit_cost_millicents, "
    "COALESCE(a_rated_generic_ndc, '')";

DrugPrice DrugFromRow(const Row& r) {
  DrugPrice d;
  d.ndc = NdcKey(r.Text(0));
  d.name = r.Text(1);
  d.strength = r.Text(2);
  d.form = r.Text(3);
  d.generic = r.Int(4) != 0;
  d.insulin = r.Int(5) != 0;
  if (!r.IsNull(6)) d.unit_cost_millicents = r.Int(6);
  if (!r.Text(7).empty()) d.a_rated_generic_ndc = NdcKey(r.Text(7));
  return d;
}

// The phase a Part D member is in at `ytd` (a $0 fill changes nothing); nullopt for
// a year without parameters.
std::optional<PartDPhase> PhaseAt(std::int64_t year, Cents ytd, LowIncomeSubsidy lis,
                                  std::span<const PartDParameters> years) {
  auto e = EstimatePartD({.year = year, .ytd_out_of_pocket = ytd, .drug_cost = Cents{}, .days_supply = 1, .lis = lis},
                         years);
  if (!e.ok()) return std::nullopt;
  return e->phase_after;
}

struct Position {
  std::int64_t position = 0;
  Cents ytd{};
};

Status InsertFillCost(Connection& conn, const std::string& fill_id, const std::string& member_id,
                      const std::string& plan_id, Date fill_date, FillChannel channel, const FillCost& cost,
                      std::int64_t position, const std::string& created_at) {
  RXD_TRY(conn.Exec(
      "INSERT INTO fill_costs(fill_id, member_id, plan_id, benefit_year, fill_date, drug_cost_cents, "
      "plan_paid_cents, member_paid_cents, ytd_out_of_pocket_after_cents, phase_after, created_at, pricing, "
      "position, dispensed_ndc, tier, channel) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
      {Value(fill_id), Value(member_id), plan_id.empty() ? Value() : Value(plan_id), Value(YearOf(fill_date)),
       Value(FormatDate(fill_date)), Value(cost.drug_cost.value()), Value(cost.plan_paid.value()),
       Value(cost.member_paid.value()), Value(cost.ytd_out_of_pocket_after.value()),
       cost.phase_after ? Value(ToString(*cost.phase_after)) : Value(), Value(created_at),
       Value(ToString(cost.pricing)), Value(position), cost.dispensed_ndc.empty() ? Value() : Value(cost.dispensed_ndc),
       cost.tier ? Value(static_cast<int>(*cost.tier)) : Value(), Value(ToString(channel))}));
  return OkStatus();
}

}  // namespace

Result<Cents> DrugCostOf(std::int64_t unit_cost_millicents, Quantity quantity) {
  if (unit_cost_millicents < 0 || unit_cost_millicents > kMaxUnitCostMillicents) {
    return InvalidField("unit_cost_millicents", "must be 0 to " + std::to_string(kMaxUnitCostMillicents));
  }
  // unit cost × whole units is held below kMaxDrugCost first, so the exact product in
  // millionths of a cent (unit cost × thousandths of a unit) stays far below 2^63.
  const std::int64_t whole_units = quantity.thousandths() / Quantity::kPerUnit;
  const std::int64_t max_millicents = kMaxDrugCost.value() * 1000;
  const auto too_dear = [] {
    return InvalidField("drug_cost_cents", "the fill would cost more than the largest accepted drug cost");
  };
  if (whole_units > 0 && unit_cost_millicents > max_millicents / whole_units) return too_dear();
  const Cents cost = MulDivHalfUp(Cents{unit_cost_millicents * quantity.thousandths()}, 1, 1'000'000);
  if (cost > kMaxDrugCost) return too_dear();
  return cost;
}

const PlanBenefit* BenefitCatalog::Plan(const std::string& id) const {
  const auto it = plans_.find(id);
  return it == plans_.end() ? nullptr : &it->second;
}

const DrugPrice* BenefitCatalog::Drug(const std::string& ndc) const {
  const auto it = drugs_.find(ndc);
  return it == drugs_.end() ? nullptr : &it->second;
}

std::optional<FormularyEntry> BenefitCatalog::Entry(const std::string& plan_id, const std::string& ndc) const {
  const auto it = entries_.find({plan_id, ndc});
  if (it == entries_.end()) return std::nullopt;
  return it->second;
}

Status BenefitCatalog::AddPlan(PlanBenefit plan) {
  RXD_TRY(ValidatePlanCostSharing(plan.cost_sharing));
  const std::string id = plan.id;
  plans_[id] = std::move(plan);
  return OkStatus();
}

void BenefitCatalog::AddDrug(DrugPrice drug) {
  const std::string ndc = drug.ndc;
  drugs_[ndc] = std::move(drug);
}

void BenefitCatalog::AddEntry(const std::string& plan_id, const std::string& ndc, FormularyEntry entry) {
  entries_[{plan_id, ndc}] = entry;
}

Result<std::optional<PlanBenefit>> LoadPlanBenefit(Connection& conn, const std::string& plan_id) {
  RXD_ASSIGN_OR_RETURN(
      Rows rows, conn.Query("SELECT id, name, kind, mail_copay_multiplier FROM plans WHERE id = ?", {Value(plan_id)}));
  if (rows.empty()) return std::optional<PlanBenefit>();
  PlanBenefit plan{.id = rows[0].Text(0), .name = rows[0].Text(1), .kind = rows[0].Text(2), .cost_sharing = {}};
  plan.cost_sharing.mail_copay_multiplier = rows[0].Int(3);
  RXD_ASSIGN_OR_RETURN(Rows tiers, conn.Query(std::string("SELECT ") + kPlanTierColumns +
                                                  " FROM plan_tiers WHERE plan_id = ? ORDER BY tier",
                                              {Value(plan_id)}));
  RXD_TRY(ReadTiers(tiers, plan));
  return std::optional<PlanBenefit>(std::move(plan));
}

Result<BenefitCatalog> LoadBenefitCatalog(Connection& conn) {
  BenefitCatalog catalog;
  RXD_ASSIGN_OR_RETURN(Rows plans, conn.Query("SELECT id FROM plans ORDER BY id"));
  for (const Row& p : plans) {
    RXD_ASSIGN_OR_RETURN(std::optional<PlanBenefit> plan, LoadPlanBenefit(conn, p.Text(0)));
    if (plan) RXD_TRY(catalog.AddPlan(std::move(*plan)));
  }
  RXD_ASSIGN_OR_RETURN(Rows drugs, conn.Query(std::string("SELECT ") + kDrugColumns + " FROM drugs"));
  for (const Row& d : drugs) catalog.AddDrug(DrugFromRow(d));
  RXD_ASSIGN_OR_RETURN(Rows entries, conn.Query("SELECT plan_id, ndc, tier, prior_authorization FROM formulary"));
  for (const Row& e : entries) {
    const std::optional<FormularyTier> tier = TierFromNumber(e.Int(2));
    if (!tier) return InvalidField("formulary.tier", "must be 1 to 5");
    catalog.AddEntry(e.Text(0), NdcKey(e.Text(1)), {.tier = *tier, .prior_authorization = e.Int(3) != 0});
  }
  return catalog;
}

Result<BenefitCatalog> LoadBenefitCatalogFor(Connection& conn, const std::string& plan_id, const std::string& ndc) {
  BenefitCatalog catalog;
  if (!plan_id.empty()) {
    RXD_ASSIGN_OR_RETURN(std::optional<PlanBenefit> plan, LoadPlanBenefit(conn, plan_id));
    if (plan) RXD_TRY(catalog.AddPlan(std::move(*plan)));
  }
  std::vector<std::string> ndcs = {ndc};
  for (std::size_t i = 0; i < ndcs.size() && i < 2; ++i) {
    RXD_ASSIGN_OR_RETURN(
        Rows drug, conn.Query(std::string("SELECT ") + kDrugColumns + " FROM drugs WHERE REPLACE(ndc, '-', '') = ?",
                              {Value(ndcs[i])}));
    if (drug.empty()) continue;
    DrugPrice d = DrugFromRow(drug[0]);
    if (!d.a_rated_generic_ndc.empty() && i == 0) ndcs.push_back(d.a_rated_generic_ndc);
    catalog.AddDrug(std::move(d));
    if (plan_id.empty()) continue;
    RXD_ASSIGN_OR_RETURN(Rows entry, conn.Query("SELECT tier, prior_authorization FROM formulary WHERE plan_id = ? "
                                                "AND REPLACE(ndc, '-', '') = ?",
                                                {Value(plan_id), Value(ndcs[i])}));
    if (entry.empty()) continue;
    const std::optional<FormularyTier> tier = TierFromNumber(entry[0].Int(0));
    if (!tier) return InvalidField("formulary.tier", "must be 1 to 5");
    catalog.AddEntry(plan_id, ndcs[i], {.tier = *tier, .prior_authorization = entry[0].Int(1) != 0});
  }
  return catalog;
}

std::string_view ToString(FillPricingKind kind) {
  switch (kind) {
    case FillPricingKind::kCovered:
      return "covered";
    case FillPricingKind::kNotCovered:
      return "not_covered";
    case FillPricingKind::kUnpriced:
      return "unpriced";
    case FillPricingKind::kNoPlan:
      return "no_plan";
  }
  return "unpriced";
}

Result<FillCost> PriceFill(const FillToPrice& fill, const BenefitCatalog& catalog,
                           std::span<const PartDParameters> part_d_years) {
  const std::int64_t year = YearOf(fill.fill_date);
  const PlanBenefit* plan = fill.plan_id.empty() ? nullptr : catalog.Plan(fill.plan_id);
  FillCost out;
  out.part_d = plan != nullptr && plan->part_d();
  out.ytd_out_of_pocket_after = fill.ytd_out_of_pocket;
  if (out.part_d) out.phase_after = PhaseAt(year, fill.ytd_out_of_pocket, fill.lis, part_d_years);

  const DrugPrice* drug = catalog.Drug(fill.ndc);
  if (drug == nullptr || !drug->unit_cost_millicents) return out;  // unpriced: nothing to charge or count
  RXD_ASSIGN_OR_RETURN(const Cents cost, DrugCostOf(*drug->unit_cost_millicents, fill.quantity));
  out.dispensed_ndc = drug->ndc;
  out.drug_cost = cost;
  out.member_paid = cost;
  if (plan == nullptr) {
    out.pricing = FillPricingKind::kNoPlan;
    out.ytd_out_of_pocket_after = fill.ytd_out_of_pocket + cost;
    return out;
  }
  const std::optional<FormularyEntry> entry = catalog.Entry(plan->id, drug->ndc);
  if (!entry) {
    // Off the formulary: the member pays; it never counts toward Part D's threshold.
    out.pricing = FillPricingKind::kNotCovered;
    if (!out.part_d) out.ytd_out_of_pocket_after = fill.ytd_out_of_pocket + cost;
    return out;
  }

  SubstitutionInput in{.brand = {.entry = *entry, .drug_cost = cost},
                       .daw = fill.daw,
                       .channel = fill.channel,
                       .days_supply = fill.days_supply};
  const DrugPrice* generic = drug->a_rated_generic_ndc.empty() ? nullptr : catalog.Drug(drug->a_rated_generic_ndc);
  if (generic != nullptr && generic->unit_cost_millicents) {
    if (const std::optional<FormularyEntry> generic_entry = catalog.Entry(plan->id, generic->ndc)) {
      RXD_ASSIGN_OR_RETURN(const Cents generic_cost, DrugCostOf(*generic->unit_cost_millicents, fill.quantity));
      in.a_rated_generic = PricedProduct{.entry = *generic_entry, .drug_cost = generic_cost};
    }
  }
  RXD_ASSIGN_OR_RETURN(const SubstitutionDecision decision, DecideSubstitution(in, plan->cost_sharing));
  const bool generic_out = decision.dispensed == DispensedProduct::kGeneric;
  const DrugPrice& dispensed = generic_out ? *generic : *drug;
  const Cents dispensed_cost = generic_out ? in.a_rated_generic->drug_cost : cost;
  out.pricing = FillPricingKind::kCovered;
  out.dispensed_ndc = dispensed.ndc;
  out.tier = generic_out ? in.a_rated_generic->entry.tier : entry->tier;
  out.drug_cost = dispensed_cost;

  if (!out.part_d) {
    out.member_paid = decision.member_pays;
    out.plan_paid = dispensed_cost - decision.member_pays;
    out.ytd_out_of_pocket_after = fill.ytd_out_of_pocket + decision.member_pays;
    return out;
  }
  auto estimate = EstimatePartD({.year = year,
                                 .ytd_out_of_pocket = fill.ytd_out_of_pocket,
                                 .drug_cost = dispensed_cost,
                                 .days_supply = fill.days_supply,
                                 .generic = dispensed.generic,
                                 .insulin = dispensed.insulin,
                                 .lis = fill.lis},
                                part_d_years);
  if (!estimate.ok()) {
    if (estimate.error().code != part_d_error::kUnsupportedYear) return estimate.error();
    // No parameters for this year: record the fill, charge and count nothing.
    FillCost unpriced;
    unpriced.part_d = true;
    unpriced.ytd_out_of_pocket_after = fill.ytd_out_of_pocket;
    return unpriced;
  }
  out.member_paid = estimate->member_pays;
  out.plan_paid = estimate->plan_pays;
  out.ytd_out_of_pocket_after = estimate->ytd_out_of_pocket_after;
  out.phase_after = estimate->phase_after;
  return out;
}

bool PriorAuthRequired(const std::string& plan_id, const std::string& ndc, DawCode daw, Quantity quantity,
                       int days_supply, const BenefitCatalog& catalog) {
  const PlanBenefit* plan = plan_id.empty() ? nullptr : catalog.Plan(plan_id);
  if (plan == nullptr) return false;
  const std::optional<FormularyEntry> entry = catalog.Entry(plan_id, ndc);
  if (!entry || !entry->prior_authorization) return false;
  const DrugPrice* drug = catalog.Drug(ndc);
  if (drug == nullptr || !drug->unit_cost_millicents || drug->a_rated_generic_ndc.empty()) return true;
  const DrugPrice* generic = catalog.Drug(drug->a_rated_generic_ndc);
  const std::optional<FormularyEntry> generic_entry = catalog.Entry(plan_id, drug->a_rated_generic_ndc);
  if (generic == nullptr || !generic->unit_cost_millicents || !generic_entry) return true;
  auto brand_cost = DrugCostOf(*drug->unit_cost_millicents, quantity);
  auto generic_cost = DrugCostOf(*generic->unit_cost_millicents, quantity);
  if (!brand_cost.ok() || !generic_cost.ok()) return true;
  auto decision =
      DecideSubstitution({.brand = {.entry = *entry, .drug_cost = *brand_cost},
                          .a_rated_generic = PricedProduct{.entry = *generic_entry, .drug_cost = *generic_cost},
                          .daw = daw,
                          .channel = FillChannel::kRetail30,
                          .days_supply = std::clamp<std::int64_t>(days_supply, 1, kMaxDaysSupply)},
                         plan->cost_sharing);
  return !decision.ok() || decision->prior_authorization_required;
}

PrescriptionHooks FillPricer::Hooks() const {
  return {.on_created = [this](Connection& c, PrescriptionRecord& rx) { return OnPrescriptionCreated(c, rx); },
          .on_filled = [this](Connection& c, const PrescriptionRecord& rx,
                              const FillRecord& f) { return OnFillRecorded(c, rx, f); }};
}

Status FillPricer::OnPrescriptionCreated(Connection& conn, PrescriptionRecord& rx) const {
  RXD_ASSIGN_OR_RETURN(Rows member,
                       conn.Query("SELECT COALESCE(plan_id, '') FROM members WHERE id = ?", {Value(rx.member_id)}));
  if (member.empty() || member[0].Text(0).empty()) return OkStatus();
  const std::string plan_id = member[0].Text(0);
  RXD_ASSIGN_OR_RETURN(BenefitCatalog catalog, LoadBenefitCatalogFor(conn, plan_id, rx.rx.drug.ndc));
  if (!PriorAuthRequired(plan_id, rx.rx.drug.ndc, rx.rx.daw, rx.rx.quantity, rx.rx.days_supply, catalog)) {
    return OkStatus();
  }
  RXD_TRY(conn.Exec("UPDATE prescriptions SET prior_auth_required = 1 WHERE rx_number = ?", {Value(rx.rx_number)}));
  rx.rx.prior_auth = PriorAuth::kPending;
  return OkStatus();
}

Status FillPricer::OnFillRecorded(Connection& conn, const PrescriptionRecord& rx, const FillRecord& fill) const {
  RXD_ASSIGN_OR_RETURN(Rows member, conn.Query("SELECT COALESCE(m.plan_id, ''), COALESCE(b.lis, 'none') FROM members m "
                                               "LEFT JOIN member_benefits b ON b.member_id = m.id WHERE m.id = ?",
                                               {Value(rx.member_id)}));
  if (member.empty()) return MakeError("store_error", "fill of a prescription without its member");
  RXD_ASSIGN_OR_RETURN(Rows order, conn.Query("SELECT order_id FROM fills WHERE id = ?", {Value(fill.id)}));
  const bool mail = !order.empty() && !order[0].IsNull(0);
  const std::int64_t year = YearOf(fill.fill_date);
  // The running totals only grow within a year, so the latest row's is the highest.
  RXD_ASSIGN_OR_RETURN(Rows latest, conn.Query("SELECT COALESCE(MAX(position), 0), "
                                               "COALESCE(MAX(ytd_out_of_pocket_after_cents), 0) FROM fill_costs WHERE "
                                               "member_id = ? AND benefit_year = ?",
                                               {Value(rx.member_id), Value(year)}));
  const Position at{latest[0].Int(0), Cents{latest[0].Int(1)}};
  FillToPrice in{.plan_id = member[0].Text(0),
                 .ndc = rx.rx.drug.ndc,
                 .daw = rx.rx.daw,
                 .channel = mail ? FillChannel::kMail90 : FillChannel::kRetail30,
                 .quantity = fill.quantity,
                 .days_supply = fill.days_supply,
                 .fill_date = fill.fill_date,
                 .ytd_out_of_pocket = at.ytd,
                 .lis = ParseLowIncomeSubsidy(member[0].Text(1)).value_or(LowIncomeSubsidy::kNone)};
  RXD_ASSIGN_OR_RETURN(BenefitCatalog catalog, LoadBenefitCatalogFor(conn, in.plan_id, in.ndc));
  RXD_ASSIGN_OR_RETURN(FillCost cost, PriceFill(in, catalog, part_d_years_));
  return InsertFillCost(conn, fill.id, rx.member_id, in.plan_id, fill.fill_date, in.channel, cost, at.position + 1,
                        fill.created_at);
}

Result<std::int64_t> FillPricer::PriceUnpricedFills(Store& store, Instant now, int members_per_batch) const {
  RXD_ASSIGN_OR_RETURN(BenefitCatalog catalog, store.Read([](Connection& c) { return LoadBenefitCatalog(c); }));
  std::int64_t priced = 0;
  std::string after;  // member ids are processed in order, in ranges (after, last]
  for (;;) {
    RXD_ASSIGN_OR_RETURN(Rows ids, store.Read([&](Connection& c) {
      return c.Query("SELECT id FROM members WHERE id > ? ORDER BY id LIMIT ?",
                     {Value(after), Value(members_per_batch)});
    }));
    if (ids.empty()) break;
    const std::string last = ids.back().Text(0);
    std::int64_t batch_priced = 0;
    RXD_TRY(store.Write([&](WriteContext& w) -> Status {
      batch_priced = 0;
      std::map<std::pair<std::string, std::int64_t>, Position> positions;
      RXD_ASSIGN_OR_RETURN(Rows known, w.conn.Query("SELECT member_id, benefit_year, MAX(position), "
                                                    "MAX(ytd_out_of_pocket_after_cents) FROM fill_costs WHERE "
                                                    "member_id > ? AND member_id <= ? GROUP BY member_id, benefit_year",
                                                    {Value(after), Value(last)}));
      for (const Row& k : known) positions[{k.Text(0), k.Int(1)}] = Position{k.Int(2), Cents{k.Int(3)}};
      RXD_ASSIGN_OR_RETURN(
          Rows fills,
          w.conn.Query("SELECT f.id, p.member_id, COALESCE(m.plan_id, ''), COALESCE(b.lis, 'none'), p.ndc, p.daw, "
                       "f.fill_date, f.quantity_milli, f.days_supply, f.order_id, f.created_at FROM prescriptions p "
                       "JOIN fills f ON f.rx_number = p.rx_number JOIN members m ON m.id = p.member_id "
                       "LEFT JOIN member_benefits b ON b.member_id = p.member_id "
                       "LEFT JOIN fill_costs c ON c.fill_id = f.id "
                       "WHERE p.member_id > ? AND p.member_id <= ? AND c.fill_id IS NULL "
                       "ORDER BY p.member_id, f.fill_date, f.created_at, f.id",
                       {Value(after), Value(last)}));
      for (const Row& r : fills) {
        RXD_ASSIGN_OR_RETURN(const Date day, ParseDate(r.Text(6)));
        Position& at = positions[{r.Text(1), YearOf(day)}];
        FillToPrice in{.plan_id = r.Text(2),
                       .ndc = NdcKey(r.Text(4)),
                       .daw = static_cast<DawCode>(std::clamp<std::int64_t>(r.Int(5), 0, 9)),
                       .channel = r.IsNull(9) ? FillChannel::kRetail30 : FillChannel::kMail90,
                       .quantity = Quantity::FromThousandths(r.Int(7)),
                       .days_supply = r.Int(8),
                       .fill_date = day,
                       .ytd_out_of_pocket = at.ytd,
                       .lis = ParseLowIncomeSubsidy(r.Text(3)).value_or(LowIncomeSubsidy::kNone)};
        RXD_ASSIGN_OR_RETURN(FillCost cost, PriceFill(in, catalog, part_d_years_));
        RXD_TRY(
            InsertFillCost(w.conn, r.Text(0), r.Text(1), in.plan_id, day, in.channel, cost, ++at.position, r.Text(10)));
        at.ytd = cost.ytd_out_of_pocket_after;
        ++batch_priced;
      }
      if (batch_priced == 0) return OkStatus();
      return w.audit.Append(w.conn, MakeSystemAudit(now, "fill_costs.price", "member_batch", after + ".." + last,
                                                    "fill-pricing", "ok:priced=" + std::to_string(batch_priced)));
    }));
    priced += batch_priced;
    after = last;
  }
  return priced;
}

}  // namespace rxdesk
