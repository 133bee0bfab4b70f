#include "services/benefits_service.h"

#include <algorithm>
#include <cctype>

#include "services/audit.h"

namespace rxdesk {
namespace {

std::string Lower(std::string text) {
  std::transform(text.begin(), text.end(), text.begin(), [](unsigned char c) { return std::tolower(c); });
  return text;
}

// `text` with LIKE's wildcards escaped (ESCAPE '\').
std::string LikeLiteral(const std::string& text) {
  std::string out;
  for (char c : text) {
    if (c == '%' || c == '_' || c == '\\') out += '\\';
    out += c;
  }
  return out;
}

}  // namespace

Result<Page<PlanBenefit>> BenefitsService::Plans(int limit, const std::string& cursor) {
  return store_.Read([&](Connection& c) -> Result<Page<PlanBenefit>> {
    RXD_ASSIGN_OR_RETURN(
        Rows ids, c.Query("SELECT id FROM plans WHERE id > ? ORDER BY id LIMIT ?", {Value(cursor), Value(limit + 1)}));
    Page<PlanBenefit> page;
    for (const Row& r : ids) {
      if (static_cast<int>(page.items.size()) == limit) {
        page.next_cursor = page.items.back().id;
        break;
      }
      RXD_ASSIGN_OR_RETURN(std::optional<PlanBenefit> plan, LoadPlanBenefit(c, r.Text(0)));
      if (plan) page.items.push_back(std::move(*plan));
    }
    return page;
  });
}

Result<PlanBenefit> BenefitsService::Plan(const std::string& plan_id) {
  RXD_ASSIGN_OR_RETURN(std::optional<PlanBenefit> plan,
                       store_.Read([&](Connection& c) { return LoadPlanBenefit(c, plan_id); }));
  if (!plan) return MakeError("not_found", "no such plan");
  return std::move(*plan);
}

Result<Page<FormularyItem>> BenefitsService::Formulary(const std::string& plan_id, const FormularyQuery& query) {
  return store_.Read([&](Connection& c) -> Result<Page<FormularyItem>> {
    RXD_ASSIGN_OR_RETURN(Rows plan, c.Query("SELECT 1 FROM plans WHERE id = ?", {Value(plan_id)}));
    if (plan.empty()) return MakeError("not_found", "no such plan");
    RXD_ASSIGN_OR_RETURN(
        Rows rows,
        c.Query("SELECT d.ndc, d.name, COALESCE(d.strength, ''), COALESCE(d.form, ''), d.generic, d.insulin, "
                "d.unit_cost_millicents, COALESCE(d.a_rated_generic_ndc, ''), f.tier, f.prior_authorization "
                "FROM formulary f JOIN drugs d ON d.ndc = f.ndc WHERE f.plan_id = ? AND REPLACE(f.ndc, '-', '') > ? "
                "AND (? = 0 OR f.tier = ?) AND LOWER(d.name) LIKE ? ESCAPE '\\' "
                "ORDER BY REPLACE(f.ndc, '-', '') LIMIT ?",
                {Value(plan_id), Value(query.cursor), Value(query.tier ? 1 : 0),
                 Value(query.tier ? static_cast<int>(*query.tier) : 0), Value("%" + LikeLiteral(Lower(query.q)) + "%"),
                 Value(query.limit + 1)}));
    Page<FormularyItem> page;
    for (const Row& r : rows) {
      if (static_cast<int>(page.items.size()) == query.limit) {
        page.next_cursor = page.items.back().drug.ndc;
        break;
      }
      FormularyItem item;
      auto ndc = NormalizeNdc(r.Text(0), "ndc");
      item.drug.ndc = ndc.ok() ? *ndc : r.Text(0);
      item.drug.name = r.Text(1);
      item.drug.strength = r.Text(2);
      item.drug.form = r.Text(3);
      item.drug.generic = r.Int(4) != 0;
      item.drug.insulin = r.Int(5) != 0;
      if (!r.IsNull(6)) item.drug.unit_cost_millicents = r.Int(6);
      if (!r.Text(7).empty()) {
        auto g = NormalizeNdc(r.Text(7), "ndc");
        item.drug.a_rated_generic_ndc = g.ok() ? *g : r.Text(7);
      }
      item.entry.tier = TierFromNumber(r.Int(8)).value_or(FormularyTier::kNonPreferredDrug);
      item.entry.prior_authorization = r.Int(9) != 0;
      page.items.push_back(std::move(item));
    }
    return page;
  });
}

Result<DrugLookup> BenefitsService::LookupDrug(const std::string& plan_id, const std::string& ndc,
                                               const DrugLookupQuery& query) {
  RXD_ASSIGN_OR_RETURN(BenefitCatalog catalog,
                       store_.Read([&](Connection& c) { return LoadBenefitCatalogFor(c, plan_id, ndc); }));
  const PlanBenefit* plan = catalog.Plan(plan_id);
  if (plan == nullptr) return MakeError("not_found", "no such plan");
  const DrugPrice* drug = catalog.Drug(ndc);
  if (drug == nullptr) return MakeError("not_found", "no such drug");
  DrugLookup out{.plan = *plan, .drug = *drug, .entry = catalog.Entry(plan_id, ndc), .daw = query.daw};
  const DrugPrice* generic = drug->a_rated_generic_ndc.empty() ? nullptr : catalog.Drug(drug->a_rated_generic_ndc);
  if (generic != nullptr) {
    out.generic = *generic;
    out.generic_entry = catalog.Entry(plan_id, generic->ndc);
  }
  if (plan->part_d() || !out.entry || !drug->unit_cost_millicents) return out;
  for (const FillChannel channel : {FillChannel::kRetail30, FillChannel::kMail90}) {
    const std::int64_t periods = channel == FillChannel::kRetail30 ? 1 : kMailPeriodDays / kRetailPeriodDays;
    ChannelPrice price{.channel = channel,
                       .days_supply = channel == FillChannel::kRetail30 ? kRetailPeriodDays : kMailPeriodDays,
                       .quantity = Quantity::FromThousandths(query.quantity_per_30_days.thousandths() * periods)};
    RXD_ASSIGN_OR_RETURN(const Cents brand_cost, DrugCostOf(*drug->unit_cost_millicents, price.quantity));
    SubstitutionInput in{.brand = {.entry = *out.entry, .drug_cost = brand_cost},
                         .daw = query.daw,
                         .channel = channel,
                         .days_supply = price.days_supply};
    if (generic != nullptr && generic->unit_cost_millicents && out.generic_entry) {
      RXD_ASSIGN_OR_RETURN(const Cents generic_cost, DrugCostOf(*generic->unit_cost_millicents, price.quantity));
      in.a_rated_generic = PricedProduct{.entry = *out.generic_entry, .drug_cost = generic_cost};
    }
    RXD_ASSIGN_OR_RETURN(price.decision, DecideSubstitution(in, plan->cost_sharing));
    price.drug_cost =
        price.decision.dispensed == DispensedProduct::kGeneric ? in.a_rated_generic->drug_cost : brand_cost;
    out.prices.push_back(price);
  }
  return out;
}

Result<BenefitYear> BenefitsService::Year(const Caller& caller, const std::string& member_id, std::int64_t year) {
  const Instant now = clock_.Now();
  if (Status own = members_.CheckOwnership(caller, member_id); !own.ok()) {
    RXD_TRY(AuditAlone(store_, MakeAudit(caller, now, "benefits.read", "member", member_id, member_id, "denied")));
    return NotVisible(own.error(), "no such member");
  }
  BenefitYear out{.member_id = member_id, .year = year};
  bool found = false;
  RXD_TRY(store_.Read([&](Connection& c) -> Status {
    RXD_ASSIGN_OR_RETURN(Rows member, c.Query("SELECT COALESCE(m.plan_id, ''), COALESCE(p.kind, ''), "
                                              "COALESCE(b.lis, 'none') FROM members m LEFT JOIN plans p ON p.id = "
                                              "m.plan_id LEFT JOIN member_benefits b ON b.member_id = m.id "
                                              "WHERE m.id = ?",
                                              {Value(member_id)}));
    if (member.empty()) return OkStatus();
    found = true;
    out.plan_id = member[0].Text(0);
    out.plan_kind = member[0].Text(1);
    out.lis = ParseLowIncomeSubsidy(member[0].Text(2)).value_or(LowIncomeSubsidy::kNone);
    RXD_ASSIGN_OR_RETURN(Rows sums, c.Query("SELECT COUNT(*), CAST(COALESCE(SUM(drug_cost_cents), 0) AS BIGINT), "
                                            "CAST(COALESCE(SUM(member_paid_cents), 0) AS BIGINT), "
                                            "CAST(COALESCE(SUM(plan_paid_cents), 0) AS BIGINT), "
                                            "COALESCE(MAX(ytd_out_of_pocket_after_cents), 0) "
                                            "FROM fill_costs WHERE member_id = ? AND benefit_year = ?",
                                            {Value(member_id), Value(year)}));
    out.fills = sums[0].Int(0);
    out.drug_cost = Cents{sums[0].Int(1)};
    out.member_paid = Cents{sums[0].Int(2)};
    out.plan_paid = Cents{sums[0].Int(3)};
    out.out_of_pocket = Cents{sums[0].Int(4)};  // totals only grow: the latest fill's is the highest
    return OkStatus();
  }));
  if (!found) return MakeError("not_found", "no such member");
  if (out.plan_kind == kPartDPlanKind) {
    auto parameters = FindPartDParameters(pricer_.part_d_years(), year);
    if (parameters.ok()) {
      out.part_d = *parameters;
      // Full LIS has no deductible (42 CFR 423.782(a)); the phase follows TrOOP as each fill's did.
      out.deductible = out.lis == LowIncomeSubsidy::kFull ? Cents{} : parameters->deductible;
      out.deductible_met = Min(out.out_of_pocket, out.deductible);
      auto phase = EstimatePartD({.year = year,
                                  .ytd_out_of_pocket = Min(out.out_of_pocket, parameters->out_of_pocket_threshold),
                                  .drug_cost = Cents{},
                                  .days_supply = 1,
                                  .lis = out.lis},
                                 *parameters);
      if (phase.ok()) out.phase = phase->phase_after;
    }
  }
  RXD_TRY(AuditAlone(store_, MakeAudit(caller, now, "benefits.read", "member", member_id, member_id)));
  return out;
}

Result<LowIncomeSubsidy> BenefitsService::SetLis(const Caller& caller, const std::string& member_id,
                                                 LowIncomeSubsidy lis) {
  const Instant now = clock_.Now();
  std::optional<Error> refusal;
  RXD_TRY(store_.Write([&](WriteContext& w) -> Status {
    if (Status own = members_.CheckOwnership(w.conn, caller, member_id); !own.ok()) {
      refusal = NotVisible(own.error(), "no such member");
      return w.audit.Append(w.conn,
                            MakeAudit(caller, now, "benefits.lis.update", "member", member_id, member_id, "denied"));
    }
    RXD_ASSIGN_OR_RETURN(bool exists, MemberService::Exists(w.conn, member_id));
    if (!exists) return MakeError("not_found", "no such member");
    RXD_TRY(
        w.conn.Exec("INSERT INTO member_benefits(member_id, lis, updated_at) VALUES (?, ?, ?) ON CONFLICT "
                    "(member_id) DO UPDATE SET lis = excluded.lis, updated_at = excluded.updated_at",
                    {Value(member_id), Value(ToString(lis)), Value(FormatInstant(now))}));
    return w.audit.Append(w.conn, MakeAudit(caller, now, "benefits.lis.update", "member", member_id, member_id,
                                            "ok:" + std::string(ToString(lis))));
  }));
  if (refusal) return std::move(*refusal);
  return lis;
}

}  // namespace rxdesk
