// Refill reminders and auto-refill (docs/pharmacy-services.md "Refill reminders
// and auto-refill"): GET|PUT /v1/prescriptions/{rx_number}/auto-refill (the
// member for their own Rx, the workforce serving members in a verified contact)
// and POST /v1/jobs/refill-reminders/run (supervisor or admin: one pass now).
#include "api/api.h"
#include "api/openapi.h"
#include "api/response.h"
#include "domain/rx_number.h"
#include "services/refill_reminders.h"

namespace rxdesk {
namespace {

const std::vector<Role> kServingAndMember = {Role::kMember, Role::kAgent, Role::kPharmacist, Role::kSupervisor};

Json AutoRefillSchema() {
  return ObjectSchema({{"rx_number", StringSchema()},
                       {"enabled", {{"type", "boolean"}}},
                       {"updated_at", {{"type", {"string", "null"}}, {"format", "date-time"}}}});
}

Json AutoRefillJson(const AutoRefillSetting& s) {
  return Json{{"rx_number", s.rx_number}, {"enabled", s.enabled}, {"updated_at", NullOr(s.updated_at)}};
}

Json ReportSchema() {
  return ObjectSchema({{"as_of", StringSchema("date")},
                       {"started_at", StringSchema("date-time")},
                       {"finished_at", StringSchema("date-time")},
                       {"scanned", IntegerSchema(0, INT64_MAX)},
                       {"due", IntegerSchema(0, INT64_MAX)},
                       {"reminders_queued", IntegerSchema(0, INT64_MAX)},
                       {"reminders_unreachable", IntegerSchema(0, INT64_MAX)},
                       {"orders_placed", IntegerSchema(0, INT64_MAX)},
                       {"waiting", IntegerSchema(0, INT64_MAX)},
                       {"members_told", IntegerSchema(0, INT64_MAX)},
                       {"already_requested", IntegerSchema(0, INT64_MAX)},
                       {"already_done", IntegerSchema(0, INT64_MAX)}});
}

Json ReportJson(const RefillReminderReport& r) {
  return Json{{"as_of", FormatDate(r.as_of)},
              {"started_at", FormatInstant(r.started_at)},
              {"finished_at", FormatInstant(r.finished_at)},
              {"scanned", r.scanned},
              {"due", r.due},
              {"reminders_queued", r.reminders_queued},
              {"reminders_unreachable", r.reminders_unreachable},
              {"orders_placed", r.orders_placed},
              {"waiting", r.waiting},
              {"members_told", r.members_told},
              {"already_requested", r.already_requested},
              {"already_done", r.already_done}};
}

// A pass for a day this far from today at most: enough to catch up a missed
// week or look ahead, not a typo's century.
constexpr int kMaxAsOfDistanceDays = 366;

}  // namespace

void Api::AddReminderRoutes() {
  RefillReminderService* reminders = deps_.refill_reminders;
  const auto service = [reminders]() -> Result<RefillReminderService*> {
    if (reminders == nullptr) return MakeError("not_found", "refill reminders are not available on this server");
    return reminders;
  };

  router_.Add({.method = "GET",
               .pattern = "/v1/prescriptions/{rx_number}/auto-refill",
               .rule = {.roles = kServingAndMember},
               .summary = "Whether the prescription is refilled automatically when due (members: their own)",
               .tag = "prescriptions",
               .response_schema = AutoRefillSchema()},
              Handler([service](RouteContext& ctx) -> Result<HttpResponse> {
                RXD_ASSIGN_OR_RETURN(RefillReminderService * svc, service());
                RXD_ASSIGN_OR_RETURN(RxNumber rx, RxNumber::Parse(ctx.Param(0), "rx_number"));
                RXD_ASSIGN_OR_RETURN(AutoRefillSetting s, svc->GetAutoRefill(CallerOf(ctx), rx.str()));
                return JsonResponse(200, AutoRefillJson(s));
              }));

  router_.Add({.method = "PUT",
               .pattern = "/v1/prescriptions/{rx_number}/auto-refill",
               .rule = {.roles = kServingAndMember},
               .summary = "Turn auto-refill on or off for a prescription (members: their own; agents: in a verified "
                          "contact)",
               .tag = "prescriptions",
               .request_schema = ObjectSchema({{"enabled", {{"type", "boolean"}}}}, {"enabled"}),
               .response_schema = AutoRefillSchema()},
              Handler([service](RouteContext& ctx) -> Result<HttpResponse> {
                RXD_ASSIGN_OR_RETURN(RefillReminderService * svc, service());
                RXD_ASSIGN_OR_RETURN(RxNumber rx, RxNumber::Parse(ctx.Param(0), "rx_number"));
                RXD_ASSIGN_OR_RETURN(JsonObject body, BodyOf(ctx));
                RXD_ASSIGN_OR_RETURN(bool enabled, body.RequiredBool("enabled"));
                RXD_TRY(body.NoOtherFields());
                RXD_ASSIGN_OR_RETURN(AutoRefillSetting s, svc->SetAutoRefill(CallerOf(ctx), rx.str(), enabled));
                return JsonResponse(200, AutoRefillJson(s));
              }));

  router_.Add({.method = "POST",
               .pattern = "/v1/jobs/refill-reminders/run",
               .rule = {.roles = {Role::kSupervisor, Role::kAdmin}},
               .summary = "Run one refill reminder and auto-refill pass now, for today or a given day (counts only)",
               .tag = "jobs",
               .request_schema = ObjectSchema({{"as_of", StringSchema("date")}}),
               .response_schema = ReportSchema()},
              Handler([this, service](RouteContext& ctx) -> Result<HttpResponse> {
                RXD_ASSIGN_OR_RETURN(RefillReminderService * svc, service());
                // No body at all means "today".
                RXD_ASSIGN_OR_RETURN(JsonObject body,
                                     JsonObject::Parse(ctx.request.body.empty() ? "{}" : ctx.request.body));
                RXD_ASSIGN_OR_RETURN(std::optional<std::string> as_of_text, body.OptionalString("as_of", 10));
                RXD_TRY(body.NoOtherFields());
                RefillReminderRunOptions options;
                options.request_id = ctx.request.request_id;
                if (as_of_text) {
                  RXD_ASSIGN_OR_RETURN(Date as_of, ParseDate(*as_of_text, "as_of"));
                  const Date today = deps_.zone.LocalDate(deps_.clock.Now());
                  if (as_of < today - Days{kMaxAsOfDistanceDays} || as_of > today + Days{kMaxAsOfDistanceDays}) {
                    return InvalidField("as_of", "must be within a year of today");
                  }
                  options.as_of = as_of;
                }
                RXD_ASSIGN_OR_RETURN(RefillReminderReport report, svc->RunPass(options));
                return JsonResponse(200, ReportJson(report));
              }));
}

}  // namespace rxdesk
