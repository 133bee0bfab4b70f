#include "api/chat_hub.h"

#include <functional>
#include <utility>

#include "infra/ids.h"
#include "infra/log.h"

namespace rxdesk {

Json ChatJson(const Chat& chat) {
  return Json{{"id", chat.id},
              {"reference", chat.reference},
              {"status", chat.status},
              {"queue", chat.queue},
              {"language", chat.language},
              {"last_seq", chat.last_seq},
              {"member_read_seq", chat.member_read_seq},
              {"agent_read_seq", chat.agent_read_seq},
              {"created_at", chat.created_at},
              {"assigned_at", chat.assigned_at.empty() ? Json(nullptr) : Json(chat.assigned_at)},
              {"ended_at", chat.ended_at.empty() ? Json(nullptr) : Json(chat.ended_at)},
              {"ended_by", chat.ended_by.empty() ? Json(nullptr) : Json(chat.ended_by)}};
}

Json ChatMessageJson(const ChatMessage& m) {
  return Json{{"chat_id", m.chat_id},  {"seq", m.seq},   {"client_id", m.client_id},
              {"from", m.sender_role}, {"text", m.text}, {"sent_at", m.sent_at}};
}

namespace {

constexpr int kCloseUnauthenticated = 4401;

std::string ErrorEvent(const Error& e, const Json& context = Json::object()) {
  Json j = {{"type", "error"}, {"code", e.code}, {"message", e.message}};
  if (!e.field.empty()) j["field"] = e.field;
  for (const auto& [k, v] : e.details) j[k] = v;
  for (const auto& [k, v] : context.items()) j[k] = v;
  return j.dump();
}

}  // namespace

class ChatHub::Socket final : public WsSession, public std::enable_shared_from_this<ChatHub::Socket> {
 public:
  Socket(ChatHub& hub, std::string remote_ip) : hub_(hub), remote_ip_(std::move(remote_ip)) { ++hub_.sockets_; }
  ~Socket() override { --hub_.sockets_; }

  void OnOpen(std::shared_ptr<WsConnection> connection) override {
    std::lock_guard lock(mu_);
    connection_ = std::move(connection);
  }

  void OnClose() override {
    if (!user_id_.empty()) hub_.Leave(user_id_, this);
    std::lock_guard lock(mu_);
    connection_.reset();
  }

  void Send(std::string text) {
    std::shared_ptr<WsConnection> c;
    {
      std::lock_guard lock(mu_);
      c = connection_;
    }
    if (c) c->Send(std::move(text));
  }

  void CloseWith(int code, std::string reason) {
    std::shared_ptr<WsConnection> c;
    {
      std::lock_guard lock(mu_);
      c = connection_;
    }
    if (c) c->Close(code, std::move(reason));
  }

  void OnMessage(std::string text) override {
    Result<JsonObject> parsed = JsonObject::Parse(text);
    if (!parsed.ok()) {
      if (user_id_.empty()) return CloseWith(kCloseUnauthenticated, "the first message must be auth");
      return Send(ErrorEvent(parsed.error()));
    }
    JsonObject& body = *parsed;
    Result<std::string> type = body.RequiredString("type", 32);
    if (user_id_.empty()) {
      if (!type.ok() || *type != "auth") return CloseWith(kCloseUnauthenticated, "the first message must be auth");
      return Authenticate(body);
    }
    if (!type.ok()) return Send(ErrorEvent(type.error()));
    // The token is checked again for every message: a logout or an expiry ends the socket.
    Result<Principal> still = hub_.auth_.Authenticate(token_);
    if (!still.ok()) {
      Send(ErrorEvent(MakeError("unauthenticated", "the session has ended; sign in again")));
      return CloseWith(kCloseUnauthenticated, "the session has ended");
    }
    caller_.principal = *still;
    caller_.request_id = NewId();
    Status handled = Dispatch(*type, body);
    if (!handled.ok()) {
      Json context = Json::object();
      if (const Json* chat_id = Field(body, "chat_id")) context["chat_id"] = *chat_id;
      if (const Json* client_id = Field(body, "client_id")) context["client_id"] = *client_id;
      context["request"] = *type;
      Send(ErrorEvent(handled.error(), context));
    }
  }

