// The web chat's HTTP side: GET /v1/contacts/{id}/transcript. The chat itself
// speaks WebSocket at /v1/chat/ws (api/chat_hub.h; docs/contact-center.md).
#include "api/api.h"
#include "api/chat_hub.h"
#include "api/openapi.h"
#include "api/response.h"

namespace rxdesk {

void Api::AddChatRoutes() {
  ChatService* chat = deps_.chat;
  const Json nullable = {{"type", {"string", "null"}}};
  const Json chat_schema = ObjectSchema({{"id", StringSchema()},
                                         {"reference", StringSchema()},
                                         {"status", EnumSchema({"waiting", "active", "ended"})},
                                         {"queue", StringSchema()},
                                         {"language", EnumSchema({"en", "es"})},
                                         {"last_seq", IntegerSchema(0, INT64_MAX)},
                                         {"member_read_seq", IntegerSchema(0, INT64_MAX)},
                                         {"agent_read_seq", IntegerSchema(0, INT64_MAX)},
                                         {"created_at", StringSchema("date-time")},
                                         {"assigned_at", nullable},
                                         {"ended_at", nullable},
                                         {"ended_by", nullable}});
  const Json message_schema = ObjectSchema({{"chat_id", StringSchema()},
                                            {"seq", IntegerSchema(1, INT64_MAX)},
                                            {"client_id", StringSchema()},
                                            {"from", EnumSchema({"member", "agent"})},
                                            {"text", StringSchema()},
                                            {"sent_at", StringSchema("date-time")}});
  router_.Add({.method = "GET",
               .pattern = "/v1/contacts/{id}/transcript",
               .rule = {.roles = {Role::kMember, Role::kAgent, Role::kPharmacist, Role::kSupervisor}},
               .summary = "A chat contact's transcript: the member's own chat, the agent it was assigned to, or a "
                          "supervisor (audited)",
               .tag = "chat",
               .response_schema =
                   ObjectSchema({{"chat", chat_schema}, {"messages", {{"type", "array"}, {"items", message_schema}}}})},
              Handler([chat](RouteContext& ctx) -> Result<HttpResponse> {
                if (!chat) return MakeError("not_found", "no such chat");
                RXD_ASSIGN_OR_RETURN(auto transcript, chat->Transcript(CallerOf(ctx), ctx.Param(0)));
                Json messages = Json::array();
                for (const ChatMessage& m : transcript.second) messages.push_back(ChatMessageJson(m));
                return JsonResponse(200, Json{{"chat", ChatJson(transcript.first)}, {"messages", std::move(messages)}});
              }));
}

}  // namespace rxdesk
