// The privacy officer's routes (PRODUCT.md sections 1 and 10), privacy_officer only:
// POST /v1/audit/search, POST /v1/audit/access-report (JSON or CSV),
// POST|GET /v1/privacy/incidents, GET|PATCH /v1/privacy/incidents/{id}.
// Searches are POSTs so that no member id sits in a URL (URLs reach logs and proxies).
#include <map>

#include "api/api.h"
#include "api/openapi.h"
#include "api/response.h"
#include "infra/ids.h"

namespace rxdesk {
namespace {

const std::vector<Role> kOfficer = {Role::kPrivacyOfficer};

constexpr std::size_t kMaxShortText = 200;  // reported_by
constexpr std::size_t kMaxLongText = 4000;  // summary, risk factors, resolution

Json NullableString() { return {{"type", {"string", "null"}}}; }

Json PagedSchema(Json item) {
  return ObjectSchema({{"items", {{"type", "array"}, {"items", std::move(item)}}}, {"next_cursor", NullableString()}});
}

Json AuditItemSchema() {
  return ObjectSchema({{"seq", IntegerSchema(1, INT64_MAX)},
                       {"at", StringSchema("date-time")},
                       {"actor_id", StringSchema()},
                       {"actor_role", StringSchema()},
                       {"action", StringSchema()},
                       {"record_type", StringSchema()},
                       {"record_id", StringSchema()},
                       {"member_id", NullableString()},
                       {"purpose", NullableString()},
                       {"request_id", StringSchema()},
                       {"outcome", StringSchema()}});
}

Json AuditItemJson(const AuditRecord& r) {
  const AuditEntry& e = r.entry;
  return Json{{"seq", r.seq},
              {"at", FormatInstant(e.at)},
              {"actor_id", e.actor_id},
              {"actor_role", e.actor_role},
              {"action", e.action},
              {"record_type", e.record_type},
              {"record_id", e.record_id},
              {"member_id", NullOr(e.member_id)},
              {"purpose", NullOr(e.purpose)},
              {"request_id", e.request_id},
              {"outcome", e.outcome}};
}

Result<std::optional<Instant>> OptionalInstant(JsonObject& body, const char* key) {
  RXD_ASSIGN_OR_RETURN(std::optional<std::string> text, body.OptionalString(key, 40));
  if (!text) return std::optional<Instant>();
  RXD_ASSIGN_OR_RETURN(Instant t, ParseInstant(*text, key));
  return std::optional<Instant>(t);
}

// ---- access report ----

struct Accessor {
  std::string username;
  std::string role;
  std::int64_t accesses = 0;
  std::string first_at;
  std::string last_at;
};

Json AccessReportJson(const AccessReport& report) {
  std::map<std::string, Accessor> by_actor;
  Json items = Json::array();
  for (const AccessReportLine& line : report.lines) {
    const AuditEntry& e = line.record.entry;
    const std::string at = FormatInstant(e.at);
    Accessor& a = by_actor[e.actor_id];
    if (a.accesses++ == 0) a.first_at = at;
    a.last_at = at;
    a.username = line.username;
    a.role = e.actor_role;
    items.push_back({{"seq", line.record.seq},
                     {"at", at},
                     {"user_id", e.actor_id},
                     {"username", NullOr(line.username)},
                     {"role", e.actor_role},
                     {"action", e.action},
                     {"record_type", e.record_type},
                     {"record_id", e.record_id},
                     {"purpose", NullOr(e.purpose)},
                     {"outcome", e.outcome},
                     {"request_id", e.request_id}});
  }
  Json accessors = Json::array();
  for (const auto& [user_id, a] : by_actor) {
    accessors.push_back({{"user_id", user_id},
                         {"username", NullOr(a.username)},
                         {"role", a.role},
                         {"accesses", a.accesses},
                         {"first_at", a.first_at},
                         {"last_at", a.last_at}});
  }
  return Json{{"member_id", report.member_id},
              {"from", report.from ? Json(FormatInstant(*report.from)) : Json(nullptr)},
              {"to", report.to ? Json(FormatInstant(*report.to)) : Json(nullptr)},
              {"generated_at", FormatInstant(report.generated_at)},
              {"accessors", accessors},
              {"items", items}};
}

// One CSV field (RFC 4180): quoted when it holds a comma, quote or line break. A
// leading = + - @ tab or CR would make a spreadsheet read a formula (OWASP CSV
// injection): such a field gets a leading apostrophe; a lone "-" stays as it is.
std::string CsvField(const std::string& value) {
  std::string v = value;
  if (!v.empty() && std::string_view("=+-@\t\r").find(v.front()) != std::string_view::npos && v != "-") v = "'" + v;
  if (v.find_first_of(",\"\r\n") == std::string::npos) return v;
  std::string quoted = "\"";
  for (char c : v) {
    if (c == '"') quoted += '"';
    quoted += c;
  }
  return quoted + "\"";
}

std::string AccessReportCsv(const AccessReport& report) {
  std::string out = "seq,at,user_id,username,role,action,record_type,record_id,purpose,outcome,request_id\r\n";
  for (const AccessReportLine& line : report.lines) {
    const AuditEntry& e = line.record.entry;
    for (const std::string& field :
         {std::to_string(line.record.seq), FormatInstant(e.at), e.actor_id, line.username, e.actor_role, e.action,
          e.record_type, e.record_id, e.purpose, e.outcome, e.request_id}) {
      out += CsvField(field);
      out += ',';
    }
    out.back() = '\r';
    out += '\n';
  }
  return out;
}

// ---- incidents ----

Json IncidentSchema() {
  return ObjectSchema({{"id", StringSchema()},
                       {"reference", StringSchema()},
                       {"status", EnumSchema({"open", "investigating", "closed_no_breach", "closed_breach_notified"})},
                       {"discovered_at", StringSchema("date-time")},
                       {"notification_due_on", StringSchema("date")},
                       {"notification_overdue", {{"type", "boolean"}}},
                       {"reported_by", StringSchema()},
                       {"summary", StringSchema()},
                       {"phi_involved", NullableString()},
                       {"unauthorized_person", NullableString()},
                       {"phi_acquired_or_viewed", EnumSchema({"unknown", "yes", "no"})},
                       {"mitigation", NullableString()},
                       {"notified_at", NullableString()},
                       {"resolution", NullableString()},
                       {"closed_at", NullableString()},
                       {"affected_member_ids", {{"type", "array"}, {"items", StringSchema()}}},
                       {"created_by", StringSchema()},
                       {"created_at", StringSchema("date-time")},
                       {"updated_at", StringSchema("date-time")},
                       {"history",
                        {{"type", "array"},
                         {"items", ObjectSchema({{"from_status", NullableString()},
                                                 {"to_status", StringSchema()},
                                                 {"at", StringSchema("date-time")},
                                                 {"actor_id", StringSchema()}})}}}});
}

Json IncidentSummarySchema() {
  return ObjectSchema({{"id", StringSchema()},
                       {"reference", StringSchema()},
                       {"status", StringSchema()},
                       {"discovered_at", StringSchema("date-time")},
                       {"notification_due_on", StringSchema("date")},
                       {"notification_overdue", {{"type", "boolean"}}},
                       {"notified_at", NullableString()},
                       {"closed_at", NullableString()},
                       {"affected_member_count", IntegerSchema(0, 1000)},
                       {"created_at", StringSchema("date-time")},
                       {"updated_at", StringSchema("date-time")}});
}

// Notification is overdue once the local day is past the due date and nobody was notified.
bool Overdue(const Incident& i, Date today) {
  return !IsClosed(i.status) && i.notified_at.empty() && today > i.notification_due_on;
}

Json IncidentSummaryJson(const Incident& i, Date today) {
  return Json{{"id", i.id},
              {"reference", i.reference},
              {"status", ToString(i.status)},
              {"discovered_at", i.discovered_at},
              {"notification_due_on", FormatDate(i.notification_due_on)},
              {"notification_overdue", Overdue(i, today)},
              {"notified_at", NullOr(i.notified_at)},
              {"closed_at", NullOr(i.closed_at)},
              {"affected_member_count", i.affected_member_ids.size()},
              {"created_at", i.created_at},
              {"updated_at", i.updated_at}};
}

Json IncidentJson(const Incident& i, Date today) {
  Json history = Json::array();
  for (const IncidentHistoryItem& h : i.history) {
    history.push_back(
        {{"from_status", NullOr(h.from_status)}, {"to_status", h.to_status}, {"at", h.at}, {"actor_id", h.actor_id}});
  }
  // The summary's fields, with the affected members listed rather than counted.
  Json j = IncidentSummaryJson(i, today);
  j.erase("affected_member_count");
  j.update(Json{{"reported_by", i.reported_by},
                {"summary", i.summary},
                {"phi_involved", NullOr(i.phi_involved)},
                {"unauthorized_person", NullOr(i.unauthorized_person)},
                {"phi_acquired_or_viewed", i.phi_acquired_or_viewed},
                {"mitigation", NullOr(i.mitigation)},
                {"resolution", NullOr(i.resolution)},
                {"affected_member_ids", i.affected_member_ids},
                {"created_by", i.created_by},
                {"history", history}});
  return j;
}

Json IncidentFieldsSchema() {
  return {{"discovered_at", StringSchema("date-time")},
          {"reported_by", StringSchema("", static_cast<int>(kMaxShortText))},
          {"summary", StringSchema("", static_cast<int>(kMaxLongText))},
          {"phi_involved", StringSchema("", static_cast<int>(kMaxLongText))},
          {"unauthorized_person", StringSchema("", static_cast<int>(kMaxLongText))},
          {"phi_acquired_or_viewed", EnumSchema({"unknown", "yes", "no"})},
          {"mitigation", StringSchema("", static_cast<int>(kMaxLongText))},
          {"affected_member_ids", {{"type", "array"}, {"items", StringSchema("", 26)}, {"maxItems", 1000}}}};
}

Result<std::optional<std::vector<std::string>>> OptionalIdList(JsonObject& body, const char* key) {
  body.MarkRead(key);
  if (!body.Has(key)) return std::optional<std::vector<std::string>>();
  const Json& list = body.json()[key];
  if (!list.is_array()) return InvalidField(key, "must be an array of member ids");
  if (list.size() > 1000) return InvalidField(key, "must list at most 1000 members");
  std::vector<std::string> ids;
  for (std::size_t i = 0; i < list.size(); ++i) {
    const std::string field = std::string(key) + "[" + std::to_string(i) + "]";
    if (!list[i].is_string()) return InvalidField(field, "must be a member id");
    const std::string& id = list[i].get_ref<const std::string&>();
    if (!IsValidId(id)) return InvalidField(field, "is not a member id");
    ids.push_back(id);
  }
  return std::optional<std::vector<std::string>>(std::move(ids));
}

Result<std::optional<std::string>> OptionalAnswer(JsonObject& body) {
  RXD_ASSIGN_OR_RETURN(std::optional<std::string> v, body.OptionalString("phi_acquired_or_viewed", 10));
  if (v && *v != "unknown" && *v != "yes" && *v != "no") {
    return InvalidField("phi_acquired_or_viewed", "must be unknown, yes or no");
  }
  return v;
}

}  // namespace

void Api::AddPrivacyRoutes() {
  PrivacyService& privacy = deps_.privacy;

  router_.Add(
      {.method = "POST",
       .pattern = "/v1/audit/search",
       .rule = {.roles = kOfficer},
       .summary = "Search the audit log, newest first (member, actor, time, action or prefix, outcome)",
       .tag = "audit",
       .request_schema = ObjectSchema({{"member_id", StringSchema("", 64)},
                                       {"actor_id", StringSchema("", 64)},
                                       {"from", StringSchema("date-time")},
                                       {"to", StringSchema("date-time")},
                                       {"action", StringSchema("", 100)},
                                       {"outcome", StringSchema("", 100)},
                                       {"limit", IntegerSchema(1, 500)},
                                       {"cursor", StringSchema("", 20)}}),
       .response_schema = PagedSchema(AuditItemSchema())},
      Handler([&privacy](RouteContext& ctx) -> Result<HttpResponse> {
        RXD_ASSIGN_OR_RETURN(JsonObject body, BodyOf(ctx));
        AuditQuery q;
        RXD_ASSIGN_OR_RETURN(std::optional<std::string> member_id, body.OptionalString("member_id", 64));
        RXD_ASSIGN_OR_RETURN(std::optional<std::string> actor_id, body.OptionalString("actor_id", 64));
        RXD_ASSIGN_OR_RETURN(q.from, OptionalInstant(body, "from"));
        RXD_ASSIGN_OR_RETURN(q.to, OptionalInstant(body, "to"));
        RXD_ASSIGN_OR_RETURN(std::optional<std::string> action, body.OptionalString("action", 100));
        RXD_ASSIGN_OR_RETURN(std::optional<std::string> outcome, body.OptionalString("outcome", 100));
        RXD_ASSIGN_OR_RETURN(std::optional<std::int64_t> limit, body.OptionalInt("limit", 1, 500));
        RXD_ASSIGN_OR_RETURN(std::optional<std::string> cursor, body.OptionalString("cursor", 20));
        RXD_TRY(body.NoOtherFields());
        q.member_id = member_id.value_or("");
        q.actor_id = actor_id.value_or("");
        q.action = action.value_or("");
        q.outcome = outcome.value_or("");
        q.limit = limit.value_or(50);
        RXD_ASSIGN_OR_RETURN(Page<AuditRecord> page, privacy.SearchAudit(CallerOf(ctx), q, cursor.value_or("")));
        return PageResponse(page, [&](const AuditRecord& r) { return AuditItemJson(r); });
      }));

  router_.Add({.method = "POST",
               .pattern = "/v1/audit/access-report",
               .rule = {.roles = kOfficer},
               .summary = "Who accessed one member's records, when, what and why (JSON, or CSV with format csv)",
               .tag = "audit",
               .request_schema = ObjectSchema({{"member_id", StringSchema("", 64)},
                                               {"from", StringSchema("date-time")},
                                               {"to", StringSchema("date-time")},
                                               {"format", EnumSchema({"json", "csv"})}},
                                              {"member_id"}),
               .response_schema = ObjectSchema({{"member_id", StringSchema()},
                                                {"from", NullableString()},
                                                {"to", NullableString()},
                                                {"generated_at", StringSchema("date-time")},
                                                {"accessors",
                                                 {{"type", "array"},
                                                  {"items", ObjectSchema({{"user_id", StringSchema()},
                                                                          {"username", NullableString()},
                                                                          {"role", StringSchema()},
                                                                          {"accesses", IntegerSchema(1, INT64_MAX)},
                                                                          {"first_at", StringSchema("date-time")},
                                                                          {"last_at", StringSchema("date-time")}})}}},
                                                {"items", {{"type", "array"}, {"items", {{"type", "object"}}}}}})},
              Handler([&privacy](RouteContext& ctx) -> Result<HttpResponse> {
                RXD_ASSIGN_OR_RETURN(JsonObject body, BodyOf(ctx));
                RXD_ASSIGN_OR_RETURN(std::string member_id, body.RequiredString("member_id", 64));
                RXD_ASSIGN_OR_RETURN(std::optional<Instant> from, OptionalInstant(body, "from"));
                RXD_ASSIGN_OR_RETURN(std::optional<Instant> to, OptionalInstant(body, "to"));
                RXD_ASSIGN_OR_RETURN(std::optional<std::string> format, body.OptionalString("format", 10));
                RXD_TRY(body.NoOtherFields());
                if (format && *format != "json" && *format != "csv")
                  return InvalidField("format", "must be json or csv");
                RXD_ASSIGN_OR_RETURN(AccessReport report, privacy.AccessReportFor(CallerOf(ctx), member_id, from, to));
                if (format && *format == "csv") {
                  HttpResponse r;
                  r.content_type = "text/csv; charset=utf-8";
                  r.body = AccessReportCsv(report);
                  r.headers.emplace_back(
                      "Content-Disposition",
                      "attachment; filename=\"access-report-" +
                          FormatDate(Date{std::chrono::floor<std::chrono::days>(report.generated_at)}) + ".csv\"");
                  return r;
                }
                return JsonResponse(200, AccessReportJson(report));
              }));

  router_.Add(
      {.method = "POST",
       .pattern = "/v1/privacy/incidents",
       .rule = {.roles = kOfficer},
       .summary = "Open a privacy incident (breach risk assessment of 45 CFR 164.402)",
       .tag = "privacy",
       .request_schema = ObjectSchema(IncidentFieldsSchema(), {"discovered_at", "reported_by", "summary"}),
       .response_schema = IncidentSchema(),
       .success_status = 201,
       .idempotent_create = true},
      [this, &privacy](RouteContext& ctx) {
        return WithIdempotency(
            ctx, deps_, [&](const CommitHook<Json>& on_commit) -> Result<HttpResponse> {
              RXD_ASSIGN_OR_RETURN(JsonObject body, BodyOf(ctx));
              IncidentInput in;
              RXD_ASSIGN_OR_RETURN(std::optional<Instant> discovered, OptionalInstant(body, "discovered_at"));
              if (!discovered) return InvalidField("discovered_at", "is required");
              in.discovered_at = *discovered;
              RXD_ASSIGN_OR_RETURN(in.reported_by, body.RequiredString("reported_by", kMaxShortText));
              RXD_ASSIGN_OR_RETURN(in.summary, body.RequiredString("summary", kMaxLongText));
              RXD_ASSIGN_OR_RETURN(in.phi_involved, body.OptionalString("phi_involved", kMaxLongText));
              RXD_ASSIGN_OR_RETURN(in.unauthorized_person, body.OptionalString("unauthorized_person", kMaxLongText));
              RXD_ASSIGN_OR_RETURN(in.phi_acquired_or_viewed, OptionalAnswer(body));
              RXD_ASSIGN_OR_RETURN(in.mitigation, body.OptionalString("mitigation", kMaxLongText));
              RXD_ASSIGN_OR_RETURN(std::optional<std::vector<std::string>> ids,
                                   OptionalIdList(body, "affected_member_ids"));
              in.affected_member_ids = ids.value_or(std::vector<std::string>());
              RXD_TRY(body.NoOtherFields());
              const Date today = deps_.zone.LocalDate(deps_.clock.Now());
              RXD_ASSIGN_OR_RETURN(Incident created,
                                   privacy.CreateIncident(CallerOf(ctx), in, [&](Connection& c, const Incident& i) {
                                     return on_commit ? on_commit(c, IncidentJson(i, today)) : OkStatus();
                                   }));
              return JsonResponse(201, IncidentJson(created, today));
            });
      });

  router_.Add(
      {.method = "GET",
       .pattern = "/v1/privacy/incidents",
       .rule = {.roles = kOfficer},
       .summary = "Privacy incidents, newest first; ?status= filters",
       .tag = "privacy",
       .response_schema = PagedSchema(IncidentSummarySchema())},
      Handler([this, &privacy](RouteContext& ctx) -> Result<HttpResponse> {
        std::optional<IncidentStatus> status;
        if (const std::string* s = ctx.request.Query("status")) {
          status = ParseIncidentStatus(*s);
          if (!status) {
            return InvalidField("status",
                                "must be open, investigating, closed_no_breach or "
                                "closed_breach_notified");
          }
        }
        RXD_ASSIGN_OR_RETURN(auto page_params, PageParams(ctx.request));
        RXD_ASSIGN_OR_RETURN(Page<Incident> page,
                             privacy.ListIncidents(CallerOf(ctx), status, page_params.first, page_params.second));
        const Date today = deps_.zone.LocalDate(deps_.clock.Now());
        return PageResponse(page, [&](const Incident& i) { return IncidentSummaryJson(i, today); });
      }));

  router_.Add({.method = "GET",
               .pattern = "/v1/privacy/incidents/{id}",
               .rule = {.roles = kOfficer},
               .summary = "A privacy incident with its risk assessment and status history",
               .tag = "privacy",
               .response_schema = IncidentSchema()},
              Handler([this, &privacy](RouteContext& ctx) -> Result<HttpResponse> {
                RXD_ASSIGN_OR_RETURN(Incident i, privacy.GetIncident(CallerOf(ctx), ctx.Param(0)));
                return JsonResponse(200, IncidentJson(i, deps_.zone.LocalDate(deps_.clock.Now())));
              }));

  Json patch_fields = IncidentFieldsSchema();
  patch_fields["status"] = EnumSchema({"open", "investigating", "closed_no_breach", "closed_breach_notified"});
  patch_fields["notified_at"] = StringSchema("date-time");
  patch_fields["resolution"] = StringSchema("", static_cast<int>(kMaxLongText));
  router_.Add({.method = "PATCH",
               .pattern = "/v1/privacy/incidents/{id}",
               .rule = {.roles = kOfficer},
               .summary = "Record the investigation and move the incident: open, investigating, closed_no_breach, "
                          "closed_breach_notified",
               .tag = "privacy",
               .request_schema = ObjectSchema(patch_fields),
               .response_schema = IncidentSchema()},
              Handler([this, &privacy](RouteContext& ctx) -> Result<HttpResponse> {
                RXD_ASSIGN_OR_RETURN(JsonObject body, BodyOf(ctx));
                IncidentPatch p;
                RXD_ASSIGN_OR_RETURN(std::optional<std::string> status, body.OptionalString("status", 32));
                if (status) {
                  p.status = ParseIncidentStatus(*status);
                  if (!p.status) {
                    return InvalidField("status",
                                        "must be open, investigating, closed_no_breach or "
                                        "closed_breach_notified");
                  }
                }
                RXD_ASSIGN_OR_RETURN(p.discovered_at, OptionalInstant(body, "discovered_at"));
                RXD_ASSIGN_OR_RETURN(p.reported_by, body.OptionalString("reported_by", kMaxShortText));
                RXD_ASSIGN_OR_RETURN(p.summary, body.OptionalString("summary", kMaxLongText));
                RXD_ASSIGN_OR_RETURN(p.phi_involved, body.OptionalString("phi_involved", kMaxLongText));
                RXD_ASSIGN_OR_RETURN(p.unauthorized_person, body.OptionalString("unauthorized_person", kMaxLongText));
                RXD_ASSIGN_OR_RETURN(p.phi_acquired_or_viewed, OptionalAnswer(body));
                RXD_ASSIGN_OR_RETURN(p.mitigation, body.OptionalString("mitigation", kMaxLongText));
                RXD_ASSIGN_OR_RETURN(p.notified_at, OptionalInstant(body, "notified_at"));
                RXD_ASSIGN_OR_RETURN(p.resolution, body.OptionalString("resolution", kMaxLongText));
                RXD_ASSIGN_OR_RETURN(p.affected_member_ids, OptionalIdList(body, "affected_member_ids"));
                RXD_TRY(body.NoOtherFields());
                RXD_ASSIGN_OR_RETURN(Incident i, privacy.UpdateIncident(CallerOf(ctx), ctx.Param(0), p));
                return JsonResponse(200, IncidentJson(i, deps_.zone.LocalDate(deps_.clock.Now())));
              }));
}

}  // namespace rxdesk
