#include "services/chat_service.h"

#include <algorithm>
#include <utility>

#include "infra/ids.h"
#include "services/audit.h"

namespace rxdesk {
namespace {

constexpr char kChatColumns[] =
    "id, reference, member_user_id, member_id, agent_user_id, queue, language, status, last_seq, member_read_seq, "
    "agent_read_seq, created_at, assigned_at, ended_at, ended_by";

Chat ChatOf(const Row& r) {
  Chat c;
  c.id = r.Text(0);
  c.reference = r.Text(1);
  c.member_user_id = r.Text(2);
  c.member_id = r.Text(3);
  c.agent_user_id = r.Text(4);
  c.queue = r.Text(5);
  c.language = r.Text(6);
  c.status = r.Text(7);
  c.last_seq = r.Int(8);
  c.member_read_seq = r.Int(9);
  c.agent_read_seq = r.Int(10);
  c.created_at = r.Text(11);
  c.assigned_at = r.Text(12);
  c.ended_at = r.Text(13);
  c.ended_by = r.Text(14);
  return c;
}

Result<std::optional<Chat>> FindChat(Connection& conn, const std::string& id) {
  RXD_ASSIGN_OR_RETURN(Rows rows,
                       conn.Query(std::string("SELECT ") + kChatColumns + " FROM chats WHERE id = ?", {Value(id)}));
  if (rows.empty()) return std::optional<Chat>();
  return std::optional<Chat>(ChatOf(rows.front()));
}

Error ChatNotFound() { return MakeError("not_found", "no such chat"); }

bool IsMemberOf(const Caller& caller, const Chat& chat) {
  return caller.principal.role == Role::kMember && caller.principal.user_id == chat.member_user_id;
}
bool IsAgentOf(const Caller& caller, const Chat& chat) {
  return caller.principal.role != Role::kMember && !chat.agent_user_id.empty() &&
         caller.principal.user_id == chat.agent_user_id;
}

// The caller acting in this chat's contact: audit entries name it as their purpose.
Caller InChat(const Caller& caller, const std::string& chat_id) {
  Caller c = caller;
  c.contact_id = chat_id;
  return c;
}

Value NullIfEmpty(const std::string& s) { return s.empty() ? Value() : Value(s); }

}  // namespace

ChatService::ChatService(Store& store, const PhiVault& vault, const Clock& clock, ContactCenter* center,
                         ChatPolicy policy)
    : store_(store), vault_(vault), clock_(clock), center_(center), policy_(std::move(policy)) {}

Result<Chat> ChatService::LoadFor(Connection& conn, const Caller& caller, const std::string& chat_id, Access access) {
  if (!IsValidId(chat_id)) return ChatNotFound();
  RXD_ASSIGN_OR_RETURN(std::optional<Chat> chat, FindChat(conn, chat_id));
  if (!chat) return ChatNotFound();
  const bool participant = IsMemberOf(caller, *chat) || IsAgentOf(caller, *chat);
  const bool reader = access == Access::kReader && caller.principal.role == Role::kSupervisor;
  if (!participant && !reader) return ChatNotFound();
  return *chat;
}

Result<ChatStarted> ChatService::Start(const Caller& member, const ChatStart& start) {
  if (member.principal.role != Role::kMember) return MakeError("forbidden", "only members start a chat");
  if (!center_) return MakeError("unavailable", "chat is not available on this server");
  const std::string queue = start.queue.empty() ? policy_.default_queue : start.queue;
  const std::optional<std::string> member_id =
      member.principal.member_id.empty() ? std::nullopt : std::optional<std::string>(member.principal.member_id);
  // The contact exists (with its reference) and so does the chat row before the ACD
  // routes it: an assignment made at once finds the chat to record its agent in.
  RXD_ASSIGN_OR_RETURN(Contact contact, center_->OpenSelfService("chat", member_id));
  const std::string now = FormatInstant(clock_.Now());
  Chat chat;
  chat.id = contact.id;
  chat.reference = contact.reference;
  chat.member_user_id = member.principal.user_id;
  chat.member_id = member.principal.member_id;
  chat.queue = queue;
  chat.language = std::string(LanguageCode(start.language));
  chat.status = "waiting";
  chat.created_at = now;
  RXD_TRY(store_.Write([&](WriteContext& w) -> Status {
    RXD_TRY(
        w.conn.Exec("INSERT INTO chats(id, reference, member_user_id, member_id, queue, language, status, "
                    "created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                    {Value(chat.id), Value(chat.reference), Value(chat.member_user_id), NullIfEmpty(chat.member_id),
                     Value(chat.queue), Value(chat.language), Value(chat.status), Value(now), Value(now)}));
    return w.audit.Append(
        w.conn, MakeAudit(InChat(member, chat.id), clock_.Now(), "chat.start", "chat", chat.id, chat.member_id));
  }));
  Result<Arrived> arrived = center_->Arrive(
      {.channel = "chat", .queue = queue, .language = start.language, .member_id = member_id, .contact_id = chat.id});
  if (!arrived.ok()) {
    // Not routed (e.g. an unknown queue): the chat never began.
    Error e = arrived.error();
    (void)store_.Write([&](WriteContext& w) -> Status {
      RXD_TRY(
          w.conn.Exec("UPDATE chats SET status = 'ended', ended_at = ?, ended_by = 'system', updated_at = ? "
                      "WHERE id = ?",
                      {Value(now), Value(now), Value(chat.id)}));
      return OkStatus();
    });
    if (e.code == "invalid_request" && e.field == "queue") e.field = "topic";
    return e;
  }
  ChatStarted started;
  started.position = arrived->position;
  started.expected_wait = arrived->expected_wait;
  RXD_ASSIGN_OR_RETURN(std::optional<Chat> now_chat, store_.Read([&](Connection& c) { return FindChat(c, chat.id); }));
  started.chat = now_chat ? *now_chat : chat;
  return started;
}

