// Prescriptions, fills, refill eligibility, refills, orders and their events.
#include "api/api.h"
#include "api/openapi.h"
#include "api/response.h"
#include "domain/rx_number.h"

namespace rxdesk {
namespace {

const std::vector<Role> kServing = {Role::kAgent, Role::kPharmacist, Role::kSupervisor};
const std::vector<Role> kServingAndMember = {Role::kMember, Role::kAgent, Role::kPharmacist, Role::kSupervisor};

Json PrescriptionJson(const PrescriptionRecord& p) {
  Json prescriber = {{"npi", p.rx.prescriber.npi}, {"name", p.rx.prescriber.name}};
  if (!p.rx.prescriber.dea.empty()) prescriber["dea"] = p.rx.prescriber.dea;
  return Json{
      {"rx_number", p.rx_number},
      {"member_id", p.member_id},
      {"drug",
       {{"ndc", p.rx.drug.ndc}, {"name", p.rx.drug.name}, {"strength", p.rx.drug.strength}, {"form", p.rx.drug.form}}},
      {"schedule", ToString(p.rx.schedule)},
      {"quantity", FormatQuantity(p.rx.quantity)},
      {"days_supply", p.rx.days_supply},
      {"refills_authorized", p.rx.refills_authorized},
      {"refills_remaining", p.rx.refills_remaining},
      {"written_date", FormatDate(p.rx.written_date)},
      {"prescriber", prescriber},
      {"daw", static_cast<int>(p.rx.daw)},
      {"status", ToString(p.rx.status)},
      {"created_at", p.created_at},
      {"updated_at", p.updated_at}};
}

Json FillJson(const FillRecord& f) {
  return Json{{"id", f.id},
              {"rx_number", f.rx_number},
              {"fill_date", FormatDate(f.fill_date)},
              {"quantity", FormatQuantity(f.quantity)},
              {"days_supply", f.days_supply},
              {"is_refill", f.is_refill},
              {"overridden", f.overridden},
              {"created_at", f.created_at}};
}

Json OrderJson(const OrderRecord& o) {
  Json j = {{"id", o.id},
            {"reference", o.reference},
            {"member_id", o.member_id},
            {"rx_number", o.rx_number},
            {"status", ToString(o.status)},
            {"speed", ToString(o.speed)},
            {"ship_date", FormatDate(o.ship_date)},
            {"eta", {{"earliest", FormatDate(o.eta_earliest)}, {"latest", FormatDate(o.eta_latest)}}},
            {"fee_cents", o.fee.value()},
            {"created_at", o.created_at},
            {"updated_at", o.updated_at}};
  j["carrier"] = o.carrier.empty() ? Json(nullptr) : Json(o.carrier);
  j["tracking_number"] = o.tracking_number.empty() ? Json(nullptr) : Json(o.tracking_number);
  return j;
}

// The contract's short form of a new refill order (API.md).
Json RefillJson(const OrderRecord& o) {
  return Json{{"order_id", o.id},
              {"reference", o.reference},
              {"status", ToString(o.status)},
              {"ship_date", FormatDate(o.ship_date)},
              {"fee_cents", o.fee.value()},
              {"eta", {{"earliest", FormatDate(o.eta_earliest)}, {"latest", FormatDate(o.eta_latest)}}}};
}

Json PrescriptionSchema() {
  return ObjectSchema(
      {{"rx_number", StringSchema()},
       {"member_id", StringSchema()},
       {"drug", ObjectSchema({{"ndc", StringSchema()},
                              {"name", StringSchema()},
                              {"strength", StringSchema()},
                              {"form", StringSchema()}})},
       {"schedule", EnumSchema({"none", "II", "III", "IV", "V"})},
       {"quantity", StringSchema()},
       {"days_supply", IntegerSchema(1, 365)},
       {"refills_authorized", IntegerSchema(0, 99)},
       {"refills_remaining", IntegerSchema(0, 99)},
       {"written_date", StringSchema("date")},
       {"prescriber", ObjectSchema({{"npi", StringSchema()}, {"name", StringSchema()}, {"dea", StringSchema()}})},
       {"daw", IntegerSchema(0, 9)},
       {"status", EnumSchema({"active", "on_hold", "expired", "transferred_out", "cancelled"})}});
}

Json EtaSchema() { return ObjectSchema({{"earliest", StringSchema("date")}, {"latest", StringSchema("date")}}); }

Json OrderSchema() {
  return ObjectSchema(
      {{"id", StringSchema()},
       {"reference", StringSchema()},
       {"member_id", StringSchema()},
       {"rx_number", StringSchema()},
       {"status", EnumSchema({"received", "in_review", "filled", "shipped", "delivered", "cancelled", "returned"})},
       {"speed", EnumSchema({"standard", "expedited", "specialty"})},
       {"ship_date", StringSchema("date")},
       {"eta", EtaSchema()},
       {"fee_cents", IntegerSchema(0, 100000)},
       {"carrier", StringSchema()},
       {"tracking_number", StringSchema()}});
}

// Reads a quantity given as a JSON number or a decimal string ("30", "2.5").
Result<Quantity> ReadQuantity(const Json& value) {
  if (value.is_number()) return ParseQuantity(value.dump());
  if (value.is_string()) return ParseQuantity(value.get<std::string>());
  return InvalidField("quantity", "must be a number such as 30 or 2.5");
}

}  // namespace

Result<std::pair<int, std::string>> PageParams(const HttpRequest& request) {
  int limit = 50;
  if (const std::string* l = request.Query("limit")) {
    try {
      std::size_t used = 0;
      limit = std::stoi(*l, &used);
      if (used != l->size()) limit = -1;
    } catch (...) {
      limit = -1;
    }
    if (limit < 1 || limit > 500) return InvalidField("limit", "must be an integer from 1 to 500");
  }
  const std::string* c = request.Query("cursor");
  if (c && c->size() > 64) return InvalidField("cursor", "is not a cursor this API gave out");
  return std::make_pair(limit, c ? *c : std::string());
}

void Api::AddPrescriptionRoutes() {
  PrescriptionService& rxs = deps_.pharmacy.prescriptions;

  router_.Add({.method = "POST",
               .pattern = "/v1/members/{id}/prescriptions",
               .rule = {.roles = {Role::kPharmacist}},
               .summary = "Enter a new prescription (law: no Schedule II refills, III–IV at most 5)",
               .tag = "prescriptions",
               .request_schema = ObjectSchema(
                   PrescriptionFieldsSchemaProperties(),
                   {"drug", "schedule", "quantity", "days_supply", "refills_authorized", "written_date", "prescriber"}),
               .response_schema = PrescriptionSchema(),
               .success_status = 201,
               .idempotent_create = true},
              [this, &rxs](RouteContext& ctx) {
                return WithIdempotency(
                    ctx, deps_, [&](const CommitHook<Json>& on_commit) -> Result<HttpResponse> {
                      RXD_ASSIGN_OR_RETURN(JsonObject body, BodyOf(ctx));
                      NewPrescriptionInput in;
                      RXD_ASSIGN_OR_RETURN(JsonObject drug, body.RequiredObject("drug"));
                      RXD_ASSIGN_OR_RETURN(std::string ndc, drug.RequiredString("ndc", 13));
                      RXD_ASSIGN_OR_RETURN(std::string name, drug.RequiredString("name", 200));
                      RXD_ASSIGN_OR_RETURN(std::optional<std::string> strength, drug.OptionalString("strength", 60));
                      RXD_ASSIGN_OR_RETURN(std::optional<std::string> form, drug.OptionalString("form", 60));
                      RXD_TRY(drug.NoOtherFields());
                      RXD_ASSIGN_OR_RETURN(std::string schedule, body.RequiredString("schedule", 8));
                      if (!body.json().contains("quantity")) return InvalidField("quantity", "is required");
                      RXD_ASSIGN_OR_RETURN(Quantity quantity, ReadQuantity(body.json()["quantity"]));
                      body.MarkRead("quantity");
                      const std::string quantity_text = FormatQuantity(quantity);
                      RXD_ASSIGN_OR_RETURN(in.days_supply, body.RequiredInt("days_supply", -1000000, 1000000));
                      RXD_ASSIGN_OR_RETURN(in.refills_authorized, body.RequiredInt("refills_authorized", -1000, 1000));
                      RXD_ASSIGN_OR_RETURN(std::string written, body.RequiredString("written_date", 10));
                      RXD_ASSIGN_OR_RETURN(JsonObject prescriber, body.RequiredObject("prescriber"));
                      RXD_ASSIGN_OR_RETURN(std::string npi, prescriber.RequiredString("npi", 10));
                      RXD_ASSIGN_OR_RETURN(std::string pname, prescriber.RequiredString("name", 200));
                      RXD_ASSIGN_OR_RETURN(std::optional<std::string> dea, prescriber.OptionalString("dea", 9));
                      RXD_TRY(prescriber.NoOtherFields());
                      RXD_ASSIGN_OR_RETURN(std::optional<std::int64_t> daw, body.OptionalInt("daw", -100, 100));
                      RXD_TRY(body.NoOtherFields());
                      const std::string strength_v = strength.value_or(""), form_v = form.value_or(""),
                                        dea_v = dea.value_or("");
                      in.drug = {ndc, name, strength_v, form_v};
                      in.schedule = schedule;
                      in.quantity = quantity_text;
                      in.written_date = written;
                      in.prescriber = {npi, pname, dea_v};
                      in.daw = daw.value_or(0);
                      RXD_ASSIGN_OR_RETURN(
                          PrescriptionRecord rec,
                          rxs.Create(CallerOf(ctx), ctx.Param(0), in, [&](Connection& c, const PrescriptionRecord& r) {
                            return on_commit ? on_commit(c, PrescriptionJson(r)) : OkStatus();
                          }));
                      return JsonResponse(201, PrescriptionJson(rec));
                    });
              });

  router_.Add(
      {.method = "GET",
       .pattern = "/v1/members/{id}/prescriptions",
       .rule = {.roles = kServingAndMember},
       .summary = "A member's prescriptions (members: their own)",
       .tag = "prescriptions",
       .response_schema = ListSchema(PrescriptionSchema()),
       .never_waits = true},
      Handler([&rxs](RouteContext& ctx) -> Result<HttpResponse> {
        RXD_ASSIGN_OR_RETURN(auto page_params, PageParams(ctx.request));
        RXD_ASSIGN_OR_RETURN(Page<PrescriptionRecord> page,
                             rxs.ListForMember(CallerOf(ctx), ctx.Param(0), page_params.first, page_params.second));
        return PageResponse(page, [&](const auto& p) { return PrescriptionJson(p); });
      }));

  router_.Add({.method = "GET",
               .pattern = "/v1/prescriptions/{rx_number}",
               .rule = {.roles = kServingAndMember},
               .summary = "A prescription",
               .tag = "prescriptions",
               .response_schema = PrescriptionSchema(),
               .never_waits = true},
              Handler([&rxs](RouteContext& ctx) -> Result<HttpResponse> {
                RXD_ASSIGN_OR_RETURN(PrescriptionRecord p, rxs.Get(CallerOf(ctx), ctx.Param(0)));
                return JsonResponse(200, PrescriptionJson(p));
              }));

  router_.Add({.method = "POST",
               .pattern = "/v1/prescriptions/{rx_number}/fills",
               .rule = {.roles = {Role::kPharmacist}},
               .summary = "Record a dispensed fill (also a historical one); refused with the eligibility code unless "
                          "override_reason is given",
               .tag = "prescriptions",
               .request_schema = ObjectSchema({{"fill_date", StringSchema("date")},
                                               {"quantity", {{"type", {"number", "string"}}}},
                                               {"days_supply", IntegerSchema(1, 365)},
                                               {"override_reason", StringSchema("", 500)}},
                                              {"fill_date", "quantity", "days_supply"}),
               .success_status = 201,
               .idempotent_create = true},
              [this, &rxs](RouteContext& ctx) {
                return WithIdempotency(
                    ctx, deps_, [&](const CommitHook<Json>& on_commit) -> Result<HttpResponse> {
                      RXD_ASSIGN_OR_RETURN(JsonObject body, BodyOf(ctx));
                      FillInput in;
                      RXD_ASSIGN_OR_RETURN(std::string date, body.RequiredString("fill_date", 10));
                      RXD_ASSIGN_OR_RETURN(in.fill_date, ParseDate(date, "fill_date"));
                      if (!body.json().contains("quantity")) return InvalidField("quantity", "is required");
                      RXD_ASSIGN_OR_RETURN(in.quantity, ReadQuantity(body.json()["quantity"]));
                      body.MarkRead("quantity");
                      RXD_ASSIGN_OR_RETURN(std::int64_t days, body.RequiredInt("days_supply", 1, 365));
                      in.days_supply = static_cast<int>(days);
                      RXD_ASSIGN_OR_RETURN(in.override_reason, body.OptionalString("override_reason", 500));
                      if (in.override_reason && in.override_reason->size() < 10) {
                        return InvalidField("override_reason", "must explain the override in at least 10 characters");
                      }
                      RXD_TRY(body.NoOtherFields());
                      RXD_ASSIGN_OR_RETURN(
                          FillResult r,
                          rxs.RecordFill(CallerOf(ctx), ctx.Param(0), in, [&](Connection& c, const FillResult& fr) {
                            Json j = FillJson(fr.fill);
                            j["refills_remaining"] = fr.refills_remaining;
                            return on_commit ? on_commit(c, j) : OkStatus();
                          }));
                      Json j = FillJson(r.fill);
                      j["refills_remaining"] = r.refills_remaining;
                      return JsonResponse(201, j);
                    });
              });

  router_.Add({.method = "GET",
               .pattern = "/v1/prescriptions/{rx_number}/fills",
               .rule = {.roles = kServingAndMember},
               .summary = "The fills of a prescription",
               .tag = "prescriptions",
               .never_waits = true},
              Handler([&rxs](RouteContext& ctx) -> Result<HttpResponse> {
                RXD_ASSIGN_OR_RETURN(std::vector<FillRecord> fills, rxs.Fills(CallerOf(ctx), ctx.Param(0)));
                Json items = Json::array();
                for (const auto& f : fills) items.push_back(FillJson(f));
                return JsonResponse(200, Json{{"items", items}, {"next_cursor", nullptr}});
              }));

  router_.Add({.method = "GET",
               .pattern = "/v1/prescriptions/{rx_number}/refill-eligibility",
               .rule = {.roles = kServingAndMember},
               .summary = "Whether a refill may be requested today, and if not why and when",
               .tag = "prescriptions",
               .response_schema = ObjectSchema({{"eligible", {{"type", "boolean"}}},
                                                {"reason", StringSchema()},
                                                {"next_eligible_date", StringSchema("date")},
                                                {"refills_remaining", IntegerSchema(0, 99)}}),
               .never_waits = true},
              Handler([&rxs](RouteContext& ctx) -> Result<HttpResponse> {
                RXD_ASSIGN_OR_RETURN(RefillEligibility e, rxs.Eligibility(CallerOf(ctx), ctx.Param(0)));
                Json j = {{"eligible", e.eligible}, {"refills_remaining", e.refills_remaining}};
                if (!e.eligible) j["reason"] = ToString(e.reason);
                if (e.next_eligible_date) j["next_eligible_date"] = FormatDate(*e.next_eligible_date);
                return JsonResponse(200, j);
              }));
}

void Api::AddOrderRoutes() {
  OrderService& orders = deps_.pharmacy.orders;

  router_.Add({.method = "POST",
               .pattern = "/v1/refills",
               .rule = {.roles = kServingAndMember},
               .summary = "Request a refill (members: their own Rx; agents: for the member)",
               .tag = "orders",
               .request_schema = ObjectSchema({{"rx_number", StringSchema("", 12)},
                                               {"speed", EnumSchema({"standard", "expedited", "specialty"})},
                                               {"address", {{"$ref", "#/components/schemas/Address"}}}},
                                              {"rx_number"}),
               .response_schema = ObjectSchema({{"order_id", StringSchema()},
                                                {"reference", StringSchema()},
                                                {"status", StringSchema()},
                                                {"eta", EtaSchema()}}),
               .success_status = 201,
               .idempotent_create = true},
              [this, &orders](RouteContext& ctx) {
                return WithIdempotency(
                    ctx, deps_, [&](const CommitHook<Json>& on_commit) -> Result<HttpResponse> {
                      RXD_ASSIGN_OR_RETURN(JsonObject body, BodyOf(ctx));
                      RefillRequest req;
                      RXD_ASSIGN_OR_RETURN(std::string rx_text, body.RequiredString("rx_number", 16));
                      RXD_ASSIGN_OR_RETURN(RxNumber rx, RxNumber::Parse(rx_text, "rx_number"));
                      req.rx_number = rx.str();
                      RXD_ASSIGN_OR_RETURN(std::optional<std::string> speed, body.OptionalString("speed", 16));
                      if (speed) {
                        RXD_ASSIGN_OR_RETURN(req.speed, ParseShippingSpeed(*speed, "speed"));
                      }
                      RXD_ASSIGN_OR_RETURN(std::optional<JsonObject> address, body.OptionalObject("address"));
                      if (address) {
                        RXD_ASSIGN_OR_RETURN(req.address, ReadAddress(*address));
                      }
                      RXD_TRY(body.NoOtherFields());
                      RXD_ASSIGN_OR_RETURN(
                          OrderRecord o,
                          orders.RequestRefill(CallerOf(ctx), req, [&](Connection& c, const OrderRecord& r) {
                            return on_commit ? on_commit(c, RefillJson(r)) : OkStatus();
                          }));
                      return JsonResponse(201, RefillJson(o));
                    });
              });

  router_.Add({.method = "GET",
               .pattern = "/v1/orders/{id}",
               .rule = {.roles = kServingAndMember},
               .summary = "An order",
               .tag = "orders",
               .response_schema = OrderSchema(),
               .never_waits = true},
              Handler([&orders](RouteContext& ctx) -> Result<HttpResponse> {
                RXD_ASSIGN_OR_RETURN(OrderRecord o, orders.Get(CallerOf(ctx), ctx.Param(0)));
                return JsonResponse(200, OrderJson(o));
              }));

  router_.Add(
      {.method = "GET",
       .pattern = "/v1/members/{id}/orders",
       .rule = {.roles = kServingAndMember},
       .summary = "A member's orders, newest first",
       .tag = "orders",
       .response_schema = ListSchema(OrderSchema()),
       .never_waits = true},
      Handler([&orders](RouteContext& ctx) -> Result<HttpResponse> {
        RXD_ASSIGN_OR_RETURN(auto page_params, PageParams(ctx.request));
        RXD_ASSIGN_OR_RETURN(Page<OrderRecord> page,
                             orders.ListForMember(CallerOf(ctx), ctx.Param(0), page_params.first, page_params.second));
        return PageResponse(page, [&](const auto& o) { return OrderJson(o); });
      }));

  router_.Add({.method = "GET",
               .pattern = "/v1/orders/{id}/events",
               .rule = {.roles = kServingAndMember},
               .summary = "An order's timeline",
               .tag = "orders"},
              Handler([&orders](RouteContext& ctx) -> Result<HttpResponse> {
                RXD_ASSIGN_OR_RETURN(std::vector<OrderEventRecord> events, orders.Events(CallerOf(ctx), ctx.Param(0)));
                Json items = Json::array();
                for (const auto& e : events) {
                  Json j = {{"type", e.type}, {"status", ToString(e.status)}, {"at", e.at}};
                  if (!e.carrier.empty()) j["carrier"] = e.carrier;
                  if (!e.tracking_number.empty()) j["tracking_number"] = e.tracking_number;
                  if (!e.note.empty()) j["note"] = e.note;
                  items.push_back(j);
                }
                return JsonResponse(200, Json{{"items", items}, {"next_cursor", nullptr}});
              }));

  router_.Add({.method = "POST",
               .pattern = "/v1/orders/{id}/events",
               .rule = {.roles = {Role::kPharmacist, Role::kSupervisor}},
               .summary = "Move an order: review_started, filled (pharmacist), shipped, delivered, cancelled, returned",
               .tag = "orders",
               .request_schema = ObjectSchema(
                   {{"type", EnumSchema({"review_started", "filled", "shipped", "delivered", "cancelled", "returned"})},
                    {"carrier", StringSchema("", 64)},
                    {"tracking", StringSchema("", 64)},
                    {"note", StringSchema("", 500)}},
                   {"type"}),
               .response_schema = OrderSchema(),
               .success_status = 201},
              Handler([&orders](RouteContext& ctx) -> Result<HttpResponse> {
                RXD_ASSIGN_OR_RETURN(JsonObject body, BodyOf(ctx));
                RXD_ASSIGN_OR_RETURN(std::string type, body.RequiredString("type", 32));
                const auto parsed = ParseOrderEventType(type);
                if (!parsed) return InvalidField("type", "is not an order event");
                // Dispensing is a pharmacist's act.
                if ((*parsed == OrderEventType::kFill || *parsed == OrderEventType::kStartReview) &&
                    ctx.principal->role != Role::kPharmacist) {
                  return MakeError("forbidden", "only a pharmacist may review or fill an order");
                }
                OrderEvent event;
                event.type = *parsed;
                RXD_ASSIGN_OR_RETURN(event.carrier, body.OptionalString("carrier", 200));
                RXD_ASSIGN_OR_RETURN(event.tracking, body.OptionalString("tracking", 200));
                RXD_ASSIGN_OR_RETURN(event.note, body.OptionalString("note", 2000));
                RXD_TRY(body.NoOtherFields());
                RXD_ASSIGN_OR_RETURN(OrderRecord o, orders.Apply(CallerOf(ctx), ctx.Param(0), event));
                return JsonResponse(201, OrderJson(o));
              }));
}

}  // namespace rxdesk
