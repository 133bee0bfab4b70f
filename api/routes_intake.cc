// Fax and mail intake (PRODUCT.md §7, docs/pharmacy-services.md "Fax and mail
// intake"): POST /v1/intake-documents (the scanned file as the raw body),
// GET /v1/intake-documents, GET /v1/intake-documents/{id},
// GET /v1/intake-documents/{id}/document, PUT /v1/intake-documents/{id}/fields,
// POST /v1/intake-documents/{id}/verify.
#include "api/api.h"
#include "api/openapi.h"
#include "api/response.h"
#include "services/intake_service.h"

namespace rxdesk {
namespace {

const std::vector<Role> kIntakeStaff = {Role::kAgent, Role::kPharmacist, Role::kSupervisor};

Json IntakeJson(const IntakeRecord& d) {
  return Json{{"id", d.id},
              {"status", ToString(d.status)},
              {"content_type", ToString(d.type)},
              {"size_bytes", d.size_bytes},
              {"sha256", d.sha256},
              {"member_id", NullOr(d.member_id)},
              {"fields", d.fields ? ToJson(*d.fields) : Json(nullptr)},
              {"keyed_by", NullOr(d.keyed_by)},
              {"keyed_at", NullOr(d.keyed_at)},
              {"verified_by", NullOr(d.verified_by)},
              {"verified_at", NullOr(d.verified_at)},
              {"rx_number", NullOr(d.rx_number)},
              {"rejection_reason", NullOr(d.rejection_reason)},
              {"note", NullOr(d.note)},
              {"received_by", d.received_by},
              {"received_at", d.received_at},
              {"updated_at", d.updated_at}};
}

Json IntakeSchema() {
  const Json nullable = {{"type", {"string", "null"}}};
  return ObjectSchema(
      {{"id", StringSchema()},
       {"status", EnumSchema({"received", "keyed", "approved", "rejected"})},
       {"content_type", EnumSchema({"application/pdf", "image/png", "image/jpeg", "image/tiff"})},
       {"size_bytes", IntegerSchema(1, 1 << 20)},
       {"sha256", StringSchema("", 64)},
       {"member_id", nullable},
       {"fields", {{"type", {"object", "null"}}, {"description", "the keyed prescription (not in lists)"}}},
       {"keyed_by", nullable},
       {"keyed_at", nullable},
       {"verified_by", nullable},
       {"verified_at", nullable},
       {"rx_number", {{"type", {"string", "null"}}, {"description", "the prescription made on approval"}}},
       {"rejection_reason", nullable},
       {"note", nullable},
       {"received_by", StringSchema()},
       {"received_at", StringSchema("date-time")},
       {"updated_at", StringSchema("date-time")}});
}

const char* Extension(DocumentType type) {
  switch (type) {
    case DocumentType::kPdf:
      return "pdf";
    case DocumentType::kPng:
      return "png";
    case DocumentType::kJpeg:
      return "jpg";
    case DocumentType::kTiff:
      return "tif";
  }
  return "bin";
}

// The verifier who keyed it too is refused as a conflict with their own work (409).
HttpResponse ErrorOf(const Error& e) {
  return e.code == "same_user_cannot_verify" ? ErrorResponse(409, e) : ErrorResponse(e);
}

}  // namespace

void Api::AddIntakeRoutes() {
  if (deps_.intake == nullptr) return;
  IntakeService& intake = *deps_.intake;

  router_.Add({.method = "POST",
               .pattern = "/v1/intake-documents",
               .rule = {.roles = kIntakeStaff},
               .summary = "Receive a scanned prescription (the raw file: PDF, PNG, JPEG or TIFF, matching its bytes)",
               .tag = "intake",
               .response_schema = IntakeSchema(),
               .success_status = 201,
               .idempotent_create = true,
               .raw_body_types = {"application/pdf", "image/png", "image/jpeg", "image/tiff"}},
              [this, &intake](RouteContext& ctx) {
                return WithIdempotency(ctx, deps_, [&](const CommitHook<Json>& on_commit) -> Result<HttpResponse> {
                  RXD_ASSIGN_OR_RETURN(IntakeRecord d,
                                       intake.Receive(CallerOf(ctx), ctx.request.Header("content-type"),
                                                      ctx.request.body, [&](Connection& c, const IntakeRecord& r) {
                                                        return on_commit ? on_commit(c, IntakeJson(r)) : OkStatus();
                                                      }));
                  return JsonResponse(201, IntakeJson(d));
                });
              });

  router_.Add({.method = "GET",
               .pattern = "/v1/intake-documents",
               .rule = {.roles = kIntakeStaff},
               .summary = "Intake documents by status (default received), oldest first",
               .tag = "intake",
               .response_schema = ListSchema(IntakeSchema())},
              Handler([&intake](RouteContext& ctx) -> Result<HttpResponse> {
                IntakeStatus status = IntakeStatus::kReceived;
                if (const std::string* s = ctx.request.Query("status")) {
                  const std::optional<IntakeStatus> parsed = ParseIntakeStatus(*s);
                  if (!parsed) return InvalidField("status", "must be received, keyed, approved or rejected");
                  status = *parsed;
                }
                RXD_ASSIGN_OR_RETURN(auto page_params, PageParams(ctx.request));
                RXD_ASSIGN_OR_RETURN(Page<IntakeRecord> page,
                                     intake.List(CallerOf(ctx), status, page_params.first, page_params.second));
                return PageResponse(page, [](const IntakeRecord& d) { return IntakeJson(d); });
              }));

  router_.Add({.method = "GET",
               .pattern = "/v1/intake-documents/{id}",
               .rule = {.roles = kIntakeStaff},
               .summary = "Read an intake document's record and keyed fields",
               .tag = "intake",
               .response_schema = IntakeSchema()},
              Handler([&intake](RouteContext& ctx) -> Result<HttpResponse> {
                RXD_ASSIGN_OR_RETURN(IntakeRecord d, intake.Get(CallerOf(ctx), ctx.Param(0)));
                return JsonResponse(200, IntakeJson(d));
              }));

  router_.Add({.method = "GET",
               .pattern = "/v1/intake-documents/{id}/document",
               .rule = {.roles = kIntakeStaff},
               .summary = "Download the scanned document (its stored type; every download is audited)",
               .tag = "intake"},
              Handler([&intake](RouteContext& ctx) -> Result<HttpResponse> {
                RXD_ASSIGN_OR_RETURN(auto doc, intake.Document(CallerOf(ctx), ctx.Param(0)));
                HttpResponse r;
                r.status = 200;
                r.content_type = std::string(ToString(doc.first));
                r.body = std::move(doc.second);
                r.headers.emplace_back("Content-Disposition",
                                       "attachment; filename=\"" + ctx.Param(0) + "." + Extension(doc.first) + "\"");
                return r;
              }));

  Json fields = PrescriptionFieldsSchemaProperties();
  fields["member_id"] = StringSchema("", 64);
  router_.Add({.method = "PUT",
               .pattern = "/v1/intake-documents/{id}/fields",
               .rule = {.roles = kIntakeStaff},
               .summary = "Key (or re-key) the prescription read from the document, checked as a new prescription",
               .tag = "intake",
               .request_schema = ObjectSchema(fields, {"member_id", "drug", "schedule", "quantity", "days_supply",
                                                       "refills_authorized", "written_date", "prescriber"}),
               .response_schema = IntakeSchema()},
              Handler([&intake](RouteContext& ctx) -> Result<HttpResponse> {
                RXD_ASSIGN_OR_RETURN(JsonObject body, BodyOf(ctx));
                RXD_ASSIGN_OR_RETURN(std::string member_id, body.RequiredString("member_id", 64));
                RXD_ASSIGN_OR_RETURN(PrescriptionFields f, ReadPrescriptionFields(body, std::nullopt));
                RXD_TRY(body.NoOtherFields());
                RXD_ASSIGN_OR_RETURN(IntakeRecord d, intake.KeyFields(CallerOf(ctx), ctx.Param(0), member_id, f));
                return JsonResponse(200, IntakeJson(d));
              }));

  std::vector<std::string> reasons;
  for (std::string_view r : IntakeRejectionReasons()) reasons.emplace_back(r);
  router_.Add({.method = "POST",
               .pattern = "/v1/intake-documents/{id}/verify",
               .rule = {.roles = {Role::kPharmacist}},
               .summary = "A pharmacist other than the one who keyed approves (a new active prescription) or rejects",
               .tag = "intake",
               .request_schema = ObjectSchema({{"decision", EnumSchema({"approve", "reject"})},
                                               {"reason", EnumSchema(reasons)},
                                               {"note", StringSchema("", 2000)}},
                                              {"decision"}),
               .response_schema = IntakeSchema()},
              [&intake](RouteContext& ctx) {
                const auto run = [&]() -> Result<HttpResponse> {
                  RXD_ASSIGN_OR_RETURN(JsonObject body, BodyOf(ctx));
                  RXD_ASSIGN_OR_RETURN(std::string decision, body.RequiredString("decision", 10));
                  RXD_ASSIGN_OR_RETURN(std::optional<std::string> reason, body.OptionalString("reason", 40));
                  RXD_ASSIGN_OR_RETURN(std::optional<std::string> note, body.OptionalString("note", 2000));
                  RXD_TRY(body.NoOtherFields());
                  if (decision != "approve" && decision != "reject") {
                    return InvalidField("decision", "must be approve or reject");
                  }
                  if (decision == "approve" && reason) return InvalidField("reason", "is only for a rejection");
                  if (decision == "reject" && !reason) return InvalidField("reason", "is required to reject");
                  if (note && !IsCleanText(*note)) return InvalidField("note", "must be printable text");
                  RXD_ASSIGN_OR_RETURN(IntakeRecord d, intake.Verify(CallerOf(ctx), ctx.Param(0),
                                                                     {.approve = decision == "approve",
                                                                      .reason = reason.value_or(""),
                                                                      .note = note.value_or("")}));
                  return JsonResponse(200, IntakeJson(d));
                };
                Result<HttpResponse> r = run();
                return r.ok() ? std::move(*r) : ErrorOf(r.error());
              });
}

}  // namespace rxdesk