Result<Chat> ChatService::Assign(const std::string& chat_id, const std::string& agent_user_id) {
  const std::string now = FormatInstant(clock_.Now());
  Chat chat;
  RXD_TRY(store_.Write([&](WriteContext& w) -> Status {
    RXD_ASSIGN_OR_RETURN(std::optional<Chat> found, FindChat(w.conn, chat_id));
    if (!found) return ChatNotFound();
    chat = *found;
    if (chat.status == "ended" || chat.agent_user_id == agent_user_id) return OkStatus();
    RXD_TRY(
        w.conn.Exec("UPDATE chats SET agent_user_id = ?, status = 'active', assigned_at = ?, updated_at = ? "
                    "WHERE id = ?",
                    {Value(agent_user_id), Value(now), Value(now), Value(chat_id)}));
    chat.agent_user_id = agent_user_id;
    chat.status = "active";
    chat.assigned_at = now;
    return w.audit.Append(w.conn, MakeSystemAudit(clock_.Now(), "chat.assign", "chat", chat_id, "", "ok"));
  }));
  return chat;
}

Result<Chat> ChatService::Get(const Caller& caller, const std::string& chat_id) {
  return store_.Read([&](Connection& c) { return LoadFor(c, caller, chat_id, Access::kReader); });
}

Result<std::vector<Chat>> ChatService::OpenChats(const Caller& caller) {
  const bool member = caller.principal.role == Role::kMember;
  const std::string sql = std::string("SELECT ") + kChatColumns + " FROM chats WHERE " +
                          (member ? "member_user_id" : "agent_user_id") + " = ? AND status <> 'ended' ORDER BY id";
  RXD_ASSIGN_OR_RETURN(Rows rows,
                       store_.Read([&](Connection& c) { return c.Query(sql, {Value(caller.principal.user_id)}); }));
  std::vector<Chat> out;
  out.reserve(rows.size());
  for (const Row& r : rows) out.push_back(ChatOf(r));
  return out;
}

