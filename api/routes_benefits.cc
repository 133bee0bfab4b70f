// Plans, formulary, prior authorization and a member's benefit year
// (docs/pharmacy-services.md "Plans, formulary and prior authorization"):
// GET /v1/plans, /v1/plans/{plan_id}, /v1/plans/{plan_id}/formulary,
// /v1/plans/{plan_id}/drugs/{ndc} (any signed-in user: not PHI);
// POST|GET /v1/prior-authorizations, GET /v1/prior-authorizations/{id},
// POST /v1/prior-authorizations/{id}/decision;
// GET /v1/members/{id}/benefits, PUT /v1/members/{id}/benefits/lis.
#include <algorithm>

#include "api/api.h"
#include "api/openapi.h"
#include "api/response.h"
#include "infra/ids.h"
#include "services/benefits_service.h"
#include "services/prior_auth_service.h"

namespace rxdesk {
namespace {

const std::vector<Role> kEveryone = {Role::kMember,     Role::kAgent,          Role::kPharmacist,
                                     Role::kSupervisor, Role::kPrivacyOfficer, Role::kAdmin};
const std::vector<Role> kServingAndMember = {Role::kMember, Role::kAgent, Role::kPharmacist, Role::kSupervisor};
const std::vector<Role> kServing = {Role::kAgent, Role::kPharmacist, Role::kSupervisor};
const std::vector<Role> kQueue = {Role::kPharmacist, Role::kSupervisor};
const std::vector<Role> kPharmacist = {Role::kPharmacist};

Json Nullable(Json schema) {
  Json s = std::move(schema);
  s["type"] = {s.value("type", "string"), "null"};
  return s;
}
Json CentsSchema() { return IntegerSchema(0, INT64_MAX); }
Json Bool() { return {{"type", "boolean"}}; }

Json CostShareJson(const CostShare& share) {
  if (share.kind == CostShareKind::kCopay) return {{"kind", "copay"}, {"copay_cents", share.copay.value()}};
  return {{"kind", "coinsurance"},
          {"coinsurance_percent", static_cast<double>(share.coinsurance_basis_points) / 100.0},
          {"min_cents", share.coinsurance_min.value()},
          {"max_cents", share.coinsurance_max ? Json(share.coinsurance_max->value()) : Json(nullptr)}};
}

Json CostShareSchema() {
  return ObjectSchema({{"kind", EnumSchema({"copay", "coinsurance"})},
                       {"copay_cents", CentsSchema()},
                       {"coinsurance_percent", {{"type", "number"}}},
                       {"min_cents", CentsSchema()},
                       {"max_cents", Nullable(CentsSchema())}});
}

Json PlanJson(const PlanBenefit& plan, bool with_tiers) {
  Json j = {{"id", plan.id},
            {"name", plan.name},
            {"kind", plan.kind},
            {"mail_copay_multiplier", plan.cost_sharing.mail_copay_multiplier}};
  if (!with_tiers) return j;
  Json tiers = Json::array();
  for (std::int64_t n = 1; n <= static_cast<std::int64_t>(kFormularyTierCount); ++n) {
    const FormularyTier tier = *TierFromNumber(n);
    const TierCostShare& t = plan.cost_sharing.tiers[TierIndex(tier)];
    CostShare mail = t.mail90.value_or(t.retail30);
    if (!t.mail90) {  // derived (PRODUCT.md §5): the multiplier applies to copays and to coinsurance caps
      const std::int64_t m = plan.cost_sharing.mail_copay_multiplier;
      mail.copay = mail.copay * m;
      mail.coinsurance_min = mail.coinsurance_min * m;
      if (mail.coinsurance_max) mail.coinsurance_max = *mail.coinsurance_max * m;
    }
    tiers.push_back({{"tier", n},
                     {"name", ToString(tier)},
                     {"retail30", CostShareJson(t.retail30)},
                     {"mail90", CostShareJson(mail)},
                     {"mail90_derived", !t.mail90.has_value()}});
  }
  j["tiers"] = std::move(tiers);
  j["cost_sharing"] = plan.part_d() ? "part_d_standard_benefit" : "tiers";
  return j;
}

Json PlanSchema(bool with_tiers) {
  Json props = {{"id", StringSchema()},
                {"name", StringSchema()},
                {"kind", EnumSchema({"commercial", kPartDPlanKind})},
                {"mail_copay_multiplier", IntegerSchema(1, 12)}};
  if (with_tiers) {
    props["cost_sharing"] = EnumSchema({"tiers", "part_d_standard_benefit"});
    props["tiers"] = {{"type", "array"},
                      {"items", ObjectSchema({{"tier", IntegerSchema(1, 5)},
                                              {"name", StringSchema()},
                                              {"retail30", CostShareSchema()},
                                              {"mail90", CostShareSchema()},
                                              {"mail90_derived", Bool()}})}};
  }
  return ObjectSchema(props);
}

Json DrugJson(const DrugPrice& d) {
  return {{"ndc", d.ndc},
          {"name", d.name},
          {"strength", NullOr(d.strength)},
          {"form", NullOr(d.form)},
          {"generic", d.generic},
          {"insulin", d.insulin},
          {"unit_cost_millicents", d.unit_cost_millicents ? Json(*d.unit_cost_millicents) : Json(nullptr)}};
}

Json DrugProps() {
  return {{"ndc", StringSchema("", 11)},
          {"name", StringSchema()},
          {"strength", Nullable(StringSchema())},
          {"form", Nullable(StringSchema())},
          {"generic", Bool()},
          {"insulin", Bool()},
          {"unit_cost_millicents", Nullable(IntegerSchema(0, kMaxUnitCostMillicents))}};
}

Json FormularyItemJson(const FormularyItem& item) {
  Json j = DrugJson(item.drug);
  j["tier"] = static_cast<int>(item.entry.tier);
  j["tier_name"] = ToString(item.entry.tier);
  j["prior_authorization"] = item.entry.prior_authorization;
  j["a_rated_generic_ndc"] = NullOr(item.drug.a_rated_generic_ndc);
  return j;
}

Json FormularyItemSchema() {
  Json props = DrugProps();
  props["tier"] = IntegerSchema(1, 5);
  props["tier_name"] = StringSchema();
  props["prior_authorization"] = Bool();
  props["a_rated_generic_ndc"] = Nullable(StringSchema());
  return ObjectSchema(props);
}

Json DrugLookupJson(const DrugLookup& d) {
  Json j = DrugJson(d.drug);
  j["plan_id"] = d.plan.id;
  j["on_formulary"] = d.entry.has_value();
  j["tier"] = d.entry ? Json(static_cast<int>(d.entry->tier)) : Json(nullptr);
  j["tier_name"] = d.entry ? Json(ToString(d.entry->tier)) : Json(nullptr);
  j["prior_authorization"] = d.entry && d.entry->prior_authorization;
  j["cost_sharing"] = d.plan.part_d() ? "part_d_standard_benefit" : "tiers";
  j["daw"] = static_cast<int>(d.daw);
  if (d.generic) {
    Json g = DrugJson(*d.generic);
    g["on_formulary"] = d.generic_entry.has_value();
    g["tier"] = d.generic_entry ? Json(static_cast<int>(d.generic_entry->tier)) : Json(nullptr);
    g["prior_authorization"] = d.generic_entry && d.generic_entry->prior_authorization;
    j["generic_alternative"] = g;
  } else {
    j["generic_alternative"] = nullptr;
  }
  j["retail30"] = nullptr;
  j["mail90"] = nullptr;
  for (const ChannelPrice& p : d.prices) {
    j[std::string(ToString(p.channel))] = {
        {"days_supply", p.days_supply},
        {"quantity", FormatQuantity(p.quantity)},
        {"dispensed", p.decision.dispensed == DispensedProduct::kGeneric ? "generic" : "brand"},
        {"drug_cost_cents", p.drug_cost.value()},
        {"member_pays_cents", p.decision.member_pays.value()},
        {"plan_pays_cents", (p.drug_cost - p.decision.member_pays).value()},
        {"brand_member_cost_cents", p.decision.brand_member_cost.value()},
        {"saving_cents", p.decision.saving.value()},
        {"prior_authorization_required", p.decision.prior_authorization_required}};
  }
  return j;
}

Json DrugLookupSchema() {
  Json price = Nullable(ObjectSchema({{"days_supply", IntegerSchema(1, 365)},
                                      {"quantity", StringSchema()},
                                      {"dispensed", EnumSchema({"brand", "generic"})},
                                      {"drug_cost_cents", CentsSchema()},
                                      {"member_pays_cents", CentsSchema()},
                                      {"plan_pays_cents", CentsSchema()},
                                      {"brand_member_cost_cents", CentsSchema()},
                                      {"saving_cents", CentsSchema()},
                                      {"prior_authorization_required", Bool()}}));
  price["type"] = {"object", "null"};
  Json generic = DrugProps();
  generic["on_formulary"] = Bool();
  generic["tier"] = Nullable(IntegerSchema(1, 5));
  generic["prior_authorization"] = Bool();
  Json props = DrugProps();
  props["plan_id"] = StringSchema();
  props["on_formulary"] = Bool();
  props["tier"] = Nullable(IntegerSchema(1, 5));
  props["tier_name"] = Nullable(StringSchema());
  props["prior_authorization"] = Bool();
  props["cost_sharing"] = EnumSchema({"tiers", "part_d_standard_benefit"});
  props["daw"] = IntegerSchema(0, 9);
  Json generic_schema = ObjectSchema(generic);
  generic_schema["type"] = {"object", "null"};
  props["generic_alternative"] = generic_schema;
  props["retail30"] = price;
  props["mail90"] = price;
  return ObjectSchema(props);
}

Json PriorAuthJson(const PriorAuthRecord& p, bool with_phi) {
  Json j = {{"id", p.id},
            {"reference", p.reference},
            {"rx_number", p.rx_number},
            {"member_id", p.member_id},
            {"status", ToString(p.status)},
            {"requested_by", p.requested_by},
            {"requested_at", FormatInstant(p.requested_at)},
            {"due_at", FormatInstant(p.due_at)},
            {"overdue", p.overdue},
            {"decided_by", NullOr(p.decided_by)},
            {"decided_at", p.decided_at ? Json(FormatInstant(*p.decided_at)) : Json(nullptr)}};
  if (with_phi) {
    j["note"] = NullOr(p.note);
    j["reason"] = NullOr(p.reason);
  }
  return j;
}

Json PriorAuthSchema(bool with_phi) {
  Json props = {{"id", StringSchema()},
                {"reference", StringSchema()},
                {"rx_number", StringSchema()},
                {"member_id", StringSchema()},
                {"status", EnumSchema({"pending", "approved", "denied"})},
                {"requested_by", StringSchema()},
                {"requested_at", StringSchema("date-time")},
                {"due_at", StringSchema("date-time")},
                {"overdue", Bool()},
                {"decided_by", Nullable(StringSchema())},
                {"decided_at", Nullable(StringSchema("date-time"))}};
  if (with_phi) {
    props["note"] = Nullable(StringSchema());
    props["reason"] = Nullable(StringSchema());
  }
  return ObjectSchema(props);
}

Json BenefitYearJson(const BenefitYear& y) {
  Json j = {{"member_id", y.member_id},
            {"year", y.year},
            {"plan_id", NullOr(y.plan_id)},
            {"plan_kind", NullOr(y.plan_kind)},
            {"lis", ToString(y.lis)},
            {"fills", y.fills},
            {"drug_cost_cents", y.drug_cost.value()},
            {"member_paid_cents", y.member_paid.value()},
            {"plan_paid_cents", y.plan_paid.value()},
            {"out_of_pocket_cents", y.out_of_pocket.value()},
            {"part_d", nullptr}};
  if (y.part_d) {
    j["part_d"] = {{"deductible_cents", y.deductible.value()},
                   {"deductible_met_cents", y.deductible_met.value()},
                   {"deductible_met", y.deductible_met >= y.deductible},
                   {"out_of_pocket_threshold_cents", y.part_d->out_of_pocket_threshold.value()},
                   {"remaining_to_threshold_cents",
                    Max(rxdesk::Cents{}, y.part_d->out_of_pocket_threshold - y.out_of_pocket).value()},
                   {"phase", y.phase ? Json(ToString(*y.phase)) : Json(nullptr)}};
  }
  return j;
}

Result<std::optional<std::string>> QueryText(const HttpRequest& request, const char* name, std::size_t max) {
  const std::string* v = request.Query(name);
  if (!v) return std::optional<std::string>();
  if (v->size() > max) return InvalidField(name, "must be at most " + std::to_string(max) + " characters");
  return std::optional<std::string>(*v);
}

Result<std::optional<std::int64_t>> QueryInt(const HttpRequest& request, const char* name, std::int64_t min,
                                             std::int64_t max) {
  const std::string* v = request.Query(name);
  if (!v) return std::optional<std::int64_t>();
  std::int64_t n = 0;
  const bool digits =
      !v->empty() && v->size() <= 12 && std::all_of(v->begin(), v->end(), [](char c) { return c >= '0' && c <= '9'; });
  if (digits) n = std::stoll(*v);
  if (!digits || n < min || n > max) {
    return InvalidField(name, "must be an integer from " + std::to_string(min) + " to " + std::to_string(max));
  }
  return std::optional<std::int64_t>(n);
}

Result<std::string> MemberIdParam(const RouteContext& ctx) {
  const std::string& id = ctx.Param(0);
  if (!IsValidId(id)) return MakeError("not_found", "no such member");
  return id;
}

}  // namespace

void Api::AddBenefitsRoutes() {
  BenefitsService* benefits = deps_.benefits;
  PriorAuthService* prior_auth = deps_.prior_auth;
  if (benefits == nullptr || prior_auth == nullptr) return;

  router_.Add({.method = "GET",
               .pattern = "/v1/plans",
               .rule = {.roles = kEveryone},
               .summary = "The plans, by id (?limit=&cursor=)",
               .tag = "plans",
               .response_schema = ListSchema(PlanSchema(false)),
               .never_waits = true},
              Handler([benefits](RouteContext& ctx) -> Result<HttpResponse> {
                RXD_ASSIGN_OR_RETURN(auto page_params, PageParams(ctx.request));
                RXD_ASSIGN_OR_RETURN(Page<PlanBenefit> page, benefits->Plans(page_params.first, page_params.second));
                return PageResponse(page, [](const PlanBenefit& p) { return PlanJson(p, false); });
              }));

  router_.Add({.method = "GET",
               .pattern = "/v1/plans/{plan_id}",
               .rule = {.roles = kEveryone},
               .summary = "A plan and each tier's 30-day retail and 90-day mail cost share",
               .tag = "plans",
               .response_schema = PlanSchema(true),
               .never_waits = true},
              Handler([benefits](RouteContext& ctx) -> Result<HttpResponse> {
                RXD_ASSIGN_OR_RETURN(PlanBenefit plan, benefits->Plan(ctx.Param(0)));
                return JsonResponse(200, PlanJson(plan, true));
              }));

  router_.Add({.method = "GET",
               .pattern = "/v1/plans/{plan_id}/formulary",
               .rule = {.roles = kEveryone},
               .summary = "A plan's formulary by NDC: ?q= (part of the name), ?tier=1-5, ?limit=&cursor=",
               .tag = "plans",
               .response_schema = ListSchema(FormularyItemSchema()),
               .never_waits = true},
              Handler([benefits](RouteContext& ctx) -> Result<HttpResponse> {
                RXD_ASSIGN_OR_RETURN(auto page_params, PageParams(ctx.request));
                FormularyQuery q{.limit = page_params.first, .cursor = page_params.second};
                RXD_ASSIGN_OR_RETURN(std::optional<std::string> text, QueryText(ctx.request, "q", 100));
                q.q = text.value_or("");
                RXD_ASSIGN_OR_RETURN(std::optional<std::int64_t> tier, QueryInt(ctx.request, "tier", 1, 5));
                if (tier) q.tier = TierFromNumber(*tier);
                RXD_ASSIGN_OR_RETURN(Page<FormularyItem> page, benefits->Formulary(ctx.Param(0), q));
                return PageResponse(page, [](const FormularyItem& i) { return FormularyItemJson(i); });
              }));

  router_.Add({.method = "GET",
               .pattern = "/v1/plans/{plan_id}/drugs/{ndc}",
               .rule = {.roles = kEveryone},
               .summary = "A drug under a plan: tier, PA flag, 30-day retail and 90-day mail cost, the A-rated "
                          "generic and the saving (?quantity= units per 30 days, default 30; ?daw=0-9)",
               .tag = "plans",
               .response_schema = DrugLookupSchema(),
               .never_waits = true},
              Handler([benefits](RouteContext& ctx) -> Result<HttpResponse> {
                auto ndc = NormalizeNdc(ctx.Param(1), "ndc");
                if (!ndc.ok()) return MakeError("not_found", "no such drug");
                DrugLookupQuery q;
                if (const std::string* quantity = ctx.request.Query("quantity")) {
                  RXD_ASSIGN_OR_RETURN(q.quantity_per_30_days, ParseQuantity(*quantity, "quantity"));
                  if (q.quantity_per_30_days.thousandths() > Quantity::kMaxThousandths / 3) {
                    return InvalidField("quantity", "is too large");
                  }
                }
                RXD_ASSIGN_OR_RETURN(std::optional<std::int64_t> daw, QueryInt(ctx.request, "daw", 0, 9));
                if (daw) q.daw = static_cast<DawCode>(*daw);
                RXD_ASSIGN_OR_RETURN(DrugLookup d, benefits->LookupDrug(ctx.Param(0), *ndc, q));
                return JsonResponse(200, DrugLookupJson(d));
              }));

  router_.Add({.method = "POST",
               .pattern = "/v1/prior-authorizations",
               .rule = {.roles = kServingAndMember},
               .summary = "Request prior authorization for a prescription whose drug the plan flags PA "
                          "(decided within 24 hours)",
               .tag = "prior-authorizations",
               .request_schema = ObjectSchema({{"rx_number", StringSchema("", 8)},
                                               {"note", StringSchema("", static_cast<int>(kMaxPriorAuthText))}},
                                              {"rx_number"}),
               .response_schema = PriorAuthSchema(true),
               .success_status = 201,
               .idempotent_create = true},
              [this, prior_auth](RouteContext& ctx) {
                return WithIdempotency(ctx, deps_, [&](const CommitHook<Json>& on_commit) -> Result<HttpResponse> {
                  RXD_ASSIGN_OR_RETURN(JsonObject body, BodyOf(ctx));
                  RXD_ASSIGN_OR_RETURN(std::string rx, body.RequiredString("rx_number", 8));
                  RXD_ASSIGN_OR_RETURN(std::optional<std::string> note, body.OptionalString("note", kMaxPriorAuthText));
                  RXD_TRY(body.NoOtherFields());
                  RXD_ASSIGN_OR_RETURN(
                      PriorAuthRecord r,
                      prior_auth->Request(CallerOf(ctx), rx, note, [&](Connection& c, const PriorAuthRecord& made) {
                        return on_commit ? on_commit(c, PriorAuthJson(made, true)) : OkStatus();
                      }));
                  return JsonResponse(201, PriorAuthJson(r, true));
                });
              });

  router_.Add({.method = "GET",
               .pattern = "/v1/prior-authorizations",
               .rule = {.roles = kQueue},
               .summary = "The prior authorization queue, soonest due first, with the overdue flag "
                          "(?status=pending|approved|denied, default pending; ?at=INSTANT; ?limit=&cursor=)",
               .tag = "prior-authorizations",
               .response_schema = ListSchema(PriorAuthSchema(false))},
              Handler([prior_auth](RouteContext& ctx) -> Result<HttpResponse> {
                RXD_ASSIGN_OR_RETURN(auto page_params, PageParams(ctx.request));
                PriorAuthListQuery q{.limit = page_params.first, .cursor = page_params.second};
                if (const std::string* s = ctx.request.Query("status")) {
                  const std::optional<PriorAuthStatus> status = ParsePriorAuthStatus(*s);
                  if (!status) return InvalidField("status", "must be pending, approved or denied");
                  q.status = *status;
                }
                if (const std::string* at = ctx.request.Query("at")) {
                  RXD_ASSIGN_OR_RETURN(const Instant t, ParseInstant(*at, "at"));
                  q.at = t;
                }
                RXD_ASSIGN_OR_RETURN(Page<PriorAuthRecord> page, prior_auth->List(CallerOf(ctx), q));
                return PageResponse(page, [](const PriorAuthRecord& p) { return PriorAuthJson(p, false); });
              }));

  router_.Add({.method = "GET",
               .pattern = "/v1/prior-authorizations/{id}",
               .rule = {.roles = kServingAndMember},
               .summary = "One prior authorization request with its note and decision",
               .tag = "prior-authorizations",
               .response_schema = PriorAuthSchema(true)},
              Handler([prior_auth](RouteContext& ctx) -> Result<HttpResponse> {
                if (!IsValidId(ctx.Param(0))) return MakeError("not_found", "no such prior authorization");
                RXD_ASSIGN_OR_RETURN(PriorAuthRecord r, prior_auth->Get(CallerOf(ctx), ctx.Param(0)));
                return JsonResponse(200, PriorAuthJson(r, true));
              }));

  router_.Add({.method = "POST",
               .pattern = "/v1/prior-authorizations/{id}/decision",
               .rule = {.roles = kPharmacist},
               .summary = "A pharmacist approves or denies a pending request, with a reason; the member is notified",
               .tag = "prior-authorizations",
               .request_schema = ObjectSchema({{"decision", EnumSchema({"approved", "denied"})},
                                               {"reason", StringSchema("", static_cast<int>(kMaxPriorAuthText))}},
                                              {"decision", "reason"}),
               .response_schema = PriorAuthSchema(true)},
              Handler([prior_auth](RouteContext& ctx) -> Result<HttpResponse> {
                if (!IsValidId(ctx.Param(0))) return MakeError("not_found", "no such prior authorization");
                RXD_ASSIGN_OR_RETURN(JsonObject body, BodyOf(ctx));
                RXD_ASSIGN_OR_RETURN(std::string decision, body.RequiredString("decision", 10));
                RXD_ASSIGN_OR_RETURN(std::string reason, body.RequiredString("reason", kMaxPriorAuthText));
                RXD_TRY(body.NoOtherFields());
                RXD_ASSIGN_OR_RETURN(PriorAuthRecord r,
                                     prior_auth->Decide(CallerOf(ctx), ctx.Param(0), decision, reason));
                return JsonResponse(200, PriorAuthJson(r, true));
              }));

  Json part_d_schema = ObjectSchema({{"deductible_cents", CentsSchema()},
                                     {"deductible_met_cents", CentsSchema()},
                                     {"deductible_met", Bool()},
                                     {"out_of_pocket_threshold_cents", CentsSchema()},
                                     {"remaining_to_threshold_cents", CentsSchema()},
                                     {"phase", Nullable(EnumSchema({"deductible", "initial", "catastrophic"}))}});
  part_d_schema["type"] = {"object", "null"};
  router_.Add({.method = "GET",
               .pattern = "/v1/members/{id}/benefits",
               .rule = {.roles = kServingAndMember},
               .summary = "A member's benefit year (?year=, default this year): drug cost, paid, out of pocket, "
                          "Part D deductible and phase",
               .tag = "benefits",
               .response_schema = ObjectSchema({{"member_id", StringSchema()},
                                                {"year", IntegerSchema(2006, 9999)},
                                                {"plan_id", Nullable(StringSchema())},
                                                {"plan_kind", Nullable(StringSchema())},
                                                {"lis", EnumSchema({"none", "full"})},
                                                {"fills", IntegerSchema(0, INT64_MAX)},
                                                {"drug_cost_cents", CentsSchema()},
                                                {"member_paid_cents", CentsSchema()},
                                                {"plan_paid_cents", CentsSchema()},
                                                {"out_of_pocket_cents", CentsSchema()},
                                                {"part_d", part_d_schema}})},
              Handler([this, benefits](RouteContext& ctx) -> Result<HttpResponse> {
                RXD_ASSIGN_OR_RETURN(std::string id, MemberIdParam(ctx));
                RXD_ASSIGN_OR_RETURN(std::optional<std::int64_t> year, QueryInt(ctx.request, "year", 2006, 9999));
                const std::int64_t this_year =
                    static_cast<int>(std::chrono::year_month_day{deps_.zone.LocalDate(deps_.clock.Now())}.year());
                RXD_ASSIGN_OR_RETURN(BenefitYear y, benefits->Year(CallerOf(ctx), id, year.value_or(this_year)));
                return JsonResponse(200, BenefitYearJson(y));
              }));

  router_.Add({.method = "PUT",
               .pattern = "/v1/members/{id}/benefits/lis",
               .rule = {.roles = kServing},
               .summary = "Set a member's Part D Low-Income Subsidy level for fills from now on (audited)",
               .tag = "benefits",
               .request_schema = ObjectSchema({{"lis", EnumSchema({"none", "full"})}}, {"lis"}),
               .response_schema = ObjectSchema({{"member_id", StringSchema()}, {"lis", EnumSchema({"none", "full"})}})},
              Handler([benefits](RouteContext& ctx) -> Result<HttpResponse> {
                RXD_ASSIGN_OR_RETURN(std::string id, MemberIdParam(ctx));
                RXD_ASSIGN_OR_RETURN(JsonObject body, BodyOf(ctx));
                RXD_ASSIGN_OR_RETURN(std::string text, body.RequiredString("lis", 10));
                RXD_TRY(body.NoOtherFields());
                const std::optional<LowIncomeSubsidy> lis = ParseLowIncomeSubsidy(text);
                if (!lis) return InvalidField("lis", "must be none or full");
                RXD_ASSIGN_OR_RETURN(LowIncomeSubsidy set, benefits->SetLis(CallerOf(ctx), id, *lis));
                return JsonResponse(200, Json{{"member_id", id}, {"lis", ToString(set)}});
              }));
}

}  // namespace rxdesk
