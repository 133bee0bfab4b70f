// Orders on their way: the pharmacist's order queue, carrier tracking, and lost
// or damaged package claims (docs/pharmacy-services.md "Orders, shipments and
// lost or damaged packages").
#include "api/api.h"
#include "api/openapi.h"
#include "api/response.h"
#include "services/claim_service.h"
#include "services/shipment_service.h"

namespace rxdesk {
namespace {

const std::vector<Role> kServingAndMember = {Role::kMember, Role::kAgent, Role::kPharmacist, Role::kSupervisor};
const std::vector<Role> kPharmacyDesk = {Role::kPharmacist, Role::kSupervisor};

// The shortest reason a pharmacist may give for a denial: the member reads it.
constexpr std::size_t kMinDenialReasonLength = 10;

Json QueuedOrderJson(const QueuedOrder& o) {
  return Json{{"id", o.id},
              {"reference", o.reference},
              {"member_id", o.member_id},
              {"rx_number", o.rx_number},
              {"status", ToString(o.status)},
              {"speed", o.speed},
              {"ship_date", FormatDate(o.ship_date)},
              {"eta_latest", FormatDate(o.eta_latest)},
              {"replacement", o.replacement},
              {"created_at", o.created_at},
              {"age_s", o.age_s}};
}

Json TrackingJson(const OrderTracking& t) {
  Json scans = Json::array();
  for (const TrackingScan& s : t.report.scans) {
    scans.push_back({{"at", FormatInstant(s.at)},
                     {"status", ToString(s.status)},
                     {"description", s.description},
                     {"location", s.location}});
  }
  return Json{
      {"order_id", t.order_id},
      {"carrier", t.carrier},
      {"tracking_number", t.tracking_number},
      {"status", ToString(t.report.status)},
      {"delivered_at", t.report.delivered_at ? Json(FormatInstant(*t.report.delivered_at)) : Json(nullptr)},
      {"expected_delivery", t.report.expected_delivery ? Json(FormatDate(*t.report.expected_delivery)) : Json(nullptr)},
      {"scans", std::move(scans)},
      {"checked_at", FormatInstant(t.checked_at)}};
}

Json ClaimJson(const ClaimRecord& c) {
  Json decision = nullptr;
  if (!c.decided_at.empty()) {
    decision = {{"by", c.decided_by}, {"at", c.decided_at}, {"reason", NullOr(c.decision_reason)}};
  }
  return Json{{"id", c.id},
              {"order_id", c.order_id},
              {"order_reference", c.order_reference},
              {"member_id", c.member_id},
              {"kind", ToString(c.kind)},
              {"status", ToString(c.state)},
              {"controlled", c.controlled},
              {"needs_pharmacist_approval", c.controlled},
              {"return_required", c.return_required},
              {"replacement_fee_cents", 0},
              {"reported_on", FormatDate(c.reported_on)},
              {"window_closes_on", FormatDate(c.window_closes_on)},
              {"description", NullOr(c.description)},
              {"replacement_order_id", NullOr(c.replacement_order_id)},
              {"replacement_reference", NullOr(c.replacement_reference)},
              {"decision", std::move(decision)},
              {"created_at", c.created_at},
              {"updated_at", c.updated_at}};
}

Json ClaimSchema() {
  return ObjectSchema(
      {{"id", StringSchema()},
       {"order_id", StringSchema()},
       {"order_reference", StringSchema()},
       {"member_id", StringSchema()},
       {"kind", EnumSchema({"lost", "damaged"})},
       {"status", EnumSchema({"pending_approval", "approved", "denied"})},
       {"controlled", {{"type", "boolean"}}},
       {"needs_pharmacist_approval", {{"type", "boolean"}}},
       {"return_required", {{"type", "boolean"}}},
       {"replacement_fee_cents", IntegerSchema(0, 0)},
       {"reported_on", StringSchema("date")},
       {"window_closes_on", StringSchema("date")},
       {"description", StringSchema()},
       {"replacement_order_id", StringSchema()},
       {"replacement_reference", StringSchema()},
       {"decision",
        ObjectSchema({{"by", StringSchema()}, {"at", StringSchema("date-time")}, {"reason", StringSchema()}})}});
}

// ?status=a,b of the order queue; absent: the work still to do before shipping.
Result<std::vector<OrderStatus>> QueueStatuses(const HttpRequest& request) {
  const std::string* text = request.Query("status");
  if (!text) return std::vector<OrderStatus>{OrderStatus::kReceived, OrderStatus::kInReview, OrderStatus::kFilled};
  std::vector<OrderStatus> statuses;
  std::string_view rest = *text;
  while (true) {
    const std::size_t comma = rest.find(',');
    const std::string_view name = rest.substr(0, comma);
    const auto status = ParseOrderStatus(name);
    if (!status) return InvalidField("status", "must be received, in_review, filled or shipped (comma-separated)");
    statuses.push_back(*status);
    if (comma == std::string_view::npos) break;
    rest.remove_prefix(comma + 1);
  }
  return statuses;
}

}  // namespace

void Api::AddShipmentRoutes() {
  router_.Add({.method = "GET",
               .pattern = "/v1/orders",
               .rule = {.roles = kPharmacyDesk},
               .summary = "The pharmacists' work list: orders by status (?status=received,in_review,filled,shipped; "
                          "default the first three), oldest first, with their age",
               .tag = "orders",
               .response_schema = ListSchema(ObjectSchema({{"id", StringSchema()},
                                                           {"reference", StringSchema()},
                                                           {"member_id", StringSchema()},
                                                           {"rx_number", StringSchema()},
                                                           {"status", StringSchema()},
                                                           {"speed", StringSchema()},
                                                           {"ship_date", StringSchema("date")},
                                                           {"eta_latest", StringSchema("date")},
                                                           {"replacement", {{"type", "boolean"}}},
                                                           {"created_at", StringSchema("date-time")},
                                                           {"age_s", IntegerSchema(0, 1LL << 40)}}))},
              Handler([this](RouteContext& ctx) -> Result<HttpResponse> {
                if (!deps_.shipments) return MakeError("not_found", "order queue not configured");
                RXD_ASSIGN_OR_RETURN(std::vector<OrderStatus> statuses, QueueStatuses(ctx.request));
                RXD_ASSIGN_OR_RETURN(auto page_params, PageParams(ctx.request));
                RXD_ASSIGN_OR_RETURN(
                    Page<QueuedOrder> page,
                    deps_.shipments->Queue(CallerOf(ctx), statuses, page_params.first, page_params.second));
                return PageResponse(page, QueuedOrderJson);
              }));

  router_.Add({.method = "GET",
               .pattern = "/v1/orders/{id}/tracking",
               .rule = {.roles = kServingAndMember},
               .summary = "Where a shipped order is, from its carrier (members: their own; agents: in a verified "
                          "contact); 502 carrier_error, 503 carrier_unavailable",
               .tag = "orders",
               .response_schema = ObjectSchema(
                   {{"order_id", StringSchema()},
                    {"carrier", StringSchema()},
                    {"tracking_number", StringSchema()},
                    {"status", EnumSchema({"pre_transit", "in_transit", "out_for_delivery", "delivered", "exception"})},
                    {"delivered_at", StringSchema("date-time")},
                    {"expected_delivery", StringSchema("date")},
                    {"scans", {{"type", "array"}}},
                    {"checked_at", StringSchema("date-time")}})},
              Handler([this](RouteContext& ctx) -> Result<HttpResponse> {
                if (!deps_.shipments) return MakeError("not_found", "tracking not configured");
                RXD_ASSIGN_OR_RETURN(OrderTracking t, deps_.shipments->Track(CallerOf(ctx), ctx.Param(0)));
                return JsonResponse(200, TrackingJson(t));
              }));

  router_.Add(
      {.method = "POST",
       .pattern = "/v1/orders/{id}/claims",
       .rule = {.roles = kServingAndMember},
       .summary = "Report a shipped order lost or damaged (members: their own; agents: in a verified "
                  "contact); an accepted claim gets a free replacement order",
       .tag = "claims",
       .request_schema = ObjectSchema(
           {{"kind", EnumSchema({"lost", "damaged"})}, {"description", StringSchema("", kMaxClaimDescriptionLength)}},
           {"kind"}),
       .response_schema = ClaimSchema(),
       .success_status = 201,
       .idempotent_create = true},
      [this](RouteContext& ctx) {
        return WithIdempotency(ctx, deps_, [&](const CommitHook<Json>& on_commit) -> Result<HttpResponse> {
          if (!deps_.claims) return MakeError("not_found", "claims not configured");
          RXD_ASSIGN_OR_RETURN(JsonObject body, BodyOf(ctx));
          RXD_ASSIGN_OR_RETURN(std::string kind, body.RequiredString("kind", 16));
          const auto parsed = ParseClaimKind(kind);
          if (!parsed) return InvalidField("kind", "must be lost or damaged");
          NewClaim claim{.kind = *parsed};
          RXD_ASSIGN_OR_RETURN(claim.description, body.OptionalString("description", kMaxClaimDescriptionLength));
          RXD_TRY(body.NoOtherFields());
          RXD_ASSIGN_OR_RETURN(
              ClaimRecord c,
              deps_.claims->Report(CallerOf(ctx), ctx.Param(0), claim, [&](Connection& conn, const ClaimRecord& r) {
                return on_commit ? on_commit(conn, ClaimJson(r)) : OkStatus();
              }));
          return JsonResponse(201, ClaimJson(c));
        });
      });

  router_.Add({.method = "GET",
               .pattern = "/v1/claims/{id}",
               .rule = {.roles = kServingAndMember},
               .summary = "A lost or damaged package claim (members: their own; agents: in a verified contact)",
               .tag = "claims",
               .response_schema = ClaimSchema()},
              Handler([this](RouteContext& ctx) -> Result<HttpResponse> {
                if (!deps_.claims) return MakeError("not_found", "claims not configured");
                RXD_ASSIGN_OR_RETURN(ClaimRecord c, deps_.claims->Get(CallerOf(ctx), ctx.Param(0)));
                return JsonResponse(200, ClaimJson(c));
              }));

  router_.Add({.method = "GET",
               .pattern = "/v1/members/{id}/claims",
               .rule = {.roles = kServingAndMember},
               .summary = "A member's lost or damaged package claims, newest first",
               .tag = "claims",
               .response_schema = ListSchema(ClaimSchema())},
              Handler([this](RouteContext& ctx) -> Result<HttpResponse> {
                if (!deps_.claims) return MakeError("not_found", "claims not configured");
                RXD_ASSIGN_OR_RETURN(auto page_params, PageParams(ctx.request));
                RXD_ASSIGN_OR_RETURN(
                    Page<ClaimRecord> page,
                    deps_.claims->ListForMember(CallerOf(ctx), ctx.Param(0), page_params.first, page_params.second));
                return PageResponse(page, ClaimJson);
              }));

  router_.Add({.method = "GET",
               .pattern = "/v1/claims",
               .rule = {.roles = kPharmacyDesk},
               .summary = "Claims by status (?status=, default pending_approval), oldest first: the pharmacists' queue",
               .tag = "claims",
               .response_schema = ListSchema(ClaimSchema())},
              Handler([this](RouteContext& ctx) -> Result<HttpResponse> {
                if (!deps_.claims) return MakeError("not_found", "claims not configured");
                ClaimState state = ClaimState::kPendingApproval;
                if (const std::string* s = ctx.request.Query("status")) {
                  const auto parsed = ParseClaimState(*s);
                  if (!parsed) return InvalidField("status", "must be pending_approval, approved or denied");
                  state = *parsed;
                }
                RXD_ASSIGN_OR_RETURN(auto page_params, PageParams(ctx.request));
                RXD_ASSIGN_OR_RETURN(Page<ClaimRecord> page,
                                     deps_.claims->Queue(CallerOf(ctx), state, page_params.first, page_params.second));
                return PageResponse(page, ClaimJson);
              }));

  router_.Add({.method = "POST",
               .pattern = "/v1/claims/{id}/decision",
               .rule = {.roles = {Role::kPharmacist}},
               .summary = "Approve (the free replacement order is placed) or deny (with a reason the member reads) a "
                          "claim pending a pharmacist's approval",
               .tag = "claims",
               .request_schema = ObjectSchema(
                   {{"decision", EnumSchema({"approve", "deny"})}, {"reason", StringSchema("", kMaxClaimReasonLength)}},
                   {"decision"}),
               .response_schema = ClaimSchema()},
              Handler([this](RouteContext& ctx) -> Result<HttpResponse> {
                if (!deps_.claims) return MakeError("not_found", "claims not configured");
                RXD_ASSIGN_OR_RETURN(JsonObject body, BodyOf(ctx));
                RXD_ASSIGN_OR_RETURN(std::string decision, body.RequiredString("decision", 16));
                if (decision != "approve" && decision != "deny") {
                  return InvalidField("decision", "must be approve or deny");
                }
                ClaimDecisionInput in{.approve = decision == "approve"};
                RXD_ASSIGN_OR_RETURN(in.reason, body.OptionalString("reason", kMaxClaimReasonLength));
                RXD_TRY(body.NoOtherFields());
                if (in.approve && in.reason) return InvalidField("reason", "is only given with a denial");
                if (!in.approve && (!in.reason || in.reason->size() < kMinDenialReasonLength)) {
                  return InvalidField("reason", "must explain the denial in at least 10 characters");
                }
                RXD_ASSIGN_OR_RETURN(ClaimRecord c, deps_.claims->Decide(CallerOf(ctx), ctx.Param(0), in));
                return JsonResponse(200, ClaimJson(c));
              }));
}

}  // namespace rxdesk
