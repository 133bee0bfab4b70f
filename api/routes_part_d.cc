// Medicare Part D and the Explanation of Benefits (PRODUCT.md §5, API.md "Calculators"):
// POST /v1/part-d/estimate (public), POST /v1/members/{id}/part-d/estimate,
// GET /v1/members/{id}/eob, GET /v1/members/{id}/eob/{month}.pdf.
#include <limits>

#include "api/api.h"
#include "api/openapi.h"
#include "api/response.h"
#include "infra/log.h"

namespace rxdesk {
namespace {

const std::vector<Role> kServingAndMember = {Role::kMember, Role::kAgent, Role::kPharmacist, Role::kSupervisor};

// Any JSON integer reaches the domain's range checks, which name the field.
constexpr std::int64_t kAnyMin = std::numeric_limits<std::int64_t>::min();
constexpr std::int64_t kAnyMax = std::numeric_limits<std::int64_t>::max();

Json EstimateFields() {
  return {{"member_pays_cents", IntegerSchema(0, kMaxDrugCost.value())},
          {"plan_pays_cents", IntegerSchema(0, kMaxDrugCost.value())},
          {"ytd_out_of_pocket_after_cents", IntegerSchema(0, kMaxDrugCost.value())},
          {"phase_after", EnumSchema({"deductible", "initial", "catastrophic"})}};
}

Json EstimateJson(const PartDEstimate& e) {
  return Json{{"member_pays_cents", e.member_pays.value()},
              {"plan_pays_cents", e.plan_pays.value()},
              {"ytd_out_of_pocket_after_cents", e.ytd_out_of_pocket_after.value()},
              {"phase_after", ToString(e.phase_after)}};
}

Json MonthSchema() {
  return ObjectSchema({{"month", StringSchema("", 7)},
                       {"fills", IntegerSchema(1, kAnyMax)},
                       {"drug_cost_cents", IntegerSchema(0, kAnyMax)},
                       {"plan_paid_cents", IntegerSchema(kAnyMin, kAnyMax)},
                       {"member_paid_cents", IntegerSchema(0, kAnyMax)},
                       {"pdf", StringSchema()}});
}

Result<LowIncomeSubsidy> ReadLis(JsonObject& body) {
  RXD_ASSIGN_OR_RETURN(std::string text, body.RequiredString("lis", 10));
  const std::optional<LowIncomeSubsidy> lis = ParseLowIncomeSubsidy(text);
  if (!lis) return InvalidField("lis", "must be none or full");
  return *lis;
}

}  // namespace

void Api::AddPartDRoutes() {
  if (deps_.part_d == nullptr) return;
  PartDService& part_d = *deps_.part_d;

  router_.Add({.method = "POST",
               .pattern = "/v1/part-d/estimate",
               .rule = {.is_public = true},
               .summary = "What one fill costs under the Medicare Part D standard benefit at a year-to-date position",
               .tag = "part_d",
               .request_schema = ObjectSchema(
                   {{"year", IntegerSchema(2006, 9999)},
                    {"ytd_out_of_pocket_cents", IntegerSchema(0, kMaxDrugCost.value())},
                    {"drug_cost_cents", IntegerSchema(0, kMaxDrugCost.value())},
                    {"days_supply", IntegerSchema(1, kMaxDaysSupply)},
                    {"generic", {{"type", "boolean"}}},
                    {"insulin", {{"type", "boolean"}}},
                    {"lis", EnumSchema({"none", "full"})}},
                   {"year", "ytd_out_of_pocket_cents", "drug_cost_cents", "days_supply", "generic", "insulin", "lis"}),
               .response_schema = ObjectSchema(EstimateFields())},
              Handler([&part_d](RouteContext& ctx) -> Result<HttpResponse> {
                RXD_ASSIGN_OR_RETURN(JsonObject body, BodyOf(ctx));
                PartDInput in;
                RXD_ASSIGN_OR_RETURN(in.year, body.RequiredInt("year", kAnyMin, kAnyMax));
                RXD_ASSIGN_OR_RETURN(std::int64_t ytd, body.RequiredInt("ytd_out_of_pocket_cents", kAnyMin, kAnyMax));
                RXD_ASSIGN_OR_RETURN(std::int64_t cost, body.RequiredInt("drug_cost_cents", kAnyMin, kAnyMax));
                RXD_ASSIGN_OR_RETURN(in.days_supply, body.RequiredInt("days_supply", kAnyMin, kAnyMax));
                RXD_ASSIGN_OR_RETURN(in.generic, body.RequiredBool("generic"));
                RXD_ASSIGN_OR_RETURN(in.insulin, body.RequiredBool("insulin"));
                RXD_ASSIGN_OR_RETURN(in.lis, ReadLis(body));
                RXD_TRY(body.NoOtherFields());
                in.ytd_out_of_pocket = Cents(ytd);
                in.drug_cost = Cents(cost);
                RXD_ASSIGN_OR_RETURN(PartDEstimate e, EstimatePartD(in, part_d.offered()));
                return JsonResponse(200, EstimateJson(e));
              }));

  Json member_estimate = EstimateFields();
  member_estimate["year"] = IntegerSchema(2006, 9999);
  member_estimate["ytd_out_of_pocket_cents"] = IntegerSchema(0, kMaxDrugCost.value());
  member_estimate["lis"] = EnumSchema({"none", "full"});
  router_.Add({.method = "POST",
               .pattern = "/v1/members/{id}/part-d/estimate",
               .rule = {.roles = kServingAndMember},
               .summary = "What one fill would cost a Part D member now: their year-to-date out-of-pocket and LIS "
                          "level come from their record (members: their own)",
               .tag = "part_d",
               .request_schema = ObjectSchema({{"drug_cost_cents", IntegerSchema(0, kMaxDrugCost.value())},
                                               {"days_supply", IntegerSchema(1, kMaxDaysSupply)},
                                               {"generic", {{"type", "boolean"}}},
                                               {"insulin", {{"type", "boolean"}}}},
                                              {"drug_cost_cents", "days_supply", "generic", "insulin"}),
               .response_schema = ObjectSchema(member_estimate)},
              Handler([&part_d](RouteContext& ctx) -> Result<HttpResponse> {
                RXD_ASSIGN_OR_RETURN(JsonObject body, BodyOf(ctx));
                MemberPartDQuery q;
                RXD_ASSIGN_OR_RETURN(std::int64_t cost, body.RequiredInt("drug_cost_cents", kAnyMin, kAnyMax));
                RXD_ASSIGN_OR_RETURN(q.days_supply, body.RequiredInt("days_supply", kAnyMin, kAnyMax));
                RXD_ASSIGN_OR_RETURN(q.generic, body.RequiredBool("generic"));
                RXD_ASSIGN_OR_RETURN(q.insulin, body.RequiredBool("insulin"));
                RXD_TRY(body.NoOtherFields());
                q.drug_cost = Cents(cost);
                RXD_ASSIGN_OR_RETURN(MemberPartDEstimate e, part_d.EstimateForMember(CallerOf(ctx), ctx.Param(0), q));
                Json j = EstimateJson(e.estimate);
                j["year"] = e.year;
                j["ytd_out_of_pocket_cents"] = e.ytd_out_of_pocket.value();
                j["lis"] = ToString(e.lis);
                return JsonResponse(200, j);
              }));

  router_.Add({.method = "GET",
               .pattern = "/v1/members/{id}/eob",
               .rule = {.roles = kServingAndMember},
               .summary = "The months with an Explanation of Benefits (months with priced fills), newest first, with "
                          "their totals (members: their own)",
               .tag = "part_d",
               .response_schema = ListSchema(MonthSchema())},
              Handler([&part_d](RouteContext& ctx) -> Result<HttpResponse> {
                RXD_ASSIGN_OR_RETURN(auto page_params, PageParams(ctx.request));
                const std::string& member_id = ctx.Param(0);
                RXD_ASSIGN_OR_RETURN(
                    Page<EobMonthSummary> page,
                    part_d.ListMonths(CallerOf(ctx), member_id, page_params.first, page_params.second));
                return PageResponse(page, [&](const EobMonthSummary& m) {
                  const std::string month = FormatYearMonth(m.month);
                  return Json{{"month", month},
                              {"fills", m.fills},
                              {"drug_cost_cents", m.drug_cost.value()},
                              {"plan_paid_cents", m.plan_paid.value()},
                              {"member_paid_cents", m.member_paid.value()},
                              {"pdf", "/v1/members/" + member_id + "/eob/" + month + ".pdf"}};
                });
              }));

  router_.Add(
      {.method = "GET",
       .pattern = "/v1/members/{id}/eob/{month}.pdf",
       .rule = {.roles = kServingAndMember},
       .summary = "A month's Explanation of Benefits as a PDF (application/pdf, an attachment); month is "
                  "YYYY-MM (members: their own)",
       .tag = "part_d"},
      [&part_d](RouteContext& ctx) -> HttpResponse {
        const std::optional<std::chrono::year_month> month = ParseYearMonth(ctx.Param(1));
        if (!month) return ErrorResponse(InvalidField("month", "must be a month YYYY-MM, e.g. 2026-03"));
        Result<EobStatement> statement = part_d.Statement(CallerOf(ctx), ctx.Param(0), *month);
        if (!statement.ok()) {
          const bool future = statement.error().code == part_d_error::kMonthInFuture;
          return future ? ErrorResponse(404, statement.error()) : ErrorResponse(statement.error());
        }
        Result<std::string> pdf = RenderEobPdf(*statement);
        if (!pdf.ok()) {
          LogError("eob_render_failed", {{"request_id", ctx.request.request_id}, {"message", pdf.error().message}});
          return ErrorResponse(500, Error{"internal", "the server could not complete the request", ""});
        }
        HttpResponse r;
        r.content_type = "application/pdf";
        r.body = std::move(*pdf);
        // The file is named after the month only: no member data in a header.
        r.headers.emplace_back("Content-Disposition",
                               "attachment; filename=\"eob-" + FormatYearMonth(*month) + ".pdf\"");
        return r;
      });
}

}  // namespace rxdesk