Result<PostedMessage> ChatService::Post(const Caller& caller, const std::string& chat_id, const std::string& client_id,
                                        const std::string& text) {
  RXD_TRY(ValidateClientId(client_id));
  RXD_TRY(ValidateChatText(text, policy_));
  PostedMessage out;
  const Instant at = clock_.Now();
  const std::string now = FormatInstant(at);
  const std::string id = NewId();
  // Sealed before the job: the writer thread does only the SQL.
  const Blob sealed = vault_.Seal("chat_messages", id, "text", text);
  const Value key_id(static_cast<std::int64_t>(vault_.current_key_id()));
  RXD_TRY(store_.Write([&](WriteContext& w) -> Status {
    RXD_ASSIGN_OR_RETURN(Chat chat, LoadFor(w.conn, caller, chat_id, Access::kParticipant));
    RXD_ASSIGN_OR_RETURN(Rows existing,
                         w.conn.Query("SELECT seq, sent_at, sender_role FROM chat_messages WHERE chat_id = ? AND "
                                      "sender_user_id = ? AND client_id = ?",
                                      {Value(chat_id), Value(caller.principal.user_id), Value(client_id)}));
    out.message = ChatMessage{.chat_id = chat_id,
                              .client_id = client_id,
                              .sender_role = IsMemberOf(caller, chat) ? "member" : "agent",
                              .sender_user_id = caller.principal.user_id,
                              .text = text};
    if (!existing.empty()) {
      out.duplicate = true;
      out.message.seq = existing.front().Int(0);
      out.message.sent_at = existing.front().Text(1);
      out.chat = chat;
      return OkStatus();
    }
    if (chat.status == "ended") return MakeError("conflict", "the chat has ended");
    out.message.seq = chat.last_seq + 1;
    out.message.sent_at = now;
    RXD_TRY(w.conn.Exec("UPDATE chats SET last_seq = ?, updated_at = ? WHERE id = ?",
                        {Value(out.message.seq), Value(now), Value(chat_id)}));
    RXD_TRY(w.conn.Exec(
        "INSERT INTO chat_messages(id, chat_id, seq, client_id, sender_role, sender_user_id, "
        "text_enc, key_id, sent_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
        {Value(id), Value(chat_id), Value(out.message.seq), Value(client_id), Value(out.message.sender_role),
         Value(caller.principal.user_id), Value(sealed), key_id, Value(now)}));
    chat.last_seq = out.message.seq;
    out.chat = chat;
    return w.audit.Append(
        w.conn, MakeAudit(InChat(caller, chat_id), at, "chat.message.create", "chat_message", id, chat.member_id));
  }));
  return out;
}

Result<std::vector<ChatMessage>> ChatService::LoadMessages(Connection& conn, const std::string& chat_id,
                                                           std::int64_t after_seq, int limit) {
  RXD_ASSIGN_OR_RETURN(Rows rows, conn.Query("SELECT id, seq, client_id, sender_role, sender_user_id, text_enc, "
                                             "sent_at FROM chat_messages WHERE chat_id = ? AND seq > ? ORDER BY seq "
                                             "LIMIT ?",
                                             {Value(chat_id), Value(after_seq), Value(limit)}));
  std::vector<ChatMessage> out;
  out.reserve(rows.size());
  for (const Row& r : rows) {
    RXD_ASSIGN_OR_RETURN(std::string text, vault_.Open("chat_messages", r.Text(0), "text", r.at(5)));
    out.push_back(ChatMessage{.chat_id = chat_id,
                              .seq = r.Int(1),
                              .client_id = r.Text(2),
                              .sender_role = r.Text(3),
                              .sender_user_id = r.Text(4),
                              .text = std::move(text),
                              .sent_at = r.Text(6)});
  }
  return out;
}

Result<std::vector<ChatMessage>> ChatService::After(const Caller& caller, const std::string& chat_id,
                                                    std::int64_t after_seq) {
  Chat chat;
  RXD_ASSIGN_OR_RETURN(std::vector<ChatMessage> messages,
                       store_.Read([&](Connection& c) -> Result<std::vector<ChatMessage>> {
                         RXD_ASSIGN_OR_RETURN(chat, LoadFor(c, caller, chat_id, Access::kParticipant));
                         return LoadMessages(c, chat_id, std::max<std::int64_t>(0, after_seq), policy_.replay_page);
                       }));
  if (!messages.empty()) {
    RXD_TRY(AuditAlone(store_, MakeAudit(InChat(caller, chat_id), clock_.Now(), "chat.message.read", "chat", chat_id,
                                         chat.member_id)));
  }
  return messages;
}

