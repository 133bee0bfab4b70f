// Notification preferences (PRODUCT.md §8): GET/PUT /v1/members/{id}/notification-preferences.
// A member reads and changes their own; an agent does it in a verified contact
// (X-Contact-Id). Both audited. Sending is the worker's (services/notification_worker.h).
#include "api/api.h"
#include "api/openapi.h"
#include "api/response.h"

namespace rxdesk {
namespace {

const std::vector<Role> kMemberOrAgent = {Role::kMember, Role::kAgent};

Json PreferenceSchema() {
  return ObjectSchema({{"member_id", StringSchema()},
                       {"channel", EnumSchema({"email", "sms", "none"})},
                       {"language", EnumSchema({"en", "es"})},
                       {"default",
                        {{"type", "boolean"},
                         {"description", "true while the member never chose (derived from the addresses on file)"}}},
                       {"available_channels",
                        {{"type", "array"},
                         {"items", EnumSchema({"email", "sms", "none"})},
                         {"description", "channels with an address on file"}}},
                       {"updated_at", {{"type", {"string", "null"}}, {"format", "date-time"}}}});
}

Json PreferenceJson(const std::string& member_id, const NotificationPreference& p) {
  Json available = Json::array();
  if (p.on_file.has_email) available.push_back("email");
  if (p.on_file.has_phone) available.push_back("sms");
  available.push_back("none");
  return {{"member_id", member_id},
          {"channel", ToString(p.channel)},
          {"language", ToString(p.language)},
          {"default", p.is_default},
          {"available_channels", std::move(available)},
          {"updated_at", NullOr(p.updated_at)}};
}

}  // namespace

void Api::AddNotificationRoutes() {
  if (deps_.notification_preferences == nullptr) return;
  NotificationPreferenceService& prefs = *deps_.notification_preferences;

  router_.Add({.method = "GET",
               .pattern = "/v1/members/{id}/notification-preferences",
               .rule = {.roles = kMemberOrAgent},
               .summary = "Read how a member is notified: channel (email, sms, none) and language (en, es)",
               .tag = "notifications",
               .response_schema = PreferenceSchema()},
              Handler([&prefs](RouteContext& ctx) -> Result<HttpResponse> {
                const std::string& member_id = ctx.Param(0);
                RXD_ASSIGN_OR_RETURN(NotificationPreference p, prefs.Get(CallerOf(ctx), member_id));
                return JsonResponse(200, PreferenceJson(member_id, p));
              }));

  router_.Add(
      {.method = "PUT",
       .pattern = "/v1/members/{id}/notification-preferences",
       .rule = {.roles = kMemberOrAgent},
       .summary = "Set how a member is notified; email or sms needs that address on file",
       .tag = "notifications",
       .request_schema =
           ObjectSchema({{"channel", EnumSchema({"email", "sms", "none"})}, {"language", EnumSchema({"en", "es"})}},
                        {"channel", "language"}),
       .response_schema = PreferenceSchema()},
      Handler([&prefs](RouteContext& ctx) -> Result<HttpResponse> {
        RXD_ASSIGN_OR_RETURN(JsonObject body, BodyOf(ctx));
        RXD_ASSIGN_OR_RETURN(std::string channel_text, body.RequiredString("channel", 10));
        RXD_ASSIGN_OR_RETURN(std::string language_text, body.RequiredString("language", 10));
        RXD_TRY(body.NoOtherFields());
        RXD_ASSIGN_OR_RETURN(NotificationChannel channel, ParseNotificationChannel(channel_text, "channel"));
        RXD_ASSIGN_OR_RETURN(NotificationLanguage language, ParseNotificationLanguage(language_text, "language"));
        const std::string& member_id = ctx.Param(0);
        RXD_ASSIGN_OR_RETURN(NotificationPreference p, prefs.Set(CallerOf(ctx), member_id, channel, language));
        return JsonResponse(200, PreferenceJson(member_id, p));
      }));
}

}  // namespace rxdesk