 private:
  static const Json* Field(const JsonObject& body, const char* key) {
    const Json& j = body.json();
    auto it = j.find(key);
    return it != j.end() && it->is_string() ? &*it : nullptr;
  }

  void Authenticate(JsonObject& body) {
    Result<std::string> token = body.RequiredString("token", 512);
    if (!token.ok() || !body.NoOtherFields().ok()) {
      return CloseWith(kCloseUnauthenticated, "auth needs a token and nothing else");
    }
    Result<Principal> principal = hub_.auth_.Authenticate(*token);
    if (!principal.ok()) {
      Send(ErrorEvent(MakeError("unauthenticated", "the token is not valid")));
      return CloseWith(kCloseUnauthenticated, "the token is not valid");
    }
    token_ = *token;
    user_id_ = principal->user_id;
    caller_.principal = *principal;
    caller_.remote_ip = remote_ip_;
    caller_.request_id = NewId();
    hub_.Join(user_id_, shared_from_this());
    Json chats = Json::array();
    Result<std::vector<Chat>> open = hub_.chats_.OpenChats(caller_);
    if (open.ok()) {
      for (const Chat& c : *open) chats.push_back(ChatJson(c));
    }
    Send(Json{{"type", "ready"}, {"role", std::string(ToString(principal->role))}, {"chats", std::move(chats)}}.dump());
  }

  Status Dispatch(const std::string& type, JsonObject& body) {
    if (type == "start") return Start(body);
    if (type == "message") return Message(body);
    if (type == "typing") return Typing(body);
    if (type == "read") return Read(body);
    if (type == "resume") return Resume(body);
    if (type == "end") return End(body);
    if (type == "auth") return MakeError("conflict", "this socket is already authenticated");
    return InvalidField("type", "must be start, message, typing, read, resume or end");
  }

  // Chat hours (PRODUCT.md §7): outside them, when chat opens and a secure message instead.
  Status CheckOpen() {
    if (!hub_.channels_) return OkStatus();
    const Instant now = hub_.clock_.Now();
    Result<ChannelStatus> status = hub_.channels_->StatusAt("chat", now);
    if (!status.ok() || status->open) return OkStatus();
    Error e = MakeError("channel_closed", "Chat is closed now.");
    if (status->next_change) {
      e.message = "Chat is closed now; it opens at " + FormatInstant(*status->next_change) + ".";
      e.details.emplace_back("opens_at", FormatInstant(*status->next_change));
    }
    e.message += " You can send a secure message to a pharmacist instead.";
    e.details.emplace_back("offer", "secure_message");
    return e;
  }

  Status Start(JsonObject& body) {
    RXD_ASSIGN_OR_RETURN(std::optional<std::string> topic, body.OptionalString("topic", 64));
    RXD_ASSIGN_OR_RETURN(std::optional<std::string> language_text, body.OptionalString("language", 8));
    RXD_TRY(body.NoOtherFields());
    if (caller_.principal.role != Role::kMember) return MakeError("forbidden", "only members start a chat");
    ChatStart start;
    start.queue = topic.value_or("");
    if (language_text) {
      RXD_ASSIGN_OR_RETURN(start.language, ParseLanguage(*language_text, "language"));
    }
    RXD_TRY(CheckOpen());
    RXD_ASSIGN_OR_RETURN(ChatStarted started, hub_.chats_.Start(caller_, start));
    // The chat may have been assigned during the arrival: read it again for the latest state.
    Result<Chat> now = hub_.chats_.Get(caller_, started.chat.id);
    const Chat& chat = now.ok() ? *now : started.chat;
    const std::string event = Json{{"type", "started"},
                                   {"chat", ChatJson(chat)},
                                   {"position", started.position},
                                   {"expected_wait_s", started.expected_wait.count()}}
                                  .dump();
    Send(event);
    hub_.Deliver({user_id_}, event, this);
    return OkStatus();
  }

