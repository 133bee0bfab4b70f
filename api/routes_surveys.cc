// CSAT surveys (PRODUCT.md sections 8 and 9): POST /v1/surveys/{token} (public:
// the link the member received) and POST /v1/contacts/{id}/csat (the agent
// desk records a score given in the call or chat).
#include "api/api.h"
#include "api/openapi.h"
#include "api/response.h"

namespace rxdesk {

void Api::AddSurveyRoutes() {
  if (deps_.surveys == nullptr) return;
  SurveyService& surveys = *deps_.surveys;
  ContactService& contacts = deps_.contacts;

  router_.Add({.method = "POST",
               .pattern = "/v1/surveys/{token}",
               .rule = {.is_public = true},
               .summary = "Answer a CSAT survey by its link (1-5, once): 404 unknown, 409 answered, 410 expired",
               .tag = "surveys",
               .request_schema =
                   ObjectSchema({{"score", IntegerSchema(1, 5)},
                                 {"comment", StringSchema("", static_cast<int>(surveys.policy().max_comment_bytes))}},
                                {"score"}),
               .response_schema = ObjectSchema({{"score", IntegerSchema(1, 5)}})},
              Handler([&surveys](RouteContext& ctx) -> Result<HttpResponse> {
                RXD_ASSIGN_OR_RETURN(JsonObject body, BodyOf(ctx));
                RXD_ASSIGN_OR_RETURN(std::int64_t score, body.RequiredInt("score", kMinCsatScore, kMaxCsatScore));
                RXD_ASSIGN_OR_RETURN(std::optional<std::string> comment,
                                     body.OptionalString("comment", surveys.policy().max_comment_bytes));
                RXD_TRY(body.NoOtherFields());
                RXD_TRY(surveys.Answer(CallerOf(ctx), ctx.Param(0), score, comment));
                return JsonResponse(200, Json{{"score", score}});
              }));

  router_.Add({.method = "POST",
               .pattern = "/v1/contacts/{id}/csat",
               .rule = {.roles = {Role::kAgent, Role::kPharmacist, Role::kSupervisor}},
               .summary = "Record the CSAT score a member gave in the channel, once the contact is closed",
               .tag = "surveys",
               .request_schema = ObjectSchema({{"score", IntegerSchema(1, 5)}}, {"score"}),
               .response_schema = ObjectSchema({{"contact_id", StringSchema()}, {"score", IntegerSchema(1, 5)}})},
              Handler([&surveys, &contacts](RouteContext& ctx) -> Result<HttpResponse> {
                RXD_ASSIGN_OR_RETURN(JsonObject body, BodyOf(ctx));
                RXD_ASSIGN_OR_RETURN(std::int64_t score, body.RequiredInt("score", kMinCsatScore, kMaxCsatScore));
                RXD_TRY(body.NoOtherFields());
                const Caller caller = CallerOf(ctx);
                RXD_ASSIGN_OR_RETURN(Contact c, contacts.GetHeld(caller, ctx.Param(0), "csat.answer"));
                RXD_TRY(surveys.RecordCsat(c.id, score, "agent", caller));
                return JsonResponse(200, Json{{"contact_id", c.id}, {"score", score}});
              }));
}

}  // namespace rxdesk
