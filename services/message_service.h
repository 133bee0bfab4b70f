// Secure messages between a member and the pharmacist pool (PRODUCT.md section
// 7): a thread per question, each with a contact record of channel "message"
// and its reference number; the member is notified of a pharmacist's reply
// ("message_reply"); the SLA warns at 24 h and breaches at 48 h after the
// oldest member message no pharmacist has answered (domain/message_sla.h).
//
//   MessageService messages(store, vault, clock, zone, contacts, MessagePolicy{});
//   RXD_ASSIGN_OR_RETURN(MessageThread t, messages.Start(member, "Refill question", "Can I ...?", nullptr));
//   RXD_ASSIGN_OR_RETURN(t, messages.Reply(pharmacist, t.id, "Yes, ...", nullptr));   // member notified
//   RXD_ASSIGN_OR_RETURN(MessageSlaReport late, messages.Sla(supervisor, 50));
//
// A thread is awaiting_reply while a member message is unanswered, answered
// after a pharmacist's reply, closed when a pharmacist closes it with the
// contact's disposition and issue (then the member starts a new thread).
// Subjects and bodies are sealed; every read and write is audited. Members see
// their own threads only; the first pharmacist who replies holds the contact.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "domain/clock.h"
#include "domain/message_sla.h"
#include "domain/zone.h"
#include "services/contact_service.h"
#include "services/idempotency.h"
#include "services/phi_vault.h"

namespace rxdesk {

struct MessagePolicy {
  std::size_t max_subject_bytes = 200;  // a line
  std::size_t max_body_bytes = 8000;    // a long letter; attachments are not messages
  MessageSlaPolicy sla;                 // [messages] warn_hours, breach_hours
};

enum class ThreadStatus { kAwaitingReply, kAnswered, kClosed };
std::string_view ToString(ThreadStatus status);  // "awaiting_reply", "answered", "closed"
std::optional<ThreadStatus> ParseThreadStatus(std::string_view text);

struct ThreadMessage {
  std::string id;
  std::string author_role;  // member | pharmacist
  std::string author_id;
  std::string body;
  std::string created_at;
};

struct MessageThread {
  std::string id;
  std::string contact_id;
  std::string reference;  // the contact's: what the member quotes
  std::string member_id;
  std::string subject;
  ThreadStatus status = ThreadStatus::kAwaitingReply;
  std::string awaiting_since;  // "" unless awaiting_reply
  std::string created_at;
  std::string updated_at;
  std::vector<ThreadMessage> messages;  // oldest first; filled by Get, Start and Reply only
};

struct SlaItem {
  std::string thread_id;
  std::string reference;
  std::string awaiting_since;
  MessageSla sla;
};

struct MessageSlaReport {
  Instant as_of{};
  int warnings = 0;            // every thread in warning, whatever the limit
  int breaches = 0;            // every thread in breach
  std::vector<SlaItem> items;  // breaches and warnings, longest waiting first, at most `limit`
};

class MessageService {
 public:
  MessageService(Store& store, const PhiVault& vault, const Clock& clock, const Zone& zone,
                 const ContactService& contacts, MessagePolicy policy)
      : store_(store), vault_(vault), clock_(clock), zone_(zone), contacts_(contacts), policy_(policy) {}

  // A member's new thread. Refusals: forbidden (not a member), invalid_request (subject, body).
  Result<MessageThread> Start(const Caller& caller, const std::string& subject, const std::string& body,
                              const CommitHook<MessageThread>& on_commit);
  // Members: their threads; pharmacists: the pool. Oldest first; `cursor` is the
  // last id of the previous page. Refusal: invalid_request (cursor).
  Result<Page<MessageThread>> List(const Caller& caller, std::optional<ThreadStatus> status, int limit,
                                   const std::string& cursor);
  // Refusal: not_found (no such thread, or another member's).
  Result<MessageThread> Get(const Caller& caller, const std::string& id);
  // A reply by the thread's member or a pharmacist. Refusals: not_found,
  // invalid_request (body), conflict (the thread is closed).
  Result<MessageThread> Reply(const Caller& caller, const std::string& id, const std::string& body,
                              const CommitHook<MessageThread>& on_commit);
  // A pharmacist closes the thread and its contact with a disposition and issue
  // (FCR and the CSAT survey follow, as for any contact). Refusals: not_found,
  // conflict (already closed), those of ContactService::Close.
  Result<MessageThread> Close(const Caller& caller, const std::string& id, const ContactOutcome& outcome);
  // Threads past the warning threshold at the clock's now. Pharmacists and supervisors.
  Result<MessageSlaReport> Sla(const Caller& caller, int limit);

  const MessagePolicy& policy() const { return policy_; }

 private:
  Status ValidateText(const std::string& subject, const std::string& body) const;
  Result<std::optional<MessageThread>> Load(Connection& conn, const std::string& id, bool with_messages) const;
  // A row of the thread columns (kSelect), its subject opened.
  Result<MessageThread> ThreadOf(const Row& r) const;
  bool MaySee(const Caller& caller, const MessageThread& t) const;
  Status AppendMessage(Connection& conn, const std::string& thread_id, const Caller& caller, const std::string& body,
                       Instant now) const;

  Store& store_;
  const PhiVault& vault_;
  const Clock& clock_;
  const Zone& zone_;
  const ContactService& contacts_;
  MessagePolicy policy_;
};

}  // namespace rxdesk