  Status Message(JsonObject& body) {
    RXD_ASSIGN_OR_RETURN(std::string chat_id, body.RequiredString("chat_id", 64));
    RXD_ASSIGN_OR_RETURN(std::string client_id, body.RequiredString("client_id", 64));
    RXD_ASSIGN_OR_RETURN(std::string text, body.RequiredString("text", 1 << 20));
    RXD_TRY(body.NoOtherFields());
    std::lock_guard order(hub_.ChatLock(chat_id));
    RXD_ASSIGN_OR_RETURN(PostedMessage posted, hub_.chats_.Post(caller_, chat_id, client_id, text));
    Send(Json{{"type", "ack"},
              {"chat_id", chat_id},
              {"client_id", client_id},
              {"seq", posted.message.seq},
              {"duplicate", posted.duplicate}}
             .dump());
    if (!posted.duplicate) {
      Json event = ChatMessageJson(posted.message);
      event["type"] = "message";
      hub_.Deliver({posted.chat.member_user_id, posted.chat.agent_user_id}, event.dump(), this);
    }
    return OkStatus();
  }

  Status Typing(JsonObject& body) {
    RXD_ASSIGN_OR_RETURN(std::string chat_id, body.RequiredString("chat_id", 64));
    RXD_TRY(body.NoOtherFields());
    RXD_ASSIGN_OR_RETURN(Chat chat, hub_.chats_.Get(caller_, chat_id));
    if (chat.status == "ended") return OkStatus();
    const bool member = chat.member_user_id == user_id_;
    if (!member && chat.agent_user_id != user_id_) return MakeError("not_found", "no such chat");
    hub_.Deliver({chat.member_user_id, chat.agent_user_id},
                 Json{{"type", "typing"}, {"chat_id", chat_id}, {"from", member ? "member" : "agent"}}.dump(), this);
    return OkStatus();
  }

  Status Read(JsonObject& body) {
    RXD_ASSIGN_OR_RETURN(std::string chat_id, body.RequiredString("chat_id", 64));
    RXD_ASSIGN_OR_RETURN(std::int64_t seq, body.RequiredInt("seq", 0, std::int64_t{1} << 53));
    RXD_TRY(body.NoOtherFields());
    RXD_ASSIGN_OR_RETURN(Chat chat, hub_.chats_.MarkRead(caller_, chat_id, seq));
    const bool member = chat.member_user_id == user_id_;
    hub_.Deliver({chat.member_user_id, chat.agent_user_id},
                 Json{{"type", "read"},
                      {"chat_id", chat_id},
                      {"from", member ? "member" : "agent"},
                      {"seq", member ? chat.member_read_seq : chat.agent_read_seq}}
                     .dump(),
                 this);
    return OkStatus();
  }

  Status Resume(JsonObject& body) {
    RXD_ASSIGN_OR_RETURN(std::string chat_id, body.RequiredString("chat_id", 64));
    RXD_ASSIGN_OR_RETURN(std::int64_t after_seq, body.RequiredInt("after_seq", 0, std::int64_t{1} << 53));
    RXD_TRY(body.NoOtherFields());
    // Held against new messages of this chat, so none is stored between the replay and "resumed".
    std::lock_guard order(hub_.ChatLock(chat_id));
    std::int64_t last = after_seq;
    for (;;) {
      RXD_ASSIGN_OR_RETURN(std::vector<ChatMessage> page, hub_.chats_.After(caller_, chat_id, last));
      for (const ChatMessage& m : page) {
        Json event = ChatMessageJson(m);
        event["type"] = "message";
        event["replay"] = true;
        Send(event.dump());
        last = m.seq;
      }
      if (page.size() < static_cast<std::size_t>(hub_.chats_.policy().replay_page)) break;
    }
    RXD_ASSIGN_OR_RETURN(Chat chat, hub_.chats_.Get(caller_, chat_id));
    Send(Json{{"type", "resumed"}, {"chat", ChatJson(chat)}}.dump());
    return OkStatus();
  }

