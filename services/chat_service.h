// Web chats (PRODUCT.md §7; docs/contact-center.md "Web chat"): a member's chat
// is a contact routed by the ACD (services/contact_center.h); its messages are
// kept sealed (chat text is PHI) with a sequence number per chat, each stored in
// the same transaction as its audit entry, so a restart loses no chat and no
// acknowledged message, and a client that reconnects asks for what it missed.
//
//   RXD_ASSIGN_OR_RETURN(ChatStarted s, chats.Start(member, {.queue = "chat"}));
//   RXD_ASSIGN_OR_RETURN(PostedMessage m, chats.Post(member, s.chat.id, "c-1", "Is my refill ready?"));
//   // m.message.seq == 1; the same client_id again returns seq 1 with duplicate = true
//   RXD_ASSIGN_OR_RETURN(auto missed, chats.After(agent, s.chat.id, /*after_seq=*/0));   // audited read
//   RXD_TRY(chats.End(member, s.chat.id));
//
// Who may do what: the chat's member (their own token) and the agent it was
// assigned to are its participants; a supervisor may read any transcript. Anyone
// else gets not_found, so chat ids reveal nothing. Thread-safe.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "domain/acd.h"
#include "domain/chat.h"
#include "domain/clock.h"
#include "services/caller.h"
#include "services/contact_center.h"
#include "services/phi_vault.h"
#include "store/store.h"

namespace rxdesk {

struct Chat {
  std::string id;  // the chat contact's id
  std::string reference;
  std::string member_user_id;
  std::string member_id;      // the signed-in member's record ("" if the account has none)
  std::string agent_user_id;  // "" while waiting
  std::string queue;
  std::string language;  // "en" | "es"
  std::string status;    // waiting | active | ended
  std::int64_t last_seq = 0;
  std::int64_t member_read_seq = 0;
  std::int64_t agent_read_seq = 0;
  std::string created_at;
  std::string assigned_at;
  std::string ended_at;
  std::string ended_by;  // member | agent | system
};

struct ChatMessage {
  std::string chat_id;
  std::int64_t seq = 0;
  std::string client_id;
  std::string sender_role;  // member | agent
  std::string sender_user_id;
  std::string text;
  std::string sent_at;
};

struct ChatStart {
  std::string queue;  // "" = the policy's default queue
  Language language = Language::kEnglish;
};

struct ChatStarted {
  Chat chat;
  int position = 0;  // 1 = next; 0 = already with an agent
  std::chrono::seconds expected_wait{0};
};

struct PostedMessage {
  ChatMessage message;
  bool duplicate = false;  // this client_id was stored before: nothing new was stored
  Chat chat;               // the chat after the message (participants for delivery)
};

class ChatService {
 public:
  // `center` may be null (no contact center wired): Start then refuses with unavailable.
  ChatService(Store& store, const PhiVault& vault, const Clock& clock, ContactCenter* center, ChatPolicy policy);

  // A signed-in member starts a chat: a chat contact arrives in the queue.
  // Refusals: forbidden (not a member), invalid_request field "topic" (unknown
  // queue), unavailable (no contact center).
  Result<ChatStarted> Start(const Caller& member, const ChatStart& start);
  // Records the agent the ACD assigned to a chat contact (from ContactCenter's
  // OnAssigned). Refusal: not_found (not a chat). Repeating it is harmless.
  Result<Chat> Assign(const std::string& chat_id, const std::string& agent_user_id);

  // The chat, for a participant or a supervisor. Refusal: not_found.
  Result<Chat> Get(const Caller& caller, const std::string& chat_id);
  // The caller's chats that are not ended (a member's own; an agent's assigned ones).
  Result<std::vector<Chat>> OpenChats(const Caller& caller);

  // Stores a participant's message, sealed, with the next seq, and its audit entry,
  // in one transaction. The same (sender, client_id) again returns the first copy
  // with duplicate = true. Refusals: not_found, invalid_request ("text",
  // "client_id"), conflict (chat ended; or an agent writing before assignment).
  Result<PostedMessage> Post(const Caller& caller, const std::string& chat_id, const std::string& client_id,
                             const std::string& text);
  // Messages with seq > after_seq, oldest first, at most the policy's replay page
  // (the caller asks again after the last). Audited as a read. Refusal: not_found.
  Result<std::vector<ChatMessage>> After(const Caller& caller, const std::string& chat_id, std::int64_t after_seq);
  // Records that the caller has read up to `seq` (never moves back; capped at the
  // last message). Refusal: not_found.
  Result<Chat> MarkRead(const Caller& caller, const std::string& chat_id, std::int64_t seq);
  // Ends the chat: a waiting one is abandoned, one with an agent finished
  // (ContactCenter). Ending an ended chat returns it unchanged. Refusal: not_found.
  Result<Chat> End(const Caller& caller, const std::string& chat_id);

  // The whole conversation of a chat contact: its participants, the agent it was
  // assigned to, a supervisor. Audited as a read. Refusal: not_found.
  Result<std::pair<Chat, std::vector<ChatMessage>>> Transcript(const Caller& caller, const std::string& contact_id);

  const ChatPolicy& policy() const { return policy_; }

 private:
  enum class Access { kParticipant, kReader };
  Result<Chat> LoadFor(Connection& conn, const Caller& caller, const std::string& chat_id, Access access);
  Result<std::vector<ChatMessage>> LoadMessages(Connection& conn, const std::string& chat_id, std::int64_t after_seq,
                                                int limit);

  Store& store_;
  const PhiVault& vault_;
  const Clock& clock_;
  ContactCenter* center_;
  const ChatPolicy policy_;
};

}  // namespace rxdesk
