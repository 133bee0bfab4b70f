#include "services/message_service.h"

#include <array>

#include "domain/contact_info.h"
#include "infra/ids.h"
#include "services/audit.h"
#include "services/notifications.h"
#include "services/references.h"

namespace rxdesk {
namespace {

constexpr std::array<std::string_view, 3> kStatusNames = {"awaiting_reply", "answered", "closed"};

constexpr char kSelect[] =
    "SELECT t.id, t.contact_id, c.reference, t.member_id, t.subject_enc, t.status, COALESCE(t.awaiting_since, ''), "
    "t.created_at, t.updated_at FROM message_threads t JOIN contacts c ON c.id = t.contact_id";

Error NoThread() { return MakeError("not_found", "no such message thread"); }

bool IsPharmacist(const Caller& caller) { return caller.principal.role == Role::kPharmacist; }

Status CheckText(const std::string& text, const char* field, std::size_t max_bytes) {
  if (text.find_first_not_of(" \t\r\n") == std::string::npos) return InvalidField(field, "is required");
  if (text.size() > max_bytes) {
    return InvalidField(field, "must be at most " + std::to_string(max_bytes) + " bytes");
  }
  std::string flat = text;  // line breaks are fine in a message; other control characters are not
  for (char& c : flat) {
    if (c == '\n' || c == '\r') c = ' ';
  }
  if (!IsPrintableUtf8(flat)) return InvalidField(field, "must be UTF-8 text without control characters");
  return OkStatus();
}

}  // namespace

std::string_view ToString(ThreadStatus status) { return kStatusNames[static_cast<std::size_t>(status)]; }

std::optional<ThreadStatus> ParseThreadStatus(std::string_view text) {
  for (std::size_t i = 0; i < kStatusNames.size(); ++i) {
    if (kStatusNames[i] == text) return static_cast<ThreadStatus>(i);
  }
  return std::nullopt;
}

Status MessageService::ValidateText(const std::string& subject, const std::string& body) const {
  RXD_TRY(CheckText(subject, "subject", policy_.max_subject_bytes));
  if (subject.find_first_of("\r\n") != std::string::npos) return InvalidField("subject", "must be one line");
  return CheckText(body, "body", policy_.max_body_bytes);
}

bool MessageService::MaySee(const Caller& caller, const MessageThread& t) const {
  if (IsPharmacist(caller)) return true;
  return caller.principal.role == Role::kMember && !caller.principal.member_id.empty() &&
         caller.principal.member_id == t.member_id;
}

Result<MessageThread> MessageService::ThreadOf(const Row& r) const {
  MessageThread t{.id = r.Text(0), .contact_id = r.Text(1), .reference = r.Text(2), .member_id = r.Text(3)};
  RXD_ASSIGN_OR_RETURN(t.subject, vault_.Open("message_threads", t.id, "subject", r.at(4)));
  t.status = ParseThreadStatus(r.Text(5)).value_or(ThreadStatus::kClosed);
  t.awaiting_since = r.Text(6);
  t.created_at = r.Text(7);
  t.updated_at = r.Text(8);
  return t;
}

Result<std::optional<MessageThread>> MessageService::Load(Connection& conn, const std::string& id,
                                                          bool with_messages) const {
  RXD_ASSIGN_OR_RETURN(Rows rows, conn.Query(std::string(kSelect) + " WHERE t.id = ?", {Value(id)}));
  if (rows.empty()) return std::optional<MessageThread>();
  const Row& r = rows[0];
  RXD_ASSIGN_OR_RETURN(MessageThread t, ThreadOf(r));
  if (with_messages) {
    RXD_ASSIGN_OR_RETURN(Rows msgs, conn.Query("SELECT id, author_role, author_id, body_enc, created_at FROM "
                                               "thread_messages WHERE thread_id = ? ORDER BY id",
                                               {Value(id)}));
    for (const Row& m : msgs) {
      ThreadMessage msg{.id = m.Text(0), .author_role = m.Text(1), .author_id = m.Text(2)};
      RXD_ASSIGN_OR_RETURN(msg.body, vault_.Open("thread_messages", msg.id, "body", m.at(3)));
      msg.created_at = m.Text(4);
      t.messages.push_back(std::move(msg));
    }
  }
  return std::optional<MessageThread>(std::move(t));
}

Status MessageService::AppendMessage(Connection& conn, const std::string& thread_id, const Caller& caller,
                                     const std::string& body, Instant now) const {
  const std::string id = NewId();
  RXD_TRY(conn.Exec(
      "INSERT INTO thread_messages(id, thread_id, author_id, author_role, body_enc, key_id, created_at) "
      "VALUES (?, ?, ?, ?, ?, ?, ?)",
      {Value(id), Value(thread_id), Value(caller.principal.user_id),
       Value(IsPharmacist(caller) ? "pharmacist" : "member"), Value(vault_.Seal("thread_messages", id, "body", body)),
       Value(static_cast<std::int64_t>(vault_.current_key_id())), Value(FormatInstant(now))}));
  return OkStatus();
}

Result<MessageThread> MessageService::Start(const Caller& caller, const std::string& subject, const std::string& body,
                                            const CommitHook<MessageThread>& on_commit) {
  if (caller.principal.role != Role::kMember || caller.principal.member_id.empty()) {
    return MakeError("forbidden", "only a member starts a secure message thread");
  }
  RXD_TRY(ValidateText(subject, body));
  const Instant now = clock_.Now();
  const std::string at = FormatInstant(now);
  MessageThread thread;
  RXD_TRY(store_.Write([&](WriteContext& w) -> Status {
    // The thread's contact: opened by the member, who is known by signing in.
    const std::string contact_id = NewId();
    RXD_ASSIGN_OR_RETURN(std::string reference, UniqueReference(w.conn, zone_.LocalDate(now), ReferenceEntropy));
    RXD_TRY(
        w.conn.Exec("INSERT INTO contacts(id, reference, channel, agent_id, member_id, status, verification, "
                    "verified_by, opened_at, verified_at, updated_at) VALUES (?, ?, 'message', ?, ?, 'open', "
                    "'verified', 'sign_in', ?, ?, ?)",
                    {Value(contact_id), Value(reference), Value(caller.principal.user_id),
                     Value(caller.principal.member_id), Value(at), Value(at), Value(at)}));
    RXD_TRY(w.audit.Append(w.conn,
                           MakeAudit(caller, now, "contact.open", "contact", contact_id, caller.principal.member_id)));
    const std::string id = NewId();
    RXD_TRY(
        w.conn.Exec("INSERT INTO message_threads(id, contact_id, member_id, subject_enc, status, awaiting_since, "
                    "key_id, created_at, updated_at) VALUES (?, ?, ?, ?, 'awaiting_reply', ?, ?, ?, ?)",
                    {Value(id), Value(contact_id), Value(caller.principal.member_id),
                     Value(vault_.Seal("message_threads", id, "subject", subject)), Value(at),
                     Value(static_cast<std::int64_t>(vault_.current_key_id())), Value(at), Value(at)}));
    RXD_TRY(AppendMessage(w.conn, id, caller, body, now));
    RXD_TRY(w.audit.Append(
        w.conn, MakeAudit(caller, now, "message_thread.create", "message_thread", id, caller.principal.member_id)));
    RXD_ASSIGN_OR_RETURN(std::optional<MessageThread> stored, Load(w.conn, id, true));
    if (!stored) return MakeError("store_error", "the new thread is missing");
    thread = std::move(*stored);
    return on_commit ? on_commit(w.conn, thread) : OkStatus();
  }));
  return thread;
}

Result<Page<MessageThread>> MessageService::List(const Caller& caller, std::optional<ThreadStatus> status, int limit,
                                                 const std::string& cursor) {
  if (!cursor.empty() && !IsValidId(cursor)) return InvalidField("cursor", "is not a cursor this API gave out");
  std::string sql = std::string(kSelect) + " WHERE 1 = 1";
  std::vector<Value> params;
  if (!IsPharmacist(caller)) {
    if (caller.principal.role != Role::kMember || caller.principal.member_id.empty()) {
      return MakeError("forbidden", "members and pharmacists read secure messages");
    }
    sql += " AND t.member_id = ?";
    params.emplace_back(caller.principal.member_id);
  }
  if (status) {
    sql += " AND t.status = ?";
    params.emplace_back(ToString(*status));
  }
  if (!cursor.empty()) {
    sql += " AND t.id > ?";
    params.emplace_back(cursor);
  }
  sql += " ORDER BY t.id LIMIT ?";
  params.emplace_back(limit + 1);
  Page<MessageThread> page;
  RXD_TRY(store_.Read([&](Connection& conn) -> Status {
    RXD_ASSIGN_OR_RETURN(Rows rows, conn.Query(sql, params));
    for (const Row& r : rows) {
      if (static_cast<int>(page.items.size()) == limit) {
        page.next_cursor = page.items.back().id;
        break;
      }
      RXD_ASSIGN_OR_RETURN(MessageThread t, ThreadOf(r));
      page.items.push_back(std::move(t));
    }
    return OkStatus();
  }));
  RXD_TRY(AuditAlone(store_, MakeAudit(caller, clock_.Now(), "message_thread.list", "message_thread", "-",
                                       IsPharmacist(caller) ? "" : caller.principal.member_id)));
  return page;
}

Result<MessageThread> MessageService::Get(const Caller& caller, const std::string& id) {
  if (!IsValidId(id)) return NoThread();
  RXD_ASSIGN_OR_RETURN(std::optional<MessageThread> t, store_.Read([&](Connection& c) { return Load(c, id, true); }));
  if (!t || !MaySee(caller, *t)) {
    RXD_TRY(
        AuditAlone(store_, MakeAudit(caller, clock_.Now(), "message_thread.read", "message_thread", id, "", "denied")));
    return NoThread();
  }
  RXD_TRY(
      AuditAlone(store_, MakeAudit(caller, clock_.Now(), "message_thread.read", "message_thread", id, t->member_id)));
  return std::move(*t);
}

Result<MessageThread> MessageService::Reply(const Caller& caller, const std::string& id, const std::string& body,
                                            const CommitHook<MessageThread>& on_commit) {
  RXD_TRY(CheckText(body, "body", policy_.max_body_bytes));
  if (!IsValidId(id)) return NoThread();
  const Instant now = clock_.Now();
  const std::string at = FormatInstant(now);
  MessageThread thread;
  std::optional<Error> refusal;
  RXD_TRY(store_.Write([&](WriteContext& w) -> Status {
    RXD_ASSIGN_OR_RETURN(std::optional<MessageThread> t, Load(w.conn, id, false));
    if (!t || !MaySee(caller, *t)) {
      refusal = NoThread();
      return w.audit.Append(w.conn, MakeAudit(caller, now, "message.create", "message_thread", id, "", "denied"));
    }
    if (t->status == ThreadStatus::kClosed) {
      refusal = MakeError("conflict", "the thread is closed: start a new message");
      return w.audit.Append(
          w.conn, MakeAudit(caller, now, "message.create", "message_thread", id, t->member_id, "refused:conflict"));
    }
    RXD_TRY(AppendMessage(w.conn, id, caller, body, now));
    if (IsPharmacist(caller)) {
      RXD_TRY(
          w.conn.Exec("UPDATE message_threads SET status = 'answered', awaiting_since = NULL, updated_at = ? "
                      "WHERE id = ?",
                      {Value(at), Value(id)}));
      // The first pharmacist to answer holds the thread's contact (notes, escalations).
      RXD_TRY(
          w.conn.Exec("UPDATE contacts SET agent_id = ?, updated_at = ? WHERE id = ? AND agent_id IN (SELECT id "
                      "FROM users WHERE role = 'member')",
                      {Value(caller.principal.user_id), Value(at), Value(t->contact_id)}));
      RXD_TRY(QueueNotification(
          w.conn,
          {.member_id = t->member_id, .template_id = "message_reply", .params = {{"reference", t->reference}}}));
    } else {
      // The SLA clock runs from the oldest unanswered member message: a second one does not restart it.
      RXD_TRY(
          w.conn.Exec("UPDATE message_threads SET status = 'awaiting_reply', awaiting_since = COALESCE("
                      "awaiting_since, ?), updated_at = ? WHERE id = ?",
                      {Value(at), Value(at), Value(id)}));
    }
    RXD_TRY(w.audit.Append(w.conn, MakeAudit(caller, now, "message.create", "message_thread", id, t->member_id)));
    RXD_ASSIGN_OR_RETURN(std::optional<MessageThread> stored, Load(w.conn, id, true));
    thread = std::move(*stored);
    return on_commit ? on_commit(w.conn, thread) : OkStatus();
  }));
  if (refusal) return *refusal;
  return thread;
}

Result<MessageThread> MessageService::Close(const Caller& caller, const std::string& id,
                                            const ContactOutcome& outcome) {
  if (!outcome.disposition || !outcome.issue) {
    return InvalidField(outcome.disposition ? "issue" : "disposition", "is required to close a thread");
  }
  if (!IsPharmacist(caller)) return MakeError("forbidden", "a pharmacist closes a secure message thread");
  if (!IsValidId(id)) return NoThread();
  const Instant now = clock_.Now();
  MessageThread thread;
  std::optional<Error> refusal;
  RXD_TRY(store_.Write([&](WriteContext& w) -> Status {
    RXD_ASSIGN_OR_RETURN(std::optional<MessageThread> t, Load(w.conn, id, false));
    if (!t) {
      refusal = NoThread();
      return OkStatus();
    }
    if (t->status == ThreadStatus::kClosed) {
      refusal = MakeError("conflict", "the thread is already closed");
      return OkStatus();
    }
    RXD_ASSIGN_OR_RETURN(std::optional<Contact> contact, LoadContact(w.conn, t->contact_id));
    if (!contact) return MakeError("store_error", "the thread's contact is missing");
    RXD_TRY(
        w.conn.Exec("UPDATE message_threads SET status = 'closed', awaiting_since = NULL, updated_at = ? WHERE id = ?",
                    {Value(FormatInstant(now)), Value(id)}));
    if (contact->open) RXD_TRY(contacts_.CloseWithin(w, caller, *contact, outcome, now));
    RXD_TRY(w.audit.Append(w.conn, MakeAudit(caller, now, "message_thread.close", "message_thread", id, t->member_id)));
    RXD_ASSIGN_OR_RETURN(std::optional<MessageThread> stored, Load(w.conn, id, true));
    thread = std::move(*stored);
    return OkStatus();
  }));
  if (refusal) return *refusal;
  return thread;
}

Result<MessageSlaReport> MessageService::Sla(const Caller& caller, int limit) {
  if (caller.principal.role != Role::kPharmacist && caller.principal.role != Role::kSupervisor) {
    return MakeError("forbidden", "pharmacists and supervisors watch the message SLA");
  }
  MessageSlaReport report;
  report.as_of = clock_.Now();
  const std::string warn_from = FormatInstant(report.as_of - policy_.sla.warn_after);
  RXD_ASSIGN_OR_RETURN(Rows rows, store_.Read([&](Connection& c) {
    return c.Query(
        "SELECT t.id, c.reference, t.awaiting_since FROM message_threads t JOIN contacts c ON c.id = "
        "t.contact_id WHERE t.status = 'awaiting_reply' AND t.awaiting_since <= ? ORDER BY "
        "t.awaiting_since, t.id",
        {Value(warn_from)});
  }));
  for (const Row& r : rows) {
    RXD_ASSIGN_OR_RETURN(const Instant since, ParseInstant(r.Text(2), "awaiting_since"));
    const MessageSla sla = ClassifyMessageSla(since, report.as_of, policy_.sla);
    if (sla.state == SlaState::kWithin) continue;
    (sla.state == SlaState::kBreached ? report.breaches : report.warnings)++;
    if (static_cast<int>(report.items.size()) < limit) {
      report.items.push_back({.thread_id = r.Text(0), .reference = r.Text(1), .awaiting_since = r.Text(2), .sla = sla});
    }
  }
  return report;
}

}  // namespace rxdesk
