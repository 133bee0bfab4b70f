// Escalations and tickets (PRODUCT.md section 8): POST /v1/contacts/{id}/escalations
// (the contact's holder), GET /v1/tickets, GET /v1/tickets/{id},
// POST /v1/tickets/{id}/assign, POST /v1/tickets/{id}/status. Each role sees
// its own paths; supervisors see all paths, but summaries only of their own.
#include "api/api.h"
#include "api/openapi.h"
#include "api/response.h"

namespace rxdesk {
namespace {

const std::vector<Role> kWorkers = {Role::kSupervisor, Role::kPharmacist, Role::kPrivacyOfficer};

Json NullableString() { return {{"type", {"string", "null"}}}; }

Json TicketSchema() {
  return ObjectSchema(
      {{"id", StringSchema()},
       {"reference", StringSchema()},
       {"contact_id", StringSchema()},
       {"member_id", NullableString()},
       {"path", EnumSchema({"supervisor", "pharmacy_manager", "clinical_risk", "privacy_officer"})},
       {"reason", StringSchema()},
       {"summary",
        {{"type", {"string", "null"}}, {"description", "null where the caller oversees without working the path"}}},
       {"status", EnumSchema({"open", "in_progress", "resolved", "closed"})},
       {"owner_id", NullableString()},
       {"due_at", StringSchema("date-time")},
       {"breached", {{"type", "boolean"}}},
       {"created_by", StringSchema()},
       {"created_at", StringSchema("date-time")},
       {"updated_at", StringSchema("date-time")},
       {"closed_at", NullableString()},
       {"history", {{"type", "array"}}}});
}

Json TicketJson(const Ticket& t, bool detail) {
  Json j = {{"id", t.id},
            {"reference", t.reference},
            {"contact_id", t.contact_id},
            {"member_id", NullOr(t.member_id)},
            {"path", ToString(t.path)},
            {"reason", t.reason},
            {"status", ToString(t.status)},
            {"owner_id", NullOr(t.owner_id)},
            {"due_at", t.due_at},
            {"breached", t.breached},
            {"created_by", t.created_by},
            {"created_at", t.created_at},
            {"updated_at", t.updated_at},
            {"closed_at", NullOr(t.closed_at)}};
  if (detail) {
    j["summary"] = t.summary_withheld ? Json(nullptr) : Json(t.summary);
    Json history = Json::array();
    for (const TicketHistoryItem& h : t.history) {
      history.push_back({{"from_status", NullOr(h.from_status)},
                         {"to_status", h.to_status},
                         {"owner_id", NullOr(h.owner_id)},
                         {"at", h.at},
                         {"actor_id", h.actor_id}});
    }
    j["history"] = std::move(history);
  }
  return j;
}

Result<std::optional<bool>> BoolParam(const HttpRequest& request, std::string_view name) {
  const std::string* v = request.Query(name);
  if (!v) return std::optional<bool>();
  if (*v == "true") return std::optional<bool>(true);
  if (*v == "false") return std::optional<bool>(false);
  return InvalidField(std::string(name), "must be true or false");
}

}  // namespace

void Api::AddTicketRoutes() {
  if (deps_.tickets == nullptr) return;
  TicketService& tickets = *deps_.tickets;

  router_.Add(
      {.method = "POST",
       .pattern = "/v1/contacts/{id}/escalations",
       .rule = {.roles = {Role::kAgent, Role::kPharmacist, Role::kSupervisor}},
       .summary = "Escalate a contact: a ticket with its own reference and SLA; the member is told the reference",
       .tag = "tickets",
       .request_schema =
           ObjectSchema({{"path", EnumSchema({"supervisor", "pharmacy_manager", "clinical_risk", "privacy_officer"})},
                         {"reason", StringSchema("", 40)},
                         {"summary", StringSchema("", static_cast<int>(kMaxTicketSummaryBytes))}},
                        {"path", "reason", "summary"}),
       .response_schema = TicketSchema(),
       .success_status = 201,
       .idempotent_create = true},
      [this, &tickets](RouteContext& ctx) {
        return WithIdempotency(ctx, deps_, [&](const CommitHook<Json>& on_commit) -> Result<HttpResponse> {
          RXD_ASSIGN_OR_RETURN(JsonObject body, BodyOf(ctx));
          RXD_ASSIGN_OR_RETURN(std::string path, body.RequiredString("path", 40));
          EscalationInput input;
          RXD_ASSIGN_OR_RETURN(input.reason, body.RequiredString("reason", 40));
          RXD_ASSIGN_OR_RETURN(input.summary, body.RequiredString("summary", kMaxTicketSummaryBytes));
          RXD_TRY(body.NoOtherFields());
          RXD_ASSIGN_OR_RETURN(input.path, ParseEscalationPath(path, "path"));
          RXD_ASSIGN_OR_RETURN(
              Ticket t,
              tickets.Escalate(CallerOf(ctx), ctx.Param(0), input, [&](Connection& conn, const Ticket& created) {
                return on_commit ? on_commit(conn, TicketJson(created, true)) : OkStatus();
              }));
          return JsonResponse(201, TicketJson(t, true));
        });
      });

  router_.Add({.method = "GET",
               .pattern = "/v1/tickets",
               .rule = {.roles = kWorkers},
               .summary = "Tickets of the paths the caller sees, newest first; ?path=&status=&breached=",
               .tag = "tickets",
               .response_schema = ListSchema(TicketSchema())},
              Handler([&tickets](RouteContext& ctx) -> Result<HttpResponse> {
                TicketFilter filter;
                if (const std::string* p = ctx.request.Query("path")) {
                  RXD_ASSIGN_OR_RETURN(filter.path, ParseEscalationPath(*p, "path"));
                }
                if (const std::string* s = ctx.request.Query("status")) {
                  RXD_ASSIGN_OR_RETURN(filter.status, ParseTicketStatus(*s, "status"));
                }
                RXD_ASSIGN_OR_RETURN(filter.breached, BoolParam(ctx.request, "breached"));
                RXD_ASSIGN_OR_RETURN(auto page_params, PageParams(ctx.request));
                filter.limit = page_params.first;
                filter.cursor = page_params.second;
                RXD_ASSIGN_OR_RETURN(Page<Ticket> page, tickets.List(CallerOf(ctx), filter));
                return PageResponse(page, [](const Ticket& t) { return TicketJson(t, false); });
              }));

  router_.Add({.method = "GET",
               .pattern = "/v1/tickets/{id}",
               .rule = {.roles = kWorkers},
               .summary = "A ticket with its status history (the summary where the caller works the path)",
               .tag = "tickets",
               .response_schema = TicketSchema()},
              Handler([&tickets](RouteContext& ctx) -> Result<HttpResponse> {
                RXD_ASSIGN_OR_RETURN(Ticket t, tickets.Get(CallerOf(ctx), ctx.Param(0)));
                return JsonResponse(200, TicketJson(t, true));
              }));

  router_.Add({.method = "POST",
               .pattern = "/v1/tickets/{id}/assign",
               .rule = {.roles = kWorkers},
               .summary = "Give a ticket an owner of the path's role",
               .tag = "tickets",
               .request_schema = ObjectSchema({{"owner_id", StringSchema("", 26)}}, {"owner_id"}),
               .response_schema = TicketSchema()},
              Handler([&tickets](RouteContext& ctx) -> Result<HttpResponse> {
                RXD_ASSIGN_OR_RETURN(JsonObject body, BodyOf(ctx));
                RXD_ASSIGN_OR_RETURN(std::string owner, body.RequiredString("owner_id", 64));
                RXD_TRY(body.NoOtherFields());
                RXD_ASSIGN_OR_RETURN(Ticket t, tickets.Assign(CallerOf(ctx), ctx.Param(0), owner));
                return JsonResponse(200, TicketJson(t, true));
              }));

  router_.Add(
      {.method = "POST",
       .pattern = "/v1/tickets/{id}/status",
       .rule = {.roles = kWorkers},
       .summary = "Move a ticket on: open -> in_progress -> resolved -> closed",
       .tag = "tickets",
       .request_schema = ObjectSchema({{"status", EnumSchema({"in_progress", "resolved", "closed"})}}, {"status"}),
       .response_schema = TicketSchema()},
      Handler([&tickets](RouteContext& ctx) -> Result<HttpResponse> {
        RXD_ASSIGN_OR_RETURN(JsonObject body, BodyOf(ctx));
        RXD_ASSIGN_OR_RETURN(std::string status, body.RequiredString("status", 20));
        RXD_TRY(body.NoOtherFields());
        RXD_ASSIGN_OR_RETURN(TicketStatus to, ParseTicketStatus(status, "status"));
        RXD_ASSIGN_OR_RETURN(Ticket t, tickets.SetStatus(CallerOf(ctx), ctx.Param(0), to));
        return JsonResponse(200, TicketJson(t, true));
      }));
}

}  // namespace rxdesk
