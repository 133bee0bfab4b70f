// Contacts and identity verification (PRODUCT.md section 8):
// POST /v1/contacts, GET /v1/contacts, GET /v1/contacts/{id},
// POST /v1/contacts/{id}/verify, POST /v1/contacts/{id}/close.
// An agent then sends the contact's id in X-Contact-Id with every PHI request.
#include "api/api.h"
#include "api/openapi.h"
#include "api/response.h"
#include "domain/contact_info.h"
#include "domain/member_number.h"
#include "domain/rx_number.h"
#include "infra/ids.h"

namespace rxdesk {
namespace {

const std::vector<Role> kHolders = {Role::kAgent, Role::kPharmacist, Role::kSupervisor};
constexpr std::size_t kMaxLinkedOrders = 20;

Json ContactSchema() {
  return ObjectSchema(
      {{"id", StringSchema()},
       {"reference", StringSchema()},
       {"channel", EnumSchema({"call", "chat", "message", "portal"})},
       {"status", EnumSchema({"open", "closed"})},
       {"verification", EnumSchema({"unverified", "verified", "locked"})},
       {"verified_by", {{"type", {"string", "null"}}}},
       {"failed_attempts", IntegerSchema(0, 100)},
       {"attempts_left", IntegerSchema(0, 100)},
       {"flagged", {{"type", "boolean"}}},
       {"member_id", {{"type", {"string", "null"}}, {"description", "set once the caller is verified"}}},
       {"member",
        {{"type", {"object", "null"}},
         {"description", "masked identity of a linked member before verification: initials, member number's last "
                         "four, state"}}},
       {"opened_at", StringSchema("date-time")},
       {"verified_at", {{"type", {"string", "null"}}}},
       {"closed_at", {{"type", {"string", "null"}}}},
       {"disposition",
        {{"type", {"string", "null"}},
         {"enum", {"resolved", "unresolved", "escalated", "transferred", "no_action", nullptr}}}},
       {"issue",
        {{"type", {"string", "null"}},
         {"enum", {"refill", "transfer", "billing", "shipping", "clinical", "complaint", "other", nullptr}}}},
       {"fcr",
        {{"type", {"boolean", "null"}},
         {"description", "false once a repeat contact on the same issue came within 7 days; null otherwise"}}},
       {"order_ids", {{"type", "array"}, {"items", StringSchema()}}}});
}

Json ContactJson(const Contact& c, const VerificationPolicy& policy, const std::optional<MaskedIdentity>& masked) {
  const bool verified = c.verification.status == VerificationStatus::kVerified;
  Json j = {{"id", c.id},
            {"reference", c.reference},
            {"channel", c.channel},
            {"status", c.open ? "open" : "closed"},
            {"verification", ToString(c.verification.status)},
            {"verified_by", NullOr(c.verified_by)},
            {"failed_attempts", c.verification.failed_attempts},
            {"attempts_left", AttemptsLeft(c.verification, policy)},
            {"flagged", c.flagged},
            {"member_id", verified ? NullOr(c.member_id) : Json(nullptr)},
            {"member", nullptr},
            {"opened_at", c.opened_at},
            {"verified_at", NullOr(c.verified_at)},
            {"closed_at", NullOr(c.closed_at)},
            {"disposition", NullOr(c.disposition)},
            {"issue", NullOr(c.issue)},
            {"fcr", c.fcr ? Json(*c.fcr) : Json(nullptr)},
            {"order_ids", c.order_ids}};
  if (masked && !verified) {
    j["member"] = {{"initials", masked->initials}, {"member_number", masked->member_number}, {"state", masked->state}};
  }
  return j;
}

Result<std::optional<bool>> BoolQuery(const HttpRequest& request, std::string_view name) {
  const std::string* v = request.Query(name);
  if (!v) return std::optional<bool>();
  if (*v == "true") return std::optional<bool>(true);
  if (*v == "false") return std::optional<bool>(false);
  return InvalidField(std::string(name), "must be true or false");
}

// {"first_name", "last_name", "date_of_birth", and one of "address" | "rx_number" | "member_number"}
Result<IdentityClaim> ReadClaim(JsonObject& body) {
  IdentityClaim claim;
  RXD_ASSIGN_OR_RETURN(std::string first, body.RequiredString("first_name", 200));
  RXD_ASSIGN_OR_RETURN(claim.first_name, ValidatePersonName(first, "first_name"));
  RXD_ASSIGN_OR_RETURN(std::string last, body.RequiredString("last_name", 200));
  RXD_ASSIGN_OR_RETURN(claim.last_name, ValidatePersonName(last, "last_name"));
  RXD_ASSIGN_OR_RETURN(std::string dob, body.RequiredString("date_of_birth", 10));
  RXD_ASSIGN_OR_RETURN(claim.date_of_birth, ParseDate(dob, "date_of_birth"));
  RXD_ASSIGN_OR_RETURN(std::optional<JsonObject> address, body.OptionalObject("address"));
  if (address) {
    RXD_ASSIGN_OR_RETURN(claim.address, ReadAddress(*address));
  }
  RXD_ASSIGN_OR_RETURN(std::optional<std::string> rx, body.OptionalString("rx_number", 20));
  if (rx) {
    RXD_ASSIGN_OR_RETURN(RxNumber parsed, RxNumber::Parse(*rx, "rx_number"));
    claim.rx_number = parsed.str();
  }
  RXD_ASSIGN_OR_RETURN(std::optional<std::string> member_number, body.OptionalString("member_number", 20));
  if (member_number) {
    RXD_ASSIGN_OR_RETURN(claim.member_number, ParseMemberNumber(*member_number, "member_number"));
  }
  RXD_TRY(body.NoOtherFields());
  RXD_TRY(ClaimedFact(claim));
  return claim;
}

// The close body: empty, or {"disposition", "issue", "order_ids"?} (both or neither).
Result<ContactOutcome> ReadOutcome(const RouteContext& ctx) {
  ContactOutcome outcome;
  if (ctx.request.body.find_first_not_of(" \t\r\n") == std::string::npos) return outcome;
  RXD_ASSIGN_OR_RETURN(JsonObject body, BodyOf(ctx));
  RXD_ASSIGN_OR_RETURN(std::optional<std::string> disposition, body.OptionalString("disposition", 20));
  RXD_ASSIGN_OR_RETURN(std::optional<std::string> issue, body.OptionalString("issue", 20));
  if (disposition) {
    RXD_ASSIGN_OR_RETURN(outcome.disposition, ParseDisposition(*disposition, "disposition"));
  }
  if (issue) {
    RXD_ASSIGN_OR_RETURN(outcome.issue, ParseIssue(*issue, "issue"));
  }
  body.MarkRead("order_ids");
  if (body.Has("order_ids")) {
    const Json& list = body.json()["order_ids"];
    if (!list.is_array()) return InvalidField("order_ids", "must be an array of order ids");
    if (list.size() > kMaxLinkedOrders) {
      return InvalidField("order_ids", "must list at most " + std::to_string(kMaxLinkedOrders) + " orders");
    }
    for (std::size_t i = 0; i < list.size(); ++i) {
      const std::string field = "order_ids[" + std::to_string(i) + "]";
      if (!list[i].is_string() || !IsValidId(list[i].get_ref<const std::string&>())) {
        return InvalidField(field, "must be an order id");
      }
      outcome.order_ids.push_back(list[i].get<std::string>());
    }
  }
  RXD_TRY(body.NoOtherFields());
  return outcome;
}

}  // namespace

void Api::AddContactRoutes() {
  ContactService& contacts = deps_.contacts;
  const auto render = [&contacts](const Contact& c) { return ContactJson(c, contacts.policy(), std::nullopt); };

  router_.Add({.method = "POST",
               .pattern = "/v1/contacts",
               .rule = {.roles = kHolders},
               .summary = "Open a contact (call, chat, message, portal request) and get its reference number",
               .tag = "contacts",
               .request_schema = ObjectSchema({{"channel", EnumSchema({"call", "chat", "message", "portal"})},
                                               {"member_id", StringSchema("", 64)}},
                                              {"channel"}),
               .response_schema = ContactSchema(),
               .success_status = 201,
               .idempotent_create = true},
              [this, &contacts, render](RouteContext& ctx) {
                return WithIdempotency(
                    ctx, deps_, [&](const CommitHook<Json>& on_commit) -> Result<HttpResponse> {
                      RXD_ASSIGN_OR_RETURN(JsonObject body, BodyOf(ctx));
                      RXD_ASSIGN_OR_RETURN(std::string channel, body.RequiredString("channel", 20));
                      RXD_ASSIGN_OR_RETURN(std::optional<std::string> member_id, body.OptionalString("member_id", 64));
                      RXD_TRY(body.NoOtherFields());
                      RXD_ASSIGN_OR_RETURN(Contact c, contacts.Open(CallerOf(ctx), channel, member_id,
                                                                    [&](Connection& conn, const Contact& created) {
                                                                      return on_commit ? on_commit(conn, render(created))
                                                                                       : OkStatus();
                                                                    }));
                      return JsonResponse(201, render(c));
                    });
              });

  router_.Add({.method = "GET",
               .pattern = "/v1/contacts",
               .rule = {.roles = kHolders},
               .summary = "List contacts, newest first (agents: their own; supervisors: all); ?flagged=&open=",
               .tag = "contacts",
               .response_schema = ListSchema(ContactSchema())},
              Handler([&contacts, render](RouteContext& ctx) -> Result<HttpResponse> {
                ContactFilter filter;
                RXD_ASSIGN_OR_RETURN(filter.flagged, BoolQuery(ctx.request, "flagged"));
                RXD_ASSIGN_OR_RETURN(filter.open, BoolQuery(ctx.request, "open"));
                RXD_ASSIGN_OR_RETURN(auto page_params, PageParams(ctx.request));
                filter.limit = page_params.first;
                filter.cursor = page_params.second;
                RXD_ASSIGN_OR_RETURN(Page<Contact> page, contacts.List(CallerOf(ctx), filter));
                return PageResponse(page, [&](const Contact& c) { return render(c); });
              }));

  router_.Add({.method = "GET",
               .pattern = "/v1/contacts/{id}",
               .rule = {.roles = kHolders},
               .summary = "Read a contact; a linked member is shown masked until the caller is verified",
               .tag = "contacts",
               .response_schema = ContactSchema()},
              Handler([&contacts](RouteContext& ctx) -> Result<HttpResponse> {
                const Caller caller = CallerOf(ctx);
                RXD_ASSIGN_OR_RETURN(Contact c, contacts.Get(caller, ctx.Param(0)));
                std::optional<MaskedIdentity> masked;
                if (c.verification.status != VerificationStatus::kVerified) {
                  RXD_ASSIGN_OR_RETURN(masked, contacts.Masked(caller, c));
                }
                return JsonResponse(200, ContactJson(c, contacts.policy(), masked));
              }));

  router_.Add(
      {.method = "POST",
       .pattern = "/v1/contacts/{id}/verify",
       .rule = {.roles = kHolders},
       .summary = "Verify the caller's identity: full name + date of birth + address, Rx number or member number",
       .tag = "contacts",
       .request_schema = ObjectSchema({{"first_name", StringSchema("", 100)},
                                       {"last_name", StringSchema("", 100)},
                                       {"date_of_birth", StringSchema("date")},
                                       {"address", AddressSchema()},
                                       {"rx_number", StringSchema("", 20)},
                                       {"member_number", StringSchema("", 20)}},
                                      {"first_name", "last_name", "date_of_birth"}),
       .response_schema = ContactSchema()},
      Handler([&contacts, render](RouteContext& ctx) -> Result<HttpResponse> {
        RXD_ASSIGN_OR_RETURN(JsonObject body, BodyOf(ctx));
        RXD_ASSIGN_OR_RETURN(IdentityClaim claim, ReadClaim(body));
        RXD_ASSIGN_OR_RETURN(Contact c, contacts.Verify(CallerOf(ctx), ctx.Param(0), claim));
        return JsonResponse(200, render(c));
      }));

  router_.Add({.method = "POST",
               .pattern = "/v1/contacts/{id}/close",
               .rule = {.roles = kHolders},
               .summary = "Close a contact with its disposition and issue (FCR, CSAT survey); its id no longer "
                          "opens PHI",
               .tag = "contacts",
               .request_schema = ObjectSchema(
                   {{"disposition", EnumSchema({"resolved", "unresolved", "escalated", "transferred", "no_action"})},
                    {"issue", EnumSchema({"refill", "transfer", "billing", "shipping", "clinical", "complaint", "other"})},
                    {"order_ids", {{"type", "array"}, {"items", StringSchema("", 26)}, {"maxItems", kMaxLinkedOrders}}}}),
               .response_schema = ContactSchema()},
              Handler([&contacts, render](RouteContext& ctx) -> Result<HttpResponse> {
                RXD_ASSIGN_OR_RETURN(ContactOutcome outcome, ReadOutcome(ctx));
                RXD_ASSIGN_OR_RETURN(Contact c, contacts.Close(CallerOf(ctx), ctx.Param(0), outcome));
                return JsonResponse(200, render(c));
              }));
}

}  // namespace rxdesk
