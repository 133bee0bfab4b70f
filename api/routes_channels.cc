// Contact channels and the official-channel check (API.md "Public"):
// GET /v1/channels?at=, POST /v1/official-check. Both public: a member or anyone
// who got a suspicious call or email asks before signing in.
#include "api/api.h"
#include "api/openapi.h"
#include "api/response.h"

namespace rxdesk {
namespace {

Json ChannelJson(const ChannelStatus& s) {
  const ChannelSettings& c = s.channel->settings;
  Json j = {{"id", c.id},
            {"name", c.name},
            {"kind", c.kind},
            {"open", s.open},
            {"next_change", s.next_change ? Json(FormatInstant(*s.next_change)) : Json(nullptr)}};
  if (!c.number.empty()) j["number"] = c.number;
  if (!s.offer.empty()) j["offer"] = s.offer;
  return j;
}

Json ChannelSchema() {
  return ObjectSchema(
      {{"id", EnumSchema(ChannelsConfig::Ids())},
       {"name", StringSchema()},
       {"kind", EnumSchema({"phone", "tty", "chat", "secure_message"})},
       {"number", StringSchema()},
       {"open", {{"type", "boolean"}}},
       {"next_change", {{"type", {"string", "null"}}, {"format", "date-time"}}},
       {"offer",
        {{"type", "string"},
         {"enum", {"secure_message"}},
         {"description", "present when the channel is closed and offers another way to reach a pharmacist"}}}},
      {"id", "name", "kind", "open", "next_change"});
}

}  // namespace

void Api::AddChannelRoutes() {
  if (deps_.channels != nullptr) {
    const ChannelDirectory& channels = *deps_.channels;
    router_.Add({.method = "GET",
                 .pattern = "/v1/channels",
                 .rule = {.is_public = true},
                 .summary = "The phone lines, chat and secure messages, and whether each is open at ?at= (default now)",
                 .tag = "channels",
                 .response_schema = ObjectSchema({{"items", {{"type", "array"}, {"items", ChannelSchema()}}}})},
                Handler([this, &channels](RouteContext& ctx) -> Result<HttpResponse> {
                  Instant at = deps_.clock.Now();
                  if (const std::string* text = ctx.request.Query("at")) {
                    if (text->size() > 40) return InvalidField("at", "must be an RFC 3339 instant");
                    RXD_ASSIGN_OR_RETURN(at, ParseInstant(*text, "at"));
                  }
                  Json items = Json::array();
                  for (const ChannelStatus& s : channels.AllAt(at)) items.push_back(ChannelJson(s));
                  return JsonResponse(200, Json{{"items", std::move(items)}});
                }));
  }
  if (deps_.official != nullptr) {
    const OfficialChannels& official = *deps_.official;
    router_.Add({.method = "POST",
                 .pattern = "/v1/official-check",
                 .rule = {.is_public = true},
                 .summary = "Is this phone number, email sender, domain or web address an official channel? Flags "
                            "lookalikes of the official domains",
                 .tag = "channels",
                 .request_schema = ObjectSchema({{"value", StringSchema("", 2048)}}, {"value"}),
                 .response_schema = ObjectSchema({{"official", {{"type", "boolean"}}},
                                                  {"kind", EnumSchema({"phone", "email", "domain", "url"})},
                                                  {"channel", StringSchema()},
                                                  {"lookalike_of", StringSchema()}},
                                                 {"official", "kind"})},
                Handler([&official](RouteContext& ctx) -> Result<HttpResponse> {
                  RXD_ASSIGN_OR_RETURN(JsonObject body, BodyOf(ctx));
                  RXD_ASSIGN_OR_RETURN(std::string value, body.RequiredString("value", official.max_input_bytes));
                  RXD_TRY(body.NoOtherFields());
                  RXD_ASSIGN_OR_RETURN(OfficialCheck c, CheckOfficialChannel(value, official));
                  Json j = {{"official", c.official}, {"kind", ToString(c.kind)}};
                  if (!c.channel.empty()) j["channel"] = c.channel;
                  if (!c.lookalike_of.empty()) j["lookalike_of"] = c.lookalike_of;
                  return JsonResponse(200, j);
                }));
  }
}

}  // namespace rxdesk
