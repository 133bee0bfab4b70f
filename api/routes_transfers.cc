// Transfers in from another pharmacy (PRODUCT.md §3, docs/pharmacy-services.md
// "Transfers in"): POST /v1/transfers, GET /v1/transfers/{id},
// GET /v1/members/{id}/transfers, GET /v1/transfers (the pharmacists' queue),
// POST /v1/transfers/{id}/complete, POST /v1/transfers/{id}/fail.
#include "api/api.h"
#include "api/openapi.h"
#include "api/response.h"
#include "domain/contact_info.h"
#include "services/transfer_service.h"

namespace rxdesk {
namespace {

const std::vector<Role> kServingAndMember = {Role::kMember, Role::kAgent, Role::kPharmacist, Role::kSupervisor};

Json NullOrInstant(const std::string& text) { return NullOr(text); }

Json TransferJson(const TransferRecord& t, bool for_member) {
  const TransferDetails& d = t.details;
  Json last_fill = nullptr;
  if (d.last_fill) last_fill = {{"date", FormatDate(d.last_fill->date)}, {"days_supply", d.last_fill->days_supply}};
  Json j = {
      {"id", t.id},
      {"reference", t.reference},
      {"member_id", t.member_id},
      {"status", ToString(t.status)},
      {"schedule", ToString(t.schedule)},
      {"pharmacy", {{"name", d.pharmacy_name}, {"phone", d.pharmacy_phone}}},
      {"pharmacy_rx_number", d.pharmacy_rx_number},
      {"prescription", ToJson(d.rx)},
      {"refills_remaining", d.refills_remaining},
      {"prior_transfers", d.prior_transfers},
      {"electronic_initial_fill", d.electronic_initial_fill},
      {"shares_realtime_database", d.shares_realtime_database},
      {"last_fill", last_fill},
      {"requested_at", FormatInstant(t.requested_at)},
      {"expected", {{"earliest", FormatInstant(t.expected_earliest)}, {"latest", FormatInstant(t.expected_latest)}}},
      {"overdue", t.overdue},
      {"rx_number", NullOr(t.rx_number)},
      {"failure_reason", NullOr(t.failure_reason)},
      {"decided_at", NullOrInstant(t.decided_at)},
      {"updated_at", t.updated_at}};
  // The pharmacist's note is the workforce's: a member reads the outcome and its reason.
  if (!for_member) j["note"] = NullOr(t.note);
  return j;
}

Json TransferSchema() {
  return ObjectSchema(
      {{"id", StringSchema()},
       {"reference", StringSchema()},
       {"member_id", StringSchema()},
       {"status", EnumSchema({"pending", "completed", "failed"})},
       {"schedule", EnumSchema({"none", "II", "III", "IV", "V"})},
       {"pharmacy", ObjectSchema({{"name", StringSchema()}, {"phone", StringSchema()}})},
       {"pharmacy_rx_number", StringSchema()},
       {"prescription",
        {{"type", "object"},
         {"description",
          "the prescription as given: drug, schedule, quantity, "
          "days_supply, refills_authorized, written_date, "
          "prescriber, daw"}}},
       {"refills_remaining", IntegerSchema(0, 99)},
       {"prior_transfers", IntegerSchema(0, 99)},
       {"electronic_initial_fill", {{"type", "boolean"}}},
       {"shares_realtime_database", {{"type", "boolean"}}},
       {"last_fill", {{"type", {"object", "null"}}}},
       {"requested_at", StringSchema("date-time")},
       {"expected", ObjectSchema({{"earliest", StringSchema("date-time")}, {"latest", StringSchema("date-time")}})},
       {"overdue", {{"type", "boolean"}, {"description", "still pending after expected.latest"}}},
       {"rx_number", {{"type", {"string", "null"}}, {"description", "the prescription created here, once completed"}}},
       {"failure_reason", {{"type", {"string", "null"}}}},
       {"note", {{"type", {"string", "null"}}, {"description", "the pharmacist's; not shown to members"}}},
       {"decided_at", {{"type", {"string", "null"}}}},
       {"updated_at", StringSchema("date-time")}});
}

Result<Quantity> ReadQuantityValue(const Json& value) {
  if (value.is_number()) return ParseQuantity(value.dump());
  if (value.is_string()) return ParseQuantity(value.get<std::string>());
  return InvalidField("quantity", "must be a number such as 30 or 2.5");
}

Json NoteSchema() { return StringSchema("", 2000); }

Result<std::string> ReadNote(JsonObject& body) {
  RXD_ASSIGN_OR_RETURN(std::optional<std::string> note, body.OptionalString("note", 2000));
  if (note && !IsCleanText(*note)) return InvalidField("note", "must be printable text");
  return note.value_or("");
}

Result<TransferStatus> StatusQuery(const HttpRequest& request) {
  const std::string* s = request.Query("status");
  if (!s) return TransferStatus::kPending;
  const std::optional<TransferStatus> status = ParseTransferStatus(*s);
  if (!status) return InvalidField("status", "must be pending, completed or failed");
  return *status;
}

}  // namespace

Result<PrescriptionFields> ReadPrescriptionFields(JsonObject& body, std::optional<std::int64_t> default_refills) {
  PrescriptionFields f;
  RXD_ASSIGN_OR_RETURN(JsonObject drug, body.RequiredObject("drug"));
  RXD_ASSIGN_OR_RETURN(f.ndc, drug.RequiredString("ndc", 13));
  RXD_ASSIGN_OR_RETURN(f.drug_name, drug.RequiredString("name", 200));
  RXD_ASSIGN_OR_RETURN(std::optional<std::string> strength, drug.OptionalString("strength", 60));
  RXD_ASSIGN_OR_RETURN(std::optional<std::string> form, drug.OptionalString("form", 60));
  RXD_TRY(drug.NoOtherFields());
  f.strength = strength.value_or("");
  f.form = form.value_or("");
  RXD_ASSIGN_OR_RETURN(f.schedule, body.RequiredString("schedule", 8));
  if (!body.json().contains("quantity")) return InvalidField("quantity", "is required");
  RXD_ASSIGN_OR_RETURN(Quantity quantity, ReadQuantityValue(body.json()["quantity"]));
  body.MarkRead("quantity");
  f.quantity = FormatQuantity(quantity);
  RXD_ASSIGN_OR_RETURN(f.days_supply, body.RequiredInt("days_supply", -1000000, 1000000));
  if (default_refills) {
    RXD_ASSIGN_OR_RETURN(std::optional<std::int64_t> refills, body.OptionalInt("refills_authorized", -1000, 1000));
    f.refills_authorized = refills.value_or(*default_refills);
  } else {
    RXD_ASSIGN_OR_RETURN(f.refills_authorized, body.RequiredInt("refills_authorized", -1000, 1000));
  }
  RXD_ASSIGN_OR_RETURN(f.written_date, body.RequiredString("written_date", 10));
  RXD_ASSIGN_OR_RETURN(JsonObject prescriber, body.RequiredObject("prescriber"));
  RXD_ASSIGN_OR_RETURN(f.prescriber_npi, prescriber.RequiredString("npi", 10));
  RXD_ASSIGN_OR_RETURN(f.prescriber_name, prescriber.RequiredString("name", 200));
  RXD_ASSIGN_OR_RETURN(std::optional<std::string> dea, prescriber.OptionalString("dea", 9));
  RXD_TRY(prescriber.NoOtherFields());
  f.prescriber_dea = dea.value_or("");
  RXD_ASSIGN_OR_RETURN(std::optional<std::int64_t> daw, body.OptionalInt("daw", -100, 100));
  f.daw = daw.value_or(0);
  return f;
}

Json PrescriptionFieldsSchemaProperties() {
  return Json{
      {"drug", ObjectSchema({{"ndc", StringSchema("", 13)},
                             {"name", StringSchema("", 200)},
                             {"strength", StringSchema("", 60)},
                             {"form", StringSchema("", 60)}},
                            {"ndc", "name"})},
      {"schedule", EnumSchema({"none", "II", "III", "IV", "V"})},
      {"quantity", {{"type", {"number", "string"}}}},
      {"days_supply", IntegerSchema(1, 365)},
      {"refills_authorized", IntegerSchema(0, 99)},
      {"written_date", StringSchema("date")},
      {"prescriber",
       ObjectSchema({{"npi", StringSchema("", 10)}, {"name", StringSchema("", 200)}, {"dea", StringSchema("", 9)}},
                    {"npi", "name"})},
      {"daw", IntegerSchema(0, 9)}};
}

void Api::AddTransferRoutes() {
  if (deps_.transfers == nullptr) return;
  TransferService& transfers = *deps_.transfers;

  Json request_props = PrescriptionFieldsSchemaProperties();
  request_props["member_id"] = StringSchema("", 64);
  request_props["pharmacy"] =
      ObjectSchema({{"name", StringSchema("", 200)}, {"phone", StringSchema("", 20)}}, {"name", "phone"});
  request_props["pharmacy_rx_number"] = StringSchema("", 40);
  request_props["refills_remaining"] = IntegerSchema(0, 99);
  request_props["prior_transfers"] = IntegerSchema(0, 99);
  request_props["electronic_initial_fill"] = {{"type", "boolean"}};
  request_props["shares_realtime_database"] = {{"type", "boolean"}};
  request_props["last_fill"] =
      ObjectSchema({{"date", StringSchema("date")}, {"days_supply", IntegerSchema(1, 365)}}, {"date", "days_supply"});
  router_.Add({.method = "POST",
               .pattern = "/v1/transfers",
               .rule = {.roles = kServingAndMember},
               .summary = "Ask for a prescription to be transferred in from another pharmacy (Schedule II never, "
                          "III–V once)",
               .tag = "transfers",
               .request_schema = ObjectSchema(
                   request_props, {"pharmacy", "pharmacy_rx_number", "drug", "schedule", "quantity", "days_supply",
                                   "refills_remaining", "written_date", "prescriber", "prior_transfers"}),
               .response_schema = TransferSchema(),
               .success_status = 201,
               .idempotent_create = true},
              [this, &transfers](RouteContext& ctx) {
                return WithIdempotency(ctx, deps_, [&](const CommitHook<Json>& on_commit) -> Result<HttpResponse> {
                  const Caller caller = CallerOf(ctx);
                  const bool member = caller.principal.role == Role::kMember;
                  RXD_ASSIGN_OR_RETURN(JsonObject body, BodyOf(ctx));
                  RXD_ASSIGN_OR_RETURN(std::optional<std::string> member_id, body.OptionalString("member_id", 64));
                  if (!member_id && !member) return InvalidField("member_id", "is required");
                  TransferDetails d;
                  RXD_ASSIGN_OR_RETURN(JsonObject pharmacy, body.RequiredObject("pharmacy"));
                  RXD_ASSIGN_OR_RETURN(d.pharmacy_name, pharmacy.RequiredString("name", 200));
                  RXD_ASSIGN_OR_RETURN(std::string phone, pharmacy.RequiredString("phone", 20));
                  RXD_ASSIGN_OR_RETURN(d.pharmacy_phone, NormalizeUsPhone(phone, "pharmacy.phone"));
                  RXD_TRY(pharmacy.NoOtherFields());
                  RXD_ASSIGN_OR_RETURN(d.pharmacy_rx_number, body.RequiredString("pharmacy_rx_number", 40));
                  RXD_ASSIGN_OR_RETURN(std::int64_t remaining, body.RequiredInt("refills_remaining", 0, 99));
                  d.refills_remaining = static_cast<int>(remaining);
                  RXD_ASSIGN_OR_RETURN(d.rx, ReadPrescriptionFields(body, remaining));
                  RXD_ASSIGN_OR_RETURN(std::int64_t prior, body.RequiredInt("prior_transfers", 0, 99));
                  d.prior_transfers = static_cast<int>(prior);
                  RXD_ASSIGN_OR_RETURN(std::optional<bool> eif, body.OptionalBool("electronic_initial_fill"));
                  d.electronic_initial_fill = eif.value_or(false);
                  RXD_ASSIGN_OR_RETURN(std::optional<bool> shared, body.OptionalBool("shares_realtime_database"));
                  d.shares_realtime_database = shared.value_or(false);
                  RXD_ASSIGN_OR_RETURN(std::optional<JsonObject> last, body.OptionalObject("last_fill"));
                  if (last) {
                    RXD_ASSIGN_OR_RETURN(std::string date, last->RequiredString("date", 10));
                    RXD_ASSIGN_OR_RETURN(Date day, ParseDate(date, "last_fill.date"));
                    RXD_ASSIGN_OR_RETURN(std::int64_t days, last->RequiredInt("days_supply", 1, 365));
                    RXD_TRY(last->NoOtherFields());
                    d.last_fill = LastFill{day, static_cast<int>(days)};
                  }
                  RXD_TRY(body.NoOtherFields());
                  const std::string who = member_id.value_or(caller.principal.member_id);
                  RXD_ASSIGN_OR_RETURN(TransferRecord t,
                                       transfers.Request(caller, who, d, [&](Connection& c, const TransferRecord& r) {
                                         return on_commit ? on_commit(c, TransferJson(r, member)) : OkStatus();
                                       }));
                  return JsonResponse(201, TransferJson(t, member));
                });
              });

  router_.Add({.method = "GET",
               .pattern = "/v1/transfers",
               .rule = {.roles = {Role::kPharmacist}},
               .summary = "The pharmacists' transfer queue: by status (default pending), oldest first, overdue flagged",
               .tag = "transfers",
               .response_schema = ListSchema(TransferSchema())},
              Handler([&transfers](RouteContext& ctx) -> Result<HttpResponse> {
                RXD_ASSIGN_OR_RETURN(TransferStatus status, StatusQuery(ctx.request));
                RXD_ASSIGN_OR_RETURN(auto page_params, PageParams(ctx.request));
                RXD_ASSIGN_OR_RETURN(Page<TransferRecord> page,
                                     transfers.Queue(CallerOf(ctx), status, page_params.first, page_params.second));
                return PageResponse(page, [](const TransferRecord& t) { return TransferJson(t, false); });
              }));

  router_.Add({.method = "GET",
               .pattern = "/v1/transfers/{id}",
               .rule = {.roles = kServingAndMember},
               .summary = "Read a transfer (members: their own; agents: in a verified contact)",
               .tag = "transfers",
               .response_schema = TransferSchema()},
              Handler([&transfers](RouteContext& ctx) -> Result<HttpResponse> {
                const Caller caller = CallerOf(ctx);
                RXD_ASSIGN_OR_RETURN(TransferRecord t, transfers.Get(caller, ctx.Param(0)));
                return JsonResponse(200, TransferJson(t, caller.principal.role == Role::kMember));
              }));

  router_.Add({.method = "GET",
               .pattern = "/v1/members/{id}/transfers",
               .rule = {.roles = kServingAndMember},
               .summary = "A member's transfers, newest first",
               .tag = "transfers",
               .response_schema = ListSchema(TransferSchema())},
              Handler([&transfers](RouteContext& ctx) -> Result<HttpResponse> {
                const Caller caller = CallerOf(ctx);
                RXD_ASSIGN_OR_RETURN(auto page_params, PageParams(ctx.request));
                RXD_ASSIGN_OR_RETURN(
                    Page<TransferRecord> page,
                    transfers.ListForMember(caller, ctx.Param(0), page_params.first, page_params.second));
                const bool member = caller.principal.role == Role::kMember;
                return PageResponse(page, [member](const TransferRecord& t) { return TransferJson(t, member); });
              }));

  router_.Add({.method = "POST",
               .pattern = "/v1/transfers/{id}/complete",
               .rule = {.roles = {Role::kPharmacist}},
               .summary = "Complete a transfer: the prescription becomes active here; the member is notified",
               .tag = "transfers",
               .request_schema = ObjectSchema({{"note", NoteSchema()}}),
               .response_schema = TransferSchema()},
              Handler([&transfers](RouteContext& ctx) -> Result<HttpResponse> {
                std::string note;
                if (ctx.request.body.find_first_not_of(" \t\r\n") != std::string::npos) {
                  RXD_ASSIGN_OR_RETURN(JsonObject body, BodyOf(ctx));
                  RXD_ASSIGN_OR_RETURN(note, ReadNote(body));
                  RXD_TRY(body.NoOtherFields());
                }
                RXD_ASSIGN_OR_RETURN(TransferRecord t, transfers.Complete(CallerOf(ctx), ctx.Param(0), note, nullptr));
                return JsonResponse(200, TransferJson(t, false));
              }));

  std::vector<std::string> reasons;
  for (std::string_view r : TransferFailureReasons()) reasons.emplace_back(r);
  router_.Add({.method = "POST",
               .pattern = "/v1/transfers/{id}/fail",
               .rule = {.roles = {Role::kPharmacist}},
               .summary = "Fail a transfer with a reason code; the member is notified",
               .tag = "transfers",
               .request_schema = ObjectSchema({{"reason", EnumSchema(reasons)}, {"note", NoteSchema()}}, {"reason"}),
               .response_schema = TransferSchema()},
              Handler([&transfers](RouteContext& ctx) -> Result<HttpResponse> {
                RXD_ASSIGN_OR_RETURN(JsonObject body, BodyOf(ctx));
                RXD_ASSIGN_OR_RETURN(std::string reason, body.RequiredString("reason", 40));
                RXD_ASSIGN_OR_RETURN(std::string note, ReadNote(body));
                RXD_TRY(body.NoOtherFields());
                RXD_ASSIGN_OR_RETURN(TransferRecord t,
                                     transfers.Fail(CallerOf(ctx), ctx.Param(0), reason, note, nullptr));
                return JsonResponse(200, TransferJson(t, false));
              }));
}

}  // namespace rxdesk