  Status End(JsonObject& body) {
    RXD_ASSIGN_OR_RETURN(std::string chat_id, body.RequiredString("chat_id", 64));
    RXD_TRY(body.NoOtherFields());
    // No chat lock here: ending may free the agent, and the ACD's next assignment takes one.
    RXD_ASSIGN_OR_RETURN(Chat chat, hub_.chats_.End(caller_, chat_id));
    const std::string event = Json{{"type", "ended"}, {"chat", ChatJson(chat)}}.dump();
    Send(event);
    hub_.Deliver({chat.member_user_id, chat.agent_user_id}, event, this);
    return OkStatus();
  }

  ChatHub& hub_;
  const std::string remote_ip_;
  // Used on the socket's own (serial) calls only.
  std::string token_;
  std::string user_id_;
  Caller caller_;
  std::mutex mu_;
  std::shared_ptr<WsConnection> connection_;  // guarded by mu_
};

ChatHub::ChatHub(ChatService& chats, AuthService& auth, const Clock& clock, const ChannelDirectory* channels,
                 ContactCenter* center)
    : chats_(chats), auth_(auth), clock_(clock), channels_(channels) {
  if (center) center->OnAssigned([this](const AssignedContact& a) { OnAssigned(a); });
}

ChatHub::~ChatHub() = default;

WsEndpoint ChatHub::Endpoint() {
  return WsEndpoint{kPath, [this](const HttpRequest& request) {
                      return WsUpgrade{.session = std::make_shared<Socket>(*this, request.remote_ip)};
                    }};
}

std::mutex& ChatHub::ChatLock(const std::string& chat_id) {
  return chat_locks_[std::hash<std::string>{}(chat_id) % chat_locks_.size()];
}

void ChatHub::Join(const std::string& user_id, const std::shared_ptr<Socket>& socket) {
  std::lock_guard lock(mu_);
  auto& list = by_user_[user_id];
  std::erase_if(list, [](const std::weak_ptr<Socket>& w) { return w.expired(); });
  list.push_back(socket);
}

void ChatHub::Leave(const std::string& user_id, const Socket* socket) {
  std::lock_guard lock(mu_);
  auto it = by_user_.find(user_id);
  if (it == by_user_.end()) return;
  std::erase_if(it->second, [socket](const std::weak_ptr<Socket>& w) {
    auto s = w.lock();
    return !s || s.get() == socket;
  });
  if (it->second.empty()) by_user_.erase(it);
}

void ChatHub::Deliver(const std::vector<std::string>& user_ids, const std::string& event, const Socket* except) {
  std::vector<std::shared_ptr<Socket>> targets;
  {
    std::lock_guard lock(mu_);
    for (std::size_t i = 0; i < user_ids.size(); ++i) {
      const std::string& id = user_ids[i];
      if (id.empty()) continue;
      bool seen = false;
      for (std::size_t j = 0; j < i; ++j) seen = seen || user_ids[j] == id;
      if (seen) continue;
      auto it = by_user_.find(id);
      if (it == by_user_.end()) continue;
      for (const auto& w : it->second) {
        if (auto s = w.lock(); s && s.get() != except) targets.push_back(std::move(s));
      }
    }
  }
  for (const auto& s : targets) s->Send(event);
}

void ChatHub::OnAssigned(const AssignedContact& assigned) {
  if (assigned.channel != "chat") return;
  std::lock_guard order(ChatLock(assigned.contact_id));
  Result<Chat> chat = chats_.Assign(assigned.contact_id, assigned.agent_user_id);
  if (!chat.ok()) {
    if (chat.error().code != "not_found") LogWarn("chat_assign_failed", {{"code", chat.error().code}});
    return;
  }
  Deliver({chat->member_user_id, chat->agent_user_id}, Json{{"type", "assigned"}, {"chat", ChatJson(*chat)}}.dump(),
          nullptr);
}

}  // namespace rxdesk
