// Secure messages to the pharmacist pool (PRODUCT.md section 7):
// POST|GET /v1/messages, GET /v1/messages/sla, GET /v1/messages/{id},
// POST /v1/messages/{id}/replies, POST /v1/messages/{id}/close.
#include "api/api.h"
#include "api/openapi.h"
#include "api/response.h"

namespace rxdesk {
namespace {

Json NullableString() { return {{"type", {"string", "null"}}}; }

Json ThreadSummarySchema() {
  return ObjectSchema({{"id", StringSchema()},
                       {"contact_id", StringSchema()},
                       {"reference", StringSchema()},
                       {"member_id", StringSchema()},
                       {"subject", StringSchema()},
                       {"status", EnumSchema({"awaiting_reply", "answered", "closed"})},
                       {"awaiting_since", NullableString()},
                       {"created_at", StringSchema("date-time")},
                       {"updated_at", StringSchema("date-time")}});
}

Json ThreadSchema() {
  Json s = ThreadSummarySchema();
  s["properties"]["messages"] = {{"type", "array"},
                                 {"items", ObjectSchema({{"id", StringSchema()},
                                                         {"author_role", EnumSchema({"member", "pharmacist"})},
                                                         {"author_id", StringSchema()},
                                                         {"body", StringSchema()},
                                                         {"created_at", StringSchema("date-time")}})}};
  return s;
}

Json ThreadSummaryJson(const MessageThread& t) {
  return {{"id", t.id},
          {"contact_id", t.contact_id},
          {"reference", t.reference},
          {"member_id", t.member_id},
          {"subject", t.subject},
          {"status", ToString(t.status)},
          {"awaiting_since", NullOr(t.awaiting_since)},
          {"created_at", t.created_at},
          {"updated_at", t.updated_at}};
}

Json ThreadJson(const MessageThread& t) {
  Json j = ThreadSummaryJson(t);
  Json messages = Json::array();
  for (const ThreadMessage& m : t.messages) {
    messages.push_back({{"id", m.id},
                        {"author_role", m.author_role},
                        {"author_id", m.author_id},
                        {"body", m.body},
                        {"created_at", m.created_at}});
  }
  j["messages"] = std::move(messages);
  return j;
}

Json SlaReportJson(const MessageSlaReport& r) {
  Json items = Json::array();
  for (const SlaItem& i : r.items) {
    items.push_back({{"thread_id", i.thread_id},
                     {"reference", i.reference},
                     {"state", ToString(i.sla.state)},
                     {"awaiting_since", i.awaiting_since},
                     {"age_s", i.sla.age.count()},
                     {"warn_at", FormatInstant(i.sla.warn_at)},
                     {"breach_at", FormatInstant(i.sla.breach_at)}});
  }
  return {{"as_of", FormatInstant(r.as_of)},
          {"warnings", r.warnings},
          {"breaches", r.breaches},
          {"items", std::move(items)}};
}

}  // namespace

void Api::AddMessageRoutes() {
  if (deps_.messages == nullptr) return;
  MessageService& messages = *deps_.messages;
  const int max_subject = static_cast<int>(messages.policy().max_subject_bytes);
  const int max_body = static_cast<int>(messages.policy().max_body_bytes);

  router_.Add(
      {.method = "POST",
       .pattern = "/v1/messages",
       .rule = {.roles = {Role::kMember}},
       .summary = "Send a secure message to a pharmacist: a new thread with its contact reference",
       .tag = "messages",
       .request_schema = ObjectSchema(
           {{"subject", StringSchema("", max_subject)}, {"body", StringSchema("", max_body)}}, {"subject", "body"}),
       .response_schema = ThreadSchema(),
       .success_status = 201,
       .idempotent_create = true},
      [this, &messages](RouteContext& ctx) {
        return WithIdempotency(ctx, deps_, [&](const CommitHook<Json>& on_commit) -> Result<HttpResponse> {
          const auto& policy = messages.policy();
          RXD_ASSIGN_OR_RETURN(JsonObject body, BodyOf(ctx));
          RXD_ASSIGN_OR_RETURN(std::string subject, body.RequiredString("subject", policy.max_subject_bytes));
          RXD_ASSIGN_OR_RETURN(std::string text, body.RequiredString("body", policy.max_body_bytes));
          RXD_TRY(body.NoOtherFields());
          RXD_ASSIGN_OR_RETURN(
              MessageThread t,
              messages.Start(CallerOf(ctx), subject, text, [&](Connection& conn, const MessageThread& created) {
                return on_commit ? on_commit(conn, ThreadJson(created)) : OkStatus();
              }));
          return JsonResponse(201, ThreadJson(t));
        });
      });

  router_.Add({.method = "GET",
               .pattern = "/v1/messages",
               .rule = {.roles = {Role::kMember, Role::kPharmacist}},
               .summary = "Message threads, oldest first (members: their own; pharmacists: the pool); ?status=",
               .tag = "messages",
               .response_schema = ListSchema(ThreadSummarySchema())},
              Handler([&messages](RouteContext& ctx) -> Result<HttpResponse> {
                std::optional<ThreadStatus> status;
                if (const std::string* s = ctx.request.Query("status")) {
                  status = ParseThreadStatus(*s);
                  if (!status) return InvalidField("status", "must be awaiting_reply, answered or closed");
                }
                RXD_ASSIGN_OR_RETURN(auto page_params, PageParams(ctx.request));
                RXD_ASSIGN_OR_RETURN(Page<MessageThread> page,
                                     messages.List(CallerOf(ctx), status, page_params.first, page_params.second));
                return PageResponse(page, ThreadSummaryJson);
              }));

  // Before /v1/messages/{id}, which would match "sla" too.
  router_.Add({.method = "GET",
               .pattern = "/v1/messages/sla",
               .rule = {.roles = {Role::kPharmacist, Role::kSupervisor}},
               .summary = "Threads past the SLA warning (24 h) or in breach (48 h), longest waiting first; ?limit=",
               .tag = "messages",
               .response_schema = ObjectSchema({{"as_of", StringSchema("date-time")},
                                                {"warnings", IntegerSchema(0, INT32_MAX)},
                                                {"breaches", IntegerSchema(0, INT32_MAX)},
                                                {"items", {{"type", "array"}}}})},
              Handler([&messages](RouteContext& ctx) -> Result<HttpResponse> {
                RXD_ASSIGN_OR_RETURN(auto page_params, PageParams(ctx.request));
                if (!page_params.second.empty()) return InvalidField("cursor", "this list is not paged: use limit");
                RXD_ASSIGN_OR_RETURN(MessageSlaReport report, messages.Sla(CallerOf(ctx), page_params.first));
                return JsonResponse(200, SlaReportJson(report));
              }));

  router_.Add({.method = "GET",
               .pattern = "/v1/messages/{id}",
               .rule = {.roles = {Role::kMember, Role::kPharmacist}},
               .summary = "A message thread with its messages",
               .tag = "messages",
               .response_schema = ThreadSchema()},
              Handler([&messages](RouteContext& ctx) -> Result<HttpResponse> {
                RXD_ASSIGN_OR_RETURN(MessageThread t, messages.Get(CallerOf(ctx), ctx.Param(0)));
                return JsonResponse(200, ThreadJson(t));
              }));

  router_.Add(
      {.method = "POST",
       .pattern = "/v1/messages/{id}/replies",
       .rule = {.roles = {Role::kMember, Role::kPharmacist}},
       .summary = "Reply in a thread (the member is notified of a pharmacist's reply)",
       .tag = "messages",
       .request_schema = ObjectSchema({{"body", StringSchema("", max_body)}}, {"body"}),
       .response_schema = ThreadSchema(),
       .success_status = 201,
       .idempotent_create = true},
      [this, &messages](RouteContext& ctx) {
        return WithIdempotency(ctx, deps_, [&](const CommitHook<Json>& on_commit) -> Result<HttpResponse> {
          RXD_ASSIGN_OR_RETURN(JsonObject body, BodyOf(ctx));
          RXD_ASSIGN_OR_RETURN(std::string text, body.RequiredString("body", messages.policy().max_body_bytes));
          RXD_TRY(body.NoOtherFields());
          RXD_ASSIGN_OR_RETURN(
              MessageThread t,
              messages.Reply(CallerOf(ctx), ctx.Param(0), text, [&](Connection& conn, const MessageThread& updated) {
                return on_commit ? on_commit(conn, ThreadJson(updated)) : OkStatus();
              }));
          return JsonResponse(201, ThreadJson(t));
        });
      });

  router_.Add(
      {.method = "POST",
       .pattern = "/v1/messages/{id}/close",
       .rule = {.roles = {Role::kPharmacist}},
       .summary = "Close a thread and its contact with a disposition and issue",
       .tag = "messages",
       .request_schema = ObjectSchema(
           {{"disposition", EnumSchema({"resolved", "unresolved", "escalated", "transferred", "no_action"})},
            {"issue", EnumSchema({"refill", "transfer", "billing", "shipping", "clinical", "complaint", "other"})}},
           {"disposition", "issue"}),
       .response_schema = ThreadSchema()},
      Handler([&messages](RouteContext& ctx) -> Result<HttpResponse> {
        RXD_ASSIGN_OR_RETURN(JsonObject body, BodyOf(ctx));
        RXD_ASSIGN_OR_RETURN(std::string disposition, body.RequiredString("disposition", 20));
        RXD_ASSIGN_OR_RETURN(std::string issue, body.RequiredString("issue", 20));
        RXD_TRY(body.NoOtherFields());
        ContactOutcome outcome;
        RXD_ASSIGN_OR_RETURN(outcome.disposition, ParseDisposition(disposition, "disposition"));
        RXD_ASSIGN_OR_RETURN(outcome.issue, ParseIssue(issue, "issue"));
        RXD_ASSIGN_OR_RETURN(MessageThread t, messages.Close(CallerOf(ctx), ctx.Param(0), outcome));
        return JsonResponse(200, ThreadJson(t));
      }));
}

}  // namespace rxdesk
