// Clinical safety (PRODUCT.md §6; docs/pharmacy-services.md):
//   GET  /v1/interaction-holds?status=            the pharmacists' queue of interaction screenings
//   GET  /v1/interaction-holds/{id}               one, with its findings (pharmacists only)
//   POST /v1/interaction-holds/{id}/override      release a hold with a documented reason
//   POST /v1/interaction-holds/{id}/cancel        cancel the held order or prescription
//   GET  /v1/members/{id}/adherence?from=&to=     PDC per drug class
//   GET  /v1/adherence/at-risk?from=&to=&class=&reason=&limit=&cursor=   the outreach list
//   POST /v1/members/{id}/mtm-requests            ask for a pharmacist (routed as a callback)
//   GET  /v1/members/{id}/mtm-requests            a member's requests
//   GET  /v1/mtm-requests?status=                 the pharmacists' list
//   GET  /v1/mtm-requests/{id}                    one request with the member's note
//   POST /v1/mtm-requests/{id}/complete           the pharmacist's outcome closes it
#include <initializer_list>

#include "api/api.h"
#include "api/openapi.h"
#include "api/response.h"
#include "services/adherence_service.h"
#include "services/interaction_holds.h"
#include "services/mtm_service.h"

namespace rxdesk {
namespace {

const std::vector<Role> kPharmacist = {Role::kPharmacist};

// Unknown query parameters are refused like unknown body fields (API.md).
Status OnlyQuery(const HttpRequest& request, std::initializer_list<std::string_view> allowed) {
  for (const auto& [name, value] : request.query) {
    bool known = false;
    for (std::string_view a : allowed) known = known || a == name;
    if (!known) return InvalidField(name.size() <= 40 ? name : "query", "is not a parameter of this endpoint");
  }
  return OkStatus();
}

Result<std::optional<Date>> QueryDate(const HttpRequest& request, const char* name) {
  const std::string* text = request.Query(name);
  if (text == nullptr) return std::optional<Date>();
  RXD_ASSIGN_OR_RETURN(Date d, ParseDate(*text, name));
  return std::optional<Date>(d);
}

Json HoldJson(const InteractionHold& h) {
  return Json{{"id", h.id},
              {"member_id", h.member_id},
              {"rx_number", h.rx_number},
              {"order_id", NullOr(h.order_id)},
              {"screened_for", h.screened_for},
              {"status", h.status},
              {"severity", NullOr(h.severity)},
              {"created_at", h.created_at},
              {"resolved_by", NullOr(h.resolved_by)},
              {"resolved_at", NullOr(h.resolved_at)},
              {"updated_at", h.updated_at}};
}

Json HoldDetailJson(const InteractionHold& h) {
  Json j = HoldJson(h);
  j["drug"] = h.drug;
  Json findings = Json::array();
  for (const InteractionFindingView& f : h.findings) {
    findings.push_back({{"severity", f.severity},
                        {"new_agent", f.new_agent},
                        {"active_rx_number", f.active_rx_number},
                        {"active_drug", f.active_drug},
                        {"active_agent", f.active_agent},
                        {"effect", f.effect},
                        {"management", f.management},
                        {"source", f.source}});
  }
  j["findings"] = std::move(findings);
  j["reason"] = NullOr(h.reason);
  return j;
}

Json HoldSchema() {
  return ObjectSchema({{"id", StringSchema()},
                       {"member_id", StringSchema()},
                       {"rx_number", StringSchema()},
                       {"order_id", StringSchema()},
                       {"screened_for", EnumSchema({"refill", "prescription"})},
                       {"status", EnumSchema({"open", "overridden", "cancelled", "advisory", "unscreened"})},
                       {"severity", EnumSchema({"major", "moderate", "minor"})},
                       {"created_at", StringSchema("date-time")},
                       {"resolved_by", StringSchema()},
                       {"resolved_at", StringSchema("date-time")}});
}

Json ClassJson(const ClassAdherence& a) {
  const PdcMeasure& p = a.pdc;
  return Json{{"class", ToString(a.drug_class)},
              {"measured", p.measured},
              {"pdc", p.treatment_days > 0 ? Json(p.Fraction()) : Json(nullptr)},
              {"covered_days", p.covered_days},
              {"treatment_days", p.treatment_days},
              {"fills_in_period", p.fills_in_period},
              {"adherent", p.adherent},
              {"index_date", p.index_date ? Json(FormatDate(*p.index_date)) : Json(nullptr)},
              {"supply_runs_out", p.supply_runs_out ? Json(FormatDate(*p.supply_runs_out)) : Json(nullptr)},
              {"risk", ToString(a.risk.reason)},
              {"days_late", a.risk.days_late}};
}

Json ClassSchema() {
  return ObjectSchema({{"class", EnumSchema({"statins", "ras_antagonists", "diabetes"})},
                       {"measured", {{"type", "boolean"}}},
                       {"pdc", {{"type", {"number", "null"}}}},
                       {"covered_days", IntegerSchema(0, 100000)},
                       {"treatment_days", IntegerSchema(0, 100000)},
                       {"fills_in_period", IntegerSchema(0, 100000)},
                       {"adherent", {{"type", "boolean"}}},
                       {"index_date", StringSchema("date")},
                       {"supply_runs_out", StringSchema("date")},
                       {"risk", EnumSchema({"none", "late_refill", "low_pdc", "late_refill_and_low_pdc"})},
                       {"days_late", IntegerSchema(0, 100000)}});
}

Json MtmJson(const MtmRequest& m, bool with_text) {
  Json j = {{"id", m.id},
            {"reference", m.reference},
            {"member_id", m.member_id},
            {"contact_id", m.contact_id},
            {"topic", m.topic},
            {"status", m.status},
            {"requested_at", m.requested_at},
            {"completed_at", NullOr(m.completed_at)}};
  if (with_text) {
    j["note"] = NullOr(m.note);
    j["outcome"] = NullOr(m.outcome);
  }
  return j;
}

Json MtmSchema() {
  return ObjectSchema({{"id", StringSchema()},
                       {"reference", StringSchema()},
                       {"member_id", StringSchema()},
                       {"contact_id", StringSchema()},
                       {"topic", EnumSchema({"medication_review", "new_medication", "side_effects", "cost", "other"})},
                       {"status", EnumSchema({"requested", "completed"})},
                       {"requested_at", StringSchema("date-time")},
                       {"completed_at", StringSchema("date-time")},
                       {"note", StringSchema()},
                       {"outcome", StringSchema()},
                       {"position", IntegerSchema(0, 1000000)}});
}

}  // namespace

void Api::AddClinicalRoutes() {
  if (deps_.interaction_holds != nullptr) {
    InteractionHoldService& holds = *deps_.interaction_holds;
    router_.Add({.method = "GET",
                 .pattern = "/v1/interaction-holds",
                 .rule = {.roles = kPharmacist},
                 .summary = "Interaction screenings, oldest first; ?status=open (default) | overridden | cancelled | "
                            "advisory | unscreened",
                 .tag = "clinical",
                 .response_schema = ListSchema(HoldSchema())},
                Handler([&holds](RouteContext& ctx) -> Result<HttpResponse> {
                  RXD_TRY(OnlyQuery(ctx.request, {"status", "limit", "cursor"}));
                  const std::string* status = ctx.request.Query("status");
                  RXD_ASSIGN_OR_RETURN(auto page_params, PageParams(ctx.request));
                  RXD_ASSIGN_OR_RETURN(Page<InteractionHold> page, holds.List(CallerOf(ctx), status ? *status : "open",
                                                                              page_params.first, page_params.second));
                  return PageResponse(page, HoldJson);
                }));
    router_.Add({.method = "GET",
                 .pattern = "/v1/interaction-holds/{id}",
                 .rule = {.roles = kPharmacist},
                 .summary = "One interaction screening with its findings (pharmacists only)",
                 .tag = "clinical",
                 .response_schema = HoldSchema()},
                Handler([&holds](RouteContext& ctx) -> Result<HttpResponse> {
                  RXD_TRY(OnlyQuery(ctx.request, {}));
                  RXD_ASSIGN_OR_RETURN(InteractionHold h, holds.Get(CallerOf(ctx), ctx.Param(0)));
                  return JsonResponse(200, HoldDetailJson(h));
                }));
    router_.Add(
        {.method = "POST",
         .pattern = "/v1/interaction-holds/{id}/override",
         .rule = {.roles = kPharmacist},
         .summary = "Release a hold with a documented reason (20–2000 characters); the order may then be filled",
         .tag = "clinical",
         .request_schema = ObjectSchema({{"reason", StringSchema("", 8000)}}, {"reason"}),
         .response_schema = HoldSchema()},
        Handler([&holds](RouteContext& ctx) -> Result<HttpResponse> {
          RXD_ASSIGN_OR_RETURN(JsonObject body, BodyOf(ctx));
          RXD_ASSIGN_OR_RETURN(std::string reason, body.RequiredString("reason", 8000));
          RXD_TRY(body.NoOtherFields());
          RXD_ASSIGN_OR_RETURN(InteractionHold h, holds.Override(CallerOf(ctx), ctx.Param(0), reason));
          return JsonResponse(200, HoldJson(h));
        }));
    router_.Add({.method = "POST",
                 .pattern = "/v1/interaction-holds/{id}/cancel",
                 .rule = {.roles = kPharmacist},
                 .summary = "Cancel the held order (or prescription); the member is told, without clinical detail",
                 .tag = "clinical",
                 .request_schema = ObjectSchema({{"reason", StringSchema("", 8000)}}),
                 .response_schema = HoldSchema()},
                Handler([&holds](RouteContext& ctx) -> Result<HttpResponse> {
                  RXD_ASSIGN_OR_RETURN(JsonObject body, BodyOf(ctx));
                  RXD_ASSIGN_OR_RETURN(std::optional<std::string> reason, body.OptionalString("reason", 8000));
                  RXD_TRY(body.NoOtherFields());
                  RXD_ASSIGN_OR_RETURN(InteractionHold h,
                                       holds.Cancel(CallerOf(ctx), ctx.Param(0), reason.value_or("")));
                  return JsonResponse(200, HoldJson(h));
                }));
  }

  if (deps_.adherence != nullptr) {
    AdherenceService& adherence = *deps_.adherence;
    router_.Add({.method = "GET",
                 .pattern = "/v1/members/{id}/adherence",
                 .rule = {.roles = {Role::kMember, Role::kAgent, Role::kPharmacist}},
                 .summary = "PDC per drug class over ?from=&to= (default: the year to today); members: their own",
                 .tag = "clinical",
                 .response_schema = ObjectSchema({{"member_id", StringSchema()},
                                                  {"from", StringSchema("date")},
                                                  {"to", StringSchema("date")},
                                                  {"threshold", {{"type", "number"}}},
                                                  {"classes", {{"type", "array"}, {"items", ClassSchema()}}}})},
                Handler([&adherence](RouteContext& ctx) -> Result<HttpResponse> {
                  RXD_TRY(OnlyQuery(ctx.request, {"from", "to"}));
                  RXD_ASSIGN_OR_RETURN(std::optional<Date> from, QueryDate(ctx.request, "from"));
                  RXD_ASSIGN_OR_RETURN(std::optional<Date> to, QueryDate(ctx.request, "to"));
                  RXD_ASSIGN_OR_RETURN(MemberAdherence a, adherence.ForMember(CallerOf(ctx), ctx.Param(0), from, to));
                  Json classes = Json::array();
                  for (const ClassAdherence& c : a.classes) classes.push_back(ClassJson(c));
                  return JsonResponse(200,
                                      Json{{"member_id", a.member_id},
                                           {"from", FormatDate(a.period.first)},
                                           {"to", FormatDate(a.period.last)},
                                           {"threshold", adherence.policy().pdc.adherent_threshold_percent / 100.0},
                                           {"classes", std::move(classes)}});
                }));
    router_.Add(
        {.method = "GET",
         .pattern = "/v1/adherence/at-risk",
         .rule = {.roles = {Role::kPharmacist, Role::kSupervisor}},
         .summary = "Members at risk (PDC under the threshold or a late refill) in member order; ?from=&to=&class="
                    "&reason=late_refill|low_pdc&limit=&cursor=",
         .tag = "clinical",
         .response_schema = ListSchema(ObjectSchema({{"member_id", StringSchema()}, {"adherence", ClassSchema()}}))},
        Handler([&adherence](RouteContext& ctx) -> Result<HttpResponse> {
          RXD_TRY(OnlyQuery(ctx.request, {"from", "to", "class", "reason", "limit", "cursor"}));
          AtRiskQuery q;
          RXD_ASSIGN_OR_RETURN(q.from, QueryDate(ctx.request, "from"));
          RXD_ASSIGN_OR_RETURN(q.to, QueryDate(ctx.request, "to"));
          if (const std::string* c = ctx.request.Query("class")) {
            q.drug_class = ParseAdherenceClass(*c);
            if (!q.drug_class) return InvalidField("class", "must be statins, ras_antagonists or diabetes");
          }
          if (const std::string* r = ctx.request.Query("reason")) {
            if (*r == "late_refill") {
              q.reason = AtRiskFilter::kLateRefill;
            } else if (*r == "low_pdc") {
              q.reason = AtRiskFilter::kLowPdc;
            } else {
              return InvalidField("reason", "must be late_refill or low_pdc");
            }
          }
          RXD_ASSIGN_OR_RETURN(auto page_params, PageParams(ctx.request));
          q.limit = page_params.first;
          q.cursor = page_params.second;
          RXD_ASSIGN_OR_RETURN(Page<AtRiskEntry> page, adherence.AtRisk(CallerOf(ctx), q));
          return PageResponse(page, [](const AtRiskEntry& e) {
            return Json{{"member_id", e.member_id}, {"adherence", ClassJson(e.adherence)}};
          });
        }));
  }

  if (deps_.mtm != nullptr) {
    MtmService& mtm = *deps_.mtm;
    router_.Add({.method = "POST",
                 .pattern = "/v1/members/{id}/mtm-requests",
                 .rule = {.roles = {Role::kMember, Role::kAgent}},
                 .summary = "Ask for a medication therapy management review: a pharmacist calls back (members: their "
                            "own; agents: in a verified contact)",
                 .tag = "clinical",
                 .request_schema = ObjectSchema(
                     {{"topic", EnumSchema({"medication_review", "new_medication", "side_effects", "cost", "other"})},
                      {"note", StringSchema("", 4000)},
                      {"language", EnumSchema({"en", "es"})}},
                     {"topic"}),
                 .response_schema = MtmSchema(),
                 .success_status = 201},
                Handler([&mtm](RouteContext& ctx) -> Result<HttpResponse> {
                  RXD_ASSIGN_OR_RETURN(JsonObject body, BodyOf(ctx));
                  NewMtmRequest in;
                  RXD_ASSIGN_OR_RETURN(in.topic, body.RequiredString("topic", 40));
                  RXD_ASSIGN_OR_RETURN(std::optional<std::string> note, body.OptionalString("note", 4000));
                  RXD_ASSIGN_OR_RETURN(std::optional<std::string> language, body.OptionalString("language", 8));
                  RXD_TRY(body.NoOtherFields());
                  in.note = note.value_or("");
                  if (language) {
                    RXD_ASSIGN_OR_RETURN(in.language, ParseLanguage(*language, "language"));
                  }
                  RXD_ASSIGN_OR_RETURN(MtmRequest m, mtm.Request(CallerOf(ctx), ctx.Param(0), in));
                  Json j = MtmJson(m, true);
                  j["position"] = m.position;
                  return JsonResponse(201, j);
                }));
    router_.Add({.method = "GET",
                 .pattern = "/v1/members/{id}/mtm-requests",
                 .rule = {.roles = {Role::kMember, Role::kAgent, Role::kPharmacist}},
                 .summary = "A member's MTM requests, newest first",
                 .tag = "clinical",
                 .response_schema = ListSchema(MtmSchema())},
                Handler([&mtm](RouteContext& ctx) -> Result<HttpResponse> {
                  RXD_TRY(OnlyQuery(ctx.request, {"limit", "cursor"}));
                  RXD_ASSIGN_OR_RETURN(auto page_params, PageParams(ctx.request));
                  RXD_ASSIGN_OR_RETURN(Page<MtmRequest> page, mtm.ListForMember(CallerOf(ctx), ctx.Param(0),
                                                                                page_params.first, page_params.second));
                  return PageResponse(page, [](const MtmRequest& m) { return MtmJson(m, false); });
                }));
    router_.Add({.method = "GET",
                 .pattern = "/v1/mtm-requests",
                 .rule = {.roles = kPharmacist},
                 .summary = "MTM requests, oldest first; ?status=requested (default) | completed",
                 .tag = "clinical",
                 .response_schema = ListSchema(MtmSchema())},
                Handler([&mtm](RouteContext& ctx) -> Result<HttpResponse> {
                  RXD_TRY(OnlyQuery(ctx.request, {"status", "limit", "cursor"}));
                  const std::string* status = ctx.request.Query("status");
                  RXD_ASSIGN_OR_RETURN(auto page_params, PageParams(ctx.request));
                  RXD_ASSIGN_OR_RETURN(Page<MtmRequest> page, mtm.Queue(CallerOf(ctx), status ? *status : "requested",
                                                                        page_params.first, page_params.second));
                  return PageResponse(page, [](const MtmRequest& m) { return MtmJson(m, false); });
                }));
    router_.Add({.method = "GET",
                 .pattern = "/v1/mtm-requests/{id}",
                 .rule = {.roles = kPharmacist},
                 .summary = "One MTM request with the member's note and the outcome",
                 .tag = "clinical",
                 .response_schema = MtmSchema()},
                Handler([&mtm](RouteContext& ctx) -> Result<HttpResponse> {
                  RXD_TRY(OnlyQuery(ctx.request, {}));
                  RXD_ASSIGN_OR_RETURN(MtmRequest m, mtm.Get(CallerOf(ctx), ctx.Param(0)));
                  return JsonResponse(200, MtmJson(m, true));
                }));
    router_.Add({.method = "POST",
                 .pattern = "/v1/mtm-requests/{id}/complete",
                 .rule = {.roles = kPharmacist},
                 .summary = "Complete an MTM request with the pharmacist's outcome (1–2000 characters)",
                 .tag = "clinical",
                 .request_schema = ObjectSchema({{"outcome", StringSchema("", 8000)}}, {"outcome"}),
                 .response_schema = MtmSchema()},
                Handler([&mtm](RouteContext& ctx) -> Result<HttpResponse> {
                  RXD_ASSIGN_OR_RETURN(JsonObject body, BodyOf(ctx));
                  RXD_ASSIGN_OR_RETURN(std::string outcome, body.RequiredString("outcome", 8000));
                  RXD_TRY(body.NoOtherFields());
                  RXD_ASSIGN_OR_RETURN(MtmRequest m, mtm.Complete(CallerOf(ctx), ctx.Param(0), outcome));
                  return JsonResponse(200, MtmJson(m, true));
                }));
  }
}

}  // namespace rxdesk
