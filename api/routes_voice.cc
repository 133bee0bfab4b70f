// The voice webhook (API.md "Voice"): POST /v1/voice/calls and
// POST /v1/voice/calls/{call_sid}/events. No token: the telephony provider signs
// each raw body with the shared secret (X-Rxdesk-Signature: sha256=<hex HMAC-SHA256>);
// an unsigned or mis-signed request, or any request while voice.webhook_secret is
// empty (voice off), is 401 before the body is read.
#include "api/api.h"
#include "api/openapi.h"
#include "api/response.h"
#include "infra/ack_gate.h"

namespace rxdesk {
namespace {

constexpr char kSignatureHeader[] = "X-Rxdesk-Signature";

Json ActionJson(const IvrAction& a) {
  using Kind = IvrAction::Kind;
  switch (a.kind) {
    case Kind::kSay:
      return {{"say", {{"text", a.text}, {"lang", LanguageCode(a.language)}}}};
    case Kind::kGather:
      return {{"gather", {{"max_digits", a.max_digits}, {"timeout_s", a.timeout_s}}}};
    case Kind::kEnqueue:
      return {{"enqueue", {{"queue", a.queue}, {"lang", LanguageCode(a.language)}}}};
    case Kind::kTransfer:
      return {{"transfer", {{"number", a.number}}}};
    case Kind::kHangup:
      return {{"hangup", Json::object()}};
  }
  return Json::object();
}

HttpResponse ActionsResponse(const std::vector<IvrAction>& actions) {
  Json list = Json::array();
  for (const IvrAction& a : actions) list.push_back(ActionJson(a));
  return JsonResponse(200, Json{{"actions", std::move(list)}});
}

Json ActionsSchema() {
  const Json lang = EnumSchema({"en", "es"});
  const Json action = {
      {"oneOf", Json::array({ObjectSchema({{"say", ObjectSchema({{"text", StringSchema()}, {"lang", lang}})}}),
                             ObjectSchema({{"gather", ObjectSchema({{"max_digits", IntegerSchema(1, 32)},
                                                                    {"timeout_s", IntegerSchema(1, 60)}})}}),
                             ObjectSchema({{"enqueue", ObjectSchema({{"queue", StringSchema()}, {"lang", lang}})}}),
                             ObjectSchema({{"transfer", ObjectSchema({{"number", StringSchema()}})}}),
                             ObjectSchema({{"hangup", ObjectSchema({})}})})}};
  return ObjectSchema({{"actions", {{"type", "array"}, {"items", action}}}}, {"actions"});
}

bool IsKeypadDigits(std::string_view digits) {
  return !digits.empty() && digits.size() <= 32 && std::all_of(digits.begin(), digits.end(), [](char c) {
    return (c >= '0' && c <= '9') || c == '*' || c == '#';
  });
}

}  // namespace

void Api::AddVoiceRoutes() {
  if (deps_.voice == nullptr) return;
  VoiceService& voice = *deps_.voice;
  // Checks the signature over the raw body before anything else runs.
  const auto signed_handler = [&voice](ApiHandler handler) {
    return Handler([&voice, handler = std::move(handler)](RouteContext& ctx) -> Result<HttpResponse> {
      if (!voice.SignatureValid(ctx.request.body, ctx.request.Header("x-rxdesk-signature"))) {
        return MakeError("unauthenticated", std::string("the request must be signed with ") + kSignatureHeader);
      }
      return handler(ctx);
    });
  };

  router_.Add({.method = "POST",
               .pattern = "/v1/voice/calls",
               .rule = {.is_public = true, .signature_header = kSignatureHeader},
               .summary = "A call reached one of the lines: its first IVR instructions (signed by the provider)",
               .tag = "voice",
               .request_schema = ObjectSchema(
                   {{"call_sid", StringSchema("", 64)}, {"to", StringSchema("", 40)}, {"from", StringSchema("", 40)}},
                   {"call_sid", "to", "from"}),
               .response_schema = ActionsSchema()},
              signed_handler([&voice](RouteContext& ctx) -> Result<HttpResponse> {
                RXD_ASSIGN_OR_RETURN(JsonObject body, BodyOf(ctx));
                VoiceCallStart start;
                RXD_ASSIGN_OR_RETURN(start.call_sid, body.RequiredString("call_sid", 64));
                RXD_ASSIGN_OR_RETURN(start.to, body.RequiredString("to", 40));
                RXD_ASSIGN_OR_RETURN(start.from, body.RequiredString("from", 40));
                RXD_TRY(body.NoOtherFields());
                start.request_id = ctx.request.request_id;
                RXD_ASSIGN_OR_RETURN(std::vector<IvrAction> actions, voice.StartCall(start));
                return ActionsResponse(actions);
              }));

  router_.Add({.method = "POST",
               .pattern = "/v1/voice/calls/{call_sid}/events",
               .rule = {.is_public = true, .signature_header = kSignatureHeader},
               .summary = "The caller pressed keys, said nothing or hung up: the next IVR instructions",
               .tag = "voice",
               .request_schema = ObjectSchema(
                   {{"type", EnumSchema({"digits", "timeout", "hangup"})}, {"digits", StringSchema("", 32)}}, {"type"}),
               .response_schema = ActionsSchema()},
              signed_handler([&voice](RouteContext& ctx) -> Result<HttpResponse> {
                RXD_ASSIGN_OR_RETURN(JsonObject body, BodyOf(ctx));
                RXD_ASSIGN_OR_RETURN(std::string type, body.RequiredString("type", 16));
                RXD_ASSIGN_OR_RETURN(std::optional<std::string> digits, body.OptionalString("digits", 32));
                RXD_TRY(body.NoOtherFields());
                IvrEvent event;
                if (type == "digits") {
                  if (!digits) return InvalidField("digits", "is required with type digits");
                  if (!IsKeypadDigits(*digits)) return InvalidField("digits", "must be 1-32 of 0-9, * and #");
                  event = {.type = IvrEventType::kDigits, .digits = *digits};
                } else if (type == "timeout" || type == "hangup") {
                  if (digits) return InvalidField("digits", "is only for type digits");
                  event.type = type == "timeout" ? IvrEventType::kTimeout : IvrEventType::kHangup;
                } else {
                  return InvalidField("type", "must be digits, timeout or hangup");
                }
                // In a request, answer once the call's new state committed without
                // holding this thread for the group commit (infra/ack_gate.h).
                if (AckGate* gate = AckGate::Current()) {
                  voice.OnEventAsync(ctx.Param(0), event, ctx.request.request_id,
                                     [gate = gate->shared_from_this(), hold = gate->Hold()](
                                         Result<std::vector<IvrAction>> actions) {
                                       gate->SetAnswer(actions.ok() ? ActionsResponse(*actions)
                                                                    : ErrorResponse(actions.error()));
                                       hold(OkStatus());
                                     });
                  return HttpResponse{};  // replaced by the answer above
                }
                RXD_ASSIGN_OR_RETURN(std::vector<IvrAction> actions,
                                     voice.OnEvent(ctx.Param(0), event, ctx.request.request_id));
                return ActionsResponse(actions);
              }));
}

}  // namespace rxdesk
