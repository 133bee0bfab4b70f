// 90-day mail-order switches and renewal requests: requests the pharmacy tracks to
// the prescriber's answer (services/prescriber_requests.h).
#include "api/api.h"
#include "api/openapi.h"
#include "api/response.h"
#include "domain/rx_number.h"
#include "services/prescriber_requests.h"

namespace rxdesk {
namespace {

const std::vector<Role> kServingAndMember = {Role::kMember, Role::kAgent, Role::kPharmacist, Role::kSupervisor};
const std::vector<Role> kQueueRoles = {Role::kPharmacist, Role::kSupervisor};

Json RequestJson(const PrescriberRequestRecord& r) {
  return Json{{"id", r.id},
              {"reference", r.reference},
              {"member_id", r.member_id},
              {"rx_number", r.rx_number},
              {"status", r.status},
              {"new_rx_number", NullOr(r.new_rx_number)},
              {"reason", NullOr(r.reason)},
              {"created_at", r.created_at},
              {"sent_at", NullOr(r.sent_at)},
              {"answered_at", NullOr(r.answered_at)},
              {"updated_at", r.updated_at}};
}

Json RequestSchema(std::vector<std::string> statuses) {
  return ObjectSchema({{"id", StringSchema()},
                       {"reference", StringSchema()},
                       {"member_id", StringSchema()},
                       {"rx_number", StringSchema()},
                       {"status", EnumSchema(std::move(statuses))},
                       {"new_rx_number", StringSchema()},
                       {"reason", StringSchema()},
                       {"created_at", StringSchema("date-time")},
                       {"sent_at", StringSchema("date-time")},
                       {"answered_at", StringSchema("date-time")},
                       {"updated_at", StringSchema("date-time")}});
}

Json EventSchema(std::vector<std::string> types) {
  return ObjectSchema({{"type", EnumSchema(std::move(types))},
                       {"refills_authorized", IntegerSchema(0, 99)},
                       {"quantity", {{"type", {"number", "string"}}}},
                       {"reason", StringSchema("", 500)}},
                      {"type"});
}

// {"type", "refills_authorized"?, "quantity"?, "reason"?}: shapes only; the service
// checks which fields the type takes.
Result<PrescriberRequestEvent> ReadEvent(const RouteContext& ctx) {
  RXD_ASSIGN_OR_RETURN(JsonObject body, BodyOf(ctx));
  PrescriberRequestEvent event;
  RXD_ASSIGN_OR_RETURN(event.type, body.RequiredString("type", 32));
  RXD_ASSIGN_OR_RETURN(std::optional<std::int64_t> refills, body.OptionalInt("refills_authorized", 0, 99));
  if (refills) event.refills_authorized = static_cast<int>(*refills);
  if (body.Has("quantity")) {
    const Json& q = body.json()["quantity"];
    body.MarkRead("quantity");
    if (q.is_number()) {
      RXD_ASSIGN_OR_RETURN(event.quantity, ParseQuantity(q.dump()));
    } else if (q.is_string()) {
      RXD_ASSIGN_OR_RETURN(event.quantity, ParseQuantity(q.get<std::string>()));
    } else {
      return InvalidField("quantity", "must be a number such as 90 or 7.5");
    }
  }
  RXD_ASSIGN_OR_RETURN(event.reason, body.OptionalString("reason", 500));
  if (event.reason && !IsCleanText(*event.reason)) return InvalidField("reason", "must be printable text");
  RXD_TRY(body.NoOtherFields());
  return event;
}

Result<std::optional<std::string>> StatusParam(const HttpRequest& request) {
  const std::string* status = request.Query("status");
  if (status == nullptr) return std::optional<std::string>();
  if (status->size() > 32) return InvalidField("status", "is not a status");
  return std::optional<std::string>(*status);
}

}  // namespace

void Api::AddPrescriberRequestRoutes() {
  if (deps_.prescriber_requests == nullptr) return;
  PrescriberRequestService& requests = *deps_.prescriber_requests;
  constexpr auto kSwitch = PrescriberRequestKind::kMailOrderSwitch;
  constexpr auto kRenewal = PrescriberRequestKind::kRenewal;
  const std::vector<std::string> switch_statuses = {"requested", "sent_to_prescriber", "approved", "denied",
                                                    "cancelled"};
  const std::vector<std::string> renewal_statuses = {"requested", "sent", "approved", "denied", "cancelled"};

  // ------------------------------------------------------------ mail-order switches
  router_.Add({.method = "POST",
               .pattern = "/v1/mail-order-switches",
               .rule = {.roles = kServingAndMember},
               .summary = "Ask to switch a maintenance drug's 30-day retail prescription to 90-day mail order "
                          "(members: their own Rx; agents: in a verified contact)",
               .tag = "mail-order-switches",
               .request_schema = ObjectSchema({{"rx_number", StringSchema("", 16)}}, {"rx_number"}),
               .response_schema = RequestSchema(switch_statuses),
               .success_status = 201,
               .idempotent_create = true},
              [this, &requests](RouteContext& ctx) {
                return WithIdempotency(ctx, deps_, [&](const CommitHook<Json>& on_commit) -> Result<HttpResponse> {
                  RXD_ASSIGN_OR_RETURN(JsonObject body, BodyOf(ctx));
                  RXD_ASSIGN_OR_RETURN(std::string rx_text, body.RequiredString("rx_number", 16));
                  RXD_TRY(body.NoOtherFields());
                  RXD_ASSIGN_OR_RETURN(RxNumber rx, RxNumber::Parse(rx_text, "rx_number"));
                  RXD_ASSIGN_OR_RETURN(PrescriberRequestRecord r,
                                       requests.Create(CallerOf(ctx), kSwitch, rx.str(),
                                                       [&](Connection& c, const PrescriberRequestRecord& rec) {
                                                         return on_commit ? on_commit(c, RequestJson(rec)) : OkStatus();
                                                       }));
                  return JsonResponse(201, RequestJson(r));
                });
              });

  router_.Add({.method = "GET",
               .pattern = "/v1/mail-order-switches",
               .rule = {.roles = kQueueRoles},
               .summary = "The pharmacist's queue of switch requests, oldest first (?status=, default the open ones)",
               .tag = "mail-order-switches",
               .response_schema = ListSchema(RequestSchema(switch_statuses))},
              Handler([&requests](RouteContext& ctx) -> Result<HttpResponse> {
                RXD_ASSIGN_OR_RETURN(auto page_params, PageParams(ctx.request));
                RXD_ASSIGN_OR_RETURN(std::optional<std::string> status, StatusParam(ctx.request));
                RXD_ASSIGN_OR_RETURN(
                    Page<PrescriberRequestRecord> page,
                    requests.Queue(CallerOf(ctx), kSwitch, status, page_params.first, page_params.second));
                return PageResponse(page, [](const auto& r) { return RequestJson(r); });
              }));

  router_.Add({.method = "GET",
               .pattern = "/v1/mail-order-switches/{id}",
               .rule = {.roles = kServingAndMember},
               .summary = "A switch request",
               .tag = "mail-order-switches",
               .response_schema = RequestSchema(switch_statuses)},
              Handler([&requests](RouteContext& ctx) -> Result<HttpResponse> {
                RXD_ASSIGN_OR_RETURN(PrescriberRequestRecord r, requests.Get(CallerOf(ctx), kSwitch, ctx.Param(0)));
                return JsonResponse(200, RequestJson(r));
              }));

  router_.Add({.method = "GET",
               .pattern = "/v1/members/{id}/mail-order-switches",
               .rule = {.roles = kServingAndMember},
               .summary = "A member's switch requests, newest first (members: their own)",
               .tag = "mail-order-switches",
               .response_schema = ListSchema(RequestSchema(switch_statuses))},
              Handler([&requests](RouteContext& ctx) -> Result<HttpResponse> {
                RXD_ASSIGN_OR_RETURN(auto page_params, PageParams(ctx.request));
                RXD_ASSIGN_OR_RETURN(Page<PrescriberRequestRecord> page,
                                     requests.ListForMember(CallerOf(ctx), kSwitch, ctx.Param(0), page_params.first,
                                                            page_params.second));
                return PageResponse(page, [](const auto& r) { return RequestJson(r); });
              }));

  router_.Add({.method = "POST",
               .pattern = "/v1/mail-order-switches/{id}/events",
               .rule = {.roles = kServingAndMember},
               .summary = "Move a switch request: sent_to_prescriber, approved (creates the 90-day Rx), denied "
                          "(pharmacist); cancelled (anyone who may ask, until the prescriber answers)",
               .tag = "mail-order-switches",
               .request_schema = EventSchema({"sent_to_prescriber", "approved", "denied", "cancelled"}),
               .response_schema = RequestSchema(switch_statuses)},
              Handler([&requests](RouteContext& ctx) -> Result<HttpResponse> {
                RXD_ASSIGN_OR_RETURN(PrescriberRequestEvent event, ReadEvent(ctx));
                RXD_ASSIGN_OR_RETURN(PrescriberRequestRecord r,
                                     requests.Apply(CallerOf(ctx), kSwitch, ctx.Param(0), event));
                return JsonResponse(200, RequestJson(r));
              }));

  // ------------------------------------------------------------ renewal requests
  router_.Add({.method = "POST",
               .pattern = "/v1/prescriptions/{rx_number}/renewal-requests",
               .rule = {.roles = kServingAndMember},
               .summary = "Ask the prescriber to renew a prescription with no refills left (members: their own Rx; "
                          "agents: in a verified contact)",
               .tag = "renewal-requests",
               .request_schema = ObjectSchema(Json::object()),
               .response_schema = RequestSchema(renewal_statuses),
               .success_status = 201,
               .idempotent_create = true},
              [this, &requests](RouteContext& ctx) {
                return WithIdempotency(ctx, deps_, [&](const CommitHook<Json>& on_commit) -> Result<HttpResponse> {
                  // The body is optional: nothing, or an empty object.
                  if (!ctx.request.body.empty()) {
                    RXD_ASSIGN_OR_RETURN(JsonObject body, BodyOf(ctx));
                    RXD_TRY(body.NoOtherFields());
                  }
                  RXD_ASSIGN_OR_RETURN(RxNumber rx, RxNumber::Parse(ctx.Param(0), "rx_number"));
                  RXD_ASSIGN_OR_RETURN(PrescriberRequestRecord r,
                                       requests.Create(CallerOf(ctx), kRenewal, rx.str(),
                                                       [&](Connection& c, const PrescriberRequestRecord& rec) {
                                                         return on_commit ? on_commit(c, RequestJson(rec)) : OkStatus();
                                                       }));
                  return JsonResponse(201, RequestJson(r));
                });
              });

  router_.Add({.method = "GET",
               .pattern = "/v1/renewal-requests",
               .rule = {.roles = kQueueRoles},
               .summary = "The pharmacist's queue of renewal requests, oldest first (?status=, default the open ones)",
               .tag = "renewal-requests",
               .response_schema = ListSchema(RequestSchema(renewal_statuses))},
              Handler([&requests](RouteContext& ctx) -> Result<HttpResponse> {
                RXD_ASSIGN_OR_RETURN(auto page_params, PageParams(ctx.request));
                RXD_ASSIGN_OR_RETURN(std::optional<std::string> status, StatusParam(ctx.request));
                RXD_ASSIGN_OR_RETURN(
                    Page<PrescriberRequestRecord> page,
                    requests.Queue(CallerOf(ctx), kRenewal, status, page_params.first, page_params.second));
                return PageResponse(page, [](const auto& r) { return RequestJson(r); });
              }));

  router_.Add({.method = "GET",
               .pattern = "/v1/renewal-requests/{id}",
               .rule = {.roles = kServingAndMember},
               .summary = "A renewal request",
               .tag = "renewal-requests",
               .response_schema = RequestSchema(renewal_statuses)},
              Handler([&requests](RouteContext& ctx) -> Result<HttpResponse> {
                RXD_ASSIGN_OR_RETURN(PrescriberRequestRecord r, requests.Get(CallerOf(ctx), kRenewal, ctx.Param(0)));
                return JsonResponse(200, RequestJson(r));
              }));

  router_.Add({.method = "GET",
               .pattern = "/v1/members/{id}/renewal-requests",
               .rule = {.roles = kServingAndMember},
               .summary = "A member's renewal requests, newest first (members: their own)",
               .tag = "renewal-requests",
               .response_schema = ListSchema(RequestSchema(renewal_statuses))},
              Handler([&requests](RouteContext& ctx) -> Result<HttpResponse> {
                RXD_ASSIGN_OR_RETURN(auto page_params, PageParams(ctx.request));
                RXD_ASSIGN_OR_RETURN(Page<PrescriberRequestRecord> page,
                                     requests.ListForMember(CallerOf(ctx), kRenewal, ctx.Param(0), page_params.first,
                                                            page_params.second));
                return PageResponse(page, [](const auto& r) { return RequestJson(r); });
              }));

  router_.Add({.method = "POST",
               .pattern = "/v1/renewal-requests/{id}/events",
               .rule = {.roles = kServingAndMember},
               .summary = "Move a renewal request: sent, approved (creates the new Rx), denied (pharmacist); "
                          "cancelled (anyone who may ask, until the prescriber answers)",
               .tag = "renewal-requests",
               .request_schema = EventSchema({"sent", "approved", "denied", "cancelled"}),
               .response_schema = RequestSchema(renewal_statuses)},
              Handler([&requests](RouteContext& ctx) -> Result<HttpResponse> {
                RXD_ASSIGN_OR_RETURN(PrescriberRequestEvent event, ReadEvent(ctx));
                RXD_ASSIGN_OR_RETURN(PrescriberRequestRecord r,
                                     requests.Apply(CallerOf(ctx), kRenewal, ctx.Param(0), event));
                return JsonResponse(200, RequestJson(r));
              }));
}

}  // namespace rxdesk
