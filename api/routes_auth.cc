// POST /v1/auth/login, /v1/auth/logout, /v1/auth/password, /v1/auth/register; GET /v1/me
#include "api/api.h"
#include "api/openapi.h"
#include "api/response.h"
#include "domain/member_number.h"

namespace rxdesk {

void Api::AddAuthRoutes() {
  router_.Add({.method = "POST", .pattern = "/v1/auth/login", .rule = {.is_public = true},
               .summary = "Sign in; workforce roles need a TOTP code", .tag = "auth",
               .request_schema = ObjectSchema({{"username", StringSchema("", 64)},
                                               {"password", StringSchema("", 256)},
                                               {"totp", StringSchema("", 8)}},
                                              {"username", "password"}),
               .response_schema = ObjectSchema({{"token", StringSchema()},
                                                {"expires_at", StringSchema("date-time")},
                                                {"role", StringSchema()}})},
              Handler([this](RouteContext& ctx) -> Result<HttpResponse> {
                RXD_ASSIGN_OR_RETURN(JsonObject body, BodyOf(ctx));
                RXD_ASSIGN_OR_RETURN(std::string username, body.RequiredString("username", 64));
                RXD_ASSIGN_OR_RETURN(std::string password, body.RequiredString("password", 256));
                RXD_ASSIGN_OR_RETURN(std::optional<std::string> totp, body.OptionalString("totp", 8));
                RXD_TRY(body.NoOtherFields());
                RXD_ASSIGN_OR_RETURN(LoginResult r, deps_.auth.Login(username, password, totp, CallerOf(ctx)));
                return JsonResponse(200, Json{{"token", r.token},
                                              {"expires_at", FormatInstant(r.expires_at)},
                                              {"role", ToString(r.role)}});
              }));

  router_.Add({.method = "POST", .pattern = "/v1/auth/logout",
               .rule = {.roles = {Role::kMember, Role::kAgent, Role::kPharmacist, Role::kSupervisor,
                                  Role::kPrivacyOfficer, Role::kAdmin}},
               .summary = "Revoke this token", .tag = "auth", .success_status = 204},
              Handler([this](RouteContext& ctx) -> Result<HttpResponse> {
                RXD_TRY(deps_.auth.Logout(CallerOf(ctx)));
                HttpResponse r;
                r.status = 204;
                return r;
              }));

  router_.Add({.method = "POST", .pattern = "/v1/auth/password",
               .rule = {.roles = {Role::kMember, Role::kAgent, Role::kPharmacist, Role::kSupervisor,
                                  Role::kPrivacyOfficer, Role::kAdmin}},
               .summary = "Change your password; every session of yours ends, this one too", .tag = "auth",
               .request_schema = ObjectSchema({{"current_password", StringSchema("", 256)},
                                               {"new_password", StringSchema("", 256)}},
                                              {"current_password", "new_password"}),
               .success_status = 204},
              Handler([this](RouteContext& ctx) -> Result<HttpResponse> {
                RXD_ASSIGN_OR_RETURN(JsonObject body, BodyOf(ctx));
                RXD_ASSIGN_OR_RETURN(std::string current, body.RequiredString("current_password", 256));
                RXD_ASSIGN_OR_RETURN(std::string next, body.RequiredString("new_password", 300));
                RXD_TRY(body.NoOtherFields());
                RXD_TRY(deps_.auth.ChangePassword(CallerOf(ctx), current, next));
                HttpResponse r;
                r.status = 204;
                return r;
              }));

  router_.Add({.method = "GET", .pattern = "/v1/me",
               .rule = {.roles = {Role::kMember, Role::kAgent, Role::kPharmacist, Role::kSupervisor,
                                  Role::kPrivacyOfficer, Role::kAdmin}},
               .summary = "Who the token belongs to (no PHI)", .tag = "auth",
               .response_schema = ObjectSchema({{"user_id", StringSchema()},
                                                {"username", StringSchema()},
                                                {"role", StringSchema()},
                                                {"member_id", StringSchema()}}),
               .never_waits = true},
              Handler([](RouteContext& ctx) -> Result<HttpResponse> {
                const Principal& p = *ctx.principal;
                Json j = {{"user_id", p.user_id}, {"username", p.username}, {"role", ToString(p.role)}};
                j["member_id"] = p.member_id.empty() ? Json(nullptr) : Json(p.member_id);
                return JsonResponse(200, j);
              }));

  router_.Add({.method = "POST", .pattern = "/v1/auth/register", .rule = {.is_public = true},
               .summary = "A member claims their online account", .tag = "auth",
               .request_schema = ObjectSchema({{"member_number", StringSchema("", 20)},
                                               {"date_of_birth", StringSchema("date")},
                                               {"zip", StringSchema("", 10)},
                                               {"username", StringSchema("", 64)},
                                               {"password", StringSchema("", 256)}},
                                              {"member_number", "date_of_birth", "zip", "username", "password"}),
               .response_schema = ObjectSchema({{"username", StringSchema()}}),
               .success_status = 201},
              Handler([this](RouteContext& ctx) -> Result<HttpResponse> {
                RXD_ASSIGN_OR_RETURN(JsonObject body, BodyOf(ctx));
                RXD_ASSIGN_OR_RETURN(std::string number, body.RequiredString("member_number", 20));
                RXD_ASSIGN_OR_RETURN(std::string dob, body.RequiredString("date_of_birth", 10));
                RXD_ASSIGN_OR_RETURN(std::string zip, body.RequiredString("zip", 10));
                RXD_ASSIGN_OR_RETURN(std::string username, body.RequiredString("username", 64));
                RXD_ASSIGN_OR_RETURN(std::string password, body.RequiredString("password", 256));
                RXD_TRY(body.NoOtherFields());
                RXD_TRY(ParseDate(dob, "date_of_birth"));
                // A malformed member number cannot match anyone: answer exactly as for a mismatch.
                auto canonical = ParseMemberNumber(number);
                RXD_ASSIGN_OR_RETURN(std::string created,
                                     deps_.auth.Register(canonical.ok() ? *canonical : std::string("-"), dob, zip,
                                                         username, password, CallerOf(ctx)));
                return JsonResponse(201, Json{{"username", created}});
              }));
}

}  // namespace rxdesk