Result<Chat> ChatService::MarkRead(const Caller& caller, const std::string& chat_id, std::int64_t seq) {
  Chat chat;
  const std::string now = FormatInstant(clock_.Now());
  RXD_TRY(store_.Write([&](WriteContext& w) -> Status {
    RXD_ASSIGN_OR_RETURN(chat, LoadFor(w.conn, caller, chat_id, Access::kParticipant));
    const bool member = IsMemberOf(caller, chat);
    std::int64_t& mark = member ? chat.member_read_seq : chat.agent_read_seq;
    const std::int64_t capped = std::min(seq, chat.last_seq);
    if (capped <= mark) return OkStatus();
    mark = capped;
    const std::string sql = std::string("UPDATE chats SET ") + (member ? "member_read_seq" : "agent_read_seq") +
                            " = ?, updated_at = ? WHERE id = ?";
    RXD_TRY(w.conn.Exec(sql, {Value(capped), Value(now), Value(chat_id)}));
    return OkStatus();
  }));
  return chat;
}

Result<Chat> ChatService::End(const Caller& caller, const std::string& chat_id) {
  RXD_ASSIGN_OR_RETURN(Chat chat,
                       store_.Read([&](Connection& c) { return LoadFor(c, caller, chat_id, Access::kParticipant); }));
  if (chat.status == "ended") return chat;
  if (center_) {
    // The ACD may assign the chat between our read and the call: then the other one fits.
    Status s = chat.status == "waiting" ? center_->Abandon(chat_id) : center_->Finish(chat_id);
    if (!s.ok() && s.error().code == "conflict") {
      s = chat.status == "waiting" ? center_->Finish(chat_id) : center_->Abandon(chat_id);
    }
    if (!s.ok() && s.error().code != "conflict" && s.error().code != "not_found") return s.error();
  }
  const Instant at = clock_.Now();
  const std::string now = FormatInstant(at);
  const std::string by = IsMemberOf(caller, chat) ? "member" : "agent";
  RXD_TRY(store_.Write([&](WriteContext& w) -> Status {
    RXD_ASSIGN_OR_RETURN(chat, LoadFor(w.conn, caller, chat_id, Access::kParticipant));
    if (chat.status == "ended") return OkStatus();
    RXD_TRY(w.conn.Exec("UPDATE chats SET status = 'ended', ended_at = ?, ended_by = ?, updated_at = ? WHERE id = ?",
                        {Value(now), Value(by), Value(now), Value(chat_id)}));
    chat.status = "ended";
    chat.ended_at = now;
    chat.ended_by = by;
    return w.audit.Append(w.conn, MakeAudit(InChat(caller, chat_id), at, "chat.end", "chat", chat_id, chat.member_id));
  }));
  return chat;
}

Result<std::pair<Chat, std::vector<ChatMessage>>> ChatService::Transcript(const Caller& caller,
                                                                          const std::string& contact_id) {
  std::pair<Chat, std::vector<ChatMessage>> out;
  RXD_TRY(store_.Read([&](Connection& c) -> Status {
    RXD_ASSIGN_OR_RETURN(out.first, LoadFor(c, caller, contact_id, Access::kReader));
    std::int64_t after = 0;
    for (;;) {
      RXD_ASSIGN_OR_RETURN(std::vector<ChatMessage> page, LoadMessages(c, contact_id, after, 1000));
      if (page.empty()) break;
      after = page.back().seq;
      for (ChatMessage& m : page) out.second.push_back(std::move(m));
    }
    return OkStatus();
  }));
  RXD_TRY(AuditAlone(store_, MakeAudit(InChat(caller, contact_id), clock_.Now(), "chat.transcript.read", "chat",
                                       contact_id, out.first.member_id)));
  return out;
}

}  // namespace rxdesk
